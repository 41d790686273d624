// Your own services as a lab: istio-lab:apps.custom rendered as the samples are, the custom
// scenario's routes checked by zod and by the mesh analyzer, the seed's release walked in three
// steps that touch only that service's routes, and verify's probes for them.
import { describe, expect, it } from "vitest";
import { seedServices } from "../../catalog/apps/seed";
import { resolveScenario } from "../../catalog/scenarios";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { planUpdate } from "../../tools/lib/plan";
import { configErrors } from "../harness";
import { validateObject } from "../validate";
import { istioSpec, objectsOf, renderScenario } from "./render-scenario";

const apps = { "istio-lab:apps": { custom: seedServices } };
const step = (routes: unknown[]) => renderScenario("custom", { routes }, apps);
/** The seed's release, one `pulumi config set --path` at a time (README, "Your own app"). */
const canary = [{ service: "back", weights: { v1: 90, v2: 10 } }];
const mirrorV3 = [{ service: "back", weights: { v2: 100 }, mirror: { version: "v3" } }];
const thirtySeventy = [{ service: "back", weights: { v2: 30, v3: 70 } }];

describe("declared services", () => {
  it("render as the samples do: a ServiceAccount, a Service and a Deployment per version with app and version labels", async () => {
    const r = await step(canary);
    const names = objectsOf(r, "workloads").map((o) => o.name).sort();
    expect(names).toEqual(
      [
        "Deployment/bookinfo/back-v1",
        "Deployment/bookinfo/back-v2",
        "Deployment/bookinfo/back-v3",
        "Deployment/bookinfo/curl",
        "Deployment/bookinfo/front-v1",
        "Deployment/bookinfo/mongodb-v1",
        "Service/bookinfo/back",
        "Service/bookinfo/curl",
        "Service/bookinfo/front",
        "Service/bookinfo/mongodb",
        "ServiceAccount/bookinfo/back",
        "ServiceAccount/bookinfo/curl",
        "ServiceAccount/bookinfo/front",
        "ServiceAccount/bookinfo/mongodb",
      ].sort(),
    );
    const back = objectsOf(r, "workloads").find((o) => o.name === "Deployment/bookinfo/back-v2")!.inputs as any;
    expect(back.spec.template.metadata.labels).toEqual({ app: "back", version: "v2" });
    expect(back.spec.template.spec.containers[0]).toMatchObject({
      image: "registry.example.com/seed/back:1.1.0",
      ports: [{ containerPort: 8080 }],
      env: [{ name: "SPRING_DATA_MONGODB_URI", value: "mongodb://mongodb:27017/seed" }],
      resources: { requests: { cpu: "100m", memory: "256Mi" } },
      readinessProbe: { httpGet: { path: "/actuator/health", port: 8080 } },
    });
    // Istio picks the protocol by port name.
    expect((objectsOf(r, "workloads").find((o) => o.name === "Service/bookinfo/mongodb")!.inputs as any).spec.ports).toEqual([{ name: "tcp", port: 27017 }]);
    for (const o of objectsOf(r, "workloads")) await validateObject(o.inputs);
  });

  it("pull through the lab's mirror like every other image", async () => {
    const r = await renderScenario("custom", { routes: canary }, { "istio-lab:apps": { custom: seedServices, imageRegistry: "mirror.example.com/lab" } });
    const images = objectsOf(r, "workloads").flatMap((o) => ((o.inputs as any).spec?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image));
    expect(images.filter((i: string) => !i.startsWith("mirror.example.com/lab/"))).toEqual([]);
    expect(images).toContain("mirror.example.com/lab/back:1.0.0");
  });
});

describe("the traffic plan", () => {
  it("gives every service a subset per version, the routes to the routed service, and the gateway its exposed paths (longest first)", async () => {
    const r = await step(canary);
    expect(istioSpec(r, "DestinationRule", "back")).toEqual({ host: "back", subsets: ["v1", "v2", "v3"].map((v) => ({ name: v, labels: { version: v } })) });
    expect(istioSpec(r, "VirtualService", "back")).toEqual({
      hosts: ["back"],
      http: [{ route: [{ destination: { host: "back", subset: "v1" }, weight: 90 }, { destination: { host: "back", subset: "v2" }, weight: 10 }] }],
    });
    const ingress = istioSpec(r, "VirtualService", "custom-ingress") as { gateways: string[]; http: { match: { uri: { prefix: string } }[] }[] };
    expect(ingress.gateways).toEqual(["custom-gateway"]);
    expect(ingress.http.map((h) => h.match[0].uri.prefix)).toEqual(["/api", "/"]);
  });

  it("says it in the catalog's vocabulary: matches, faults, timeouts, retries, mirrors and policies", () => {
    const spec = resolveScenario(
      "custom",
      {
        routes: [
          { service: "back", match: { headers: { "end-user": "jason" } }, weights: { v3: 100 }, fault: { delay: { fixedDelay: "2s", percent: 50 } } },
          { service: "back", weights: { v1: 100 }, timeout: "1s", retries: { attempts: 2, perTryTimeout: "500ms", retryOn: "5xx" }, mirror: { version: "v2", percent: 20 } },
        ],
        policies: { back: { connectionPool: { maxConnections: 1 }, outlierDetection: { consecutive5xxErrors: 1, interval: "1s" } } },
      },
      seedServices,
    );
    const vs = spec.resources.find((x) => x.kind === "VirtualService" && x.name === "back")!.spec as any;
    expect(vs.http[0]).toEqual({ match: [{ headers: { "end-user": { exact: "jason" } } }], route: [{ destination: { host: "back", subset: "v3" } }], fault: { delay: { fixedDelay: "2s", percentage: { value: 50 } } } });
    expect(vs.http[1]).toMatchObject({ timeout: "1s", retries: { attempts: 2, perTryTimeout: "500ms", retryOn: "5xx" }, mirror: { host: "back", subset: "v2" }, mirrorPercentage: { value: 20 } });
    const dr = spec.resources.find((x) => x.kind === "DestinationRule" && x.name === "back")!.spec as any;
    expect(dr.trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 1 } }, outlierDetection: { consecutive5xxErrors: 1, interval: "1s" } });
    expect(analyzeScenario("custom", spec)).toEqual([]);
  });
});

describe("the seed's release in three steps", () => {
  it("canary 90/10, then v2 with v3 mirrored, then 30/70: each step updates only back's routes, nothing outside the scenario", async () => {
    const [a, b, c] = [await step(canary), await step(mirrorV3), await step(thirtySeventy)];
    for (const [from, to] of [[a, b], [b, c]]) {
      const plan = planUpdate(from, to);
      expect(plan.create.map((x) => x.name)).toEqual([]);
      expect(plan.delete.map((x) => x.name)).toEqual([]);
      expect(plan.replace.map((x) => x.resource.name)).toEqual([]);
      expect(plan.update.map((x) => x.resource.name).sort()).toEqual(["VirtualService/bookinfo/back", "VirtualService/bookinfo/custom-ingress"]);
    }
    expect(istioSpec(b, "VirtualService", "back")).toMatchObject({ http: [{ route: [{ destination: { host: "back", subset: "v2" } }], mirror: { host: "back", subset: "v3" }, mirrorPercentage: { value: 100 } }] });
  });

  it("gives verify each step's promise: the shares through the gateway, and the mirrored copy in v3's access log", () => {
    const probes = (routes: unknown[]) => resolveScenario("custom", { routes }, seedServices).probes;
    expect(probes(canary)).toEqual([
      { kind: "versions", service: "back", path: "/api", requests: 80, marker: { header: "x-version" }, versions: ["v1", "v2", "v3"], expected: { v1: 90, v2: 10 } },
    ]);
    expect(probes(mirrorV3)).toEqual([
      expect.objectContaining({ kind: "versions", expected: { v2: 100 } }),
      { kind: "mirrored", from: "curl", url: "http://back:8080/api", answeredBy: "back-v2", alsoLoggedBy: ["back-v3"] },
    ]);
    expect(probes(thirtySeventy)[0]).toMatchObject({ expected: { v2: 30, v3: 70 } });
  });
});

describe("bad input, refused before anything is registered, naming the key", () => {
  const errors = (custom: unknown, routes: unknown[] = canary) => configErrors({ "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": "custom", "istio-lab:scenarioOptions": { routes }, "istio-lab:apps": { custom } });
  const back = seedServices[1];

  it("a version without an image, an image that is no reference, a port out of range, a name that is not DNS-1123", async () => {
    expect(await errors([{ ...back, versions: [{ name: "v1" }] }])).toEqual([expect.stringMatching(/^istio-lab:apps\.custom\[0\]\.versions\[0\]\.image: /)]);
    expect(await errors([{ ...back, versions: [{ name: "v1", image: "Back:latest" }] }])).toEqual([expect.stringMatching(/^istio-lab:apps\.custom\[0\]\.versions\[0\]\.image: must be an image reference/)]);
    expect(await errors([{ ...back, port: 70000 }])).toEqual([expect.stringMatching(/^istio-lab:apps\.custom\[0\]\.port: must be a port number from 1 to 65535/)]);
    expect(await errors([{ ...back, name: "Back_End" }])).toEqual([expect.stringMatching(/^istio-lab:apps\.custom\[0\]\.name: must be a DNS-1123 label/)]);
  });

  /** Every issue on the route's key, and one of them saying why (the gateway's copy of the route may repeat it). */
  const onRoute = (list: string[], why: RegExp) => {
    expect(list.length).toBeGreaterThan(0);
    for (const line of list) expect(line).toMatch(/^istio-lab:scenarioOptions\.routes\[0\]: scenario custom: /);
    expect(list.some((line) => why.test(line)), list.join("\n")).toBe(true);
  };

  it("a route to an undeclared service or version, and weights that do not sum to 100, on the route's key", async () => {
    onRoute(await errors([back], [{ service: "payments", weights: { v1: 100 } }]), /host payments is not a Service/);
    onRoute(await errors([back], [{ service: "back", weights: { v1: 50, v9: 50 } }]), /subset v9 of back is not defined/);
    onRoute(await errors([back], [{ service: "back", weights: { v1: 60, v2: 30 } }]), /sum to 90/);
  });

  it("the analyzer's rules on a custom plan: no hash under weights, no retries on a faulted route", async () => {
    const hashed = await configErrors({
      "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" },
      "istio-lab:scenario": "custom",
      "istio-lab:scenarioOptions": { routes: canary, policies: { back: { consistentHash: { header: "end-user" } } } },
      "istio-lab:apps": { custom: [back] },
    });
    expect(hashed.join("\n")).toMatch(/^istio-lab:scenarioOptions\.(routes\[0\]|policies\.back): .*hash/m);
    onRoute(await errors([back], [{ service: "back", weights: { v1: 100 }, fault: { abort: { httpStatus: 500, percent: 10 } }, retries: { attempts: 3 } }]), /Istio disables retries there/);
  });

  it("scenario custom without declared services", async () => {
    expect(await errors(undefined)).toEqual(["istio-lab:apps.custom: is required for scenario custom: declare your services (name, port, versions with their images)"]);
  });
});
