// Ambient mode's L7 half: a scenario whose objects need a proxy that reads HTTP between the lab's
// workloads gets a waypoint, and its policies attach to it. One rule, `inAmbient`, makes a scenario's
// ambient form from the form it resolved to (Istio API or Gateway API), as data; the config layer
// applies it on an ambient platform, and the Scenario component renders what it says
// (components/scenarios/waypoint.ts).
//
// What Istio 1.31 does, read in istio/istio at 1.31.0-rc.0:
// - A waypoint is a Gateway of class istio-waypoint with one HBONE listener on 15008
//   (samples/ambient-argo/application/reviews-waypoint.yaml). Without an `istio.io/waypoint-for`
//   label on it or its class it takes Service traffic only (pilot/pkg/serviceregistry/ambient/
//   waypoints.go: `trafficType := constants.ServiceTraffic`).
// - A Service uses it when the Service, or failing that its namespace, is labelled
//   `istio.io/use-waypoint: <name>` (waypoints.go fetchWaypointForTarget, GetUseWaypoint).
// - A waypoint never applies an AuthorizationPolicy or RequestAuthentication by selector, only one
//   whose targetRefs name the waypoint's Gateway or a Service bound to it, in the policy's namespace
//   (pilot/pkg/model/policyattachment.go ShouldAttachPolicy: "waypoints never use selector"); a policy
//   with targetRefs is not sent to ztunnel (pilot/pkg/serviceregistry/ambient/authorization.go
//   convertAuthorizationPolicy: "TargetRef is not intended for ztunnel").
// - ztunnel drops the HTTP rules of a policy it enforces (authorization.go handleRule, httpOperations,
//   httpSources, l4WhenAttributes): an ALLOW rule with them never matches, a DENY rule keeps its
//   L4 conditions alone and denies whatever those match.
// istio.io's ambient pages say the same (docs/ambient/usage/l7-features: "For an authorization
// policy to be attached to a waypoint it must have a targetRef which refers to the waypoint, or a
// Service which uses that waypoint"; waypoints are configured through the Gateway API).
import type { AppSpec } from "../apps/app-spec";
import { backendsOf, gatewayApiVersions, type GatewayApiResource } from "../gateway-api-resources";
import { ofKind, routeRules, serviceName, type AuthorizationPolicySpec, type IstioResource, type PolicyTargetReference } from "../istio-resources";
import type { ScenarioSpec } from "./scenario-spec";

/** The waypoint's name: istioctl's default (`istioctl waypoint apply` names it `waypoint`), which istio.io's ambient tasks use. */
export const waypointName = "waypoint";

/** The label that binds a Service (or a namespace) to a waypoint, and the one a waypoint's traffic type is read from. */
export const useWaypointLabel = "istio.io/use-waypoint";
/** The label beside useWaypointLabel that names the waypoint's namespace (without it, the labelled object's own). */
export const useWaypointNamespaceLabel = "istio.io/use-waypoint-namespace";

/** The GatewayClass of waypoints (Istio 1.31 pkg/config/constants/constants.go WaypointGatewayClassName). */
export const waypointClass = "istio-waypoint";

/**
 * Which waypoint serves a Service (Istio 1.31 pilot/pkg/serviceregistry/ambient/waypoints.go
 * fetchWaypointForTarget and GetUseWaypoint): the Service's own istio.io/use-waypoint label, `none`
 * opting out, else its namespace's; istio.io/use-waypoint-namespace beside it names the waypoint's
 * namespace, else it is the Service's.
 */
export function waypointFor(serviceLabels: Record<string, string>, namespaceLabels: Record<string, string>, namespace: string): { name: string; namespace: string } | undefined {
  const use = (labels: Record<string, string>) => {
    const name = labels[useWaypointLabel];
    if (name === undefined) return undefined;
    return name === "none" ? null : { name, namespace: labels[useWaypointNamespaceLabel] ?? namespace };
  };
  const own = use(serviceLabels);
  if (own === null) return undefined;
  return own ?? use(namespaceLabels) ?? undefined;
}

/**
 * The label by which a Service (or its namespace) sends the ingress gateway's traffic to its
 * waypoint: without it a gateway picks the Service's endpoints itself and the waypoint is passed by
 * (pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint: "They need to explicitly opt-in
 * on the service to send from ingress -> waypoint"; pilot/pkg/serviceregistry/ambient/services.go
 * ingressUseWaypointFromLabels reads it from the Service, else its namespace, as a bool).
 */
export const ingressUseWaypointLabel = "istio.io/ingress-use-waypoint";

/** A scenario's waypoint in ambient mode: its name and the Services bound to it. */
export interface Waypoint {
  name: string;
  /** The app Services labelled `istio.io/use-waypoint: <name>`, sorted. */
  services: string[];
  /** Of those, the ones the ingress gateway routes to whose policies must apply to its traffic: labelled `istio.io/ingress-use-waypoint: "true"` too, sorted. */
  ingress?: string[];
}

/**
 * The prefixes of the cluster stats a waypoint keeps beyond Istio's inclusion list, so that verify can
 * count the requests it routed (tools/verify/judge/ambient.ts): Istio's Envoy keeps only the stats on
 * that list (pkg/bootstrap/config.go requiredEnvoyStatsMatcherInclusionPrefixes and getStatsOptions;
 * tools/packaging/common/envoy_bootstrap.json stats_matcher), where `cluster.<name>.upstream_rq_*` is
 * not, unless the pod's sidecar.istio.io/statsInclusionPrefixes annotation adds it. A waypoint routes
 * through `inbound-vip|` clusters to the Services it serves and `outbound|` ones to the rest
 * (pilot/pkg/networking/core/listener_waypoint.go getWaypointDestinationCluster).
 */
export const waypointStatsPrefixes = ["cluster.inbound-vip", "cluster.outbound"] as const;

/** The annotation by which pulumi-kubernetes awaits a custom resource (provider/pkg/metadata/overrides.go ReadyCondition; waypointWaitFor). */
export const waitForAnnotation = "pulumi.com/waitFor";

/**
 * What `pulumi up` waits for on the waypoint's Gateway before the Services are bound to it and the
 * policies and pods move to it (components/scenario-on-namespace.ts), the order of istio.io's
 * migration guide (docs/ambient/migrate/enable-ambient-mode, "Ordering requirements": waypoints
 * first). pulumi-kubernetes awaits a custom resource only on this annotation (provider/pkg/metadata/
 * overrides.go ReadyCondition: without it, and without PULUMI_K8S_AWAIT_ALL, the condition is
 * immediate; `condition=X` is `kubectl wait --for=condition=X`, status True, and not before the
 * condition's observedGeneration reaches the object's: provider/pkg/await/condition/custom.go,
 * kubectl.go checkCondition; on create and on update, await.go; since 4.18.0, CHANGELOG.md).
 * Programmed is what `istioctl waypoint apply --wait` waits for (istio 1.31 istioctl/pkg/waypoint/
 * waypoint.go); istiod sets it once the waypoint's Service has an endpoint on the listener's port
 * (pilot/pkg/config/kube/gateway/conversion.go setProgrammedCondition, gatewaycommon/conversion.go
 * SetProgrammedCondition, gatewaycommon/context.go ResolveGatewayInstances: "no instances found"
 * keeps it False). That endpoint may be a pod not Ready yet (kube/controller/endpointslice.go keeps
 * not-ready endpoints as UnHealthy), and istiod's own TODO says "this only checks Service ready, we
 * should also check Deployment ready?": Programmed means the waypoint pod exists with an address,
 * not that it serves; no status of the Gateway says more, and the pod is istiod's, not the program's.
 */
export const waypointWaitFor = { [waitForAnnotation]: "condition=Programmed" } as const;

/** The waypoint's Gateway (gateway.networking.k8s.io/v1), as samples/ambient-argo writes one, awaited (waypointWaitFor). */
export function waypointGateway(name: string) {
  return {
    apiVersion: gatewayApiVersions.Gateway,
    kind: "Gateway",
    metadata: { name, annotations: waypointWaitFor },
    spec: {
      gatewayClassName: waypointClass,
      listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
      // istio-discovery's files/waypoint.yaml copies the Gateway's infrastructure annotations to the pod.
      infrastructure: { annotations: { "sidecar.istio.io/statsInclusionPrefixes": waypointStatsPrefixes.join(",") } },
    },
  } as const;
}

/**
 * The HTTP attributes of an AuthorizationPolicy, which ztunnel does not read: each field Istio 1.31
 * lists (authorization.go httpOperations, httpSources; a `when` key outside l4WhenAttributes), with
 * its path. An empty list: ztunnel enforces the policy as written.
 */
export function httpAttributes(spec: AuthorizationPolicySpec): string[] {
  const l4When = new Set(["source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port"]);
  return (spec.rules ?? []).flatMap((rule, i) => [
    ...(rule.to ?? []).flatMap((to, j) => (["methods", "paths"] as const).filter((f) => (to.operation[f] ?? []).length > 0).map((f) => `spec.rules[${i}].to[${j}].operation.${f}`)),
    ...(rule.from ?? []).flatMap((from, j) => ((from.source.requestPrincipals ?? []).length > 0 ? [`spec.rules[${i}].from[${j}].source.requestPrincipals`] : [])),
    ...(rule.when ?? []).flatMap((when, j) => (l4When.has(when.key) ? [] : [`spec.rules[${i}].when[${j}].key`])),
  ]);
}

/** The Services a gateway's routes send to: a VirtualService bound to a gateway, a Gateway API route with a Gateway for parent (a parentRef without kind). */
export function gatewayRoutedServices(resources: readonly IstioResource[], routes: readonly GatewayApiResource[]): string[] {
  const viaVirtualServices = ofKind(resources, "VirtualService")
    .filter((vs) => (vs.spec.gateways ?? []).some((g) => g !== "mesh"))
    .flatMap((vs) => routeRules(vs.spec).flatMap(({ route }) => route.map((r) => serviceName(r.destination.host))));
  const viaRoutes = routes.flatMap((r) => (r.kind !== "Gateway" && r.spec.parentRefs.some((p) => !("kind" in p)) ? backendsOf(r).map((b) => b.ref.name) : []));
  return [...new Set([...viaVirtualServices, ...viaRoutes])].sort();
}

/** The Services HTTPRoutes have for parent: mesh traffic to them, which in ambient only a waypoint routes. */
export function serviceParents(routes: readonly GatewayApiResource[]): string[] {
  return routes.flatMap((r) => (r.kind === "HTTPRoute" ? r.spec.parentRefs.flatMap((p) => ("kind" in p && p.kind === "Service" ? [p.name] : [])) : []));
}

/** A policy a waypoint or ztunnel applies to the app's workloads. */
export type AppPolicy = Extract<IstioResource, { kind: "AuthorizationPolicy" | "RequestAuthentication" }>;
/** The app namespace's policies among the resources (those of the gateway's namespace are the gateway's). */
export const appPolicies = (resources: readonly IstioResource[]): AppPolicy[] =>
  resources.filter((r): r is AppPolicy => (r.kind === "AuthorizationPolicy" || r.kind === "RequestAuthentication") && !r.inGatewayNamespace);

/** Whether the policy needs an L7 proxy: a RequestAuthentication (ztunnel takes none), or an AuthorizationPolicy with HTTP attributes. */
const needsL7 = (policy: AppPolicy) => policy.kind === "RequestAuthentication" || httpAttributes(policy.spec).length > 0;

/**
 * Where a policy with this selector attaches on the waypoint: no selector (the namespace) is the
 * waypoint's Gateway, so every Service bound to it; `{ app: X }` is Service X, which selects exactly
 * those pods (catalog/apps: every app's Service selects `app`). A selector of other labels (a
 * version) has no Service to name: undefined.
 */
export function targetRefFor(selector: { matchLabels: Record<string, string> } | undefined, apps: readonly AppSpec[], waypoint = waypointName): PolicyTargetReference | undefined {
  const labels = Object.entries(selector?.matchLabels ?? {});
  if (labels.length === 0) return { group: "gateway.networking.k8s.io", kind: "Gateway", name: waypoint };
  const [[key, value]] = labels;
  if (labels.length !== 1 || key !== "app" || !apps.some((a) => a.app === value && a.service)) return undefined;
  return { group: "", kind: "Service", name: value };
}

/**
 * A scenario as ambient mode runs it. A scenario needs a waypoint when an HTTPRoute has a Service for
 * parent (mesh traffic, which only a waypoint routes there) or a policy of the app namespace needs
 * L7. Then every policy of the namespace moves from its selector to targetRefs on the waypoint: the
 * waypoint would ignore the selector, and ztunnel, which would still apply it, sees the waypoint's
 * identity as the caller (docs/ambient/usage/l4-policy). Bound are the parents of the routes and
 * the Services the policies name, or all the scenario's Services when a policy is the namespace's.
 * A scenario that needs no waypoint (L4 policy, routes at the ingress gateway) comes back as it was.
 * Throws on a policy it cannot attach (a catalog mistake, which the tests would catch).
 */
export function inAmbient(spec: ScenarioSpec, apps: readonly AppSpec[]): ScenarioSpec {
  const routed = serviceParents(spec.gatewayApi?.resources ?? []);
  const policies = appPolicies(spec.resources);
  if (routed.length === 0 && !policies.some(needsL7)) return spec;
  const guarded = new Set<string>();
  const moved = new Map<IstioResource, IstioResource>();
  for (const policy of policies) {
    const ref = targetRefFor(policy.spec.selector, apps);
    if (!ref) throw new Error(`${policy.kind} ${policy.name}: its selector names no one Service, so it has no waypoint target`);
    if (ref.kind === "Service") guarded.add(ref.name);
    else for (const app of apps) if (app.service) guarded.add(app.app);
    const spec = { ...policy.spec, targetRefs: [ref] };
    delete spec.selector;
    moved.set(policy, { ...policy, spec } as IstioResource);
  }
  // A policy protects its Services from every caller, the ingress gateway too (a sidecar applies it
  // to the gateway's requests): a guarded Service the gateway routes to sends the gateway's traffic
  // to the waypoint. A route with a Service for parent applies to mesh traffic only, in sidecar mode
  // as well (the gateway follows its own routes), so routing alone labels nothing.
  const bound = new Set([...routed, ...guarded]);
  const ingress = gatewayRoutedServices(spec.resources, spec.gatewayApi?.resources ?? []).filter((s) => guarded.has(s));
  return {
    ...spec,
    resources: spec.resources.map((r) => moved.get(r) ?? r),
    waypoint: { name: waypointName, services: [...bound].sort(), ...(ingress.length > 0 && { ingress }) },
  };
}

/** The VirtualServices for mesh traffic among the resources (no gateways, or `mesh` among them). */
export const meshVirtualServices = (resources: readonly IstioResource[]) => ofKind(resources, "VirtualService").filter((vs) => !vs.spec.gateways || vs.spec.gateways.includes("mesh"));
