// A model of the Istio 1.31 rules by which objects of one namespace reach the traffic of another:
// how the Gateways of one gateway workload merge, which ServiceEntries, VirtualServices and
// DestinationRules a proxy sees (exportTo), and which Sidecar scopes a namespace. Each rule cites
// the function of istio/istio (release-1.31) it follows. test/labs/mesh-isolation.test.ts runs it
// on every pair of scenarios two labs (or a lab and its platform) may run, as components/scenarios/lab-placement.ts
// places them, and checks that neither changes what the other's proxies and gateway see. In ambient
// mode (below, ambientView), also which waypoint serves each Service and what it and ztunnel apply.
import { selectApps } from "../../catalog/apps";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import { matchesGroupKind, namespaceToken, routeRules, selects, type GatewaySpec, type IstioResource } from "../../catalog/istio-resources";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { dataplaneModeLabel } from "../../catalog/scenarios/modes";
import { useWaypointLabel, waypointClass, waypointFor, waypointGateway } from "../../catalog/scenarios/waypoint";
import { egressGateway } from "../../components/mesh/egress-gateway";
import { ingressGateway } from "../../components/mesh/ingress-gateway";
import { istioNamespace } from "../../components/mesh/istio-namespace";
import { podLabels } from "../../components/workloads/app-objects";

/** An Istio object where it lives, in the order the API server made them (oldest first). */
export interface MeshObject {
  namespace: string;
  resource: IstioResource;
}

/** The mesh's root namespace (meshConfig.rootNamespace, istio-system by default), where the gateways run too. */
export const rootNamespace = istioNamespace;

const key = (o: MeshObject) => `${o.resource.kind}/${o.namespace}/${o.resource.name}`;

/** A scenario's objects in a namespace, the namespace written where the catalog left its token. */
export function inNamespace(resources: readonly IstioResource[], namespace: string): MeshObject[] {
  return resources.map((resource) => ({
    namespace: resource.inGatewayNamespace ? rootNamespace : namespace,
    resource: JSON.parse(JSON.stringify(resource).split(namespaceToken).join(namespace)) as IstioResource,
  }));
}

/**
 * A host as a proxy reads it: a short name is a Service of the object's own namespace
 * (pilot/pkg/model/virtualservice.go resolveVirtualServiceShortnames and
 * destination_rule.go: ResolveShortnameToFQDN), a longer one as written.
 */
export function fqdn(host: string, namespace: string): string {
  return host.includes(".") || host === "*" ? host : `${host}.${namespace}.svc.cluster.local`;
}

/**
 * Whether an object is visible to a namespace: exportTo absent takes the mesh's default, every
 * namespace (push_context.go initDefaultExportMaps); "*" is every namespace, "." its own, "~" none,
 * a name that namespace (IsServiceVisible; initVirtualServices; setDestinationRules).
 */
export function visibleTo(object: MeshObject, namespace: string): boolean {
  const exportTo = (object.resource.spec as { exportTo?: string[] }).exportTo;
  if (!exportTo || exportTo.length === 0) return true;
  if (exportTo.includes("~")) return false;
  return exportTo.includes("*") || (exportTo.includes(".") && object.namespace === namespace) || exportTo.includes(namespace);
}

/**
 * The ServiceEntries that define a host for the proxies of a namespace. A sidecar with the same
 * host from several namespaces keeps its own namespace's, else an arbitrary one
 * (sidecar.go selectServices: "pick the one in the configNamespace"); a gateway takes the services
 * exported to its namespace by name first, then the public ones, the first of a host winning
 * (DefaultSidecarScopeForGateway -> push_context.go servicesExportedToNamespace, appendSidecarServices).
 * All candidates are returned, in that order: a change among them is a change of the host's way.
 */
export function serviceEntriesFor(objects: readonly MeshObject[], host: string, namespace: string, gateway: boolean): string[] {
  const entries = objects.filter((o) => o.resource.kind === "ServiceEntry" && o.resource.spec.hosts.includes(host) && visibleTo(o, namespace));
  if (!gateway) {
    const own = entries.filter((o) => o.namespace === namespace);
    return (own.length > 0 ? own : entries).map(key);
  }
  const exportTo = (o: MeshObject) => (o.resource.spec as { exportTo?: string[] }).exportTo ?? ["*"];
  const named = entries.filter((o) => o.namespace === namespace || (!exportTo(o).includes("*") && exportTo(o).includes(namespace)));
  return [...named, ...entries.filter((o) => !named.includes(o))].map(key);
}

/**
 * The DestinationRules for a host that a proxy of a namespace applies (push_context.go
 * destinationRule, its steps as numbered there, over the indexes setDestinationRules builds; the
 * mesh's default export, every namespace, as visibleTo assumes):
 * 1. a proxy outside the root namespace: its own namespace's rules visible there (namespaceLocal:
 *    exportTo absent, `*`, `.` or the namespace's name); a proxy in the root namespace (the gateways)
 *    only the root namespace's private ones (rootNamespaceLocal: exportTo exactly `.` or its own
 *    name), so that a catch-all rule there never shadows a service's own;
 * 3. else the rules of the host's namespace (the Service's, or the entry's it resolved) exported to
 *    the proxy's namespace (getExportedDestinationRuleFromNamespace: exportTo absent, `*` or that
 *    namespace's name, from the rules that are not private-only);
 * 4. else the root namespace's exported to it.
 */
export function destinationRulesFor(objects: readonly MeshObject[], host: string, namespace: string, serviceNamespace: string | undefined): string[] {
  const rules = objects.filter((o) => o.resource.kind === "DestinationRule" && fqdn(o.resource.spec.host, o.namespace) === host);
  const exportTo = (o: MeshObject) => (o.resource.spec as { exportTo?: string[] }).exportTo ?? [];
  // setDestinationRules isPrivateOnly: one entry, `.` or the rule's own namespace.
  const privateOnly = (o: MeshObject) => exportTo(o).length === 1 && (exportTo(o)[0] === "." || exportTo(o)[0] === o.namespace);
  const namespaceLocal = (o: MeshObject) => exportTo(o).length === 0 || ["*", ".", o.namespace].some((e) => exportTo(o).includes(e));
  const own = rules.filter((o) => o.namespace === namespace && (namespace === rootNamespace ? privateOnly(o) : namespaceLocal(o)));
  if (own.length > 0) return own.map(key);
  const exported = (owner: string) => rules.filter((o) => o.namespace === owner && !privateOnly(o) && (exportTo(o).length === 0 || exportTo(o).includes("*") || exportTo(o).includes(namespace)));
  for (const owner of [serviceNamespace, rootNamespace]) {
    const found = owner === undefined ? [] : exported(owner);
    if (found.length > 0) return found.map(key);
  }
  return [];
}

/**
 * The VirtualServices a sidecar of a namespace routes a host by: those bound to `mesh` (no
 * gateways) and visible there (sidecar.go convertIstioListenerToWrapper ->
 * SelectVirtualServices over the index initVirtualServices builds by exportTo).
 */
export function meshRoutesFor(objects: readonly MeshObject[], host: string, namespace: string): string[] {
  return objects
    .filter((o) => o.resource.kind === "VirtualService" && visibleTo(o, namespace))
    .filter((o) => {
      const spec = (o.resource as Extract<IstioResource, { kind: "VirtualService" }>).spec;
      return (!spec.gateways || spec.gateways.includes("mesh")) && spec.hosts.some((h) => fqdn(h, o.namespace) === host);
    })
    .map(key);
}

/** The Sidecar that scopes a namespace's proxies: its own, else the root namespace's (push_context.go getSidecarScope: sidecarsByNamespace, then meshRootSidecarConfig). */
export function sidecarFor(objects: readonly MeshObject[], namespace: string): string | undefined {
  const sidecars = objects.filter((o) => o.resource.kind === "Sidecar");
  const own = sidecars.find((o) => o.namespace === namespace) ?? sidecars.find((o) => o.namespace === rootNamespace);
  return own && `${key(own)}:${JSON.stringify(own.resource.spec)}`;
}

/** One server of a Gateway on a gateway workload, and whether the merge kept it. */
export interface MergedServer {
  gateway: string;
  port: number;
  protocol: string;
  hosts: string[];
  kept: boolean;
}

/**
 * The servers of every Gateway selecting a gateway workload's pods, merged as the workload's proxy
 * does (gateway.go mergeGateways), Gateways oldest first (push_context.go initGateways,
 * sortConfigByCreationTime): on one port, plain-text HTTP servers merge; a plain TCP server takes a
 * port alone, and a later one there is skipped (an empty RDS route name); servers of conflicting
 * protocols on one port are skipped (canMergeProtocols); a TLS server whose SNI host another TLS
 * server of the port has is skipped (CheckDuplicates).
 */
export function mergeGateways(objects: readonly MeshObject[], podLabels: Readonly<Record<string, string>>): MergedServer[] {
  const out: MergedServer[] = [];
  const plainText = new Map<number, string>();
  const tlsHosts = new Map<number, Set<string>>();
  for (const o of objects) {
    if (o.resource.kind !== "Gateway" || !selects(o.resource.spec.selector, podLabels)) continue;
    for (const server of (o.resource.spec as GatewaySpec).servers) {
      const { number: port, protocol } = server.port;
      const base = { gateway: key(o), port, protocol, hosts: server.hosts };
      if (server.tls) {
        const seen = tlsHosts.get(port) ?? new Set<string>();
        const kept = !plainText.has(port) && !server.hosts.some((h) => seen.has(h));
        if (kept) server.hosts.forEach((h) => seen.add(h));
        tlsHosts.set(port, seen);
        out.push({ ...base, kept });
        continue;
      }
      const current = plainText.get(port);
      const http = protocol === "HTTP" || protocol === "HTTP2" || protocol === "GRPC";
      const kept = tlsHosts.has(port) ? false : current === undefined ? true : http && current === "HTTP";
      if (kept && current === undefined) plainText.set(port, http ? "HTTP" : protocol);
      out.push({ ...base, kept });
    }
  }
  return out;
}

/**
 * The routes a gateway workload serves for a Gateway: the VirtualServices bound to it (by
 * `<namespace>/<name>`, a short name being the VirtualService's namespace's) and visible in the
 * gateway's namespace (push_context.go VirtualServicesForGateway).
 */
export function gatewayRoutesFor(objects: readonly MeshObject[], gateway: string, gatewayNamespace: string): string[] {
  const [, namespace, name] = gateway.split("/");
  return objects
    .filter((o) => o.resource.kind === "VirtualService" && visibleTo(o, gatewayNamespace))
    .filter((o) => ((o.resource as Extract<IstioResource, { kind: "VirtualService" }>).spec.gateways ?? []).some((g) => (g.includes("/") ? g : `${o.namespace}/${g}`) === `${namespace}/${name}`))
    .map(key);
}

/** The hosts a VirtualService's hosts and a server's have in common: equal, or one of them `*` (host.Names Intersection, simplified to the catalog's hosts). */
function intersect(serverHosts: readonly string[], routeHosts: readonly string[]): string[] {
  return [...new Set(serverHosts.flatMap((s) => routeHosts.flatMap((h) => (s === h || s === "*" ? [h] : h === "*" ? [s] : []))))];
}

/**
 * The virtual hosts of a gateway workload's HTTP port: each domain, and the routes of every kept
 * server whose Gateway's VirtualServices name it, in the servers' order. A domain two Gateways
 * serve is one virtual host whose routes are appended in turn, the first match winning
 * (networking/core/gateway.go buildGatewayHTTPRouteConfig, vHostDedupMap).
 */
export function virtualHostsFor(objects: readonly MeshObject[], podLabels: Readonly<Record<string, string>>, gatewayNamespace: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const server of mergeGateways(objects, podLabels).filter((s) => s.kept && (s.protocol === "HTTP" || s.protocol === "HTTPS"))) {
    for (const vs of gatewayRoutesFor(objects, server.gateway, gatewayNamespace)) {
      const resource = objects.find((o) => key(o) === vs)!.resource as Extract<IstioResource, { kind: "VirtualService" }>;
      for (const domain of intersect(server.hosts, resource.spec.hosts)) {
        const name = `${server.port}:${domain}`;
        out.set(name, [...(out.get(name) ?? []), vs]);
      }
    }
  }
  return out;
}

/** The policies in the root namespace that act on a gateway's pods, whatever host a request names: a RequestAuthentication or AuthorizationPolicy selecting them (or none: every workload of the mesh). */
export function gatewayPoliciesFor(objects: readonly MeshObject[], podLabels: Readonly<Record<string, string>>): string[] {
  return objects
    .filter((o) => o.namespace === rootNamespace && (o.resource.kind === "RequestAuthentication" || o.resource.kind === "AuthorizationPolicy" || o.resource.kind === "PeerAuthentication"))
    .filter((o) => selects((o.resource.spec as { selector?: { matchLabels: Record<string, string> } }).selector?.matchLabels, podLabels))
    .map(key);
}

/** Every host the objects define a way to, as proxies read them: entries' hosts, and the hosts of routes and rules. */
export function hostsOf(objects: readonly MeshObject[]): string[] {
  const hosts = objects.flatMap((o) => {
    switch (o.resource.kind) {
      case "ServiceEntry":
        return o.resource.spec.hosts;
      case "DestinationRule":
        return [fqdn(o.resource.spec.host, o.namespace)];
      case "VirtualService":
        return [...o.resource.spec.hosts.map((h) => fqdn(h, o.namespace)), ...routeRules(o.resource.spec).flatMap((r) => r.route.map((d) => fqdn(d.destination.host, o.namespace)))];
      default:
        return [];
    }
  });
  return [...new Set(hosts)].sort();
}

/** The namespace a host's Service or entry lives in, as a proxy of `namespace` resolved it. */
export function serviceNamespace(host: string, entries: readonly string[]): string | undefined {
  if (entries.length > 0) return entries[0].split("/")[1];
  const svc = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return svc?.[1];
}

/**
 * The policies and filters of the root namespace that act on every workload of the mesh, a
 * namespace's too: those of a selector-less kind there (authorization.go ListAuthorizationPolicies
 * looks in the root namespace and the workload's; push_context.go EnvoyFilters takes the root
 * namespace's filters for every proxy, getMatchedEnvoyFilters).
 */
export function meshWidePolicies(objects: readonly MeshObject[]): string[] {
  return objects
    .filter((o) => o.namespace === rootNamespace && ["PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication", "EnvoyFilter"].includes(o.resource.kind))
    .filter((o) => {
      const spec = o.resource.spec as { selector?: unknown; workloadSelector?: unknown };
      return spec.selector === undefined && spec.workloadSelector === undefined;
    })
    .map(key);
}

/** How the proxies of a namespace reach each host: the entries, rules and routes that decide it, the Sidecar that scopes them, and the mesh-wide policies on them. */
export function sidecarView(objects: readonly MeshObject[], namespace: string, hosts: readonly string[]): Record<string, unknown> {
  const view: Record<string, unknown> = { sidecar: sidecarFor(objects, namespace), meshWide: meshWidePolicies(objects) };
  for (const host of hosts) {
    const entries = serviceEntriesFor(objects, host, namespace, false);
    const rules = destinationRulesFor(objects, host, namespace, serviceNamespace(host, entries));
    const routes = meshRoutesFor(objects, host, namespace);
    if (entries.length + rules.length + routes.length > 0) view[host] = { entries, rules, routes };
  }
  return view;
}

/** What the gateway workloads (in the root namespace) do with the Gateways of some namespaces, and how they reach the hosts those namespaces route to through them. */
export function gatewayView(objects: readonly MeshObject[], namespaces: readonly string[], hosts: readonly string[]): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [name, labels] of [
    ["ingress", ingressGateway.podLabels],
    ["egress", egressGateway.podLabels],
  ] as const) {
    const servers = mergeGateways(objects, labels).filter((s) => namespaces.includes(s.gateway.split("/")[1]));
    // The virtual hosts these namespaces' kept servers serve, with every route any Gateway adds to them.
    const served = new Set(servers.filter((s) => s.kept).flatMap((s) => s.hosts.map((h) => `${s.port}:${h}`)));
    const virtualHosts = [...virtualHostsFor(objects, labels, rootNamespace)].filter(([domain, routes]) => served.has(domain) || routes.some((r) => namespaces.includes(r.split("/")[1])));
    view[name] = {
      servers,
      routes: Object.fromEntries(servers.map((s) => [s.gateway, gatewayRoutesFor(objects, s.gateway, rootNamespace)])),
      virtualHosts: Object.fromEntries(virtualHosts),
      // A policy on the pods acts on every server's hosts, these namespaces' too.
      policies: servers.length > 0 ? gatewayPoliciesFor(objects, labels) : [],
    };
  }
  // How the gateways reach the hosts these namespaces' gateway routes send to (the egress task's
  // edition.cnn.com): through the entries and rules visible in the gateways' namespace.
  const routed = new Set(
    objects
      .filter((o) => namespaces.includes(o.namespace) && o.resource.kind === "VirtualService" && (o.resource.spec.gateways ?? []).some((g) => g !== "mesh"))
      .flatMap((o) => routeRules((o.resource as Extract<IstioResource, { kind: "VirtualService" }>).spec).flatMap((r) => r.route.map((d) => fqdn(d.destination.host, o.namespace)))),
  );
  for (const host of hosts.filter((h) => routed.has(h))) {
    const entries = serviceEntriesFor(objects, host, rootNamespace, true);
    const rules = destinationRulesFor(objects, host, rootNamespace, serviceNamespace(host, entries));
    if (entries.length + rules.length > 0) view[`reach ${host}`] = { entries, rules };
  }
  return view;
}

/**
 * Everything a namespace's traffic depends on in the mesh: its own proxies' view of every host, and
 * the gateways' handling of its Gateways and of the hosts its gateway routes send to. Two worlds
 * that give a namespace the same view route its traffic alike.
 */
export function namespaceView(objects: readonly MeshObject[], namespace: string, hosts: readonly string[]): Record<string, unknown> {
  return { proxies: sidecarView(objects, namespace, hosts), gateways: gatewayView(objects, [namespace], hosts) };
}

/** The view of a bystander: a namespace with no objects of its own. */
export function bystanderView(objects: readonly MeshObject[], hosts: readonly string[]): Record<string, unknown> {
  return { proxies: sidecarView(objects, "bystander", hosts), gateways: gatewayView(objects, [], hosts) };
}


// Ambient mode (Istio 1.31, read at 1.31.0-rc.0). No pod has a sidecar: ztunnel carries each
// namespace's traffic and enforces its L4 policy, and a Service bound to a waypoint has its L7
// config applied there. What decides, per Service, which proxy applies what:
// - which waypoint serves a Service: pilot/pkg/serviceregistry/ambient/waypoints.go
//   fetchWaypointForService -> fetchWaypointForTarget, GetUseWaypoint, makeAllowedRoutes,
//   AllowsAttachmentFromNamespaceOrLookup;
// - the routes a waypoint applies to it: the mesh-bound VirtualServices visible in the waypoint's
//   namespace (pilot/pkg/model/sidecar.go DefaultSidecarScopeForGateway: "waypoint need to get vses
//   from the egress listener", VirtualServicesForGateway(configNamespace, mesh)), of the waypoint's
//   own namespace or the Service's (pilot/pkg/networking/core/listener_waypoint.go
//   getVirtualServiceForWaypoint: "We only allow routes in the same namespace as the service or in
//   the waypoint's own namespace"); istiod makes an HTTPRoute with a Service parent into such a
//   VirtualService, in the route's namespace, for the Service's host, without exportTo
//   (pilot/pkg/config/kube/gateway/route_collections.go, the mesh parent);
// - the DestinationRules it applies: those a proxy of the waypoint's namespace takes
//   (DefaultSidecarScopeForGateway: selectDestinationRules(ps, configNamespace));
// - the policies it applies: only by targetRefs, a Service bound to it from the policy's own
//   namespace, its own Gateway from its own namespace, or class istio-waypoint from the root
//   namespace (pilot/pkg/model/policyattachment.go ShouldAttachPolicy);
// - ztunnel's: the policies without targetRefs of the workload's namespace, and the root
//   namespace's without a selector (pilot/pkg/serviceregistry/ambient/authorization.go
//   convertAuthorizationPolicy: "TargetRef is not intended for ztunnel", scope NAMESPACE or GLOBAL).

/** A Kubernetes Service as ambient reads it: its labels, which may bind it to a waypoint. */
export interface AmbientService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/** A Gateway API Gateway as waypoints.go reads one: its class, labels and listeners. */
export interface WaypointGateway {
  namespace: string;
  name: string;
  gatewayClassName: string;
  labels?: Record<string, string>;
  listeners: readonly { port: number; protocol: string; allowedRoutes?: { namespaces?: { from?: "Same" | "All" | "Selector"; selector?: { matchLabels: Record<string, string> } } } }[];
}

/** The part of a cluster ambient mode reads: Istio config (oldest first), the Services, the Gateways, the namespaces' labels. */
export interface AmbientWorld {
  objects: MeshObject[];
  services: AmbientService[];
  gateways: WaypointGateway[];
  namespaces: Record<string, Record<string, string>>;
  /** The pods' labels, per namespace: what a workload selector of the root namespace selects (ztunnelPoliciesFor). */
  workloads?: { namespace: string; labels: Record<string, string> }[];
}

/** Several namespaces' parts of one cluster, the first made first. */
export function joinWorlds(...worlds: readonly AmbientWorld[]): AmbientWorld {
  return {
    objects: worlds.flatMap((w) => w.objects),
    services: worlds.flatMap((w) => w.services),
    gateways: worlds.flatMap((w) => w.gateways),
    namespaces: Object.assign({}, ...worlds.map((w) => w.namespaces)) as Record<string, Record<string, string>>,
    workloads: worlds.flatMap((w) => w.workloads ?? []),
  };
}

const gatewayKey = (g: { namespace: string; name: string }) => `${g.namespace}/${g.name}`;

/**
 * Whether a waypoint takes objects of a namespace: the allowedRoutes of its HBONE listener on 15008,
 * `Same` when it has none or no listener is that one (makeAllowedRoutes, makeWaypointSelector).
 */
function allowsFrom(waypoint: WaypointGateway, namespace: string, world: AmbientWorld): boolean {
  const from = waypoint.listeners.find((l) => l.protocol === "HBONE" && l.port === 15008)?.allowedRoutes?.namespaces;
  switch (from?.from ?? "Same") {
    case "All":
      return true;
    case "Selector":
      return selects(from?.selector?.matchLabels, world.namespaces[namespace] ?? {});
    default:
      return waypoint.namespace === namespace;
  }
}

/**
 * The waypoint that serves a Service (`namespace/name`), if any: the one its own label names, else
 * its namespace's (only when the Service has none), a Gateway of class istio-waypoint that takes
 * Service traffic (its istio.io/waypoint-for label, `service` unless set) and allows the Service's
 * namespace (fetchWaypointForService, fetchWaypointForTarget).
 */
export function waypointOf(world: AmbientWorld, service: AmbientService): string | undefined {
  const use = waypointFor(service.labels, world.namespaces[service.namespace] ?? {}, service.namespace);
  if (!use) return undefined;
  const waypoint = world.gateways.find((g) => gatewayKey(g) === gatewayKey(use) && g.gatewayClassName === waypointClass);
  if (!waypoint || !allowsFrom(waypoint, service.namespace, world)) return undefined;
  const traffic = waypoint.labels?.["istio.io/waypoint-for"] ?? "service";
  return traffic === "service" || traffic === "all" ? gatewayKey(use) : undefined;
}

/** The Services a waypoint serves (ServicesForWaypoint), as `namespace/name`. */
export function servicesOfWaypoint(world: AmbientWorld, waypoint: string): string[] {
  return world.services.filter((s) => waypointOf(world, s) === waypoint).map(gatewayKey);
}

/** The routes a waypoint applies to one of its Services (getVirtualServiceForWaypoint over VirtualServicesForGateway(its namespace, mesh)). */
export function waypointRoutesFor(world: AmbientWorld, waypoint: string, service: AmbientService): string[] {
  const waypointNamespace = waypoint.split("/")[0];
  const host = fqdn(service.name, service.namespace);
  return meshRoutesFor(world.objects, host, waypointNamespace).filter((vs) => [waypointNamespace, service.namespace].includes(vs.split("/")[1]));
}

/** The policies a waypoint applies to one of its Services: by targetRefs only (ShouldAttachPolicy for a waypoint). */
export function waypointPoliciesFor(world: AmbientWorld, waypoint: string, service: AmbientService): string[] {
  const [waypointNamespace, waypointName] = waypoint.split("/");
  return world.objects
    .filter((o) => o.resource.kind === "AuthorizationPolicy" || o.resource.kind === "RequestAuthentication")
    .filter((o) =>
      ((o.resource.spec as { targetRefs?: { group?: string; kind: string; name: string; namespace?: string }[] }).targetRefs ?? []).some(
        (ref) =>
          (matchesGroupKind(ref, "Service") && ref.name === service.name && o.namespace === service.namespace) ||
          (matchesGroupKind(ref, "GatewayClass") && ref.name === waypointClass && o.namespace === rootNamespace) ||
          (matchesGroupKind(ref, "Gateway") && ref.name === waypointName && o.namespace === waypointNamespace && (ref.namespace ?? waypointNamespace) === waypointNamespace),
      ),
    )
    .map(key);
}

/**
 * The policies ztunnel enforces on a namespace's workloads: those without targetRefs of that
 * namespace (scope WORKLOAD_SELECTOR or NAMESPACE), the root namespace's without a selector (scope
 * GLOBAL) (authorization.go convertAuthorizationPolicy), and the root namespace's whose selector
 * selects one of the namespace's workloads (`workloadLabels`, each pod's labels): istiod attaches a
 * selector policy of the workload's namespace or the root namespace to each workload it selects
 * (serviceregistry/ambient/workloads.go buildWorkloadPolicies: `nsMatch := ... == RootNamespace ||
 * ... == workloadNamespace`, krt.FilterSelects(workloadLabels)), as a sidecar applies one
 * (gatewayPoliciesFor).
 */
function ztunnelPoliciesFor(objects: readonly MeshObject[], namespace: string, workloadLabels: readonly Readonly<Record<string, string>>[] = []): string[] {
  const selector = (o: MeshObject) => (o.resource.spec as { selector?: { matchLabels: Record<string, string> } }).selector;
  return objects
    .filter((o) => o.resource.kind === "AuthorizationPolicy" || o.resource.kind === "PeerAuthentication")
    .filter((o) => o.namespace === namespace || (o.namespace === rootNamespace && (selector(o) === undefined || workloadLabels.some((labels) => selects(selector(o)!.matchLabels, labels)))))
    .filter((o) => ((o.resource.spec as { targetRefs?: unknown[] }).targetRefs ?? []).length === 0)
    .map(key);
}

/**
 * How ambient serves a namespace: for each of its Services the waypoint that serves it and what that
 * waypoint applies to it (routes, rules, policies), the Services each of its waypoints serves, and
 * what ztunnel enforces on its workloads. Two worlds that give a namespace the same view carry its
 * traffic alike.
 */
export function ambientView(world: AmbientWorld, namespace: string): Record<string, unknown> {
  const services = Object.fromEntries(
    world.services
      .filter((s) => s.namespace === namespace)
      .map((s) => {
        const waypoint = waypointOf(world, s);
        if (!waypoint) return [s.name, { waypoint: null }];
        const host = fqdn(s.name, s.namespace);
        return [
          s.name,
          {
            waypoint,
            routes: waypointRoutesFor(world, waypoint, s),
            rules: destinationRulesFor(world.objects, host, waypoint.split("/")[0], s.namespace),
            policies: waypointPoliciesFor(world, waypoint, s),
          },
        ];
      }),
  );
  const waypoints = Object.fromEntries(world.gateways.filter((g) => g.namespace === namespace && g.gatewayClassName === waypointClass).map((g) => [g.name, servicesOfWaypoint(world, gatewayKey(g))]));
  const workloads = (world.workloads ?? []).filter((w) => w.namespace === namespace).map((w) => w.labels);
  return { services, waypoints, ztunnel: ztunnelPoliciesFor(world.objects, namespace, workloads) };
}

/**
 * The mesh-bound VirtualServices istiod makes of a namespace's HTTPRoutes with a Service parent:
 * one per parent, in the route's namespace, for the parent's host, bound to `mesh`, without
 * exportTo, its rules' backends as destinations (route_collections.go; its name as istiod writes it,
 * `<route>~<n>~gateway`).
 */
function meshRoutesOfGatewayApi(resources: readonly GatewayApiResource[], namespace: string): MeshObject[] {
  return resources.flatMap((r) => {
    if (r.kind !== "HTTPRoute") return [];
    const parents = r.spec.parentRefs.flatMap((p) => ("kind" in p && p.kind === "Service" ? [p.name] : []));
    return parents.map((parent, i) => ({
      namespace,
      resource: {
        kind: "VirtualService",
        name: `${r.name}~${i}~gateway`,
        spec: {
          hosts: [fqdn(parent, namespace)],
          gateways: ["mesh"],
          http: r.spec.rules.map((rule) => ({ route: rule.backendRefs.map((b) => ({ destination: { host: "kind" in b ? b.name : fqdn(b.name, namespace) } })) })),
        },
      } as IstioResource,
    }));
  });
}

/**
 * A scenario's part of an ambient cluster in a namespace, as the program renders it: its Istio
 * objects, the VirtualServices istiod makes of its mesh HTTPRoutes, its Services (the bound ones
 * labelled istio.io/use-waypoint by their ServicePatch), its waypoint's Gateway (the one
 * catalog/scenarios/waypoint.ts waypointGateway gives the renderer) and its namespace, labelled for
 * ambient (components/mesh/app-namespace.ts).
 */
export function ambientObjects(spec: ScenarioSpec, namespace: string): AmbientWorld {
  const apps = [...selectApps(spec.workloads), ...(spec.apps ?? [])];
  const bound = new Set(spec.waypoint?.services ?? []);
  const labelled = (name: string, labels: Record<string, string>): AmbientService => ({ namespace, name, labels: { ...labels, ...(bound.has(name) && spec.waypoint && { [useWaypointLabel]: spec.waypoint.name }) } });
  const services = [
    ...apps.flatMap((a) => (a.service ? [labelled(a.app, a.service.labels)] : [])),
    ...(spec.gatewayApi?.versionServices ?? []).map((v) => labelled(v.name, {})),
  ];
  const gateways: WaypointGateway[] = spec.waypoint
    ? [{ namespace, name: spec.waypoint.name, gatewayClassName: waypointGateway(spec.waypoint.name).spec.gatewayClassName, listeners: waypointGateway(spec.waypoint.name).spec.listeners }]
    : [];
  return {
    objects: [...inNamespace(spec.resources, namespace), ...meshRoutesOfGatewayApi(spec.gatewayApi?.resources ?? [], namespace)],
    services,
    gateways,
    namespaces: { [namespace]: { [dataplaneModeLabel]: "ambient" } },
    workloads: apps.flatMap((a) => a.versions.map((v) => ({ namespace, labels: podLabels(a, v) }))),
  };
}
