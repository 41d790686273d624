// The Gateway API form against the tasks' own Gateway API YAML (istio.io's snips.sh, read at test
// time), object by object, up to named deviations; and the catalog's word on each scenario's form
// (catalog/scenarios/gateway-api.ts gatewayApiForms) against the same snippets: a form said to be
// the task's has the task's objects, a scenario refused because its task gives none has a task
// whose snippets give none.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { upstreamFile } from "../upstream-files";
import { resolveScenario } from "../../catalog/scenarios";
import { gatewayApiForms, gatewayApiScenarios, type GatewayApiForm, type GatewayApiRefusal } from "../../catalog/scenarios/gateway-api";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { secureIngressGatewayService } from "../../catalog/scenarios/secure-ingress";
import { istioNamespace } from "../../components/mesh/istio-namespace";
import { placeScenarioOnPlatform } from "../../components/scenarios/lab-placement";
import { platformOnlyReasons } from "../../catalog/scenarios/scenario-spec";
import { egressGatewayOf } from "../../tools/verify/probes/egress";
import { gatewayCurlArgs } from "../../tools/verify/probes/call";
import { kubernetesObjects, type Rendered } from "../harness";
import { renderScenario } from "./render-scenario";
import { appliedObjects, readTaskSnippets, type K8sObject, type TaskSnippets } from "./task-snippets";

type Obj = Record<string, any>;

/** A change the lab makes to the task's object, and why. */
interface Deviation {
  why: string;
  apply: (object: Obj) => void;
}

interface GatewayApiCase {
  scenario: ScenarioName;
  task: string;
  /** The namespace the task's app objects are in (`default`), which is the lab's app namespace. */
  namespace: string;
  objects: { step: string; object: string; deviations?: Deviation[] }[];
}

const labNamespace = "bookinfo";
const gatewayApi = { api: "gateway-api" };

/** The secure-ingress Gateway's Service, a ClusterIP one: verify calls it from inside the mesh (catalog/scenarios/secure-ingress.ts). */
const clusterIpService: Deviation = {
  why: "istiod's Service for the Gateway is a ClusterIP one (the annotation the egress-gateway task writes), not a LoadBalancer",
  apply: (o) => {
    expect(o.metadata.annotations).toBeUndefined();
    o.metadata.annotations = { "networking.istio.io/service-type": "ClusterIP" };
  },
};

/** The ingress-control Gateway on the mesh's ingress gateway (manual deployment), so the lab's URL stays. */
const onTheMeshGateway: Deviation = {
  why: "the Gateway names the mesh's ingress gateway in addresses (Istio's manual deployment), so the lab's URL and node port stay",
  apply: (o) => {
    expect(o.spec.addresses).toBeUndefined();
    o.spec.addresses = [{ type: "Hostname", value: "istio-ingressgateway.istio-system.svc.cluster.local" }];
  },
};

const table: GatewayApiCase[] = [
  {
    scenario: "ingress-tls",
    task: "traffic-management/ingress/secure-ingress",
    namespace: "default",
    objects: [
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_4", object: "Gateway/mygateway", deviations: [clusterIpService] },
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_5", object: "HTTPRoute/httpbin" },
    ],
  },
  {
    scenario: "ingress-mtls",
    task: "traffic-management/ingress/secure-ingress",
    namespace: "default",
    objects: [
      { step: "snip_configure_a_mutual_tls_ingress_gateway_3", object: "Gateway/mygateway", deviations: [clusterIpService] },
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_5", object: "HTTPRoute/httpbin" },
    ],
  },
  {
    scenario: "egress-gateway",
    task: "traffic-management/egress/egress-gateway",
    namespace: "default",
    objects: [
      { step: "snip_egress_gateway_for_http_traffic_1", object: "ServiceEntry/cnn" },
      { step: "snip_egress_gateway_for_http_traffic_4", object: "Gateway/cnn-egress-gateway" },
      { step: "snip_egress_gateway_for_http_traffic_6", object: "HTTPRoute/direct-cnn-to-egress-gateway" },
      { step: "snip_egress_gateway_for_http_traffic_6", object: "HTTPRoute/forward-cnn-from-egress-gateway" },
    ],
  },
  {
    scenario: "ingress-httpbin",
    task: "traffic-management/ingress/ingress-control",
    namespace: "default",
    objects: [
      { step: "snip_configuring_ingress_using_a_gateway_3", object: "Gateway/httpbin-gateway", deviations: [onTheMeshGateway] },
      { step: "snip_configuring_ingress_using_a_gateway_5", object: "HTTPRoute/httpbin" },
    ],
  },
  {
    scenario: "mirroring",
    task: "traffic-management/mirroring",
    namespace: "default",
    objects: [
      {
        step: "snip_mirroring_traffic_to_v2_2",
        object: "HTTPRoute/httpbin",
        deviations: [
          {
            why: 'the Service parent is written with group "" (the API\'s default group, gateway.networking.k8s.io, has no Service; the request-routing task writes it so)',
            apply: (o) => {
              expect(o.spec.parentRefs[0].group).toBeUndefined();
              o.spec.parentRefs[0] = { group: "", ...o.spec.parentRefs[0] };
            },
          },
          {
            why: "the per-version Services httpbin-v1 and httpbin-v2 publish httpbin's own port, 8000, where the task's publish 80",
            apply: (o) => {
              const rule = o.spec.rules[0];
              expect([rule.backendRefs[0].port, rule.filters[0].requestMirror.backendRef.port]).toEqual([80, 80]);
              rule.backendRefs[0].port = 8000;
              rule.filters[0].requestMirror.backendRef.port = 8000;
            },
          },
        ],
      },
    ],
  },
  {
    scenario: "route-jason-v2",
    task: "traffic-management/request-routing",
    namespace: "default",
    // Its other routes are samples/bookinfo/gateway-api's route-all-v1.yaml (test/scenarios/gateway-api.test.ts).
    objects: [{ step: "snip_route_based_on_user_identity_3", object: "HTTPRoute/reviews" }],
  },
];

/** The task's namespace made the lab's, where an object names it: its own, and a selector on a namespace's name. */
function inLab(o: Obj, from: string): Obj {
  const text = JSON.stringify(o).replaceAll(`"kubernetes.io/metadata.name":"${from}"`, `"kubernetes.io/metadata.name":"${labNamespace}"`);
  const object = JSON.parse(text) as Obj;
  object.metadata.namespace = object.metadata.namespace === undefined || object.metadata.namespace === from ? labNamespace : object.metadata.namespace;
  return object;
}

/**
 * The task's object with the visibility the lab gives the catalog's own (components/scenarios/
 * lab-placement.ts): exportTo on an Istio object for a host outside the namespace.
 */
function withPlacement(scenario: ScenarioName, task: Obj): Obj {
  if (!String(task.apiVersion).startsWith("networking.istio.io/")) return task;
  const placed = placeScenarioOnPlatform(resolveScenario(scenario, gatewayApi)).resources.find((r) => r.kind === task.kind && r.name === task.metadata.name);
  const exportTo = (placed?.spec as { exportTo?: string[] } | undefined)?.exportTo;
  return exportTo ? { ...task, spec: { ...task.spec, exportTo } } : task;
}

function taskObject(s: TaskSnippets, c: GatewayApiCase, o: GatewayApiCase["objects"][number]): Obj {
  const found = appliedObjects(s, o.step).filter((x) => `${x.kind}/${x.metadata.name}` === o.object);
  if (found.length !== 1) throw new Error(`${c.task} ${o.step} applies ${found.length} ${o.object}`);
  const object = inLab(structuredClone(found[0]) as Obj, c.namespace);
  for (const d of o.deviations ?? []) d.apply(object);
  return withPlacement(c.scenario, object);
}

const rendered = new Map<ScenarioName, Promise<Rendered>>();
const render = (name: ScenarioName) => rendered.get(name) ?? rendered.set(name, renderScenario(name, gatewayApi)).get(name)!;

/** What a comparison reads of an object: which it is, where, its annotations and its spec (apiVersion: the v1.6.0 CRDs serve v1, the tasks write v1beta1). */
const compared = (o: Obj) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, annotations: o.metadata.annotations, spec: o.spec });

async function labObject(name: ScenarioName, id: string): Promise<Obj> {
  const [kind, objectName] = id.split("/");
  const found = kubernetesObjects(await render(name)).filter((r) => r.parent === "scenario" && r.inputs.kind === kind && (r.inputs.metadata as { name: string }).name === objectName);
  if (found.length !== 1) throw new Error(`${name} renders ${found.length} ${id}`);
  return found[0].inputs as Obj;
}

describe("the Gateway API form equals its task's Gateway API YAML (snips.sh, read at test time)", () => {
  const objects = table.flatMap((c) => c.objects.map((o): [string, string, GatewayApiCase, GatewayApiCase["objects"][number]] => [c.scenario, `${o.object} (${o.step})`, c, o]));
  it.each(objects)("%s renders %s", async (_, __, c, o) => {
    const task = taskObject(readTaskSnippets(c.task), c, o);
    expect(compared(await labObject(c.scenario, o.object))).toEqual(compared(task));
  });

  it.each(table.map((c): [string, GatewayApiCase] => [c.scenario, c]))("%s renders no Gateway API object the task does not apply", async (_, c) => {
    const lab = kubernetesObjects(await render(c.scenario))
      .filter((r) => r.parent === "scenario" && String(r.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"))
      .map((r) => `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`);
    const fromTask = c.objects.map((o) => o.object);
    if (c.scenario === "route-jason-v2") expect(lab).toEqual(expect.arrayContaining(fromTask));
    else expect(lab.sort()).toEqual(fromTask.filter((id) => !id.startsWith("ServiceEntry/")).sort());
  });

  it.each(table.flatMap((c) => c.objects.flatMap((o) => (o.deviations ?? []).map((d): [string, string, GatewayApiCase, GatewayApiCase["objects"][number], Deviation] => [c.scenario, d.why, c, o, d]))))(
    "%s: the deviation still changes the task's object: %s",
    (_, __, c, o, d) => {
      const before = inLab(structuredClone(appliedObjects(readTaskSnippets(c.task), o.step).find((x) => `${x.kind}/${x.metadata.name}` === o.object)) as Obj, c.namespace);
      const after = structuredClone(before);
      d.apply(after);
      expect(after).not.toEqual(before);
    },
  );
});

describe("a Gateway istiod deploys: what names it follows the names pilot gives it", () => {
  it("secure ingress: the Gateway is in the gateway's namespace, waits for its credential, and verify calls the Service istiod makes for it", async () => {
    for (const scenario of ["ingress-tls", "ingress-mtls"] as const) {
      const r = await render(scenario);
      const gateway = kubernetesObjects(r).find((x) => x.inputs.kind === "Gateway" && String(x.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"))!;
      expect((gateway.inputs.metadata as Obj).namespace).toBe(istioNamespace);
      expect(gateway.dependsOn).toContain(`Secret/${istioNamespace}/httpbin-credential`);
      // No mesh ingress gateway route: the task's Istio Gateway and VirtualService are gone.
      expect(kubernetesObjects(r).filter((x) => x.parent === "scenario" && String(x.inputs.apiVersion).startsWith("networking.istio.io/"))).toEqual([]);
      const spec = resolveScenario(scenario, gatewayApi);
      // Pinned, not derived: istiod names what it deploys for Gateway mygateway of class istio
      // `<name>-<gatewayClassName>` (Istio 1.31 pilot/pkg/config/kube/gatewaycommon/gateway_utils.go
      // GetDefaultName), as the egress task's own YAML names cnn-egress-gateway's (below).
      const service = `mygateway-istio.${istioNamespace}.svc.cluster.local`;
      expect(spec.gatewayApi!.resources.find((g) => g.kind === "Gateway")).toMatchObject({ name: "mygateway", spec: { gatewayClassName: "istio" } });
      expect(secureIngressGatewayService).toBe(service);
      for (const probe of spec.probes) {
        if (probe.kind !== "call" || !probe.viaGateway) throw new Error(`${scenario}: a probe not through the gateway`);
        expect(gatewayCurlArgs(probe.url, false, probe.viaGateway.service)[1]).toBe(`httpbin.example.com:443:${service}:443`);
      }
    }
  });

  it("secure ingress: the keys stay Pulumi secrets in either form", async () => {
    const r = await render("ingress-mtls");
    const secret = (name: string) => r.resources.find((x) => x.name === name)!;
    expect(secret(`Secret/${istioNamespace}/httpbin-credential`).inputs).toMatchObject({ type: "kubernetes.io/tls", stringData: "[secret]" });
    expect(secret("Secret/bookinfo/curl-secret").inputs).toMatchObject({ stringData: "[secret]" });
    expect(secret("httpbin-credential-request").inputs).toMatchObject({ privateKeyPem: "[secret]" });
  });

  it("egress gateway: no mesh egress gateway, and verify reads the log of the Deployment istiod makes in the app namespace", async () => {
    const spec = resolveScenario("egress-gateway", gatewayApi);
    expect(spec.egressGateway).toBeUndefined();
    const r = await render("egress-gateway");
    expect(r.resources.some((x) => x.name.includes("istio-egressgateway"))).toBe(false);
    const [probe] = spec.probes;
    if (probe.kind !== "egress") throw new Error("not an egress probe");
    // The task: kubectl logs -l gateway.networking.k8s.io/gateway-name=cnn-egress-gateway (the default namespace, the lab's).
    expect(egressGatewayOf(probe)).toEqual({ deployment: "cnn-egress-gateway-istio" });
    // The task's YAML names the Service istiod made for Gateway cnn-egress-gateway of class istio so: GetDefaultName's `<name>-<class>`.
    expect(fs.readFileSync(upstreamFile("istio.io/content/en/docs/tasks/traffic-management/egress/egress-gateway/snips.sh"), "utf8")).toMatch(/^ {4}- name: cnn-egress-gateway-istio$/m);
    // The Istio form reads the mesh's egress gateway in istio-system, as before.
    const [istioProbe] = resolveScenario("egress-gateway", undefined).probes;
    if (istioProbe.kind !== "egress") throw new Error("not an egress probe");
    expect(egressGatewayOf(istioProbe)).toEqual({ deployment: "istio-egressgateway", namespace: istioNamespace });
  });
});

describe("the fault scenarios' derived form is made of what gatewayApiForms says it rests on", () => {
  const sample = (file: string): Obj[] =>
    parseAllDocuments(fs.readFileSync(upstreamFile(`istio-1.31/samples/bookinfo/gateway-api/${file}`), "utf8"))
      .map((d) => d.toJS() as Obj | null)
      .filter((d): d is Obj => d !== null);
  it.each(["fault-delay", "fault-abort"] as const)("%s: the samples' Gateway and routes, the request-routing task's reviews route, and its Istio form's ratings VirtualService", async (name) => {
    const r = await render(name);
    const lab = kubernetesObjects(r).filter((x) => x.parent === "scenario" && String(x.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"));
    const spec = (id: string) => (lab.find((x) => `${x.inputs.kind}/${(x.inputs.metadata as { name: string }).name}` === id)!.inputs as Obj).spec;
    const reviews = appliedObjects(readTaskSnippets("traffic-management/request-routing"), "snip_route_based_on_user_identity_3")[0] as Obj;
    const fromSamples = [...sample("bookinfo-gateway.yaml"), ...sample("route-all-v1.yaml")].filter((o) => o.metadata.name !== "reviews" && o.metadata.name !== "ratings");
    const expected = [...fromSamples, reviews];
    expect(lab.map((x) => `${x.inputs.kind}/${(x.inputs.metadata as { name: string }).name}`).sort()).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    for (const o of expected) {
      // The mesh's ingress gateway serves the samples' Gateway (the manual deployment deviation of gateway-api.test.ts).
      const want = o.kind === "Gateway" ? { ...o.spec, addresses: [{ type: "Hostname", value: "istio-ingressgateway.istio-system.svc.cluster.local" }] } : o.spec;
      expect(spec(`${o.kind}/${o.metadata.name}`)).toEqual(want);
    }
    // What the Gateway API has no field for stays as the Istio form has it.
    const istio = resolveScenario(name, undefined).resources.filter((x) => x.name === "ratings");
    expect(resolveScenario(name, gatewayApi).resources).toEqual(istio);
  });
});

describe("on a lab stack", () => {
  it("egress-gateway's form is refused: istiod gives its route on the ServiceEntry to every namespace", () => {
    expect(platformOnlyReasons(resolveScenario("egress-gateway", gatewayApi))).toEqual([
      "routes a ServiceEntry's hosts with HTTPRoute/direct-cnn-to-egress-gateway, which Istio applies in every namespace (a Gateway API route has no exportTo), so it would change the other labs' way to those hosts",
    ]);
  });

  it("the secure-ingress forms are refused: their Gateway and Secret are in the shared gateway's namespace", () => {
    expect(platformOnlyReasons(resolveScenario("ingress-tls", gatewayApi))).toEqual([
      "puts Secret/httpbin-credential, Gateway/mygateway in the shared gateway's namespace, which a lab stack must not write",
    ]);
  });
});

describe("the catalog's word on each scenario's Gateway API form holds for the task's snippets", () => {
  const gatewayApiObjectsOf = (s: TaskSnippets): K8sObject[] =>
    [...s.steps.keys()].flatMap((step) => {
      try {
        return appliedObjects(s, step).filter((o) => String(o.apiVersion).startsWith("gateway.networking.k8s.io/"));
      } catch {
        return []; // a step that applies no YAML
      }
    });
  const isForm = (e: GatewayApiForm | GatewayApiRefusal): e is GatewayApiForm => "basis" in e;

  it("has a word on every scenario, and the config's list is the forms'", () => {
    expect(Object.keys(gatewayApiForms).sort()).toEqual([...scenarioNames].sort());
    expect(gatewayApiScenarios).toEqual(scenarioNames.filter((n) => isForm(gatewayApiForms[n])));
  });

  it.each(scenarioNames.flatMap((n) => { const e = gatewayApiForms[n]; return isForm(e) && e.basis === "task" ? [[n, e.task] as const] : []; }))("%s: its task (%s) gives a Gateway API form", (_, task) => {
    expect(gatewayApiObjectsOf(readTaskSnippets(task)).length).toBeGreaterThan(0);
  });

  it.each(scenarioNames.flatMap((n) => { const e = gatewayApiForms[n]; return !isForm(e) && e.task && n !== "egress-service-entry" ? [[n, e.task] as const] : []; }))("%s is refused: its task (%s) gives no Gateway API form", (_, task) => {
    expect(gatewayApiObjectsOf(readTaskSnippets(task))).toEqual([]);
  });

  it("egress-service-entry is refused: the task's one Gateway API object is for a step the scenario does not take", () => {
    const objects = gatewayApiObjectsOf(readTaskSnippets("traffic-management/egress/egress-control"));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["HTTPRoute/httpbin-ext"]);
    // It sets the timeout of "Manage traffic to external services"; the scenario routes nothing to httpbin.org.
    expect(JSON.stringify(objects[0].spec)).toContain('"timeouts":{"request":"3s"}');
    expect(resolveScenario("egress-service-entry", undefined).resources.map((r) => r.kind).sort()).toEqual(["ServiceEntry", "Sidecar"]);
  });

  it.each([
    ["request-timeout", "traffic-management/request-timeouts"],
    ["fault-delay", "traffic-management/fault-injection"],
    ["fault-abort", "traffic-management/fault-injection"],
  ] as const)("%s is derived, saying so: its task (%s) gives no Gateway API form as stored", (name, task) => {
    const entry = gatewayApiForms[name];
    expect(isForm(entry) && entry.basis).toBe("derived");
    expect(gatewayApiObjectsOf(readTaskSnippets(task))).toEqual([]);
  });
});
