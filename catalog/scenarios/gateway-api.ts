// A scenario's Gateway API form (`istio-lab:scenarioOptions.api: gateway-api`), made from its Istio
// form the way Istio's tasks pair them (samples/*/gateway-api, tasks' "Gateway API" tabs):
// - an Istio Gateway becomes a Gateway of class istio whose listeners the mesh's ingress gateway
//   serves (Istio's "manual deployment": `addresses` names its Service, so the lab's URL stays);
// - a VirtualService becomes an HTTPRoute (or TCPRoute) whose parent is that Gateway, or, for mesh
//   traffic, the Service itself (GAMMA); a subset becomes a per-version Service (`reviews-v1`);
// - what the Gateway API has no field for stays Istio's: a VirtualService with a fault or retries
//   (the fault tasks keep their ratings VirtualService), and every DestinationRule a remaining
//   VirtualService routes through or whose traffic policy matters. A subset-only DestinationRule goes.
import type { AppSpec } from "../apps/app-spec";
import type { BackendRef, GatewayApiResource, HTTPRouteMatch, HTTPRouteRule, Listener, VersionService } from "../gateway-api-resources";
import { ofKind, serviceName, subsetsOf, type Destination, type HTTPRoute, type HTTPRouteDestination, type IstioResource, type VirtualServiceSpec } from "../istio-resources";
import type { ScenarioName } from "./names";
import type { ScenarioSpec } from "./scenario-spec";

/** The catalog's scenarios that have a Gateway API form: routing, faults beside it, shifting, TCP, timeout, mirroring, ingress. */
export const gatewayApiScenarios: readonly ScenarioName[] = [
  "bookinfo",
  "route-all-v1",
  "route-jason-v2",
  "fault-delay",
  "fault-abort",
  "shift-50-v3",
  "shift-v3",
  "shift-90-10",
  "shift-80-20",
  "shift-v2-v3",
  "canary",
  "tcp-shift-80-20",
  "tcp-shift-v2",
  "request-timeout",
  "mirroring",
  "ingress-httpbin",
];

/** The ingress gateway's Service as a Gateway's `addresses` names it; the analyzer checks it against the mesh's. */
export const ingressGatewayService = "istio-ingressgateway.istio-system.svc.cluster.local";

/** Istio's durations allow fractions ("0.5s"); the Gateway API's are whole numbers of a unit (GEP-2257). */
export function gatewayApiDuration(istio: string): string {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(istio);
  if (!match) throw new Error(`not a duration: ${istio}`);
  const ms = Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  if (!Number.isInteger(ms)) throw new Error(`${istio} is not a whole number of milliseconds`);
  const [value, unit] = ms % 3_600_000 === 0 ? [ms / 3_600_000, "h"] : ms % 60_000 === 0 ? [ms / 60_000, "m"] : ms % 1000 === 0 ? [ms / 1000, "s"] : [ms, "ms"];
  return `${value}${unit}`;
}

/** Why a VirtualService keeps its Istio form: the Gateway API has no field for it. */
const staysIstio = (spec: VirtualServiceSpec) => (spec.http ?? []).some((r) => r.fault || r.retries);

function servicePort(apps: readonly AppSpec[], host: string, port?: number): number {
  if (port !== undefined) return port;
  const service = apps.find((a) => a.app === serviceName(host))?.service;
  if (!service) throw new Error(`no Service for host ${host}`);
  return service.port;
}

function matchesOf(route: HTTPRoute): HTTPRouteMatch[] | undefined {
  if (!route.match) return undefined;
  return route.match.map((m) => {
    if (m.gateways || m.port) throw new Error("a match on gateways or port has no HTTPRoute form");
    const uri = m.uri;
    const path = uri?.exact !== undefined ? { type: "Exact" as const, value: uri.exact } : uri?.prefix !== undefined ? { type: "PathPrefix" as const, value: uri.prefix } : uri?.regex !== undefined ? { type: "RegularExpression" as const, value: uri.regex } : undefined;
    const headers = Object.entries(m.headers ?? {}).map(([name, match]) => {
      if (match.exact !== undefined) return { name, value: match.exact };
      if (match.regex !== undefined) return { type: "RegularExpression" as const, name, value: match.regex };
      throw new Error(`header ${name}: only exact and regex matches have an HTTPRoute form`);
    });
    return { ...(path && { path }), ...(headers.length > 0 && { headers }) };
  });
}

/** The Gateway API form of one scenario, made from its Istio form; throws on what has none (a catalog mistake, caught by the tests). */
export function inGatewayApi(spec: ScenarioSpec, apps: readonly AppSpec[]): ScenarioSpec {
  const versionServices = new Map<string, VersionService>();
  /** A destination as a backendRef: a subset is the per-version Service with the host's port. */
  const backend = (d: Destination, weight?: number): BackendRef => {
    const host = serviceName(d.host);
    const port = servicePort(apps, host, d.port?.number);
    if (!d.subset) return { name: host, port, ...(weight !== undefined && { weight }) };
    const labels = subsetsOf(spec.resources, host).find((s) => s.name === d.subset)?.labels;
    if (!labels) throw new Error(`subset ${d.subset} of ${host} is not defined`);
    const name = `${host}-${d.subset}`;
    versionServices.set(name, { name, app: host, selector: { app: host, ...labels } });
    return { name, port, ...(weight !== undefined && { weight }) };
  };

  // Weights where the route splits; a lone destination takes everything either way.
  const weighted = (route: HTTPRouteDestination[]) => route.map((r) => backend(r.destination, route.length > 1 ? r.weight : undefined));

  const kept: IstioResource[] = [];
  const routes: GatewayApiResource[] = [];
  for (const resource of spec.resources) {
    if (resource.inGatewayNamespace) throw new Error(`${resource.kind} ${resource.name}: an object in the gateway's namespace has no Gateway API form here`);
    if (resource.kind === "Gateway") {
      const listeners = resource.spec.servers.map((server): Listener => {
        if (server.tls) throw new Error(`Gateway ${resource.name}: TLS servers have no Gateway API form here`);
        const tcp = server.port.protocol === "TCP";
        if (!tcp && server.port.protocol !== "HTTP") throw new Error(`Gateway ${resource.name}: protocol ${server.port.protocol}`);
        const hostname = server.hosts.length === 1 && server.hosts[0] !== "*" ? server.hosts[0] : undefined;
        if (!hostname && server.hosts.some((h) => h !== "*")) throw new Error(`Gateway ${resource.name}: one listener per host`);
        return tcp
          ? { name: `tcp-${server.port.number}`, protocol: "TCP", port: server.port.number, allowedRoutes: { kinds: [{ kind: "TCPRoute" }] } }
          : { name: server.port.name, port: server.port.number, protocol: "HTTP", ...(hostname && { hostname }), allowedRoutes: { namespaces: { from: "Same" } } };
      });
      routes.push({ kind: "Gateway", name: resource.name, spec: { gatewayClassName: "istio", addresses: [{ type: "Hostname", value: ingressGatewayService }], listeners } });
    } else if (resource.kind === "VirtualService" && !staysIstio(resource.spec)) {
      const vs = resource.spec;
      const gateways = vs.gateways ?? [];
      if (gateways.includes("mesh") && gateways.length > 1) throw new Error(`VirtualService ${resource.name}: routes for a gateway and the sidecars at once have no Gateway API form here`);
      if (vs.tcp) {
        const [gateway] = gateways;
        if (!gateway) throw new Error(`VirtualService ${resource.name}: TCP routes between sidecars have no Gateway API form here`);
        routes.push({
          kind: "TCPRoute",
          name: resource.name,
          spec: { parentRefs: [{ name: gateway, sectionName: `tcp-${vs.tcp[0].match?.[0]?.port ?? 31400}` }], rules: vs.tcp.map((t) => ({ backendRefs: weighted(t.route) })) },
        });
        continue;
      }
      // Istio takes the first rule that matches, the Gateway API the most specific: only a catch-all
      // in last place means the same in both.
      const catchAll = (vs.http ?? []).findIndex((r) => !r.match);
      if (catchAll !== -1 && catchAll !== (vs.http ?? []).length - 1) throw new Error(`VirtualService ${resource.name}: a rule after the catch-all would take traffic it never got`);
      const httpRules = (vs.http ?? []).map((route): HTTPRouteRule => {
        const matches = matchesOf(route);
        const mirror = route.mirror && backend(route.mirror);
        const percent = route.mirrorPercentage?.value;
        return {
          ...(matches && { matches }),
          ...(mirror && { filters: [{ type: "RequestMirror" as const, requestMirror: { backendRef: { name: mirror.name, port: mirror.port }, ...(percent !== undefined && percent !== 100 && { percent }) } }] }),
          backendRefs: weighted(route.route),
          ...(route.timeout && { timeouts: { request: gatewayApiDuration(route.timeout) } }),
        };
      });
      const hostnames = vs.hosts.filter((h) => h !== "*");
      routes.push({
        kind: "HTTPRoute",
        name: resource.name,
        spec:
          gateways.length > 0
            ? { parentRefs: gateways.map((name) => ({ name })), ...(hostnames.length > 0 && { hostnames }), rules: httpRules }
            : { parentRefs: vs.hosts.map((h) => ({ group: "" as const, kind: "Service" as const, name: serviceName(h), port: servicePort(apps, h) })), rules: httpRules },
      });
    } else {
      kept.push(resource);
    }
  }
  // A DestinationRule stays where a remaining VirtualService routes through its subsets, or for its traffic policy.
  const routedByIstio = new Set(ofKind(kept, "VirtualService").flatMap((vs) => (vs.spec.http ?? []).flatMap((r) => r.route.map((d) => serviceName(d.destination.host)))));
  const resources = kept.filter((r) => r.kind !== "DestinationRule" || r.spec.trafficPolicy || r.spec.subsets?.some((s) => s.trafficPolicy) || routedByIstio.has(serviceName(r.spec.host)));
  // A traffic policy applies to its host's own endpoints: routes to per-version Services would pass it by.
  for (const dr of ofKind(resources, "DestinationRule")) {
    const host = serviceName(dr.spec.host);
    const policy = dr.spec.trafficPolicy || dr.spec.subsets?.some((s) => s.trafficPolicy);
    if (policy && [...versionServices.values()].some((v) => v.app === host) && !routedByIstio.has(host)) {
      throw new Error(`DestinationRule ${dr.name}: its traffic policy would not apply to routes through ${host}'s per-version Services`);
    }
  }
  if (routes.length === 0) throw new Error("nothing of the scenario has a Gateway API form");
  return { ...spec, resources, gatewayApi: { resources: routes, versionServices: [...versionServices.values()] } };
}
