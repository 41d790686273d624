// The tasks' own words as the truth: each scenario whose istio.io task applies YAML renders that
// YAML (up to named deviations, each with its reason), and each probe whose task shows an expected
// output expects it. Both are read at test time from istio.io's generated snips.sh, never restated
// here. The snippets are istio.io's latest, not tied to Istio 1.31: where one and 1.31 disagree, the
// deviation says which and why.
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { placeScenarioOnPlatform } from "../../components/scenarios/lab-placement";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import type { Probe } from "../../catalog/scenarios/probes";
import { kubernetesObjects, type Rendered } from "../harness";
import { sampleJwks } from "../../catalog/scenarios/jwt-samples";
import { renderScenario } from "./render-scenario";
import { appliedObjects, output, readTaskSnippets, statusCodes, step, type K8sObject, type TaskSnippets } from "./task-snippets";

/** A change the lab makes to a task's object, and why; applied to the snippet's copy before comparing. */
interface Deviation {
  why: string;
  apply: (object: K8sObject) => void;
}

interface ObjectFromTask {
  /** The snippet function that applies it. */
  step: string;
  /** `Kind/name` of the object in that step (a step may apply several). */
  object: string;
  deviations?: Deviation[];
}

/** What a probe must expect, from a step's expected output. */
interface OutputOfTask {
  /** Index into the scenario's probes. */
  probe: number;
  step: string;
}

interface TaskCase {
  scenario: ScenarioName;
  /** Under content/en/docs/tasks/. */
  task: string;
  /** The namespace the task's objects and names use (`foo`, `default`), which is the lab's app namespace. */
  namespace: string;
  objects: ObjectFromTask[];
  outputs?: OutputOfTask[];
}

/** The app namespace of a rendered scenario (test/harness.ts's default). */
const labNamespace = "bookinfo";
const gatewayNamespace = "istio-system";

/** The tasks fetch the sample issuer's keys from raw.githubusercontent.com; the lab carries them inline. */
const inlineJwks: Deviation = {
  why: "jwksUri on raw.githubusercontent.com is the same JWKS inline (jwks), so istiod fetches nothing and an offline lab works",
  apply: (o) => {
    const rule = (o.spec as { jwtRules: Record<string, unknown>[] }).jwtRules[0];
    expect(rule.jwksUri).toMatch(/security\/tools\/jwt\/samples\/jwks\.json$/);
    delete rule.jwksUri;
    rule.jwks = sampleJwks;
  },
};

const table: TaskCase[] = [
  {
    scenario: "authz-deny",
    task: "security/authorization/authz-deny",
    namespace: "foo",
    // The policy's last form in the task (_1 denies every GET; _4 every GET without x-token admin).
    objects: [{ step: "snip_explicitly_deny_a_request_4", object: "AuthorizationPolicy/deny-method-get" }],
    outputs: [
      { probe: 0, step: "snip_explicitly_deny_a_request_5" },
      { probe: 1, step: "snip_explicitly_deny_a_request_6" },
    ],
  },
  {
    scenario: "authz-http",
    task: "security/authorization/authz-http",
    namespace: "default",
    objects: [
      { step: "snip_configure_access_control_for_workloads_using_http_traffic_1", object: "AuthorizationPolicy/allow-nothing" },
      { step: "snip_configure_access_control_for_workloads_using_http_traffic_2", object: "AuthorizationPolicy/productpage-viewer" },
      { step: "snip_configure_access_control_for_workloads_using_http_traffic_3", object: "AuthorizationPolicy/details-viewer" },
      { step: "snip_configure_access_control_for_workloads_using_http_traffic_4", object: "AuthorizationPolicy/reviews-viewer" },
      { step: "snip_configure_access_control_for_workloads_using_http_traffic_5", object: "AuthorizationPolicy/ratings-viewer" },
    ],
  },
  {
    scenario: "authz-tcp",
    task: "security/authorization/authz-tcp",
    namespace: "foo",
    objects: [{ step: "snip_configure_allow_authorization_policy_for_a_tcp_workload_1", object: "AuthorizationPolicy/tcp-policy" }],
    outputs: [
      { probe: 0, step: "snip_configure_allow_authorization_policy_for_a_tcp_workload_2" },
      { probe: 1, step: "snip_configure_allow_authorization_policy_for_a_tcp_workload_3" },
      { probe: 2, step: "snip_configure_allow_authorization_policy_for_a_tcp_workload_4" },
    ],
  },
  {
    scenario: "jwt-auth",
    task: "security/authorization/authz-jwt",
    namespace: "foo",
    objects: [
      { step: "snip_allow_requests_with_valid_jwt_and_listtyped_claims_1", object: "RequestAuthentication/jwt-example", deviations: [inlineJwks] },
      { step: "snip_allow_requests_with_valid_jwt_and_listtyped_claims_4", object: "AuthorizationPolicy/require-jwt" },
    ],
    outputs: [
      { probe: 0, step: "snip_allow_requests_with_valid_jwt_and_listtyped_claims_2" },
      { probe: 1, step: "snip_allow_requests_with_valid_jwt_and_listtyped_claims_7" },
      { probe: 2, step: "snip_allow_requests_with_valid_jwt_and_listtyped_claims_6" },
    ],
  },
  {
    scenario: "jwt-routing",
    task: "security/authentication/jwt-route",
    namespace: "foo",
    objects: [
      { step: "snip_configuring_ingress_routing_based_on_jwt_claims_1", object: "RequestAuthentication/ingress-jwt", deviations: [inlineJwks] },
      { step: "snip_configuring_ingress_routing_based_on_jwt_claims_2", object: "VirtualService/httpbin" },
    ],
    outputs: [
      { probe: 0, step: "snip_validating_ingress_routing_based_on_jwt_claims_1" },
      { probe: 1, step: "snip_validating_ingress_routing_based_on_jwt_claims_2" },
      { probe: 2, step: "snip_validating_ingress_routing_based_on_jwt_claims_4" },
      { probe: 3, step: "snip_validating_ingress_routing_based_on_jwt_claims_6" },
    ],
  },
  {
    scenario: "mtls-strict",
    task: "security/authentication/authn-policy",
    namespace: "foo",
    objects: [{ step: "snip_namespacewide_policy_1", object: "PeerAuthentication/default" }],
  },
  {
    scenario: "mirroring",
    task: "traffic-management/mirroring",
    namespace: "default",
    objects: [
      { step: "snip_creating_a_default_routing_policy_1", object: "DestinationRule/httpbin" },
      { step: "snip_mirroring_traffic_to_v2_1", object: "VirtualService/httpbin" },
    ],
  },
  {
    scenario: "circuit-breaking",
    task: "traffic-management/circuit-breaking",
    namespace: "default",
    objects: [{ step: "snip_configuring_the_circuit_breaker_1", object: "DestinationRule/httpbin" }],
  },
  {
    scenario: "request-timeout",
    task: "traffic-management/request-timeouts",
    namespace: "default",
    objects: [
      {
        step: "snip_request_timeouts_2",
        object: "VirtualService/ratings",
        deviations: [
          {
            // The snippet and 1.31 disagree: networking.istio.io/v1 in 1.31 documents delay.percent as
            // deprecated ("Use of integer percent value is deprecated. Use the double percentage field
            // instead"); the lab writes the field 1.31 documents, which the samples' YAML uses too.
            why: "delay.percent (deprecated in Istio 1.31's networking API) is written as percentage.value",
            apply: (o) => {
              const delay = (o.spec as { http: { fault: { delay: Record<string, unknown> } }[] }).http[0].fault.delay;
              delay.percentage = { value: delay.percent };
              delete delay.percent;
            },
          },
        ],
      },
      { step: "snip_request_timeouts_3", object: "VirtualService/reviews" },
    ],
  },
  {
    scenario: "rate-limit-local",
    task: "policy-enforcement/rate-limit",
    namespace: "default",
    objects: [{ step: "snip_local_rate_limit_2", object: "EnvoyFilter/filter-local-ratelimit-svc" }],
    // The task's five requests a second apart, the first four answered: the probe's sequence from a full bucket.
    outputs: [{ probe: 0, step: "snip_verify_local_rate_limit_1" }],
  },
  {
    scenario: "egress-service-entry",
    task: "traffic-management/egress/egress-control",
    namespace: "default",
    objects: [{ step: "snip_access_an_external_http_service_1", object: "ServiceEntry/httpbin-ext" }],
  },
  {
    scenario: "egress-gateway",
    task: "traffic-management/egress/egress-gateway",
    namespace: "default",
    objects: [
      { step: "snip_egress_gateway_for_http_traffic_1", object: "ServiceEntry/cnn" },
      { step: "snip_egress_gateway_for_http_traffic_3", object: "Gateway/istio-egressgateway" },
      { step: "snip_egress_gateway_for_http_traffic_3", object: "DestinationRule/egressgateway-for-cnn" },
      { step: "snip_egress_gateway_for_http_traffic_5", object: "VirtualService/direct-cnn-through-egress-gateway" },
    ],
  },
  {
    scenario: "egress-tls-origination",
    task: "traffic-management/egress/egress-tls-origination",
    namespace: "default",
    objects: [
      // The task applies its ServiceEntry in one step and the VirtualService and DestinationRule that
      // originate TLS in a later one (replacing the step's earlier VirtualService of the same name).
      { step: "snip_apply_simple", object: "ServiceEntry/edition-cnn-com" },
      { step: "snip_apply_origination", object: "VirtualService/edition-cnn-com" },
      { step: "snip_apply_origination", object: "DestinationRule/edition-cnn-com" },
    ],
    outputs: [
      { probe: 0, step: "snip_curl_origination_http" },
      { probe: 1, step: "snip_curl_origination_https" },
    ],
  },
  {
    scenario: "ingress-httpbin",
    task: "traffic-management/ingress/ingress-control",
    namespace: "default",
    objects: [
      { step: "snip_configuring_ingress_using_a_gateway_1", object: "Gateway/httpbin-gateway" },
      { step: "snip_configuring_ingress_using_a_gateway_2", object: "VirtualService/httpbin" },
    ],
    outputs: [
      { probe: 0, step: "snip_accessing_ingress_services_1" },
      { probe: 2, step: "snip_accessing_ingress_services_2" },
    ],
  },
  {
    scenario: "ingress-tls",
    task: "traffic-management/ingress/secure-ingress",
    namespace: "default",
    objects: [
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_2", object: "Gateway/mygateway" },
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_3", object: "VirtualService/httpbin" },
    ],
    outputs: [{ probe: 0, step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_7" }],
  },
  {
    scenario: "ingress-mtls",
    task: "traffic-management/ingress/secure-ingress",
    namespace: "default",
    objects: [
      { step: "snip_configure_a_mutual_tls_ingress_gateway_2", object: "Gateway/mygateway" },
      { step: "snip_configure_a_tls_ingress_gateway_for_a_single_host_3", object: "VirtualService/httpbin" },
    ],
    outputs: [{ probe: 0, step: "snip_configure_a_mutual_tls_ingress_gateway_5" }],
  },
  {
    scenario: "ingress-passthrough",
    task: "traffic-management/ingress/ingress-sni-passthrough",
    namespace: "default",
    objects: [
      { step: "snip_configure_an_ingress_gateway_1", object: "Gateway/mygateway" },
      { step: "snip_configure_an_ingress_gateway_2", object: "VirtualService/nginx" },
    ],
  },
  {
    scenario: "tcp-shift-80-20",
    task: "traffic-management/tcp-traffic-shifting",
    namespace: "istio-io-tcp-traffic-shifting",
    // The step applies samples/tcp-echo/tcp-echo-20-v2.yaml; its Gateway and DestinationRule come from tcp-echo-all-v1.yaml.
    objects: [
      { step: "snip_apply_weightbased_tcp_routing_1", object: "Gateway/tcp-echo-gateway" },
      { step: "snip_apply_weightbased_tcp_routing_1", object: "DestinationRule/tcp-echo-destination" },
      { step: "snip_apply_weightbased_tcp_routing_5", object: "VirtualService/tcp-echo" },
    ],
  },
  {
    scenario: "locality-failover",
    task: "traffic-management/locality-load-balancing/failover",
    namespace: "sample",
    objects: [{ step: "snip_configure_locality_failover_1", object: "DestinationRule/helloworld" }],
  },
  {
    scenario: "locality-weighted",
    task: "traffic-management/locality-load-balancing/distribute",
    namespace: "sample",
    objects: [{ step: "snip_configure_weighted_distribution_1", object: "DestinationRule/helloworld" }],
  },
];

/** Every string of the task's object with the task's namespace made the lab's (principals, FQDN hosts). */
function inLabNamespace(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") return value.replaceAll(`/ns/${from}/`, `/ns/${to}/`).replaceAll(`.${from}.svc.`, `.${to}.svc.`);
  if (Array.isArray(value)) return value.map((v) => inLabNamespace(v, from, to));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inLabNamespace(v, from, to)]));
  return value;
}

const rendered = new Map<ScenarioName, Promise<Rendered>>();
const render = (name: ScenarioName) => rendered.get(name) ?? rendered.set(name, renderScenario(name)).get(name)!;

/** The rendered object `Kind/name` of the scenario, in the app namespace or the gateway's. */
async function labObject(name: ScenarioName, id: string): Promise<K8sObject> {
  const [kind, objectName] = id.split("/");
  const found = kubernetesObjects(await render(name)).filter(
    (r) => r.inputs.kind === kind && (r.inputs.metadata as { name: string }).name === objectName && [labNamespace, gatewayNamespace].includes((r.inputs.metadata as { namespace: string }).namespace),
  );
  if (found.length !== 1) throw new Error(`${name} renders ${found.length} ${id}`);
  return found[0].inputs as K8sObject;
}

/**
 * The task's object with the visibility the lab gives the catalog's own object: a host-defining
 * object (a ServiceEntry, the routes and rules for an external host) is exported only where it must
 * be, so that no other namespace's way to the host changes (components/scenarios/lab-placement.ts,
 * whose tests hold that rule). A task that writes exportTo itself is compared as it stands.
 */
function withPlacement(name: ScenarioName, task: K8sObject): K8sObject {
  if (task.spec && "exportTo" in task.spec) return task;
  const placed = placeScenarioOnPlatform(exampleScenario(name)).resources.find((r) => r.kind === task.kind && r.name === task.metadata.name);
  const exportTo = (placed?.spec as { exportTo?: string[] } | undefined)?.exportTo;
  return exportTo ? { ...task, spec: { ...task.spec, exportTo } } : task;
}

function taskObject(s: TaskSnippets, c: TaskCase, o: ObjectFromTask): K8sObject {
  const found = appliedObjects(s, o.step).filter((x) => `${x.kind}/${x.metadata.name}` === o.object);
  if (found.length !== 1) throw new Error(`${c.task} ${o.step} applies ${found.length} ${o.object}`);
  const object = inLabNamespace(structuredClone(found[0]), c.namespace, labNamespace) as K8sObject;
  for (const d of o.deviations ?? []) d.apply(object);
  return object;
}

/** What a probe expects, in the words of a task's expected output: an HTTP status, or a TCP connection's fate. */
function probeOutcome(probe: Probe): string {
  switch (probe.kind) {
    case "call":
    case "ingress":
    case "egress":
      return `status ${probe.status}`;
    case "connect":
      return probe.answered ? "connection succeeded" : "connection rejected";
    case "limited":
      return `statuses ${probe.expected.join(" ")}`;
    default:
      throw new Error(`no task output compares with a ${probe.kind} probe`);
  }
}

function outputOutcome(out: string): string {
  // httpbin's /status/418 answers with its teapot, which the secure-ingress task shows instead of a status line.
  if (out.includes("-=[ teapot ]=-")) return "status 418";
  if (/connection (succeeded|rejected)/.test(out)) return out.includes("connection succeeded") ? "connection succeeded" : "connection rejected";
  const codes = [...statusCodes(out), ...[...out.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1]))];
  if (codes.length === 0) throw new Error(`expected output without a status: ${out}`);
  return codes.length === 1 ? `status ${codes[0]}` : `statuses ${codes.join(" ")}`;
}

/** The headers a step's curl sends (`-H "x-token: admin"`); a value from a shell variable (`Bearer $TOKEN`) reads as "(variable)". */
const curlHeaders = (body: string): Record<string, string> =>
  Object.fromEntries([...body.matchAll(/-H "([^":]+): ([^"]+)"/g)].map((m) => [m[1].toLowerCase(), m[2].includes("$") ? "(variable)" : m[2]]));

/** A probe's headers as a task's curl would show them: a token is a variable there. */
const probeHeaders = (headers: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(v) ? "(variable)" : v]));

describe("scenarios equal their istio.io task's YAML (snips.sh, read at test time)", () => {
  const objects = table.flatMap((c) => c.objects.map((o): [string, string, TaskCase, ObjectFromTask] => [c.scenario, `${o.object} (${o.step})`, c, o]));
  it.each(objects)("%s renders %s", async (_, __, c, o) => {
    const task = withPlacement(c.scenario, taskObject(readTaskSnippets(c.task), c, o));
    const lab = await labObject(c.scenario, o.object);
    expect({ kind: lab.kind, name: lab.metadata.name, spec: lab.spec }).toEqual({ kind: task.kind, name: task.metadata.name, spec: task.spec });
  });

  it.each(table.flatMap((c) => c.objects.flatMap((o) => (o.deviations ?? []).map((d): [string, string, TaskCase, ObjectFromTask, Deviation] => [c.scenario, d.why, c, o, d]))))(
    "%s: the deviation still changes the task's object: %s",
    (_, __, c, o, d) => {
      const s = readTaskSnippets(c.task);
      const before = inLabNamespace(structuredClone(appliedObjects(s, o.step).find((x) => `${x.kind}/${x.metadata.name}` === o.object)), c.namespace, labNamespace) as K8sObject;
      const after = structuredClone(before);
      d.apply(after);
      expect(after).not.toEqual(before);
    },
  );
});

describe("probes expect their istio.io task's outputs (snips.sh, read at test time)", () => {
  const outputs = table.flatMap((c) => (c.outputs ?? []).map((o): [string, number, string, TaskCase, OutputOfTask] => [c.scenario, o.probe, o.step, c, o]));
  it.each(outputs)("%s probe %i expects what %s shows", (_, __, ___, c, o) => {
    const s = readTaskSnippets(c.task);
    const probe = resolveScenario(c.scenario, undefined).probes[o.probe];
    expect(probeOutcome(probe)).toBe(outputOutcome(output(s, o.step)));
    if (probe.kind === "call") expect(probeHeaders(probe.headers)).toEqual(curlHeaders(step(s, o.step)));
  });
});

describe("the snippet table", () => {
  it("would catch the inverted authz-deny (the comparison on a changed copy)", async () => {
    const c = table.find((t) => t.scenario === "authz-deny")!;
    const task = taskObject(readTaskSnippets(c.task), c, c.objects[0]);
    const inverted = structuredClone(task);
    const when = (inverted.spec as { rules: { when: Record<string, unknown>[] }[] }).rules[0].when[0];
    when.values = when.notValues;
    delete when.notValues;
    const lab = await labObject("authz-deny", c.objects[0].object);
    expect(lab.spec).toEqual(task.spec);
    expect(lab.spec).not.toEqual(inverted.spec);
  });

  it("names every scenario: from a task's snippets, from upstream samples, or a variant no task has (and its description says so)", () => {
    const covered = new Set<string>([...table.map((c) => c.scenario), ...Object.keys(fromSamples)]);
    for (const name of scenarioNames.filter((n) => !covered.has(n))) {
      expect(withoutTask, name).toHaveProperty(name);
      expect(exampleScenario(name).description, name).toMatch(/no istio\.io task/);
    }
  });
});

/**
 * Scenarios whose task applies Bookinfo's networking samples (its steps are `kubectl apply -f
 * samples/bookinfo/networking/...`), which test/upstream/samples.test.ts compares file by file.
 */
const fromSamples: Partial<Record<ScenarioName, string>> = {
  bookinfo: "bookinfo-gateway.yaml, destination-rule-all.yaml (examples/bookinfo)",
  "route-all-v1": "request-routing: virtual-service-all-v1.yaml",
  "route-jason-v2": "request-routing: virtual-service-reviews-test-v2.yaml",
  "fault-delay": "fault-injection: virtual-service-ratings-test-delay.yaml",
  "fault-abort": "fault-injection: virtual-service-ratings-test-abort.yaml",
  "shift-50-v3": "traffic-shifting: virtual-service-reviews-50-v3.yaml",
  "shift-v3": "traffic-shifting: virtual-service-reviews-v3.yaml",
  "shift-90-10": "virtual-service-reviews-90-10.yaml",
  "shift-80-20": "virtual-service-reviews-80-20.yaml",
  "shift-v2-v3": "virtual-service-reviews-v2-v3.yaml",
};

/** Scenarios no istio.io task has as such: their descriptions say so. */
const withoutTask: Partial<Record<ScenarioName, string>> = {
  "fault-abort-percent": "the fault-injection task aborts jason's calls only, every one of them",
  "fault-delay-all": "the fault-injection task delays jason's calls only",
  "tcp-shift-v2": "the tcp-traffic-shifting task stops at 80/20",
  "sticky-sessions": "consistent hashing has no task page",
  retries: "retries have no task page",
  canary: "the weights are the user's",
  custom: "the services and routes are the user's",
};
