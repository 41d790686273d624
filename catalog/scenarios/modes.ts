// Which of Istio's data planes runs which scenario, in which form, as data: the one place the config
// check, the platform's labs, the docs and the tests read it (docs/ambient.md).
import type { Probe } from "./probes";
import { scenarioNames, type ScenarioName } from "./names";
import { exampleOptions } from "./examples";
import { resolveScenario } from "./index";
import { platformOnlyReasons } from "./scenario-spec";

/** Istio's data planes (`istio-lab:mesh.mode`): an Envoy sidecar in every pod, or ambient's ztunnel on every node. */
export const meshModes = ["sidecar", "ambient"] as const;
export type MeshMode = (typeof meshModes)[number];

/** The label of ambient enrolment (label.IoIstioDataplaneMode), on a namespace or a pod: `ambient` enrols, `none` keeps a pod out (constants.DataplaneModeNone). */
export const dataplaneModeLabel = "istio.io/dataplane-mode";

/** The forms a scenario's objects are written in (`istio-lab:scenarioOptions.api`). */
export type ScenarioForm = "istio" | "gateway-api";
export const formNames: Record<ScenarioForm, string> = { istio: "Istio API", "gateway-api": "Gateway API" };

/** Why a scenario runs in ambient in one form; `waypoint` when it needs one (catalog/scenarios/waypoint.ts inAmbient gives it). */
export interface AmbientRun {
  why: string;
  waypoint?: true;
}

const gatewayRoutes = "every route is the ingress gateway's (a Gateway of class istio on its Service); nothing inside the mesh routes";
const routesOnWaypoint = (services: string) =>
  ({ why: `HTTPRoutes with ${services} as parent, which the namespace's waypoint serves (docs/ambient/usage/l7-features: HTTPRoute, parentRefs)`, waypoint: true }) as const;
const bookinfoRoutes = routesOnWaypoint("productpage, reviews, ratings and details");
// The secure-ingress task's Gateway API form: a Gateway of class istio, deployed by istiod like any
// ingress Gateway (ingress-httpbin's), its proxy given HBONE by the ambient profile's mesh-wide
// proxyMetadata (helm-profiles/ambient.yaml ISTIO_META_ENABLE_HBONE) to reach ambient pods.
const secureGateway = (tls: string) =>
  `the Gateway mygateway (class istio, in istio-system), from which istiod deploys mygateway-istio, terminates ${tls} and its HTTPRoute routes by host and path; httpbin itself needs no proxy`;

/**
 * The scenarios that run in ambient mode, per form, each with why. Without a waypoint (istio.io
 * docs/ambient/usage/waypoint: "the ztunnel ... handles L4 only") nothing between two workloads reads
 * HTTP; what the ingress gateway routes still works (an Envoy of its own, which reaches ambient pods
 * over HBONE: the ambient profile's ISTIO_META_ENABLE_HBONE, helm-profiles/ambient.yaml), and L4
 * policy is ztunnel's (docs/ambient/usage/l4-policy). A scenario that routes between services runs
 * in its Gateway API form, HTTPRoutes with a Service for parent on a waypoint: istio.io's ambient
 * pages configure waypoints through the Gateway API and call VirtualService there Alpha, its mixing
 * with Gateway API routes undefined (docs/ambient/usage/l7-features). An L7 policy runs in the Istio
 * API form with targetRefs to the waypoint instead of its selector, which a waypoint never applies
 * (Istio 1.31 pilot/pkg/model/policyattachment.go).
 */
const ambientRuns = {
  bookinfo: {
    istio: { why: "the gateway routes to productpage; productpage's calls to reviews, ratings and details are plain Kubernetes Service traffic, carried in mTLS by ztunnel" },
    "gateway-api": { why: gatewayRoutes },
  },
  "route-all-v1": { "gateway-api": bookinfoRoutes },
  "route-jason-v2": { "gateway-api": bookinfoRoutes },
  "shift-50-v3": { "gateway-api": bookinfoRoutes },
  "shift-v3": { "gateway-api": bookinfoRoutes },
  "shift-90-10": { "gateway-api": bookinfoRoutes },
  "shift-80-20": { "gateway-api": bookinfoRoutes },
  "shift-v2-v3": { "gateway-api": bookinfoRoutes },
  canary: { "gateway-api": bookinfoRoutes },
  "tcp-shift-80-20": {
    istio: { why: "the ingress gateway splits the TCP connections between tcp-echo's versions; nothing inside the mesh routes" },
    "gateway-api": { why: "a TCPRoute on the ingress gateway splits the connections; nothing inside the mesh routes" },
  },
  "tcp-shift-v2": {
    istio: { why: "the ingress gateway sends every TCP connection to tcp-echo v2; nothing inside the mesh routes" },
    "gateway-api": { why: "a TCPRoute on the ingress gateway sends every connection to tcp-echo v2; nothing inside the mesh routes" },
  },
  mirroring: {
    "gateway-api": {
      why: "an HTTPRoute with httpbin as parent and a RequestMirror filter to httpbin-v2, which the waypoint serving httpbin applies; verify counts the mirrored requests at that waypoint (tools/verify/probes/evidence.ts)",
      waypoint: true,
    },
  },
  "ingress-httpbin": {
    istio: { why: "every route is the ingress gateway's, by host and path; httpbin itself needs no proxy" },
    "gateway-api": { why: gatewayRoutes },
  },
  "ingress-tls": {
    istio: { why: "the ingress gateway terminates TLS and routes by host and path; httpbin itself needs no proxy" },
    "gateway-api": { why: secureGateway("TLS") },
  },
  "ingress-mtls": {
    istio: { why: "the ingress gateway terminates mutual TLS and routes by host and path; httpbin itself needs no proxy" },
    "gateway-api": { why: secureGateway("mutual TLS") },
  },
  "ingress-passthrough": { istio: { why: "the ingress gateway routes the connection by its SNI name without terminating it; nginx terminates TLS itself" } },
  "jwt-routing": {
    istio: { why: "the ingress gateway validates the token and routes by its claim; its RequestAuthentication selects the gateway's pods, which, not being a waypoint, take policies by selector (policyattachment.go)" },
  },
  "authz-tcp": { istio: { why: "its ALLOW policy names ports only, an L4 rule ztunnel enforces on tcp-echo's node (docs/ambient/usage/l4-policy)" } },
  "authz-http": {
    istio: { why: "its policies attach to the waypoint by targetRefs: allow-nothing to the waypoint itself, each viewer to its Service, the principals being the callers' as the waypoint sees them", waypoint: true },
  },
  "authz-deny": { istio: { why: "deny-method-get attaches to httpbin's Service on the waypoint (targetRefs), which reads the method and the x-token header", waypoint: true } },
  "jwt-auth": { istio: { why: "the RequestAuthentication and require-jwt attach to httpbin's Service on the waypoint (targetRefs), which validates the token; ztunnel takes no RequestAuthentication", waypoint: true } },
} as const satisfies Partial<Record<ScenarioName, Partial<Record<ScenarioForm, AmbientRun>>>>;

export type AmbientScenario = keyof typeof ambientRuns;
export const ambientScenarioNames = Object.keys(ambientRuns) as AmbientScenario[];

/** The (scenario, form) pairs ambient runs, in catalog order; `waypoint` where it needs one. */
export function ambientForms(): { scenario: AmbientScenario; form: ScenarioForm; run: AmbientRun }[] {
  return [...ambientScenarioNames].sort((a, b) => scenarioNames.indexOf(a) - scenarioNames.indexOf(b)).flatMap((scenario) =>
    (Object.entries(ambientRuns[scenario]) as [ScenarioForm, AmbientRun][]).map(([form, run]) => ({ scenario, form, run })),
  );
}

const alpha = "which istio.io's ambient docs call Alpha with a waypoint, its mixing with Gateway API routes undefined (docs/ambient/usage/l7-features)";
const faultBeside = `keeps its fault in a VirtualService in the Gateway API form too (the Gateway API has no fault injection), beside HTTPRoutes on the same waypoint: a VirtualService ${alpha}`;
const istioOnly = `acts between services with a VirtualService or DestinationRule only (it has no Gateway API form), ${alpha}`;

/** Why each other scenario does not run in ambient in any form (the type holds the list complete). */
export const ambientRefusals: Record<Exclude<ScenarioName, AmbientScenario>, string> = {
  "mtls-strict":
    "has DestinationRules that give the sidecars ISTIO_MUTUAL client TLS (the task's destination-rule-all-mtls.yaml), a traffic policy no proxy applies in ambient, where ztunnel carries mTLS itself: the analyzer refuses it (components/scenarios/ambient-rules.ts)",
  "fault-delay": faultBeside,
  "fault-abort": faultBeside,
  "request-timeout": faultBeside,
  "fault-abort-percent": istioOnly,
  "fault-delay-all": istioOnly,
  "locality-failover": istioOnly,
  "locality-weighted": istioOnly,
  "circuit-breaking": istioOnly,
  "sticky-sessions": istioOnly,
  retries: istioOnly,
  "rate-limit-local": "is an EnvoyFilter, which istio.io says waypoints do not support (docs/ambient/usage/l7-features)",
  "egress-service-entry": "controls the way out with a Sidecar and a ServiceEntry, which in ambient need an egress waypoint istio-lab does not deploy yet",
  "egress-gateway": "sends a sidecar's traffic to the egress gateway, which in ambient needs an egress waypoint istio-lab does not deploy yet",
  "egress-tls-origination": "originates TLS in the client's sidecar, which in ambient needs an egress waypoint istio-lab does not deploy yet",
  custom: `routes your services with VirtualServices (it has no Gateway API form), ${alpha}`,
};

/**
 * Probe kinds whose evidence comes from a sidecar in sidecar mode and that ambient has no source for
 * yet: an egress gateway's log of a call a sidecar sent there. A scenario that runs in ambient uses
 * none of them (test/mesh/ambient.test.ts holds it).
 */
export const sidecarEvidence: Partial<Record<Probe["kind"], string>> = {
  egress: "reads the egress gateway's access log for a call a sidecar sent there",
};

/**
 * Probe kinds that read a sidecar in sidecar mode and something else in ambient (tools/verify/probes/
 * evidence.ts recorderOf, tools/verify/cluster.ts plainPodLabels): where, in ambient.
 */
export const ambientEvidence: Partial<Record<Probe["kind"], string>> = {
  retried: "the access log of the waypoint that serves the destination",
  mirrored: "the access log and counters of the waypoint that serves the destination",
  mtls: "a plaintext pod labelled istio.io/dataplane-mode: none, which ztunnel does not capture",
};

/** A call probe with an upstream reads the client's sidecar log for the upstream it picked (tools/verify/probes/call.ts). */
export const needsSidecar = (probe: Probe): string | undefined =>
  sidecarEvidence[probe.kind] ?? (probe.kind === "call" && probe.upstream !== undefined ? "reads the client's sidecar access log for the upstream" : undefined);

/** Where the check runs: a platform stack (its own lab) or a lab stack on a platform. */
export type StackKind = "platform" | "lab";

/** The forms ambient runs a scenario in, each with its run; undefined for a scenario it refuses. */
const ambientFormsOf = (scenario: ScenarioName): Partial<Record<ScenarioForm, AmbientRun>> | undefined =>
  (ambientRuns as Partial<Record<ScenarioName, Partial<Record<ScenarioForm, AmbientRun>>>>)[scenario];

/**
 * Why the scenario, in the form `api`, does not run in `mode`; undefined when it does. Sidecar mode
 * runs every scenario in every form it has; ambient the pairs of ambientRuns, in a platform's own
 * lab and in a lab stack alike: a lab's waypoint is its own, in its namespace and bound to its
 * Services only (components/lab-on-platform.ts; docs/labs.md, "Labs in ambient mode").
 */
export function modeRefusal(mode: MeshMode, scenario: ScenarioName, api: string = "istio"): string | undefined {
  if (mode === "sidecar") return undefined;
  const forms = ambientFormsOf(scenario);
  if (!forms) return ambientRefusals[scenario as Exclude<ScenarioName, AmbientScenario>];
  if (forms[api as ScenarioForm]) return undefined;
  const other = (Object.keys(forms) as ScenarioForm[]).map((f) => `its ${formNames[f]} form${f === "gateway-api" ? " (istio-lab:scenarioOptions.api: gateway-api)" : ""}`).join(" or ");
  return `is in its ${formNames[api as ScenarioForm] ?? api} form, which does not run in ambient: there it runs in ${other}${api === "istio" ? `, because its VirtualServices route between services, ${alpha}` : ""}`;
}

/** The ambient run of a scenario in a form, if ambient runs it (its `waypoint` says whether it gets one). */
export function ambientRun(scenario: ScenarioName, api: string = "istio"): AmbientRun | undefined {
  return ambientFormsOf(scenario)?.[api as ScenarioForm];
}

/**
 * The pairs a stack runs in ambient: a platform's own lab every pair of ambientRuns; a lab stack
 * those that are not a platform's alone in that form (scenario-spec.ts platformOnlyReasons, read on
 * the scenario resolved with its example options, as the config layer refuses it: the secure
 * ingress tasks, SNI passthrough, jwt-routing's policy on the shared gateway).
 */
export function ambientPairs(stack: StackKind = "platform"): { scenario: AmbientScenario; form: ScenarioForm; run: AmbientRun }[] {
  return ambientForms().filter(({ scenario, form }) => {
    if (stack === "platform") return true;
    const options = exampleOptions(scenario) as object | undefined;
    return platformOnlyReasons(resolveScenario(scenario, form === "istio" ? options : { ...options, api: form })).length === 0;
  });
}

/** The pairs a stack runs in ambient, as the messages list them: "bookinfo, ... (Istio API form); ... (Gateway API form)". */
export function ambientRunsText(stack: StackKind = "platform"): string {
  const pairs = ambientPairs(stack);
  return (["istio", "gateway-api"] as const)
    .map((form) => [form, pairs.filter((p) => p.form === form).map((p) => p.scenario)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([form, names]) => `${names.join(", ")} (${formNames[form]} form${form === "gateway-api" ? ", istio-lab:scenarioOptions.api: gateway-api" : ""})`)
    .join("; ");
}

/** The message of a platform stack's refusal, on `istio-lab:mesh.mode`: what does not run, why, and what would. */
export function modeRefusalMessage(mode: MeshMode, scenario: ScenarioName, reason: string): string {
  return `is ${mode}, where scenario ${scenario} does not run: it ${reason}. In ${mode} mode istio-lab runs ${ambientRunsText()} (docs/ambient.md): choose one of them, or set istio-lab:mesh.mode: sidecar`;
}

/** A lab stack's refusal, on `istio-lab:scenario`: the mode is its platform's, and the list what a lab stack runs there. */
export function labModeRefusalMessage(platform: string, mode: MeshMode, scenario: ScenarioName, reason: string): string {
  return `${scenario} does not run on platform ${platform}, whose istio-lab:mesh.mode is ${mode}: it ${reason}. There a lab stack runs ${ambientRunsText("lab")} (docs/labs.md, "Labs in ambient mode"): choose one of them, or run this lab on a platform in sidecar mode`;
}
