// The Gateway API form of the traffic scenarios (scenarioOptions.api: gateway-api): its objects
// equal Istio 1.31's samples/*/gateway-api files and the tasks' Gateway API tabs up to documented
// deviations, pass the v1.6.0 CRDs' schemas, and the config, the mesh and the analyzer handle it.
import * as fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { resolveScenario } from "../../catalog/scenarios";
import { gatewayApiDuration, gatewayApiScenarios, inGatewayApi } from "../../catalog/scenarios/gateway-api";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import { selectApps } from "../../catalog/apps";
import * as rules from "../../components/scenarios/gateway-api-rules";
import { meshView } from "../../components/scenarios/mesh-view";
import { changesOutsideScenario } from "../../tools/lib/plan";
import { configErrors, kubernetesObjects, localCluster, renderStack, resource, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";
import { validateObject } from "../validate";

type Obj = Record<string, any>;
const upstreamDocs = (file: string): Obj[] =>
  parseAllDocuments(fs.readFileSync(upstreamFile(`istio-1.31/samples/${file}`), "utf8"))
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

const gatewayApi = { api: "gateway-api" };
const render = (scenario: string, options: Record<string, unknown> = gatewayApi) =>
  renderStack({ "istio-lab:cluster": localCluster, "istio-lab:scenario": scenario, "istio-lab:scenarioOptions": options });

/** The Gateway API objects of a render, as `kubectl get -o yaml` would show them without status. */
const routesOf = (r: Rendered) => kubernetesObjects(r).filter((x) => String(x.inputs.apiVersion).startsWith("gateway.networking.k8s.io/")).map((x) => x.inputs as Obj);
const byId = (objects: Obj[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

// ---- The documented deviations, as named transformations of upstream's documents ----------
const inBookinfo = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, namespace: "bookinfo" } });
/** The mesh's ingress gateway serves the Gateway (Istio's manual deployment), so the lab's URL stays. */
const onTheMeshGateway = (o: Obj): Obj =>
  o.kind !== "Gateway" ? o : { ...o, spec: { ...o.spec, addresses: [{ type: "Hostname", value: "istio-ingressgateway.istio-system.svc.cluster.local" }] } };

describe("the Gateway API form equals Istio's samples", () => {
  const bookinfoGateway = () => upstreamDocs("bookinfo/gateway-api/bookinfo-gateway.yaml");
  const reviewsRoute = (file: string) => upstreamDocs(`bookinfo/gateway-api/${file}`).find((o) => o.metadata.name === "reviews")!;
  const allV1 = () => upstreamDocs("bookinfo/gateway-api/route-all-v1.yaml");

  it.each([
    ["route-all-v1", () => [...bookinfoGateway(), ...allV1()]],
    ["shift-90-10", () => [...bookinfoGateway(), ...allV1().filter((o) => o.metadata.name !== "reviews"), reviewsRoute("route-reviews-90-10.yaml")]],
    ["shift-50-v3", () => [...bookinfoGateway(), ...allV1().filter((o) => o.metadata.name !== "reviews"), reviewsRoute("route-reviews-50-v3.yaml")]],
    ["shift-v3", () => [...bookinfoGateway(), ...allV1().filter((o) => o.metadata.name !== "reviews"), reviewsRoute("route-reviews-v3.yaml")]],
    ["bookinfo", () => bookinfoGateway()],
  ])("%s: samples/bookinfo/gateway-api, on the mesh's gateway", async (scenario, files) => {
    const expected = files().map(inBookinfo).map(onTheMeshGateway);
    const lab = byId(routesOf(await render(scenario)));
    expect([...lab.keys()].sort()).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    for (const object of expected) expect(lab.get(`${object.kind}/${object.metadata.name}`)).toEqual(object);
  });

  it("tcp-shift-80-20: samples/tcp-echo/gateway-api's Gateway and 80/20 TCPRoute, with its per-version Services", async () => {
    const [gateway, ...versionServices] = upstreamDocs("tcp-echo/gateway-api/tcp-echo-all-v1.yaml").filter((o) => o.kind !== "TCPRoute");
    const [split] = upstreamDocs("tcp-echo/gateway-api/tcp-echo-20-v2.yaml");
    const r = await render("tcp-shift-80-20");
    // The sample's TCPRoute is v1alpha2, which the v1.6.0 standard CRD no longer serves.
    expect(split.apiVersion).toBe("gateway.networking.k8s.io/v1alpha2");
    const servedVersion = { ...split, apiVersion: "gateway.networking.k8s.io/v1" };
    expect(routesOf(r)).toEqual([gateway, servedVersion].map(inBookinfo).map(onTheMeshGateway));
    // The per-version Services select as upstream's; they publish every port of tcp-echo's Service
    // (upstream's publish 9000 only).
    for (const service of versionServices) {
      const lab = resource(r, "kubernetes:core/v1:Service", `Service/bookinfo/${service.metadata.name}`).inputs as Obj;
      expect(lab.spec.selector).toEqual(service.spec.selector);
      expect(lab.spec.ports[0]).toEqual(service.spec.ports[0]);
    }
  });

  it("route-jason-v2 and request-timeout: the request-routing and request-timeouts tasks' reviews routes", async () => {
    // route-jason-v2 equals request-routing's snip_route_based_on_user_identity_3
    // (task-snippets-gateway-api.test.ts); request-timeout is derived (gateway-api.ts
    // gatewayApiForms says what it rests on): that route to reviews-v2 with timeouts.request.
    const reviews = (r: Rendered) => byId(routesOf(r)).get("HTTPRoute/reviews")!.spec;
    const parentRefs = [{ group: "", kind: "Service", name: "reviews", port: 9080 }];
    expect(reviews(await render("route-jason-v2"))).toEqual({
      parentRefs,
      rules: [{ matches: [{ headers: [{ name: "end-user", value: "jason" }] }], backendRefs: [{ name: "reviews-v2", port: 9080 }] }, { backendRefs: [{ name: "reviews-v1", port: 9080 }] }],
    });
    expect(reviews(await render("request-timeout"))).toEqual({ parentRefs, rules: [{ backendRefs: [{ name: "reviews-v2", port: 9080 }], timeouts: { request: "500ms" } }] });
  });

  it("ingress-httpbin: the ingress task's Gateway API tab, a listener for httpbin.example.com", async () => {
    const lab = byId(routesOf(await render("ingress-httpbin")));
    expect(lab.get("Gateway/httpbin-gateway")!.spec.listeners).toEqual([{ name: "http", port: 80, protocol: "HTTP", hostname: "httpbin.example.com", allowedRoutes: { namespaces: { from: "Same" } } }]);
    expect(lab.get("HTTPRoute/httpbin")!.spec).toEqual({
      parentRefs: [{ name: "httpbin-gateway" }],
      hostnames: ["httpbin.example.com"],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: "/status" } }, { path: { type: "PathPrefix", value: "/delay" } }], backendRefs: [{ name: "httpbin", port: 8000 }] }],
    });
  });

  it("mirroring: the mirroring task's RequestMirror filter to httpbin-v2, on the Service's own port", async () => {
    expect(byId(routesOf(await render("mirroring"))).get("HTTPRoute/httpbin")!.spec).toEqual({
      parentRefs: [{ group: "", kind: "Service", name: "httpbin", port: 8000 }],
      rules: [{ filters: [{ type: "RequestMirror", requestMirror: { backendRef: { name: "httpbin-v2", port: 8000 } } }], backendRefs: [{ name: "httpbin-v1", port: 8000 }] }],
    });
  });

  it("keeps what the Gateway API has no field for in Istio's form: fault-delay's ratings VirtualService and its DestinationRule", async () => {
    const spec = resolveScenario("fault-delay", gatewayApi);
    expect(spec.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(["DestinationRule/ratings", "VirtualService/ratings"]);
    expect(spec.gatewayApi!.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(["Gateway/bookinfo-gateway", "HTTPRoute/bookinfo", "HTTPRoute/productpage", "HTTPRoute/reviews", "HTTPRoute/details"]);
    // A subset-only DestinationRule goes with the routes that used it.
    expect(resolveScenario("route-all-v1", gatewayApi).resources).toEqual([]);
  });
});

describe("every Gateway API form", () => {
  it.each(gatewayApiScenarios)("%s renders objects the v1.6.0 CRDs and the Kubernetes and Istio schemas accept", async (scenario) => {
    const options = scenario === "canary" ? { ...gatewayApi, weights: { v1: 90, v3: 10 } } : gatewayApi;
    const objects = kubernetesObjects(await render(scenario, options)).filter((x) => x.parent === "scenario");
    expect(objects.some((x) => String(x.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"))).toBe(true);
    for (const object of objects) await validateObject(object.inputs);
  });

  it("would fail a field the CRD does not have (the validator on a changed copy)", async () => {
    const [route] = routesOf(await render("shift-v3")).filter((o) => o.kind === "HTTPRoute");
    await expect(validateObject({ ...route, spec: { ...route.spec, rules: [{ ...route.spec.rules[0], timeout: "1s" }] } })).rejects.toThrow(/additionalProperty/);
  });
});

describe("Gateway API durations", () => {
  it("are whole numbers of one unit, equal to Istio's", () => {
    expect(["0.5s", "2s", "90s", "60s", "1.5m", "250ms", "2h"].map(gatewayApiDuration)).toEqual(["500ms", "2s", "90s", "1m", "90s", "250ms", "2h"]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom("ms", "s", "m", "h"), (n, unit) => {
        const out = gatewayApiDuration(`${n}${unit}`);
        // GEP-2257's format, and the same length of time.
        const ms = (text: string) => Number(/^\d+/.exec(text)![0]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[/[a-z]+$/.exec(text)![0] as "ms"];
        return /^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(out) && ms(out) === ms(`${n}${unit}`);
      }),
    );
  });
});

describe("the config", () => {
  it("takes api on any scenario, and refuses a value it does not know and a scenario without a Gateway API form", async () => {
    expect(await configErrors({ "istio-lab:cluster": localCluster, "istio-lab:scenarioOptions": { api: "gatewayapi" } })).toEqual([
      expect.stringMatching(/^istio-lab:scenarioOptions\.api: /),
    ]);
    expect(await configErrors({ "istio-lab:cluster": localCluster, "istio-lab:scenario": "retries", "istio-lab:scenarioOptions": gatewayApi })).toEqual([
      `istio-lab:scenarioOptions.api: scenario retries has no Gateway API form: no istio.io task has it (retries have no task page). These have one: ${gatewayApiScenarios.join(", ")}`,
    ]);
    // A scenario's own options beside it.
    expect(resolveScenario("canary", { ...gatewayApi, weights: { v1: 90, v3: 10 } }).gatewayApi!.resources.find((r) => r.name === "reviews")).toMatchObject({
      spec: { rules: [{ backendRefs: [{ name: "reviews-v1", port: 9080, weight: 90 }, { name: "reviews-v3", port: 9080, weight: 10 }] }] },
    });
  });

  it("hands verify the API with the options, so the gate resolves the same form", async () => {
    const r = await renderStack({
      "istio-lab:cluster": localCluster,
      "istio-lab:scenario": "shift-v3",
      "istio-lab:scenarioOptions": gatewayApi,
      "istio-lab:verify": { gate: true, gatewayUrl: "http://127.0.0.1:8080" },
    });
    expect(String(resource(r, "command:local:Command", "verify-run").inputs.create)).toContain(`--options '{"api":"gateway-api"}'`);
  });
});

describe("the mesh", () => {
  it("installs the Gateway API's v1.6.0 CRDs only for a Gateway API form, before the scenario's objects", async () => {
    const istio = await render("shift-v3", { api: "istio" });
    expect(istio.resources.some((x) => x.name === "ConfigFile/gateway-api-crds")).toBe(false);
    const r = await render("shift-v3");
    expect(resource(r, "kubernetes:yaml/v2:ConfigFile", "ConfigFile/gateway-api-crds").inputs).toEqual({
      file: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.0/standard-install.yaml",
    });
    for (const object of kubernetesObjects(r).filter((x) => String(x.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"))) {
      expect(object.dependsOn).toContain("ConfigFile/gateway-api-crds");
    }
    // A switch of form changes the scenario layers, and creates the CRDs with the form.
    expect(changesOutsideScenario(istio, r)).toEqual([]);
  });

  it("reads the CRDs from a mirror's copy where the stack names one", async () => {
    const r = await renderStack({
      "istio-lab:cluster": localCluster,
      "istio-lab:scenario": "shift-v3",
      "istio-lab:scenarioOptions": gatewayApi,
      "istio-lab:mesh": { gatewayApiCrds: "https://mirror.example.com/gateway-api/v1.6.0/standard-install.yaml" },
    });
    expect(resource(r, "kubernetes:yaml/v2:ConfigFile", "ConfigFile/gateway-api-crds").inputs.file).toBe("https://mirror.example.com/gateway-api/v1.6.0/standard-install.yaml");
  });
});

describe("the analyzer on a Gateway API form", () => {
  const view = (scenario: Parameters<typeof resolveScenario>[0], edit: (resources: GatewayApiResource[]) => void) => {
    const spec = structuredClone(resolveScenario(scenario, gatewayApi));
    edit(spec.gatewayApi!.resources);
    return meshView(spec.resources, selectApps(spec.workloads), spec);
  };
  const route = (resources: GatewayApiResource[], name: string) => resources.find((r) => r.kind !== "Gateway" && r.name === name) as Extract<GatewayApiResource, { kind: "HTTPRoute" }>;

  it("finds a backend that is no Service, or not on that port", () => {
    const broken = view("shift-90-10", (rs) => {
      route(rs, "reviews").spec.rules[0].backendRefs[1].name = "reviews-v4";
      route(rs, "ratings").spec.rules[0].backendRefs[0].port = 9081;
    });
    expect(rules.backendRefsAreServices(broken).map((f) => `${f.resource} ${f.field}: ${f.message.split(" (")[0]}`)).toEqual([
      "HTTPRoute/reviews spec.rules[0].backendRefs[1].name: reviews-v4 is not a Service of this scenario",
      "HTTPRoute/ratings spec.rules[0].backendRefs[0].port: Service ratings-v1 has no port 9081",
    ]);
  });

  it("finds weights that do not sum to 100", () => {
    const broken = view("shift-90-10", (rs) => {
      route(rs, "reviews").spec.rules[0].backendRefs[1].weight = 20;
    });
    expect(rules.backendWeightsSumTo100(broken)).toEqual([{ resource: "HTTPRoute/reviews", field: "spec.rules[0].backendRefs", message: "weights sum to 110, not 100; the split would not be the percentages meant" }]);
  });

  it("finds a parentRef that matches no Gateway, no listener or no Service", () => {
    const broken = view("tcp-shift-80-20", (rs) => {
      const tcp = rs.find((r) => r.kind === "TCPRoute")!;
      tcp.spec.parentRefs = [{ name: "tcp-echo-gateway", sectionName: "tcp-31401" }, { name: "tcp-gateway" }];
    });
    expect(rules.parentRefsExist(broken).map((f) => `${f.field}: ${f.message}`)).toEqual([
      "spec.parentRefs[0].sectionName: Gateway tcp-echo-gateway has no listener tcp-31401 (tcp-31400)",
      "spec.parentRefs[1]: Gateway tcp-gateway is not a Gateway of this scenario; no gateway would take the route",
    ]);
    const mesh = view("route-all-v1", (rs) => {
      route(rs, "details").spec.parentRefs = [{ group: "", kind: "Service", name: "detail", port: 9080 }];
    });
    expect(rules.parentRefsExist(mesh).map((f) => f.message)).toEqual(["Service detail is not a Service of this scenario; the route would apply to nothing"]);
  });

  it("finds a Gateway not on the mesh's gateway, or listening on a port its Service lacks", () => {
    const broken = view("bookinfo", (rs) => {
      const gateway = rs.find((r) => r.kind === "Gateway")!;
      if (gateway.kind !== "Gateway") throw new Error("no Gateway");
      gateway.spec.listeners[0].port = 8080;
    });
    expect(rules.gatewaysOnAMeshGateway(broken).map((f) => f.message)).toEqual(["port 8080 is not a port of the istio-ingressgateway Service (80, 443, 31400); the listener would be unreachable"]);
    const unlinked = view("bookinfo", (rs) => {
      const gateway = rs.find((r) => r.kind === "Gateway")!;
      if (gateway.kind === "Gateway") gateway.spec.addresses = [{ type: "Hostname", value: "istio-ingress.istio-system.svc.cluster.local" }];
    });
    expect(rules.gatewaysOnAMeshGateway(unlinked).map((f) => f.field)).toEqual(["spec.addresses"]);
    // Without addresses istiod deploys a gateway for the Gateway (gatewaycommon IsManaged): nothing of the mesh's to match.
    const deployed = view("bookinfo", (rs) => {
      const gateway = rs.find((r) => r.kind === "Gateway")!;
      if (gateway.kind === "Gateway") delete gateway.spec.addresses;
    });
    expect(rules.gatewaysOnAMeshGateway(deployed)).toEqual([]);
  });
});

describe("the analyzer on the tasks' own Gateway API forms (a gateway istiod deploys, a ServiceEntry parent, a Hostname backend)", () => {
  const view = (scenario: Parameters<typeof resolveScenario>[0], edit: (resources: GatewayApiResource[]) => void) => {
    const spec = structuredClone(resolveScenario(scenario, gatewayApi));
    edit(spec.gatewayApi!.resources);
    return meshView(spec.resources, selectApps(spec.workloads), spec);
  };
  const all = (v: ReturnType<typeof view>) => rules.gatewayApiRules.flatMap((rule) => rule(v));
  const httpRoute = (resources: GatewayApiResource[], name: string) => resources.find((r) => r.name === name) as Extract<GatewayApiResource, { kind: "HTTPRoute" }>;

  it.each(["egress-gateway", "ingress-tls", "ingress-mtls"] as const)("finds nothing in %s as the task writes it", (scenario) => {
    expect(all(view(scenario, () => {}))).toEqual([]);
  });

  it("finds a route to a gateway Service istiod would not make, a Hostname no ServiceEntry defines or not on its port, and a ServiceEntry parent that is none", () => {
    const broken = view("egress-gateway", (rs) => {
      httpRoute(rs, "direct-cnn-to-egress-gateway").spec.rules[0].backendRefs[0].name = "istio-egressgateway";
      httpRoute(rs, "direct-cnn-to-egress-gateway").spec.parentRefs[0].name = "cnn-com";
      httpRoute(rs, "forward-cnn-from-egress-gateway").spec.rules[0].backendRefs[0].port = 8080;
    });
    expect(all(broken).map((f) => `${f.resource} ${f.field}: ${f.message.split(" (")[0].split(";")[0]}`)).toEqual([
      "HTTPRoute/direct-cnn-to-egress-gateway spec.rules[0].backendRefs[0].name: istio-egressgateway is not a Service of this scenario",
      "HTTPRoute/forward-cnn-from-egress-gateway spec.rules[0].backendRefs[0].port: the ServiceEntry for edition.cnn.com has no port 8080",
      "HTTPRoute/direct-cnn-to-egress-gateway spec.parentRefs[0]: ServiceEntry cnn-com is not a ServiceEntry of this scenario",
    ]);
    const unknownHost = view("egress-gateway", (rs) => {
      httpRoute(rs, "forward-cnn-from-egress-gateway").spec.rules[0].backendRefs[0].name = "cnn.com";
    });
    expect(rules.backendRefsAreServices(unknownHost).map((f) => f.message.split(";")[0])).toEqual(["cnn.com is no host of a ServiceEntry of this scenario"]);
  });

  it("finds a parent Gateway looked for in the wrong namespace", () => {
    const broken = view("ingress-tls", (rs) => {
      const route = httpRoute(rs, "httpbin");
      route.spec.parentRefs = [{ name: "mygateway" }];
    });
    expect(rules.parentRefsExist(broken).map((f) => `${f.field}: ${f.message}`)).toEqual([
      "spec.parentRefs[0].namespace: Gateway mygateway is in the gateway's namespace, not the route's; no gateway would take the route",
    ]);
  });
});

describe("what the Gateway API form does not take", () => {
  it("refuses a rule after a catch-all, which Istio never reaches and the Gateway API would", () => {
    const spec = resolveScenario("route-jason-v2", undefined);
    const reordered = spec.resources.map((r) => (r.kind === "VirtualService" && r.name === "reviews" ? { ...r, spec: { ...r.spec, http: [...r.spec.http!].reverse() } } : r));
    expect(() => inGatewayApi({ ...spec, resources: reordered }, selectApps(spec.workloads))).toThrow("VirtualService reviews: a rule after the catch-all would take traffic it never got");
  });

  it("refuses a traffic policy that routes through per-version Services would pass by", () => {
    const spec = resolveScenario("route-all-v1", undefined);
    const pooled = spec.resources.map((r) => (r.kind === "DestinationRule" && r.name === "reviews" ? { ...r, spec: { ...r.spec, trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } } } : r));
    expect(() => inGatewayApi({ ...spec, resources: pooled }, selectApps(spec.workloads))).toThrow("DestinationRule reviews: its traffic policy would not apply to routes through reviews's per-version Services");
  });
});
