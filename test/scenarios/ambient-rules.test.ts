// The analyzer's ambient rules (components/scenarios/ambient-rules.ts), each as a pure function: the
// catalog's ambient form passes it, and the object a waypoint or ztunnel would not apply as meant fails it.
import { describe, expect, it } from "vitest";
import { selectApps } from "../../catalog/apps";
import { resolveScenario } from "../../catalog/scenarios";
import { authorizationPolicy, destinationRule, virtualService } from "../../catalog/scenarios/builders";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { inAmbient } from "../../catalog/scenarios/waypoint";
import type { IstioResource } from "../../catalog/istio-resources";
import * as rules from "../../components/scenarios/ambient-rules";
import { meshView } from "../../components/scenarios/mesh-view";
import { analyzeScenario } from "../../components/scenarios/analyzer";

const appsOf = (spec: ScenarioSpec) => [...selectApps(spec.workloads), ...(spec.apps ?? [])];
const ambient = (scenario: string, api?: string) => {
  const spec = resolveScenario(scenario as never, api ? { api } : undefined);
  return inAmbient(spec, appsOf(spec));
};
const view = (spec: ScenarioSpec, resources: IstioResource[] = spec.resources) => meshView(resources, appsOf(spec), spec);
const messages = (findings: { resource: string; field: string; message: string }[]) => findings.map((f) => `${f.resource} ${f.field}: ${f.message}`);

describe("ambient rules", () => {
  const deny = ambient("authz-deny");
  const original = resolveScenario("authz-deny", undefined);

  it("l7PolicyNeedsWaypoint: an HTTP policy ztunnel would enforce without its HTTP rules", () => {
    expect(rules.l7PolicyNeedsWaypoint(view(deny), deny.waypoint)).toEqual([]);
    expect(messages(rules.l7PolicyNeedsWaypoint(view(original), undefined))).toEqual([
      "AuthorizationPolicy/deny-method-get spec.rules[0].to[0].operation.methods: is HTTP, which ztunnel does not read: enforced by ztunnel, the policy denies every request the rule's remaining L4 conditions match (ports, sources, L4 when keys), whatever the HTTP ones say; attach it to a waypoint with targetRefs (docs/ambient/usage/l7-features)",
    ]);
    const tcp = resolveScenario("authz-tcp", undefined);
    expect(rules.l7PolicyNeedsWaypoint(view(tcp), undefined)).toEqual([]);
  });

  it("selectorNotOnWaypoint: a selector on workloads a waypoint serves, and any RequestAuthentication by selector", () => {
    expect(rules.selectorNotOnWaypoint(view(deny), deny.waypoint)).toEqual([]);
    const l4 = authorizationPolicy("l4", { selector: { matchLabels: { app: "httpbin" } }, rules: [{ to: [{ operation: { ports: ["8080"] } }] }] });
    expect(messages(rules.selectorNotOnWaypoint(view(deny, [...deny.resources, l4]), deny.waypoint))).toEqual([
      "AuthorizationPolicy/l4 spec.selector: selects workloads of httpbin, which waypoint waypoint serves: a waypoint never applies a policy by selector, and ztunnel sees the waypoint as the caller; attach it with targetRefs instead",
    ]);
    // Without a waypoint, ztunnel applies an L4 policy by selector as written (authz-tcp).
    expect(rules.selectorNotOnWaypoint(view(deny, [l4]), undefined)).toEqual([]);
    const jwt = resolveScenario("jwt-auth", undefined);
    expect(messages(rules.selectorNotOnWaypoint(view(jwt), undefined))[0]).toMatch(/^RequestAuthentication\/jwt-example spec.selector: is applied by no proxy in ambient/);
    // jwt-routing's RequestAuthentication is the ingress gateway's, which takes it by selector.
    expect(rules.selectorNotOnWaypoint(view(resolveScenario("jwt-routing", undefined)), undefined)).toEqual([]);
  });

  it("targetRefsOnWaypoint: a targetRef to a Service no waypoint serves, or a Gateway that is not the waypoint", () => {
    expect(rules.targetRefsOnWaypoint(view(deny), deny.waypoint)).toEqual([]);
    expect(messages(rules.targetRefsOnWaypoint(view(deny), { name: "waypoint", services: [] }))).toEqual([
      "AuthorizationPolicy/deny-method-get spec.targetRefs[0]: names Service httpbin, which no waypoint serves (no istio.io/use-waypoint); no proxy would apply the policy",
    ]);
    const http = ambient("authz-http");
    expect(messages(rules.targetRefsOnWaypoint(view(http), { ...http.waypoint!, name: "other" }))).toEqual([
      "AuthorizationPolicy/allow-nothing spec.targetRefs[0]: names Gateway waypoint, which is not this scenario's waypoint (other); no proxy would apply the policy",
    ]);
  });

  it("targetRefsOnWaypoint: a targetRef's group must be its kind's, as policyattachment.go matchesGroupKind compares it (\"\" is core)", () => {
    const http = ambient("authz-http");
    // deny-method-get's and allow-nothing's targetRefs with the group replaced.
    const withRef = (spec: ScenarioSpec, name: string, ref: object) => spec.resources.map((r) => (r.name === name ? ({ ...r, spec: { ...r.spec, targetRefs: [ref] } } as IstioResource) : r));
    const check = (spec: ScenarioSpec, name: string, ref: object) => messages(rules.targetRefsOnWaypoint(view(spec, withRef(spec, name, ref)), spec.waypoint));
    expect(check(deny, "deny-method-get", { group: "core", kind: "Service", name: "httpbin" })).toEqual([]);
    expect(check(deny, "deny-method-get", { group: "gateway.networking.k8s.io", kind: "Service", name: "httpbin" })).toEqual([
      'AuthorizationPolicy/deny-method-get spec.targetRefs[0].group: is "gateway.networking.k8s.io", but a Service is in group "" (core): Istio matches a targetRef by group and kind (policyattachment.go matchesGroupKind), so no proxy would apply the policy',
    ]);
    expect(check(http, "allow-nothing", { group: "", kind: "Gateway", name: "waypoint" })).toEqual([
      'AuthorizationPolicy/allow-nothing spec.targetRefs[0].group: is "", but a Gateway is in group gateway.networking.k8s.io: Istio matches a targetRef by group and kind (policyattachment.go matchesGroupKind), so no proxy would apply the policy',
    ]);
    expect(check(http, "allow-nothing", { kind: "Gateway", name: "waypoint" })).toHaveLength(1);
    expect(check(http, "allow-nothing", { group: "gateway.networking.k8s.io", kind: "GatewayClass", name: "istio-waypoint" })).toEqual([
      "AuthorizationPolicy/allow-nothing spec.targetRefs[0]: names GatewayClass istio-waypoint, which a waypoint takes from the root namespace only (policyattachment.go), not from the app namespace; no proxy would apply the policy",
    ]);
    expect(check(deny, "deny-method-get", { group: "networking.istio.io", kind: "ServiceEntry", name: "httpbin" })).toEqual([
      "AuthorizationPolicy/deny-method-get spec.targetRefs[0]: names ServiceEntry httpbin, which this scenario's waypoint does not serve; no proxy would apply the policy",
    ]);
    expect(check(deny, "deny-method-get", { group: "", kind: "ServiceEntry", name: "httpbin" })[0]).toMatch(/group: is "", but a ServiceEntry is in group networking.istio.io/);
  });

  it("serviceRoutesOnWaypoint: an HTTPRoute for mesh traffic to a Service no waypoint serves", () => {
    const routed = ambient("route-jason-v2", "gateway-api");
    expect(rules.serviceRoutesOnWaypoint(view(routed), routed.waypoint)).toEqual([]);
    expect(messages(rules.serviceRoutesOnWaypoint(view(routed), { name: "waypoint", services: ["productpage", "ratings", "details"] }))).toEqual([
      "HTTPRoute/reviews spec.parentRefs[0]: Service reviews has no waypoint: ztunnel routes no HTTP, so the route would apply to nothing",
    ]);
  });

  it("meshVirtualServicesOnWaypoint: a VirtualService for mesh traffic without a waypoint, or beside an HTTPRoute for its host", () => {
    const routed = ambient("route-all-v1", "gateway-api");
    const vs = virtualService("reviews", { hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews" } }] }] });
    expect(messages(rules.meshVirtualServicesOnWaypoint(view(routed, [...routed.resources, vs]), routed.waypoint))).toEqual([
      "VirtualService/reviews spec.hosts[0]: reviews is also an HTTPRoute's parent: istio.io calls mixing VirtualService and Gateway API routes on a waypoint undefined (docs/ambient/usage/l7-features)",
    ]);
    const istioForm = resolveScenario("route-all-v1", undefined);
    expect(messages(rules.meshVirtualServicesOnWaypoint(view(istioForm), undefined))).toHaveLength(4);
    expect(rules.meshVirtualServicesOnWaypoint(view(deny, [vs]), { name: "waypoint", services: ["reviews"] })).toEqual([]);
    // The ingress gateway's VirtualService is the gateway's.
    expect(rules.meshVirtualServicesOnWaypoint(view(resolveScenario("bookinfo", undefined)), undefined)).toEqual([]);
  });

  it("destinationRulePolicyApplied: a traffic policy for a host no waypoint serves and no gateway routes to", () => {
    const cb = resolveScenario("circuit-breaking", undefined);
    expect(messages(rules.destinationRulePolicyApplied(view(cb), undefined))).toEqual([
      "DestinationRule/httpbin spec.trafficPolicy: httpbin has no waypoint and no gateway routes to it: in ambient its callers reach it through ztunnel, which reads no DestinationRule, so the traffic policy would apply to nothing",
    ]);
    expect(rules.destinationRulePolicyApplied(view(cb), { name: "waypoint", services: ["httpbin"] })).toEqual([]);
    // mtls-strict's ISTIO_MUTUAL DestinationRules, the sidecars' client TLS: why modes.ts refuses it in ambient.
    expect(rules.destinationRulePolicyApplied(view(resolveScenario("mtls-strict", undefined)), undefined).map((f) => f.resource)).toEqual(["DestinationRule/reviews", "DestinationRule/ratings", "DestinationRule/details"]);
    // Subsets alone (bookinfo's destination-rule-all.yaml) harm nothing; tcp-shift's rule is for a host the gateway routes to.
    expect(rules.destinationRulePolicyApplied(view(resolveScenario("bookinfo", undefined)), undefined)).toEqual([]);
    const gatewayRouted = destinationRule("tcp-echo", { host: "tcp-echo", trafficPolicy: { loadBalancer: { simple: "ROUND_ROBIN" } } });
    const tcp = resolveScenario("tcp-shift-v2", undefined);
    expect(rules.destinationRulePolicyApplied(view(tcp, [...tcp.resources, gatewayRouted]), undefined)).toEqual([]);
  });

  it("noSidecarObjects: an EnvoyFilter or a Sidecar of the app namespace", () => {
    const rl = resolveScenario("rate-limit-local", undefined);
    expect(messages(rules.noSidecarObjects(view(rl), undefined))[0]).toMatch(/^EnvoyFilter\/filter-local-ratelimit-svc spec: is not supported on waypoints/);
    const egress = resolveScenario("egress-service-entry", undefined);
    expect(messages(rules.noSidecarObjects(view(egress), undefined))).toEqual(["Sidecar/default spec: configures sidecars, which ambient pods do not have"]);
    expect(rules.noSidecarObjects(view(deny), deny.waypoint)).toEqual([]);
  });
});

describe("the analyzer", () => {
  it("applies the ambient rules in ambient mode only, as config issues on istio-lab:scenario", () => {
    const original = resolveScenario("authz-deny", undefined);
    expect(analyzeScenario("authz-deny", original)).toEqual([]);
    expect(analyzeScenario("authz-deny", original, { meshMode: "ambient" })).toEqual([
      { key: "istio-lab:scenario", message: expect.stringMatching(/^scenario authz-deny: AuthorizationPolicy\/deny-method-get spec.rules\[0\].to\[0\].operation.methods: is HTTP, which ztunnel does not read/) },
    ]);
    expect(analyzeScenario("authz-deny", ambient("authz-deny"), { meshMode: "ambient" })).toEqual([]);
  });
});
