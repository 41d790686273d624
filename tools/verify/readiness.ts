// Real readiness: before any probe, wait (bounded, reported) until istiod holds the scenario as the
// cluster has it and every proxy on its path acknowledged a push made since. `pulumi up` ends when
// the objects exist, not when istiod has pushed them (it debounces for up to PILOT_DEBOUNCE_MAX,
// 10 s), so a probe run at once could judge the previous configuration. The rules are in
// judge/readiness.ts; this reads the cluster and istiod's debug endpoints.
import type { ProbeContext } from "./probes/context";
import { sleep } from "./deadline";
import { gatewayApiVersions } from "../../catalog/gateway-api-resources";
import {
  gatewayPods,
  istioGroups,
  istiodBehind,
  parseConfigz,
  parseSyncz,
  podExpectations,
  proxyVerdicts,
  pushCounter,
  recentlyChanged,
  statusBehind,
  uncaptured,
  unconnected,
  uniqueByPod,
  type ConfigObject,
  type ProxySync,
  type StatusObject,
} from "./judge/readiness";
import { ClusterError, type PodTarget } from "./types";

/** istiod as Istio's chart installs it (istio-discovery templates/deployment.yaml: Deployment istiod, container discovery). */
export const istiod = (meshNamespace: string): PodTarget => ({ namespace: meshNamespace, deployment: "istiod", container: "discovery" });

/**
 * A debug endpoint of istiod, from inside its own container: `pilot-discovery request` asks
 * 127.0.0.1:15014, where the debug handlers answer localhost without authentication
 * (pilot/cmd/pilot-discovery/app/request.go; pilot/pkg/xds/debug.go allowAuthenticatedOrLocalhost).
 */
export const istiodDebugCommand = (path: string) => ["pilot-discovery", "request", "GET", path];

/**
 * How long after a change a proxy it reaches may still be waiting for its push: istiod debounces
 * changes for up to PILOT_DEBOUNCE_MAX (10 s, pilot/pkg/features/pilot.go) before it makes the
 * push, and two seconds more for the push itself and the API server's whole-second timestamps.
 * Within it, such a proxy must have acknowledged a push made after istiod held the change; after
 * it, having acknowledged all it was sent is enough. (This machine's clock against the API
 * server's: a clock ahead by more than the debounce takes a change as older than it is.)
 */
export const pushWindowMs = 12_000;

/**
 * The kinds whose objects make up a scenario's configuration, as the API lists them: Istio's own
 * (compared with istiod's configz) and the Gateway API's (judged by the status istiod writes).
 */
export const configKinds = [
  { group: "networking.istio.io", version: "v1", kind: "VirtualService", plural: "virtualservices" },
  { group: "networking.istio.io", version: "v1", kind: "DestinationRule", plural: "destinationrules" },
  { group: "networking.istio.io", version: "v1", kind: "ServiceEntry", plural: "serviceentries" },
  { group: "networking.istio.io", version: "v1", kind: "Gateway", plural: "gateways" },
  { group: "networking.istio.io", version: "v1", kind: "Sidecar", plural: "sidecars" },
  { group: "networking.istio.io", version: "v1alpha3", kind: "EnvoyFilter", plural: "envoyfilters" },
  { group: "security.istio.io", version: "v1", kind: "AuthorizationPolicy", plural: "authorizationpolicies" },
  { group: "security.istio.io", version: "v1", kind: "PeerAuthentication", plural: "peerauthentications" },
  { group: "security.istio.io", version: "v1", kind: "RequestAuthentication", plural: "requestauthentications" },
  { group: "telemetry.istio.io", version: "v1", kind: "Telemetry", plural: "telemetries" },
  // The Gateway API kinds the catalog writes, at the versions it writes them (the served ones).
  ...Object.entries(gatewayApiVersions).map(([kind, apiVersion]) => ({ group: apiVersion.split("/")[0], version: apiVersion.split("/")[1], kind, plural: `${kind.toLowerCase()}s` })),
];

export interface Readiness {
  ready: boolean;
  seconds: number;
  /** What was waited for, or what was still missing when the bound ran out. */
  detail: string;
}

export interface ReadinessOptions {
  appNamespace: string;
  meshNamespace: string;
  /** The bound of the whole wait (--ready-timeout). */
  limitMs: number;
  /** Wall-clock time in ms (compared with the API server's change times, and bounding the wait) and the pause between polls; a test gives a simulated one. */
  clock?: { now: () => number; pause: (ms: number) => Promise<void> };
}

const key = (o: ConfigObject) => `${o.kind} ${o.namespace}/${o.name}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Waits until the scenario is served, or the bound runs out; never throws for a slow mesh, only for an unreachable one. */
export async function awaitReadiness(ctx: ProbeContext, options: ReadinessOptions): Promise<Readiness> {
  const { appNamespace, meshNamespace } = options;
  const { now, pause } = options.clock ?? { now: Date.now, pause: sleep };
  const cluster = await ctx.cluster();
  const started = now();
  const until = started + Math.min(options.limitMs, ctx.deadline.remainingMs());
  const seconds = () => (now() - started) / 1000;
  const left = () => ctx.deadline.budget(Math.max(1000, Math.min(ctx.timeoutMs, until - now())));
  // `pilot-discovery request` exits 0 on a 404 (pilot/pkg/request/command.go): an answer that is no JSON is no answer.
  const debug = async <T>(path: string, parse: (text: string) => T): Promise<T> => {
    const result = await cluster.exec(istiod(meshNamespace), istiodDebugCommand(path), left());
    if (result.exitCode !== 0) throw new ClusterError(`istiod's ${path} did not answer (exit ${result.exitCode}): ${result.stderr.trim().slice(-200)}`);
    try {
      return parse(result.stdout);
    } catch (error) {
      throw new ClusterError(`istiod's ${path} answered something else than its JSON (${error instanceof Error ? error.message : String(error)}): ${result.stdout.trim().slice(0, 120)}`);
    }
  };
  const namespaces = [appNamespace, meshNamespace];
  // Only the kinds listed here are compared: configz holds others (WasmPlugin, WorkloadEntry, ...) the lab never writes.
  const istioKinds = configKinds.filter((k) => istioGroups.includes(k.group)).map((k) => k.kind);

  // 1. istiod holds every Istio object of the lab's namespaces at the cluster's version, none that is
  //    gone, and has accepted each Gateway API object's current generation.
  // What istiod was seen without (a newer version, a deletion): changed no earlier than that moment.
  const changed = new Map<string, ConfigObject>();
  const seenChanging = (o: ConfigObject) => changed.set(key(o), { ...o, changedAt: new Date(now()).toISOString() });
  let objects: ConfigObject[];
  // The Gateways of both namespaces (the pods istiod deploys for some: judge/readiness.ts gatewayPods), and the Services bound to a waypoint.
  let gateways: StatusObject[];
  let services: ConfigObject[];
  for (;;) {
    const inCluster = await cluster.istioConfig(namespaces, left());
    const { behind, gone } = istiodBehind(inCluster.config, await debug("/debug/configz", (text) => parseConfigz(text, namespaces, istioKinds)));
    // A Gateway API object of the lab's own namespace: the mesh namespace holds other labs' too.
    const unaccepted = statusBehind(inCluster.status.filter((o) => o.namespace === appNamespace));
    for (const o of gone) seenChanging(o);
    for (const o of inCluster.config) if (behind.some((b) => b.startsWith(`${key(o)}:`))) seenChanging(o);
    if (behind.length === 0 && unaccepted.length === 0) {
      // Gateway API objects are changes too: istiod turns them into the routes it pushes.
      objects = [...inCluster.config, ...inCluster.status.filter((o) => o.namespace === appNamespace).map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name, resourceVersion: "", ...(o.changedAt && { changedAt: o.changedAt }) }))];
      gateways = inCluster.status.filter((o) => o.kind === "Gateway");
      services = inCluster.services ?? [];
      break;
    }
    if (now() >= until) return { ready: false, seconds: seconds(), detail: `istiod does not hold the scenario yet: ${[...behind, ...unaccepted].slice(0, 3).join("; ")}` };
    await pause(1000);
  }

  // 2. Every proxy on the path acknowledged what it was sent, and a push made since step 1 where a
  //    recent change reaches it: the app namespace's sidecars, waypoints and gateways, the mesh
  //    namespace's gateways and, in ambient mode, its ztunnels (judge/readiness.ts pushedTo says
  //    which changes reach which; a Service bound to a waypoint is a change ztunnel gets). Every pod
  //    that must have a proxy has it connected, each Gateway istiod deploys a proxy for has a pod,
  //    and in an ambient namespace every pod istio-cni captures carries its mark
  //    (judge/readiness.ts podExpectations, gatewayPods).
  const onPath = (p: ProxySync) =>
    ((p.type === "sidecar" || p.type === "waypoint" || p.type === "router") && p.namespace === appNamespace) || ((p.type === "router" || p.type === "ztunnel") && p.namespace === meshNamespace);
  let proxies = await debug("/debug/syncz", parseSyncz);
  const baseline = Math.max(-1, ...proxies.flatMap((p) => p.types.map((t) => pushCounter(t.sent) ?? -1)));
  // An object that existed when the wait began changed before it, whatever the API server's clock
  // says: a server clock ahead of this one cannot keep a change recent past the window.
  const atLatestStart = (o: ConfigObject): ConfigObject => (o.changedAt && Date.parse(o.changedAt) > started ? { ...o, changedAt: new Date(started).toISOString() } : o);
  const candidates = [...objects.filter((o) => !changed.has(key(o))).map(atLatestStart), ...services.map(atLatestStart), ...changed.values()];
  for (;;) {
    // Changes inside the push window, looked at again each round: once older, acknowledging all it was sent is enough.
    const recent = recentlyChanged(candidates, now(), pushWindowMs);
    // Every pod's proxy, which syncz lists only once it is connected, and ztunnel's capture of the ambient pods.
    const pods = await cluster.meshPods(namespaces, left());
    const deployed = gatewayPods(gateways, pods, appNamespace, meshNamespace);
    const expected = uniqueByPod([
      ...podExpectations(
        pods.filter((p) => !p.pending),
        meshNamespace,
      ),
      ...deployed.expected,
    ]);
    const verdicts = [...proxyVerdicts(proxies.filter(onPath), recent, baseline, meshNamespace), ...unconnected(expected, new Set(proxies.map((p) => p.id))), ...deployed.missing];
    const captured = expected.filter((e) => "captured" in e).length;
    const waiting = [...verdicts.filter((v) => v.waiting), ...uncaptured(expected, pods)];
    const ambient = captured ? `; ${plural(captured, "pod")} captured by ztunnel` : "";
    if (waiting.length === 0) {
      const pushed = recent.length ? `, a push since for ${plural(recent.length, "change")} of the last ${pushWindowMs / 1000} s` : "";
      return { ready: true, seconds: seconds(), detail: `istiod holds the lab's ${plural(objects.length, "Istio object")}; ${plural(verdicts.length, "proxy", "proxies")} on the path acknowledged them${pushed}${ambient}` };
    }
    if (now() >= until) {
      const of = [plural(verdicts.length, "proxy", "proxies"), ...(captured ? [plural(captured, "ambient pod")] : [])].join(" and ");
      return { ready: false, seconds: seconds(), detail: `${waiting.length} of ${of} not yet serving the scenario: ${waiting.slice(0, 3).map((w) => `${w.proxy} (${w.waiting})`).join("; ")}` };
    }
    await pause(1000);
    proxies = await debug("/debug/syncz", parseSyncz);
  }
}
