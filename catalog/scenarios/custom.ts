// `istio-lab:scenario: custom`: a traffic plan for your own services (istio-lab:apps.custom), in
// the catalog's own vocabulary: weights per version, header and path matches, faults, timeouts,
// retries, mirrors, connection-pool and outlier limits, consistent hashing. Every service gets a
// DestinationRule with a subset per declared version; every routed service a VirtualService whose
// rules are the routes in order; an exposed service is served on the ingress gateway with the same
// rules under its paths. The mesh analyzer checks the result as it checks the catalog's.
import { z } from "zod";
import { customApp, customDeployment, type CustomService } from "../apps/custom";
import type { HTTPMatchRequest, HTTPRoute, IstioResource, TrafficPolicy } from "../istio-resources";
import { destinationRule, gateway, ingressGatewaySelector, virtualService } from "./builders";
import type { Probe } from "./probes";
import { answersNeeded } from "./statistics";
import type { ScenarioSpec } from "./scenario-spec";

const label = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be a DNS-1123 label" });
const percent = z.int().min(0).max(100);
const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, { error: "must be a duration such as 500ms, 2s or 1m" });
const path = z.string().regex(/^\/\S*$/, { error: "must be a path such as /api" });

const route = z.strictObject({
  /** A service of istio-lab:apps.custom. */
  service: label,
  /** Every header must equal its value (and the path start with uriPrefix) for the route to apply. */
  match: z.strictObject({ headers: z.record(z.string().regex(/^[a-z0-9-]+$/, { error: "must be a lower-case header name" }), z.string()).optional(), uriPrefix: path.optional() }).optional(),
  /** Version -> percent of the route's requests; without it, the service's versions share them evenly. */
  weights: z.record(label, percent).optional(),
  mirror: z.strictObject({ version: label, percent: percent.default(100) }).optional(),
  fault: z
    .strictObject({
      delay: z.strictObject({ fixedDelay: duration, percent }).optional(),
      abort: z.strictObject({ httpStatus: z.int().min(200).max(599), percent }).optional(),
    })
    .optional(),
  timeout: duration.optional(),
  retries: z.strictObject({ attempts: z.int().min(0).max(10), perTryTimeout: duration.optional(), retryOn: z.string().min(1).optional() }).optional(),
});

const policy = z.strictObject({
  connectionPool: z
    .strictObject({ maxConnections: z.int().min(1).optional(), http1MaxPendingRequests: z.int().min(1).optional(), maxRequestsPerConnection: z.int().min(1).optional() })
    .optional(),
  outlierDetection: z
    .strictObject({ consecutive5xxErrors: z.int().min(1), interval: duration.optional(), baseEjectionTime: duration.optional(), maxEjectionPercent: percent.optional() })
    .optional(),
  consistentHash: z
    .union([z.strictObject({ header: z.string().min(1) }), z.strictObject({ cookie: z.string().min(1), ttl: duration.optional() }), z.strictObject({ sourceIp: z.literal(true) }), z.strictObject({ query: z.string().min(1) })])
    .optional(),
});

export const customOptions = z.strictObject({
  routes: z.array(route).min(1, { error: "needs at least one route" }),
  /** Service -> its traffic policy (DestinationRule). */
  policies: z.record(label, policy).optional(),
});

export type CustomOptions = z.infer<typeof customOptions>;
type Route = CustomOptions["routes"][number];
type Policy = NonNullable<CustomOptions["policies"]>[string];

export const customGatewayName = "custom-gateway";
export const customIngressName = "custom-ingress";

function trafficPolicy(p: Policy | undefined): TrafficPolicy | undefined {
  if (!p) return undefined;
  const hash = p.consistentHash;
  const tp: TrafficPolicy = {
    ...(p.connectionPool && {
      connectionPool: {
        ...(p.connectionPool.maxConnections !== undefined && { tcp: { maxConnections: p.connectionPool.maxConnections } }),
        ...((p.connectionPool.http1MaxPendingRequests !== undefined || p.connectionPool.maxRequestsPerConnection !== undefined) && {
          http: {
            ...(p.connectionPool.http1MaxPendingRequests !== undefined && { http1MaxPendingRequests: p.connectionPool.http1MaxPendingRequests }),
            ...(p.connectionPool.maxRequestsPerConnection !== undefined && { maxRequestsPerConnection: p.connectionPool.maxRequestsPerConnection }),
          },
        }),
      },
    }),
    ...(p.outlierDetection && { outlierDetection: p.outlierDetection }),
    ...(hash && {
      loadBalancer: {
        consistentHash:
          "header" in hash
            ? { httpHeaderName: hash.header }
            : "cookie" in hash
              ? { httpCookie: { name: hash.cookie, ...(hash.ttl && { ttl: hash.ttl }) } }
              : "sourceIp" in hash
                ? { useSourceIp: true }
                : { httpQueryParameterName: hash.query },
      },
    }),
  };
  return Object.keys(tp).length > 0 ? tp : undefined;
}

/** One route as Istio's HTTPRoute, under extra path prefixes when served on the gateway. */
function httpRoute(r: Route, prefixes: readonly string[] = []): HTTPRoute {
  const headers = r.match?.headers && Object.fromEntries(Object.entries(r.match.headers).map(([k, v]) => [k, { exact: v }]));
  const uris = r.match?.uriPrefix ? [r.match.uriPrefix] : prefixes;
  const matches: HTTPMatchRequest[] = uris.length > 0 ? uris.map((p) => ({ uri: { prefix: p }, ...(headers && { headers }) })) : headers ? [{ headers }] : [];
  const weights = Object.entries(r.weights ?? {});
  return {
    ...(matches.length > 0 && { match: matches }),
    route:
      weights.length > 0
        ? weights.map(([version, weight]) => ({ destination: { host: r.service, subset: version }, ...(weights.length > 1 && { weight }) }))
        : [{ destination: { host: r.service } }],
    ...(r.fault && { fault: { ...(r.fault.delay && { delay: { fixedDelay: r.fault.delay.fixedDelay, percentage: { value: r.fault.delay.percent } } }), ...(r.fault.abort && { abort: { httpStatus: r.fault.abort.httpStatus, percentage: { value: r.fault.abort.percent } } }) } }),
    ...(r.timeout && { timeout: r.timeout }),
    ...(r.retries && { retries: r.retries }),
    ...(r.mirror && { mirror: { host: r.service, subset: r.mirror.version }, mirrorPercentage: { value: r.mirror.percent } }),
  };
}

/** The share of each version a route sends: its weights, or all to its one version. */
const shares = (r: Route): Record<string, number> | undefined => {
  const weights = Object.entries(r.weights ?? {});
  if (weights.length === 0) return undefined;
  return Object.fromEntries(weights.map(([v, w]) => [v, weights.length === 1 ? 100 : w]));
};

/**
 * The scenario for declared services and their routes. A service the routes name but the apps do
 * not declare, or a version no service has, is left for the analyzer to report (a destination
 * without a Service, a subset that selects no pod), keyed on the route's option.
 */
export function customScenario(options: CustomOptions, services: readonly CustomService[]): ScenarioSpec {
  const byService = (name: string) => options.routes.map((r, i) => ({ r, i })).filter(({ r }) => r.service === name);
  const routed = [...new Set(options.routes.map((r) => r.service))];
  const resources: IstioResource[] = [];
  const fromOptions: NonNullable<ScenarioSpec["fromOptions"]> = [];
  for (const s of services) {
    resources.push(
      destinationRule(s.name, {
        host: s.name,
        ...(trafficPolicy(options.policies?.[s.name]) && { trafficPolicy: trafficPolicy(options.policies?.[s.name]) }),
        subsets: s.versions.map((v) => ({ name: v.name, labels: { version: v.name } })),
      }),
    );
    if (options.policies?.[s.name]) fromOptions.push({ resource: `DestinationRule/${s.name}`, field: "spec.trafficPolicy", option: `policies.${s.name}` });
  }
  for (const name of routed) {
    const rules = byService(name);
    resources.push(virtualService(name, { hosts: [name], http: rules.map(({ r }) => httpRoute(r)) }));
    rules.forEach(({ i }, j) => fromOptions.push({ resource: `VirtualService/${name}`, field: `spec.http[${j}]`, option: `routes[${i}]` }));
  }
  const exposed = services.filter((s) => s.expose);
  if (exposed.length > 0) {
    resources.push(gateway(customGatewayName, { selector: ingressGatewaySelector, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }] }));
    // One VirtualService for the gateway: Istio does not order the rules of several that bind the
    // same host, and `/` must come after `/api`. Services with the longer paths go first.
    const longest = (s: CustomService) => Math.max(...s.expose!.paths.map((p) => p.length));
    const http: HTTPRoute[] = [];
    for (const s of [...exposed].sort((a, b) => longest(b) - longest(a))) {
      const rules = byService(s.name);
      if (rules.length === 0) http.push(httpRoute({ service: s.name }, s.expose!.paths));
      for (const { r, i } of rules) {
        fromOptions.push({ resource: `VirtualService/${customIngressName}`, field: `spec.http[${http.length}]`, option: `routes[${i}]` });
        http.push(httpRoute(r, s.expose!.paths));
      }
    }
    resources.push(virtualService(customIngressName, { hosts: ["*"], gateways: [customGatewayName], http }));
  }
  const probes: Probe[] = [];
  for (const s of exposed) {
    // What anyone reaching the gateway gets: the service's last route without a match.
    const fallback = byService(s.name).map(({ r }) => r).filter((r) => !r.match).at(-1);
    const expected = fallback && shares(fallback);
    if (expected && s.marker) {
      probes.push({ kind: "versions", service: s.name, path: s.expose!.paths[0], requests: answersNeeded(expected, undefined, s.versions.map((v) => v.name)), marker: s.marker, versions: s.versions.map((v) => v.name), expected });
    }
  }
  const mirrored = options.routes.filter((r) => r.mirror && !r.match && Object.keys(r.weights ?? {}).length === 1);
  for (const r of mirrored) {
    const s = services.find((x) => x.name === r.service);
    if (!s) continue;
    probes.push({
      kind: "mirrored",
      from: "curl",
      url: `http://${s.name}:${s.port}${s.expose?.paths[0] ?? "/"}`,
      answeredBy: customDeployment(s.name, Object.keys(r.weights!)[0]),
      alsoLoggedBy: [customDeployment(s.name, r.mirror!.version)],
    });
  }
  return {
    description: `your own services (${services.map((s) => s.name).join(", ") || "none declared"}) with ${options.routes.length} route${options.routes.length === 1 ? "" : "s"} from istio-lab:scenarioOptions (no istio.io task has it: your own plan)`,
    // curl always: the client to call your services from inside the mesh (`kubectl exec deploy/curl`)
    // and verify's, so that a release step that adds a mirror deploys nothing new.
    workloads: [{ app: "curl" }],
    apps: services.map(customApp),
    resources,
    probes,
    fromOptions,
  };
}
