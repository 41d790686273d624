// The analyzer's rules for a scenario in ambient mode: what the API server and istiod accept but no
// proxy would apply as meant, because ztunnel reads no HTTP and a waypoint takes only what is bound
// to it. Each is a pure function of the scenario's view and its waypoint, read in Istio 1.31
// (istio/istio at 1.31.0-rc.0) where it decides:
// - pilot/pkg/serviceregistry/ambient/authorization.go: what ztunnel enforces of a policy;
// - pilot/pkg/model/policyattachment.go ShouldAttachPolicy: what a waypoint takes (targetRefs only);
// - pilot/pkg/serviceregistry/ambient/waypoints.go: which Services a waypoint serves (use-waypoint);
// - pilot/pkg/networking/core/listener_waypoint.go: the VirtualServices and DestinationRules a
//   waypoint reads, for the Services it serves only.
import type { GatewayApiRoute } from "../../catalog/gateway-api-resources";
import { matchesGroupKind, ofKind, selects, serviceName, targetRefGroups } from "../../catalog/istio-resources";
import { appPolicies, gatewayRoutedServices, httpAttributes, ingressUseWaypointLabel, meshVirtualServices, serviceParents, type AppPolicy, type Waypoint } from "../../catalog/scenarios/waypoint";
import type { Finding, MeshView } from "./mesh-view";

/** A rule reads the scenario's view and the waypoint it has (none: undefined). */
export type AmbientRule = (view: MeshView, waypoint: Waypoint | undefined) => Finding[];

const bound = (waypoint: Waypoint | undefined, service: string) => waypoint?.services.includes(serviceName(service)) ?? false;
const attached = (p: AppPolicy) => (p.spec.targetRefs ?? []).length > 0;

/** The Services whose pods a selector selects (every Service of the scenario for none). */
function servicesSelected(view: MeshView, selector: Record<string, string> | undefined): string[] {
  const pods = view.pods.filter((pod) => selects(selector, pod.labels));
  return view.services.filter((s) => pods.some((pod) => selects(s.selector, pod.labels))).map((s) => s.name);
}

/**
 * An AuthorizationPolicy ztunnel enforces (by selector, or the namespace's) reads no HTTP: ztunnel
 * drops a rule's HTTP conditions (authorization.go handleRule), so an ALLOW rule with them never
 * matches ("L7 policies never match for ALLOW": its rules are set to nil) and a DENY rule is kept
 * with its L4 conditions alone (ports, sources, L4 `when` keys: "For DENY they will always match,
 * so it is more restrictive"), denying every request those match whatever its HTTP ones say.
 */
export const l7PolicyNeedsWaypoint: AmbientRule = (view) =>
  ofKind(appPolicies(view.resources), "AuthorizationPolicy")
    .filter((p) => !attached(p))
    .flatMap((p) => {
      const [field] = httpAttributes(p.spec);
      if (!field) return [];
      const effect = p.spec.action === "DENY" ? "denies every request the rule's remaining L4 conditions match (ports, sources, L4 when keys), whatever the HTTP ones say" : "allows nothing by those rules";
      return [{ resource: `AuthorizationPolicy/${p.name}`, field, message: `is HTTP, which ztunnel does not read: enforced by ztunnel, the policy ${effect}; attach it to a waypoint with targetRefs (docs/ambient/usage/l7-features)` }];
    });

/**
 * A policy by selector (or the namespace's) on workloads a waypoint serves: the waypoint never
 * applies a policy by selector (policyattachment.go: "waypoints never use selector"), and ztunnel,
 * which would, sees the waypoint as the caller. A RequestAuthentication by selector has no proxy at
 * all in ambient: ztunnel takes AuthorizationPolicies and PeerAuthentications only.
 */
export const selectorNotOnWaypoint: AmbientRule = (view, waypoint) =>
  appPolicies(view.resources)
    .filter((p) => !attached(p))
    .flatMap((p) => {
      const resource = `${p.kind}/${p.name}`;
      const field = p.spec.selector ? "spec.selector" : "spec";
      if (p.kind === "RequestAuthentication") {
        return [{ resource, field, message: "is applied by no proxy in ambient: ztunnel takes no RequestAuthentication and a waypoint only one with targetRefs; attach it to the waypoint's Gateway or a Service bound to it" }];
      }
      const served = servicesSelected(view, p.spec.selector?.matchLabels).filter((s) => bound(waypoint, s));
      if (served.length === 0) return [];
      return [{ resource, field, message: `selects workloads of ${served.join(", ")}, which waypoint ${waypoint!.name} serves: a waypoint never applies a policy by selector, and ztunnel sees the waypoint as the caller; attach it with targetRefs instead` }];
    });

/**
 * targetRefs name the scenario's waypoint, or a Service bound to it, each with its kind's group (a
 * ref of a known kind with another group matches nothing: catalog/istio-resources.ts matchesGroupKind):
 * anything else is applied by no one (a targetRef policy goes to no ztunnel, authorization.go).
 * A waypoint also takes a ServiceEntry bound to it, and the istio-waypoint GatewayClass from the
 * root namespace only (ShouldAttachPolicy), neither of which an app-namespace policy of the
 * catalog can use: the lab binds no ServiceEntry to its waypoint.
 */
export const targetRefsOnWaypoint: AmbientRule = (view, waypoint) =>
  appPolicies(view.resources).flatMap((p) =>
    (p.spec.targetRefs ?? []).flatMap((target, i) => {
      const ref = target as { group?: string; kind: string; name: string };
      const at = { resource: `${p.kind}/${p.name}`, field: `spec.targetRefs[${i}]` };
      const group = targetRefGroups[ref.kind];
      if (group !== undefined && !matchesGroupKind(ref, ref.kind)) {
        return [{ ...at, field: `${at.field}.group`, message: `is "${ref.group ?? ""}", but a ${ref.kind} is in group ${group === "core" ? `"" (core)` : group}: Istio matches a targetRef by group and kind (policyattachment.go matchesGroupKind), so no proxy would apply the policy` }];
      }
      if (ref.kind === "Gateway") return waypoint?.name === ref.name ? [] : [{ ...at, message: `names Gateway ${ref.name}, which is not this scenario's waypoint${waypoint ? ` (${waypoint.name})` : " (it has none)"}; no proxy would apply the policy` }];
      if (ref.kind === "Service") return bound(waypoint, ref.name) ? [] : [{ ...at, message: `names Service ${ref.name}, which no waypoint serves (no istio.io/use-waypoint); no proxy would apply the policy` }];
      if (ref.kind === "GatewayClass") return [{ ...at, message: `names GatewayClass ${ref.name}, which a waypoint takes from the root namespace only (policyattachment.go), not from the app namespace; no proxy would apply the policy` }];
      return [{ ...at, message: `names ${ref.kind} ${ref.name}, which this scenario's waypoint does not serve; no proxy would apply the policy` }];
    }),
  );

/**
 * A policy on the waypoint guards a Service the ingress gateway routes to: without
 * `istio.io/ingress-use-waypoint: "true"` on it the gateway picks the Service's endpoints itself and
 * passes the waypoint by (Istio 1.31 pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint:
 * "They need to explicitly opt-in on the service to send from ingress -> waypoint"), so the policy
 * would not apply to the gateway's requests, which a sidecar would have checked.
 */
export const ingressPassesWaypoint: AmbientRule = (view, waypoint) => {
  if (!waypoint) return [];
  const routed = new Set(gatewayRoutedServices(view.resources, view.gatewayApi));
  return appPolicies(view.resources).flatMap((p) =>
    (p.spec.targetRefs ?? []).flatMap((ref, i) => {
      const guarded = ref.kind === "Gateway" && ref.name === waypoint.name ? waypoint.services : ref.kind === "Service" && bound(waypoint, ref.name) ? [serviceName(ref.name)] : [];
      return guarded
        .filter((s) => routed.has(s) && !(waypoint.ingress ?? []).includes(s))
        .map((s) => ({ resource: `${p.kind}/${p.name}`, field: `spec.targetRefs[${i}]`, message: `guards Service ${s}, which the ingress gateway routes to, but ${s} has no ${ingressUseWaypointLabel}: "true": the gateway would pass the waypoint by (endpoint_builder.go findServiceWaypoint), so the policy would not apply to its requests` }));
    }),
  );
};

/** An HTTPRoute with a Service for parent is mesh traffic, which in ambient only a waypoint serving that Service routes. */
export const serviceRoutesOnWaypoint: AmbientRule = (view, waypoint) =>
  view.gatewayApi
    .filter((r): r is Extract<GatewayApiRoute, { kind: "HTTPRoute" }> => r.kind === "HTTPRoute")
    .flatMap((route) =>
      route.spec.parentRefs.flatMap((p, i) =>
        "kind" in p && p.kind === "Service" && !bound(waypoint, p.name)
          ? [{ resource: `HTTPRoute/${route.name}`, field: `spec.parentRefs[${i}]`, message: `Service ${p.name} has no waypoint: ztunnel routes no HTTP, so the route would apply to nothing` }]
          : [],
      ),
    );

/**
 * A VirtualService for mesh traffic is read by the waypoint of its host's Service only
 * (listener_waypoint.go getVirtualServiceForWaypoint); beside an HTTPRoute for the same Service it
 * mixes the two APIs, which istio.io calls undefined (docs/ambient/usage/l7-features).
 */
export const meshVirtualServicesOnWaypoint: AmbientRule = (view, waypoint) => {
  const routed = new Set(serviceParents(view.gatewayApi));
  return meshVirtualServices(view.resources).flatMap((vs) =>
    vs.spec.hosts.flatMap((host, i) => {
      const at = { resource: `VirtualService/${vs.name}`, field: `spec.hosts[${i}]` };
      if (!bound(waypoint, host)) return [{ ...at, message: `${host} has no waypoint: in ambient no proxy between the workloads reads a VirtualService (ztunnel is L4), so its routes would apply to nothing` }];
      if (routed.has(serviceName(host))) return [{ ...at, message: `${host} is also an HTTPRoute's parent: istio.io calls mixing VirtualService and Gateway API routes on a waypoint undefined (docs/ambient/usage/l7-features)` }];
      return [];
    }),
  );
};

/**
 * A DestinationRule's traffic policy is applied by the proxy that picks the endpoint: in ambient a
 * waypoint for the Services it serves, or a gateway for the hosts it routes to; ztunnel reads none
 * (its xDS carries addresses and authorizations only, pilot/pkg/xds/workload.go). Subsets alone
 * name endpoints and harm nothing.
 */
export const destinationRulePolicyApplied: AmbientRule = (view, waypoint) => {
  const gatewayHosts = new Set(gatewayRoutedServices(view.resources, view.gatewayApi));
  return ofKind(view.resources, "DestinationRule").flatMap((dr) => {
    const policy = dr.spec.trafficPolicy ? "spec.trafficPolicy" : (dr.spec.subsets ?? []).findIndex((s) => s.trafficPolicy) >= 0 ? `spec.subsets[${(dr.spec.subsets ?? []).findIndex((s) => s.trafficPolicy)}].trafficPolicy` : undefined;
    const host = serviceName(dr.spec.host);
    if (!policy || bound(waypoint, host) || gatewayHosts.has(host) || dr.inGatewayNamespace) return [];
    return [{ resource: `DestinationRule/${dr.name}`, field: policy, message: `${dr.spec.host} has no waypoint and no gateway routes to it: in ambient its callers reach it through ztunnel, which reads no DestinationRule, so the traffic policy would apply to nothing` }];
  });
};

/** An EnvoyFilter or a Sidecar of the app namespace: no sidecar reads them, and istio.io says waypoints do not support EnvoyFilter (docs/ambient/usage/l7-features). */
export const noSidecarObjects: AmbientRule = (view) =>
  view.resources
    .filter((r) => (r.kind === "EnvoyFilter" || r.kind === "Sidecar") && !r.inGatewayNamespace)
    .map((r) => ({ resource: `${r.kind}/${r.name}`, field: "spec", message: r.kind === "Sidecar" ? "configures sidecars, which ambient pods do not have" : "is not supported on waypoints in ambient (docs/ambient/usage/l7-features), and ambient pods have no sidecar to patch" }));

const ambientRules: readonly AmbientRule[] = [l7PolicyNeedsWaypoint, selectorNotOnWaypoint, targetRefsOnWaypoint, ingressPassesWaypoint, serviceRoutesOnWaypoint, meshVirtualServicesOnWaypoint, destinationRulePolicyApplied, noSidecarObjects];

export function checkAmbient(view: MeshView, waypoint: Waypoint | undefined): Finding[] {
  return ambientRules.flatMap((rule) => rule(view, waypoint));
}
