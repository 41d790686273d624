// Which of Istio's data planes runs which scenario, as data: the one place the config check, the
// platform's labs, the docs and the tests read it (docs/ambient.md).
import type { Probe } from "./probes";
import type { ScenarioName } from "./names";

/** Istio's data planes (`istio-lab:mesh.mode`): an Envoy sidecar in every pod, or ambient's ztunnel on every node. */
export const meshModes = ["sidecar", "ambient"] as const;
export type MeshMode = (typeof meshModes)[number];

/**
 * The scenarios that run in ambient mode, in their Istio API form, each with why it needs no L7
 * proxy inside the mesh. Without a waypoint (istio.io docs/ambient/usage/waypoint: "the ztunnel
 * ... handles L4 only"), nothing between two workloads reads HTTP: a VirtualService or
 * DestinationRule between services, an L7 AuthorizationPolicy, a RequestAuthentication, an
 * EnvoyFilter or a Sidecar has no proxy to act on it. What the ingress gateway routes still works:
 * it is an Envoy of its own, which reaches ambient pods over HBONE (the ambient profile's
 * ISTIO_META_ENABLE_HBONE, helm-profiles/ambient.yaml). L4 policy is ztunnel's
 * (docs/ambient/usage/l4-policy: ports, principals, namespaces and IP blocks).
 */
export const ambientScenarios = {
  bookinfo: "the gateway routes to productpage; productpage's calls to reviews, ratings and details are plain Kubernetes Service traffic, carried in mTLS by ztunnel",
  "ingress-httpbin": "every route is the ingress gateway's, by host and path; httpbin itself needs no proxy",
  "tcp-shift-80-20": "the ingress gateway splits the TCP connections between tcp-echo's versions; nothing inside the mesh routes",
  "tcp-shift-v2": "the ingress gateway sends every TCP connection to tcp-echo v2; nothing inside the mesh routes",
  "authz-tcp": "its ALLOW policy names ports only, an L4 rule ztunnel enforces on tcp-echo's node (docs/ambient/usage/l4-policy)",
} as const satisfies Partial<Record<ScenarioName, string>>;

export type AmbientScenario = keyof typeof ambientScenarios;
export const ambientScenarioNames = Object.keys(ambientScenarios) as AmbientScenario[];

/** Why a scenario that needs no waypoint still does not run in ambient in this release, where the general reason is not it. */
const ambientRefusals: Partial<Record<ScenarioName, string>> = {
  "mtls-strict":
    "has a PeerAuthentication ztunnel would enforce, but verify's plaintext client (a pod without a sidecar in the app namespace) would itself be captured by ztunnel in an ambient namespace, so the probe would prove nothing",
};

/** The general reason: the scenario's objects act on traffic between workloads, which only a proxy reading HTTP (a sidecar, or a waypoint) applies. */
const needsL7 = "acts on traffic between the lab's workloads with objects only an L7 proxy applies (a sidecar, or a waypoint, which istio-lab does not deploy yet)";

/**
 * Probe kinds whose evidence comes from a sidecar: an access log (container istio-proxy) or a
 * client outside the mesh that a sidecar-less pod is only in sidecar mode (tools/verify/probes/).
 * A scenario that runs in ambient uses none of them (test/mesh/ambient.test.ts holds it).
 */
export const sidecarEvidence: Partial<Record<Probe["kind"], string>> = {
  retried: "counts the destination sidecar's access-log lines",
  mirrored: "counts the mirror's sidecar access-log lines",
  egress: "reads the egress gateway's access log for a call a sidecar sent there",
  mtls: "sends plaintext from a pod that only sidecar mode keeps outside the mesh",
};

/** A call probe with an upstream reads the client's sidecar log for the upstream it picked (tools/verify/probes/call.ts). */
export const needsSidecar = (probe: Probe): string | undefined =>
  sidecarEvidence[probe.kind] ?? (probe.kind === "call" && probe.upstream !== undefined ? "reads the client's sidecar access log for the upstream" : undefined);

/**
 * Why the scenario, in the form `api`, does not run in `mode`; undefined when it does. Sidecar mode
 * runs every scenario; ambient the ones above, in their Istio API form only.
 */
export function modeRefusal(mode: MeshMode, scenario: ScenarioName, api: string = "istio"): string | undefined {
  if (mode === "sidecar") return undefined;
  if (!(scenario in ambientScenarios)) return ambientRefusals[scenario] ?? needsL7;
  if (api !== "istio") return "is in its Gateway API form, which in ambient is still to come";
  return undefined;
}

/** The message of a platform stack's refusal, on `istio-lab:mesh.mode`: what does not run, why, and what would. */
export function modeRefusalMessage(mode: MeshMode, scenario: ScenarioName, reason: string): string {
  return `is ${mode}, where scenario ${scenario} does not run: it ${reason}. In ${mode} mode istio-lab runs ${ambientScenarioNames.join(", ")} (their Istio API form; docs/ambient.md): choose one of them, or set istio-lab:mesh.mode: sidecar`;
}

/** A lab stack's refusal, on `istio-lab:scenario`: the mode is its platform's. */
export function labModeRefusalMessage(platform: string, mode: MeshMode, scenario: ScenarioName, reason: string): string {
  return `${scenario} does not run on platform ${platform}, whose istio-lab:mesh.mode is ${mode}: it ${reason}. There istio-lab runs ${ambientScenarioNames.join(", ")} (their Istio API form; docs/ambient.md): choose one of them, or run this lab on a platform in sidecar mode`;
}
