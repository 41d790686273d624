// Where a probe finds the mesh's own record of its traffic, in either data plane: a sidecar's access
// log in sidecar mode; in ambient mode (the app namespace labelled istio.io/dataplane-mode: ambient,
// docs/ambient.md) the waypoint that serves the destination Service (an Envoy: Istio's default
// access log, and its counters), or ztunnel's access log for L4.
import { istioNamespace } from "../../../components/mesh/istio-namespace";
import { dataplaneModeLabel } from "../../../catalog/scenarios/modes";
import { waypointFor } from "../../../catalog/scenarios/waypoint";
import { ztunnelConnections, type ZtunnelConnection } from "../judge/ambient";
import { gatewayNameLabel } from "../judge/readiness";
import { ClusterError, type PodTarget } from "../types";
import type { ProbeContext } from "./context";

/** Every Istio proxy that is an Envoy (a sidecar, a gateway, a waypoint) writes its access log to stdout in container istio-proxy. */
const proxyContainer = "istio-proxy";

/**
 * ztunnel's pods: the DaemonSet's pods, labelled app: ztunnel in the mesh namespace (the ztunnel
 * chart's templates/daemonset.yaml, and cni/pkg/util/podutil.go IsZtunnelPod), container istio-proxy.
 */
export const ztunnelPods: PodTarget = { deployment: "ztunnel", selector: { app: "ztunnel" }, namespace: istioNamespace, container: proxyContainer };

/** The pods of a waypoint: Istio's deployment controller labels them with their Gateway's name (istio-discovery files/waypoint.yaml). */
const waypointPods = (waypoint: { name: string; namespace: string }): PodTarget => ({
  deployment: `waypoint ${waypoint.name}`,
  selector: { [gatewayNameLabel]: waypoint.name },
  namespace: waypoint.namespace,
  container: proxyContainer,
});

/** Whether the lab's namespace is in ambient mode: labelled istio.io/dataplane-mode: ambient. */
export async function inAmbient(ctx: ProbeContext): Promise<boolean> {
  const cluster = await ctx.cluster();
  return (await cluster.labelsOf({ namespace: ctx.appNamespace }, ctx.deadline.budget(ctx.timeoutMs))).namespace[dataplaneModeLabel] === "ambient";
}

/** The Service a URL names: `http://httpbin:8000/..` is httpbin of the app namespace, `httpbin.other` or `httpbin.other.svc...` of namespace other. */
export function serviceOf(url: string): { service: string; namespace?: string } {
  const [service, namespace] = new URL(url).hostname.split(".");
  return { service, ...(namespace && { namespace }) };
}

/** Where the destination of a call is recorded: its own sidecar (sidecar mode), the waypoint that serves its Service, or, in ambient without one, ztunnel only. */
export type Recorder = { kind: "sidecar" } | { kind: "waypoint"; waypoint: { name: string; namespace: string }; target: PodTarget; host: string } | { kind: "ztunnel" };

export async function recorderOf(ctx: ProbeContext, url: string): Promise<Recorder> {
  const cluster = await ctx.cluster();
  const dest = serviceOf(url);
  const namespace = dest.namespace ?? ctx.appNamespace;
  const labels = await cluster.labelsOf({ namespace, service: dest.service }, ctx.deadline.budget(ctx.timeoutMs));
  if (labels.namespace[dataplaneModeLabel] !== "ambient") return { kind: "sidecar" };
  const waypoint = waypointFor(labels.service ?? {}, labels.namespace, namespace);
  if (!waypoint) return { kind: "ztunnel" };
  return { kind: "waypoint", waypoint, target: waypointPods(waypoint), host: `${dest.service}.${namespace}.svc.cluster.local` };
}

/**
 * A waypoint's Envoy counters in each of its ready pods, by pod (`pilot-agent request GET stats`:
 * Envoy's admin /stats on localhost:15000, pilot/cmd/pilot-agent/app/request.go). Every pod: the
 * waypoint's Service spreads connections over them (a HorizontalPodAutoscaler or a hand's scale may
 * give it more than one), so one pod's counters could miss the call; judge/ambient.ts counterRise
 * sums the rise over them.
 */
export async function waypointStats(ctx: ProbeContext, recorder: Extract<Recorder, { kind: "waypoint" }>, stat: string): Promise<Record<string, string>> {
  const cluster = await ctx.cluster();
  const results = await cluster.execEach(recorder.target, ["pilot-agent", "request", "GET", `stats?filter=${encodeURIComponent(`\\.${stat}$`)}`], ctx.deadline.budget(ctx.timeoutMs));
  for (const r of results) if (r.exitCode !== 0) throw new ClusterError(`${recorder.target.deployment}: pod ${r.pod} did not give its stats (exit ${r.exitCode}): ${r.stderr.trim().slice(-200)}`);
  return Object.fromEntries(results.map((r) => [r.pod, r.stdout]));
}

/** The host of a Service of a URL's namespace (or the app namespace): `<service>.<namespace>.svc.cluster.local`, as istiod names its clusters. */
export const serviceHost = (ctx: Pick<ProbeContext, "appNamespace">, url: string, service = serviceOf(url).service) => `${service}.${serviceOf(url).namespace ?? ctx.appNamespace}.svc.cluster.local`;

/** The connections ztunnel (every node's) logged complete in the last `sinceSeconds`. */
export async function ztunnelLog(ctx: ProbeContext, sinceSeconds: number): Promise<ZtunnelConnection[]> {
  const cluster = await ctx.cluster();
  return ztunnelConnections(await cluster.logs(ztunnelPods, sinceSeconds, ctx.deadline.budget(ctx.timeoutMs)));
}
