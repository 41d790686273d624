// The mesh analyzer's rules: each reads a MeshView and returns what istiod would accept but the
// lab would then get wrong (503s, dead listeners, silently ignored policies).
import { localityLabel } from "../../catalog/apps/helloworld";
import { ingressGateway } from "../mesh/ingress-gateway";
import { ofKind, routeRules, selects, serviceName, subsetsOf, type Destination, type HTTPRoute } from "../../catalog/istio-resources";
import { gatewayApiRules } from "./gateway-api-rules";
import type { Finding, MeshView, ServiceView } from "./mesh-view";

export type MeshRule = (view: MeshView) => Finding[];

interface RoutedDestination {
  vs: string;
  field: string;
  destination: Destination;
}

/** Every destination a VirtualService sends requests to, mirrors included, with its field path. */
function routedDestinations(view: MeshView): RoutedDestination[] {
  return ofKind(view.resources, "VirtualService").flatMap((vs) =>
    routeRules(vs.spec).flatMap(({ field, route, http }) => [
      ...route.map((r, j) => ({ vs: `VirtualService/${vs.name}`, field: `${field}.route[${j}].destination`, destination: r.destination })),
      ...(http?.mirror ? [{ vs: `VirtualService/${vs.name}`, field: `${field}.mirror`, destination: http.mirror }] : []),
    ]),
  );
}

function serviceOf(view: MeshView, host: string): ServiceView | undefined {
  return view.services.find((s) => s.name === serviceName(host));
}


const serviceList = (view: MeshView) => view.services.map((s) => s.name).join(", ") || "none";

/**
 * A route's destination is a Service of the scenario, a host a ServiceEntry adds, or a gateway the
 * mesh installs (the egress task routes to the egress gateway's Service); with a port it has.
 */
export const destinationHostsAreServices: MeshRule = (view) =>
  routedDestinations(view).flatMap(({ vs, field, destination }) => {
    const entry = ofKind(view.resources, "ServiceEntry").find((se) => se.spec.hosts.includes(destination.host));
    const gateway = view.gateways.find((g) => g.host === destination.host);
    const service = entry || gateway ? undefined : serviceOf(view, destination.host);
    const known = entry
      ? { what: `ServiceEntry/${entry.name}`, ports: entry.spec.ports.map((p) => p.number) }
      : gateway
        ? { what: `the ${gateway.release} Service`, ports: gateway.serverPorts }
        : service && { what: `Service ${service.name}`, ports: service.ports };
    if (!known) {
      return [{ resource: vs, field: `${field}.host`, message: `host ${destination.host} is not a Service of this scenario (Services: ${serviceList(view)}), nor a ServiceEntry's host or a gateway's` }];
    }
    if (destination.port && !known.ports.includes(destination.port.number)) {
      return [{ resource: vs, field: `${field}.port.number`, message: `${known.what} has no port ${destination.port.number} (ports: ${known.ports.join(", ")})` }];
    }
    return [];
  });

export const subsetsAreDefined: MeshRule = (view) =>
  routedDestinations(view).flatMap(({ vs, field, destination: { host, subset } }) => {
    if (!subset) return [];
    const defined = subsetsOf(view.resources, host);
    if (defined.some((s) => s.name === subset)) return [];
    const known = defined.length > 0 ? `defined subsets: ${defined.map((s) => s.name).join(", ")}` : `no DestinationRule has host ${host}`;
    return [{ resource: vs, field: `${field}.subset`, message: `subset ${subset} of ${host} is not defined by any DestinationRule (${known}); requests to it get 503` }];
  });

export const routedSubsetsSelectPods: MeshRule = (view) =>
  routedDestinations(view).flatMap(({ vs, field, destination: { host, subset } }) => {
    const service = serviceOf(view, host);
    const definition = subsetsOf(view.resources, host).find((s) => s.name === subset);
    if (!subset || !service || !definition) return []; // reported by the rules above
    const wanted = { ...service.selector, ...definition.labels };
    if (view.pods.some((pod) => selects(wanted, pod.labels))) return [];
    const labels = Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(",");
    return [{ resource: vs, field: `${field}.subset`, message: `subset ${subset} of ${host} (${labels}) selects no deployed workload; requests to it get 503` }];
  });

export const weightsSumTo100: MeshRule = (view) =>
  ofKind(view.resources, "VirtualService").flatMap((vs) =>
    routeRules(vs.spec).flatMap((rule) => {
      const field = `${rule.field}.route`;
      const weights = rule.route.map((r) => r.weight);
      if (rule.route.length < 2 && weights.every((w) => w === undefined)) return [];
      const bad = weights.flatMap((w, j) => (w === undefined || !Number.isInteger(w) || w < 0 ? [j] : []));
      if (bad.length > 0) {
        return bad.map((j) => ({ resource: `VirtualService/${vs.name}`, field: `${field}[${j}].weight`, message: `must be a whole number of percent, 0-100, on every destination of a split route (got ${weights[j] ?? "none"})` }));
      }
      const sum = weights.reduce<number>((s, w) => s + (w ?? 0), 0);
      return sum === 100
        ? []
        : [{ resource: `VirtualService/${vs.name}`, field, message: `weights sum to ${sum}, not 100; Istio no longer rejects this and splits by the ratio` }];
    }),
  );

export const consistentHashNotWeighted: MeshRule = (view) => {
  const hashed = ofKind(view.resources, "DestinationRule").filter(
    (dr) => dr.spec.trafficPolicy?.loadBalancer?.consistentHash || dr.spec.subsets?.some((s) => s.trafficPolicy?.loadBalancer?.consistentHash),
  );
  return ofKind(view.resources, "VirtualService").flatMap((vs) =>
    routeRules(vs.spec).flatMap((rule) =>
      hashed
        .filter((dr) => rule.route.length > 1 && rule.route.some((r) => serviceName(r.destination.host) === serviceName(dr.spec.host)))
        .map((dr) => ({
          resource: `VirtualService/${vs.name}`,
          field: `${rule.field}.route`,
          message: `splits ${dr.spec.host} by weight while DestinationRule/${dr.name} balances it by consistent hash; the weights pick the subset first, so sessions are not sticky`,
        })),
    ),
  );
};

export const faultsStandAlone: MeshRule = (view) =>
  ofKind(view.resources, "VirtualService").flatMap((vs) =>
    (vs.spec.http ?? []).flatMap((http: HTTPRoute, i) =>
      http.fault
        ? (["retries", "timeout"] as const)
            .filter((policy) => http[policy] !== undefined)
            .map((policy) => ({
              resource: `VirtualService/${vs.name}`,
              field: `spec.http[${i}].${policy}`,
              message: `is set on a route that injects a fault; Istio disables ${policy} there, so move the fault or the ${policy} to another service`,
            }))
        : [],
    ),
  );

/** Labels as a Gateway's selector writes them. */
const shownLabels = (labels: Readonly<Record<string, string>>) => Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(", ");

/**
 * A Gateway selects the pods of a gateway the mesh installs (the ingress gateway, and the egress
 * gateway for a scenario that has it installed) and listens on that gateway's Service ports.
 */
export const gatewaysMatchAMeshGateway: MeshRule = (view) =>
  ofKind(view.resources, "Gateway").flatMap((gw) => {
    const resource = `Gateway/${gw.name}`;
    const served = view.gateways.find((g) => selects(gw.spec.selector, g.podLabels));
    if (!served) {
      const installed = view.gateways.map((g) => `${g.release} with ${shownLabels({ istio: g.podLabels.istio })}`).join(", ");
      return [{ resource, field: "spec.selector", message: `${shownLabels(gw.spec.selector)} matches the pods of no gateway the mesh installs (${installed}); no gateway would serve it` }];
    }
    return gw.spec.servers.flatMap((server, i) =>
      served.serverPorts.includes(server.port.number)
        ? []
        : [
            {
              resource,
              field: `spec.servers[${i}].port.number`,
              message: `port ${server.port.number} is not a port of the ${served.release} Service (${served.serverPorts.join(", ")}); the listener would be unreachable`,
            },
          ],
    );
  });

export const boundGatewaysExist: MeshRule = (view) => {
  const gateways = new Set(ofKind(view.resources, "Gateway").map((g) => g.name));
  return ofKind(view.resources, "VirtualService").flatMap((vs) =>
    (vs.spec.gateways ?? []).flatMap((name, i) => {
      // `mesh` is the sidecars, not a Gateway; `ns/name` is a Gateway in another namespace.
      if (name === "mesh" || gateways.has(name.split("/").pop()!)) return [];
      return [{ resource: `VirtualService/${vs.name}`, field: `spec.gateways[${i}]`, message: `names Gateway ${name}, which this scenario does not define` }];
    }),
  );
};

/**
 * Istio accepts an AuthorizationPolicy or EnvoyFilter whose selector matches no pod and applies it
 * to nothing: an ALLOW meant to open a service leaves it denied, a DENY or a rate limit protects nothing.
 */
export const selectorsSelectWorkloads: MeshRule = (view) => {
  const selectors = [
    ...ofKind(view.resources, "AuthorizationPolicy").map((p) => ({ policy: p, field: "spec.selector.matchLabels", labels: p.spec.selector?.matchLabels })),
    ...ofKind(view.resources, "EnvoyFilter").map((f) => ({ policy: f, field: "spec.workloadSelector.labels", labels: f.spec.workloadSelector?.labels })),
    ...ofKind(view.resources, "RequestAuthentication").map((r) => ({ policy: r, field: "spec.selector.matchLabels", labels: r.spec.selector?.matchLabels })),
  ];
  return selectors.flatMap(({ policy, field, labels }) => {
    if (!labels) return [];
    // A selector selects pods of its own namespace only: the gateway's, or the scenario's.
    const candidates = policy.inGatewayNamespace ? view.gateways.map((g) => g.podLabels) : view.pods.map((pod) => pod.labels);
    if (candidates.some((pod) => selects(labels, pod))) return [];
    const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ");
    const what = policy.inGatewayNamespace ? "selects none of the gateways' pods, the only workloads of the gateway's namespace" : "selects no workload of the scenario";
    return [{ resource: `${policy.kind}/${policy.name}`, field, message: `${shown} ${what}; it would apply to nothing` }];
  });
};

/**
 * A route on `@request.auth.claims.*` matches only where a validated JWT put the claims: at a
 * gateway (Istio's VirtualService reference: "only supported in Gateways") that a RequestAuthentication
 * selects. Otherwise the match never holds and the route is dead, silently.
 */
export const claimMatchesAtAValidatingGateway: MeshRule = (view) => {
  const gatewayValidates = ofKind(view.resources, "RequestAuthentication").some(
    (r) => r.inGatewayNamespace && selects(r.spec.selector?.matchLabels ?? {}, ingressGateway.podLabels),
  );
  return ofKind(view.resources, "VirtualService").flatMap((vs) =>
    (vs.spec.http ?? []).flatMap((http, i) =>
      (http.match ?? []).flatMap((match, j) =>
        Object.keys(match.headers ?? {})
          .filter((name) => name.startsWith("@request.auth.claims"))
          .flatMap((name) => {
            const field = `spec.http[${i}].match[${j}].headers.${name}`;
            const resource = `VirtualService/${vs.name}`;
            const atGateway = (vs.spec.gateways ?? []).some((g) => g !== "mesh");
            if (!atGateway) return [{ resource, field, message: "matches a JWT claim on a route of the sidecars; Istio matches claims at a gateway only, so the route would never match" }];
            if (!gatewayValidates) return [{ resource, field, message: "matches a JWT claim, but no RequestAuthentication validates tokens at the ingress gateway; the route would never match" }];
            return [];
          }),
      ),
    ),
  );
};

/**
 * A ServiceEntry for a host the mesh already has as a Service shadows or duplicates it: Istio merges
 * or picks one, and the routes to the Service stop meaning what they say.
 */
export const serviceEntriesAreExternal: MeshRule = (view) =>
  ofKind(view.resources, "ServiceEntry").flatMap((se) =>
    se.spec.hosts.flatMap((host, i) => {
      const service = namedService(view, host);
      return service ? [{ resource: `ServiceEntry/${se.name}`, field: `spec.hosts[${i}]`, message: `${host} is Service ${service.name} of this scenario; a ServiceEntry is for hosts outside the mesh` }] : [];
    }),
  );

/** The Service a host names: only a short name or the cluster's own FQDN does (edition.cnn.com is not Service edition). */
function namedService(view: MeshView, host: string): ServiceView | undefined {
  const service = serviceOf(view, host);
  return service && (host === service.name || /\.svc(\.cluster\.local)?$/.test(host)) ? service : undefined;
}

/**
 * A DestinationRule's settings for a port its host does not have apply to nothing, silently: TLS
 * origination set on the wrong port leaves the traffic in plain text.
 */
export const portSettingsOnKnownPorts: MeshRule = (view) =>
  ofKind(view.resources, "DestinationRule").flatMap((dr) => {
    const { host } = dr.spec;
    const entry = ofKind(view.resources, "ServiceEntry").find((se) => se.spec.hosts.includes(host));
    const ports = entry ? entry.spec.ports.map((p) => p.number) : namedService(view, host)?.ports;
    if (!ports) return [];
    return (dr.spec.trafficPolicy?.portLevelSettings ?? []).flatMap((setting, i) =>
      ports.includes(setting.port.number)
        ? []
        : [{ resource: `DestinationRule/${dr.name}`, field: `spec.trafficPolicy.portLevelSettings[${i}].port.number`, message: `${host} has no port ${setting.port.number} (ports: ${ports.join(", ")}); the settings would apply to nothing` }],
    );
  });

/** Every locality-aware policy of the scenario's DestinationRules, with its field path. */
/**
 * Every locality-aware policy of the scenario's DestinationRules, with its field path, as it takes
 * effect: a subset's policy merged field by field over the rule's own (MergeTrafficPolicy,
 * pilot/pkg/model/destination_rule.go), so a subset inherits the top-level outlier detection.
 */
function localityPolicies(view: MeshView) {
  return ofKind(view.resources, "DestinationRule").flatMap((dr) =>
    [
      { field: "spec.trafficPolicy", policy: dr.spec.trafficPolicy },
      ...(dr.spec.subsets ?? []).map((subset, i) => ({ field: `spec.subsets[${i}].trafficPolicy`, policy: subset.trafficPolicy && { ...dr.spec.trafficPolicy, ...subset.trafficPolicy } })),
    ].flatMap(({ field, policy }) => {
      const setting = policy?.loadBalancer?.localityLbSetting;
      return setting?.enabled ? [{ resource: `DestinationRule/${dr.name}`, field, policy: policy!, setting, host: serviceName(dr.spec.host) }] : [];
    }),
  );
}

/**
 * Failover, explicit or the default one, happens only where the policy in effect has outlier
 * detection (ApplyLocalityLoadBalancer, pilot/pkg/networking/core/loadbalancer/loadbalancer.go:
 * `distribute` applies first; the failover branch needs outlier detection); without it, silently
 * none. A weighted distribution needs none.
 */
export const localityLbWithOutlierDetection: MeshRule = (view) =>
  localityPolicies(view).flatMap(({ resource, field, policy, setting }) =>
    setting.distribute || policy.outlierDetection
      ? []
      : [{ resource, field: `${field}.loadBalancer.localityLbSetting`, message: "fails over without outlierDetection in effect; Istio then never fails over, and balances without regard to locality" }],
  );

/** A distribution's weights are percentages of one locality's traffic: they sum to 100. */
export const localityWeightsSumTo100: MeshRule = (view) =>
  localityPolicies(view).flatMap(({ resource, field, setting }) =>
    (setting.distribute ?? []).flatMap((d, i) => {
      const sum = Object.values(d.to).reduce((a, b) => a + b, 0);
      return sum === 100 ? [] : [{ resource, field: `${field}.loadBalancer.localityLbSetting.distribute[${i}].to`, message: `weights sum to ${sum}, not 100` }];
    }),
  );

/**
 * Where the host's pods state their localities (`istio-locality`), a locality a policy sends
 * traffic to is one of them: a typo sends the share nowhere, and the failover region never comes.
 */
export const localitiesExist: MeshRule = (view) =>
  localityPolicies(view).flatMap(({ resource, field, setting, host }) => {
    // The endpoints of the rule's host, not every pod: the client's locality is no destination.
    const selector = view.services.find((svc) => svc.name === host)?.selector ?? {};
    const endpoints = view.pods.filter((p) => selects(selector, p.labels));
    const localities = endpoints.flatMap((p) => (p.labels[localityLabel] ? [p.labels[localityLabel].split(".")] : []));
    if (localities.length === 0) return [];
    const exists = (pattern: string) => {
      const parts = pattern.split("/");
      return localities.some((l) => parts.every((part, i) => part === "*" || part === l[i]));
    };
    const known = [...new Set(localities.map((l) => l.join("/")))].join(", ");
    return [
      ...(setting.distribute ?? []).flatMap((d, i) =>
        Object.keys(d.to)
          .filter((to) => !exists(to))
          .map((to) => ({ resource, field: `${field}.loadBalancer.localityLbSetting.distribute[${i}].to`, message: `${to} is no locality of ${host}'s pods (${known}); its share would go nowhere` })),
      ),
      ...(setting.failover ?? []).flatMap((f, i) =>
        exists(f.to) ? [] : [{ resource, field: `${field}.loadBalancer.localityLbSetting.failover[${i}].to`, message: `${f.to} is no region of ${host}'s pods (${known}); nothing would take over` }],
      ),
    ];
  });

export const meshRules: readonly MeshRule[] = [
  ...gatewayApiRules,
  destinationHostsAreServices,
  subsetsAreDefined,
  routedSubsetsSelectPods,
  weightsSumTo100,
  consistentHashNotWeighted,
  faultsStandAlone,
  gatewaysMatchAMeshGateway,
  boundGatewaysExist,
  selectorsSelectWorkloads,
  claimMatchesAtAValidatingGateway,
  serviceEntriesAreExternal,
  portSettingsOnKnownPorts,
  localityLbWithOutlierDetection,
  localityWeightsSumTo100,
  localitiesExist,
];

export function checkMesh(view: MeshView): Finding[] {
  return meshRules.flatMap((rule) => rule(view));
}
