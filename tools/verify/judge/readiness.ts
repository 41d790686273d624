// When the proxies on a scenario's path serve its configuration, from what istiod itself reports
// (Istio 1.31, pilot/pkg/xds/debug.go): /debug/configz lists the config istiod holds, each object
// with the resourceVersion it read; /debug/syncz lists every connected proxy with, per xDS type, the
// nonce last sent and the nonce it acknowledged. A nonce is the push's version followed by a UUID
// (xds/discovery.go nonce(), NextVersion: "<RFC3339 time>/<counter>"), and the counter only grows,
// so "a push made after istiod held the configuration" needs no clock. Pure: tools/verify/readiness.ts
// reads the cluster and istiod, this decides.

/** An Istio config object as the Kubernetes API or istiod has it. */
export interface ConfigObject {
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** Its last change (the newest managedFields time, else its creation), as the API server wrote it. */
  changedAt?: string;
  /** The fields that decide which proxies a change reaches. */
  exportTo?: string[];
  gateways?: string[];
}

/** A Gateway API object whose status says whether istiod took its current generation. */
export interface StatusObject {
  kind: string;
  namespace: string;
  name: string;
  generation: number;
  /** The conditions istiod wrote (Accepted for a route's parents, Programmed for a Gateway), each with its observedGeneration. */
  conditions: { type: string; status: string; observedGeneration?: number }[];
}

export interface ProxySync {
  /** `<pod>.<namespace>`. */
  id: string;
  namespace: string;
  /** sidecar, router (a gateway), waypoint, ztunnel. */
  type: string;
  /** Per xDS type: the nonces last sent and acknowledged. */
  types: { type: string; sent: string; acked: string; error?: string }[];
}

const key = (o: { kind: string; namespace: string; name: string }) => `${o.kind} ${o.namespace}/${o.name}`;

/** The API groups of Istio's own config, which configz lists by their kinds (Gateway API objects are judged by their status). */
export const istioGroups = ["networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io"];

/** istiod's /debug/configz: Istio's own config objects of the given namespaces (crd.ConvertConfig's form). */
export function parseConfigz(text: string, namespaces: readonly string[]): ConfigObject[] {
  const parsed = JSON.parse(text) as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; resourceVersion?: string }; spec?: { exportTo?: string[]; gateways?: string[] } }[];
  if (!Array.isArray(parsed)) throw new Error("istiod's configz is not a list");
  return parsed.flatMap((c) =>
    c.kind && c.metadata?.name && c.metadata.namespace && namespaces.includes(c.metadata.namespace) && istioGroups.includes((c.apiVersion ?? "").split("/")[0])
      ? [{ kind: c.kind, namespace: c.metadata.namespace, name: c.metadata.name, resourceVersion: c.metadata.resourceVersion ?? "", ...(c.spec?.exportTo && { exportTo: c.spec.exportTo }), ...(c.spec?.gateways && { gateways: c.spec.gateways }) }]
      : [],
  );
}

/** istiod's /debug/syncz (SyncStatus): per proxy, the sent and acknowledged nonce of each type it watches. */
export function parseSyncz(text: string): ProxySync[] {
  const parsed = JSON.parse(text) as { proxy?: string; proxy_type?: string; resources?: Record<string, { sent?: string; acked?: string; lastError?: string }> }[];
  if (!Array.isArray(parsed)) throw new Error("istiod's syncz is not a list");
  return parsed.flatMap((p) => {
    if (!p.proxy) return [];
    const dot = p.proxy.lastIndexOf(".");
    return [
      {
        id: p.proxy,
        namespace: dot >= 0 ? p.proxy.slice(dot + 1) : "",
        type: p.proxy_type ?? "",
        types: Object.entries(p.resources ?? {}).map(([type, r]) => ({ type: type.split("/").pop() ?? type, sent: r.sent ?? "", acked: r.acked ?? "", ...(r.lastError && { error: r.lastError }) })),
      },
    ];
  });
}

/** The push counter a nonce carries: `<time>/<counter><uuid of 36 characters>`; undefined for none. */
export function pushCounter(nonce: string): number | undefined {
  const slash = nonce.lastIndexOf("/");
  if (slash < 0 || nonce.length - slash - 1 <= 36) return undefined;
  const digits = nonce.slice(slash + 1, nonce.length - 36);
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** Where the cluster and istiod differ: objects istiod lacks or holds at another version, and objects it still holds that are gone. */
export function istiodBehind(cluster: readonly ConfigObject[], istiod: readonly ConfigObject[]): { behind: string[]; gone: ConfigObject[] } {
  const held = new Map(istiod.map((o) => [key(o), o]));
  const present = new Set(cluster.map(key));
  const behind = cluster.flatMap((o) => {
    const h = held.get(key(o));
    if (!h) return [`${key(o)}: not yet in istiod`];
    return h.resourceVersion === o.resourceVersion ? [] : [`${key(o)}: istiod has version ${h.resourceVersion}, the cluster ${o.resourceVersion}`];
  });
  const gone = istiod.filter((o) => !present.has(key(o)));
  return { behind: [...behind, ...gone.map((o) => `${key(o)}: deleted, istiod still has it`)], gone };
}

/** Gateway API objects whose current generation istiod has not yet accepted (its status writer): a Gateway Programmed, each parent of a route Accepted. */
export function statusBehind(objects: readonly StatusObject[]): string[] {
  return objects.flatMap((o) => {
    const wanted = o.kind === "Gateway" ? "Programmed" : "Accepted";
    const conditions = o.conditions.filter((c) => c.type === wanted);
    if (conditions.length === 0 || conditions.some((c) => c.observedGeneration !== o.generation)) return [`${key(o)}: no ${wanted} condition for generation ${o.generation} yet`];
    return conditions.every((c) => c.status === "True") ? [] : [`${key(o)}: ${wanted} is not True`];
  });
}

type Condition = { type?: string; status?: string; observedGeneration?: number };

/** An object as the Kubernetes API lists it, in the parts readiness reads. */
export interface ApiItem {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; generation?: number; creationTimestamp?: string | Date; managedFields?: { time?: string | Date }[] };
  spec?: { exportTo?: string[]; gateways?: string[] };
  status?: { conditions?: Condition[]; parents?: { conditions?: Condition[] }[] };
}

const iso = (t: string | Date | undefined) => (t === undefined ? undefined : t instanceof Date ? t.toISOString() : t);

/** An Istio object as ConfigObject: its last change is the newest managedFields time (every writer's last update), else its creation. */
export function configObjectOf(kind: string, item: ApiItem): ConfigObject {
  const m = item.metadata ?? {};
  const times = [...(m.managedFields ?? []).map((f) => iso(f.time)), iso(m.creationTimestamp)].filter((t): t is string => t !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    kind,
    namespace: m.namespace ?? "",
    name: m.name ?? "",
    resourceVersion: m.resourceVersion ?? "",
    ...(times.length && { changedAt: times.at(-1) }),
    ...(item.spec?.exportTo && { exportTo: item.spec.exportTo }),
    ...(item.spec?.gateways && { gateways: item.spec.gateways }),
  };
}

/** A Gateway API object as StatusObject: a Gateway's own conditions, a route's Accepted per parent (one missing reads as Unknown). */
export function statusObjectOf(kind: string, item: ApiItem): StatusObject {
  const m = item.metadata ?? {};
  const generation = m.generation ?? 0;
  const pick = (cs: Condition[] | undefined, type: string) => cs?.find((c) => c.type === type) ?? { type, status: "Unknown" };
  const conditions = kind === "Gateway" ? [pick(item.status?.conditions, "Programmed")] : (item.status?.parents ?? [{}]).map((p) => pick(p.conditions, "Accepted"));
  return { kind, namespace: m.namespace ?? "", name: m.name ?? "", generation, conditions: conditions.map((c) => ({ type: c.type ?? "", status: c.status ?? "Unknown", ...(c.observedGeneration !== undefined && { observedGeneration: c.observedGeneration }) })) };
}

/** Kinds that reach a sidecar only from its own namespace or the root namespace (model/sidecar.go clusterScopedKnownConfigTypes). */
const namespaceScoped = new Set(["EnvoyFilter", "AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "TrafficExtension", "Telemetry"]);
/** Kinds a sidecar's scope tracks one by one (sidecarScopedKnownConfigTypes); any other kind reaches every sidecar. */
const scopeTracked = new Set(["ServiceEntry", "VirtualService", "DestinationRule", "Sidecar", "PeerAuthentication"]);

/** Visible in `namespace` by exportTo (absent: the mesh default, every namespace; push_context.go). */
const exportedTo = (o: ConfigObject, namespace: string) => !o.exportTo || o.exportTo.includes("*") || o.exportTo.includes(namespace) || (o.exportTo.includes(".") && o.namespace === namespace);

/**
 * Whether istiod pushes a change of `config` to `proxy` (pilot/pkg/xds/proxy_dependencies.go
 * DefaultProxyNeedsPush -> proxyDependentOnConfig, model/sidecar.go DependsOnConfig), for proxies
 * without a Sidecar resource selecting them: a gateway takes every kind but Sidecar, and a
 * ServiceEntry only when visible to it; a sidecar never takes a Gateway, takes the namespace-scoped
 * kinds from its own or the root namespace, a VirtualService only when bound to the mesh, and the
 * other tracked kinds when exported to it; every other kind reaches every proxy. Waypoints and
 * ztunnel take every change.
 */
export function pushedTo(proxy: Pick<ProxySync, "namespace" | "type">, config: ConfigObject, rootNamespace: string): boolean {
  if (proxy.type === "router") return config.kind !== "Sidecar" && (config.kind !== "ServiceEntry" || exportedTo(config, proxy.namespace));
  if (proxy.type !== "sidecar") return true;
  if (config.kind === "Gateway") return false;
  if (namespaceScoped.has(config.kind)) return config.namespace === rootNamespace || config.namespace === proxy.namespace;
  if (!scopeTracked.has(config.kind)) return true;
  if (config.kind === "Sidecar" || config.kind === "PeerAuthentication") return config.namespace === proxy.namespace || config.namespace === rootNamespace;
  if (config.kind === "VirtualService" && config.gateways && !config.gateways.includes("mesh")) return false;
  return exportedTo(config, proxy.namespace);
}

export interface ProxyVerdict {
  proxy: string;
  /** Why it is not ready yet; undefined when it is. */
  waiting?: string;
}

/**
 * Each proxy on the path: ready when it acknowledged everything istiod sent it, and, where a recent
 * change of the scenario reaches it, when what it acknowledged is a push made after istiod held the
 * scenario (a counter above `baseline`, the highest any proxy had been sent at that moment).
 */
export function proxyVerdicts(proxies: readonly ProxySync[], changed: readonly ConfigObject[], baseline: number, rootNamespace: string): ProxyVerdict[] {
  return proxies.map((p) => {
    const pending = p.types.filter((t) => t.sent !== t.acked || t.error);
    if (pending.length) return { proxy: p.id, waiting: `${pending.map((t) => t.type).join(", ")} sent, not yet acknowledged${pending.some((t) => t.error) ? ` (${pending.find((t) => t.error)!.error})` : ""}` };
    const reaching = changed.filter((c) => pushedTo(p, c, rootNamespace));
    if (reaching.length === 0) return { proxy: p.id };
    const newest = Math.max(-1, ...p.types.map((t) => pushCounter(t.acked) ?? -1));
    return newest > baseline ? { proxy: p.id } : { proxy: p.id, waiting: `no push since istiod took ${reaching.map(key).join(", ")}` };
  });
}

/** The objects changed within `windowMs` before `now` (a push for them may still be on its way), by the API server's time. */
export function recentlyChanged(objects: readonly ConfigObject[], now: number, windowMs: number): ConfigObject[] {
  return objects.filter((o) => o.changedAt === undefined || now - Date.parse(o.changedAt) < windowMs);
}
