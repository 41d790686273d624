// A model of the Istio 1.31 rules by which objects of one namespace reach the traffic of another:
// how the Gateways of one gateway workload merge, which ServiceEntries, VirtualServices and
// DestinationRules a proxy sees (exportTo), and which Sidecar scopes a namespace. Each rule cites
// the function of istio/istio (release-1.31) it follows. test/labs/mesh-isolation.test.ts runs it
// on every pair of scenarios two labs (or a lab and its platform) may run, as components/scenarios/lab-placement.ts
// places them, and checks that neither changes what the other's proxies and gateway see.
import { namespaceToken, routeRules, selects, type GatewaySpec, type IstioResource } from "../../catalog/istio-resources";
import { egressGateway } from "../../components/mesh/egress-gateway";
import { ingressGateway } from "../../components/mesh/ingress-gateway";
import { istioNamespace } from "../../components/mesh/istio-namespace";

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

