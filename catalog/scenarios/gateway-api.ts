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
import { scenarioNames, type ScenarioName } from "./names";
import { egressGatewayHttpInGatewayApi } from "./egress";
import { ingressMtlsInGatewayApi, ingressTlsInGatewayApi } from "./secure-ingress";
import type { ScenarioSpec } from "./scenario-spec";

/**
 * Where a scenario's Gateway API form comes from, each tested against it (test/scenarios/
 * gateway-api.test.ts, task-snippets-gateway-api.test.ts):
 * - `task`: the istio.io task's own Gateway API YAML (its snips.sh); `written` where the task's form
 *   is not a translation of the Istio one (its own gateway deployment, a ServiceEntry parent), else
 *   inGatewayApi below makes it;
 * - `samples`: Istio 1.31's samples/*\/gateway-api files;
 * - `derived`: no task or sample has the scenario in this form; `restsOn` says what it is made from.
 */
export type GatewayApiForm =
  | { basis: "task"; task: string; written?: () => ScenarioSpec; /** What the lab changes of the task's objects (each a named deviation in the tests). */ deviations?: string } | { basis: "samples"; files: string } | { basis: "derived"; restsOn: string };

/** Why a scenario has no Gateway API form: its task (`task`, under content/en/docs/tasks/) gives none, or it has no task. */
export interface GatewayApiRefusal {
  refused: string;
  task?: string;
}

/** Istio's task pages read for this table: istio.io's snips.sh (tested) and the index.md beside it, as the pinned upstream folder holds them (tools/lib/upstream.mjs finds it; .ci/upstream-files.tsv lists them). */
const noTab = "its task page gives no Gateway API form (no Gateway API tab in its index.md, no gateway.networking.k8s.io object in its snips.sh)";

/** Every scenario: its Gateway API form, or why it has none. */
export const gatewayApiForms: Record<ScenarioName, GatewayApiForm | GatewayApiRefusal> = {
  bookinfo: { basis: "samples", files: "samples/bookinfo/gateway-api/bookinfo-gateway.yaml" },
  "route-all-v1": { basis: "samples", files: "samples/bookinfo/gateway-api/route-all-v1.yaml" },
  "route-jason-v2": { basis: "task", task: "traffic-management/request-routing" },
  "fault-delay": {
    basis: "derived",
    restsOn:
      "the fault-injection task has no Gateway API form (a fault has no Gateway API field); its routes are samples/bookinfo/gateway-api/route-all-v1.yaml and the request-routing task's Gateway API reviews route, and the task's ratings VirtualService stays Istio's, beside them",
  },
  "fault-abort": {
    basis: "derived",
    restsOn:
      "the fault-injection task has no Gateway API form (a fault has no Gateway API field); its routes are samples/bookinfo/gateway-api/route-all-v1.yaml and the request-routing task's Gateway API reviews route, and the task's ratings VirtualService stays Istio's, beside them",
  },
  "fault-abort-percent": { refused: "no istio.io task has this variant (the fault-injection task aborts jason's calls only), and that task gives no Gateway API form", task: "traffic-management/fault-injection" },
  "fault-delay-all": { refused: "no istio.io task has this variant (the fault-injection task delays jason's calls only), and that task gives no Gateway API form", task: "traffic-management/fault-injection" },
  "shift-50-v3": { basis: "samples", files: "samples/bookinfo/gateway-api/route-reviews-50-v3.yaml" },
  "shift-v3": { basis: "samples", files: "samples/bookinfo/gateway-api/route-reviews-v3.yaml" },
  "shift-90-10": { basis: "samples", files: "samples/bookinfo/gateway-api/route-reviews-90-10.yaml" },
  "shift-80-20": { basis: "derived", restsOn: "samples/bookinfo/gateway-api/route-reviews-90-10.yaml with the weights of samples/bookinfo/networking/virtual-service-reviews-80-20.yaml" },
  "shift-v2-v3": { basis: "derived", restsOn: "samples/bookinfo/gateway-api/route-reviews-90-10.yaml's split with the versions and weights of samples/bookinfo/networking/virtual-service-reviews-v2-v3.yaml" },
  canary: { basis: "derived", restsOn: "samples/bookinfo/gateway-api/route-reviews-90-10.yaml's split with your weights" },
  "tcp-shift-80-20": { basis: "samples", files: "samples/tcp-echo/gateway-api/tcp-echo-all-v1.yaml, tcp-echo-20-v2.yaml" },
  "tcp-shift-v2": { basis: "derived", restsOn: "samples/tcp-echo/gateway-api/tcp-echo-all-v1.yaml's TCPRoute, sending to tcp-echo-v2 instead of v1" },
  "locality-failover": { refused: `its objects are a DestinationRule's locality load balancing, which the Gateway API has no field for; ${noTab}`, task: "traffic-management/locality-load-balancing/failover" },
  "locality-weighted": { refused: `its objects are a DestinationRule's locality load balancing, which the Gateway API has no field for; ${noTab}`, task: "traffic-management/locality-load-balancing/distribute" },
  "request-timeout": {
    basis: "derived",
    restsOn:
      "the request-timeouts task as stored (snips.sh e7616b2a, index.md a2b59b35) has no Gateway API form (istio.io's later page has a Gateway API tab, tested by its gtwapi_test.sh); the reviews route is the request-routing task's Gateway API one to reviews-v2 with the Gateway API's timeouts.request (Istio converts it to the route's timeout: pilot/pkg/config/kube/gateway/conversion.go), and the delayed ratings VirtualService stays Istio's",
  },
  retries: { refused: "no istio.io task has it (retries have no task page)" },
  mirroring: { basis: "task", task: "traffic-management/mirroring", deviations: 'httpbin-v1 and httpbin-v2 publish port 8000, not 80; the Service parent has group ""' },
  "circuit-breaking": { refused: `its object is a DestinationRule's connection pool and outlier detection, which the Gateway API has no field for; ${noTab}`, task: "traffic-management/circuit-breaking" },
  "sticky-sessions": { refused: "no istio.io task has it (consistent hashing has no task page), and its consistent hash is a DestinationRule's, which the Gateway API has no field for" },
  "mtls-strict": { refused: `its object is a PeerAuthentication, the same in either form; ${noTab}`, task: "security/authentication/authn-policy" },
  "ingress-httpbin": { basis: "task", task: "traffic-management/ingress/ingress-control", deviations: "the Gateway is served by the mesh's ingress gateway (addresses), so the lab's URL stays" },
  "ingress-tls": { basis: "task", task: "traffic-management/ingress/secure-ingress", written: ingressTlsInGatewayApi, deviations: "the Service istiod makes for the Gateway is a ClusterIP one" },
  "ingress-mtls": { basis: "task", task: "traffic-management/ingress/secure-ingress", written: ingressMtlsInGatewayApi, deviations: "the Service istiod makes for the Gateway is a ClusterIP one" },
  "ingress-passthrough": {
    refused: `${noTab} as stored (snips.sh c2bbdd1d, index.md 55b7b7a2); istio.io later runs the task's test with the Gateway API too (gtwapi_test.sh); a refreshed copy may give the form`,
    task: "traffic-management/ingress/ingress-sni-passthrough",
  },
  "egress-service-entry": {
    refused:
      "its objects (a Sidecar's REGISTRY_ONLY and the ServiceEntry httpbin-ext) are the task's in either form; the task's one Gateway API object, the HTTPRoute httpbin-ext, sets the 3 s timeout of its \"Manage traffic to external services\" step, which this scenario does not take",
    task: "traffic-management/egress/egress-control",
  },
  "egress-gateway": { basis: "task", task: "traffic-management/egress/egress-gateway", written: egressGatewayHttpInGatewayApi },
  "egress-tls-origination": {
    refused: `${noTab} as stored (snips.sh 45d3718b, index.md c71712c3); istio.io later runs the task's test with the Gateway API too (gtwapi_tls_test.sh); a refreshed copy may give the form`,
    task: "traffic-management/egress/egress-tls-origination",
  },
  "authz-http": { refused: `its objects are AuthorizationPolicies, the same in either form; ${noTab}`, task: "security/authorization/authz-http" },
  "authz-deny": { refused: `its object is an AuthorizationPolicy, the same in either form; ${noTab}`, task: "security/authorization/authz-deny" },
  "authz-tcp": { refused: `its object is an AuthorizationPolicy, the same in either form; ${noTab}`, task: "security/authorization/authz-tcp" },
  "jwt-auth": { refused: `its objects are a RequestAuthentication and an AuthorizationPolicy, the same in either form; ${noTab}`, task: "security/authorization/authz-jwt" },
  "jwt-routing": {
    refused: `its route matches a JWT claim (@request.auth.claims), which an HTTPRoute match has no field for; ${noTab}`,
    task: "security/authentication/jwt-route",
  },
  "rate-limit-local": { refused: `its object is an EnvoyFilter, the same in either form; ${noTab}`, task: "policy-enforcement/rate-limit" },
  custom: { refused: "no istio.io task: your routes are written in Istio's API (istio-lab:scenarioOptions)" },
};

const isForm = (entry: GatewayApiForm | GatewayApiRefusal): entry is GatewayApiForm => "basis" in entry;

/** The catalog's scenarios that have a Gateway API form. */
export const gatewayApiScenarios: readonly ScenarioName[] = scenarioNames.filter((name) => isForm(gatewayApiForms[name]));

/** Why the scenario has no Gateway API form (undefined: it has one). */
export function gatewayApiRefusal(name: ScenarioName): string | undefined {
  const entry = gatewayApiForms[name];
  return isForm(entry) ? undefined : entry.refused;
}

/** One line for the docs' table (docs/scenarios.md): where the scenario's Gateway API form comes from, or why it has none. */
export function gatewayApiFormSummary(name: ScenarioName): { form: boolean; why: string } {
  const entry = gatewayApiForms[name];
  if (!isForm(entry)) return { form: false, why: entry.refused };
  switch (entry.basis) {
    case "task":
      return { form: true, why: `the ${entry.task} task's Gateway API YAML${entry.deviations ? `, except: ${entry.deviations}` : ""}` };
    case "samples":
      return { form: true, why: `Istio's ${entry.files}` };
    case "derived":
      return { form: true, why: `made from its Istio form, as no task or sample has it: ${entry.restsOn}` };
  }
}

/** The config's refusal of `api: gateway-api` for a scenario without that form: why, and which have it. */
export const gatewayApiRefusalMessage = (name: ScenarioName, reason: string): string =>
  `scenario ${name} has no Gateway API form: ${reason}. These have one: ${gatewayApiScenarios.join(", ")}`;

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

/**
 * The Gateway API form of one scenario: the task's own where the catalog writes it (`written`),
 * else made from its Istio form; throws on what has none (a catalog mistake, caught by the tests).
 */
export function inGatewayApi(spec: ScenarioSpec, apps: readonly AppSpec[], name?: ScenarioName): ScenarioSpec {
  const form = name === undefined ? undefined : gatewayApiForms[name];
  if (form && isForm(form) && form.basis === "task" && form.written) return form.written();
  return translated(spec, apps);
}

/** The Gateway API form made from the Istio form, by the rules at the top of this file. */
function translated(spec: ScenarioSpec, apps: readonly AppSpec[]): ScenarioSpec {
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
