// Ambient mode's waypoint: the one rule that makes a scenario's ambient form (catalog/scenarios/
// waypoint.ts inAmbient), the Gateway it renders, and what switching scenarios does to it.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { selectApps } from "../../catalog/apps";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleConfig, exampleOptions } from "../../catalog/scenarios/examples";
import { ambientForms } from "../../catalog/scenarios/modes";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { httpAttributes, inAmbient, ingressUseWaypointLabel, targetRefFor, waypointGateway, waypointName, waypointWaitFor } from "../../catalog/scenarios/waypoint";
import { authorizationPolicy } from "../../catalog/scenarios/builders";
import { checkAmbient } from "../../components/scenarios/ambient-rules";
import { checkMesh } from "../../components/scenarios/mesh-rules";
import { meshView } from "../../components/scenarios/mesh-view";
import type { Rendered } from "../../tools/lib/mock-engine";
import { planUpdate } from "../../tools/lib/plan";
import { upstreamFile } from "../upstream-files";
import { renderStack } from "../harness";

const appsOf = (spec: ScenarioSpec) => [...selectApps(spec.workloads), ...(spec.apps ?? [])];
const resolve = (scenario: string, form: string = "istio") => {
  const options = exampleOptions(scenario as never) as object | undefined;
  return resolveScenario(scenario as never, form === "istio" ? options : { ...options, api: form });
};
const ambientOf = (scenario: string, form?: string) => {
  const spec = resolve(scenario, form);
  return inAmbient(spec, appsOf(spec));
};
const upstreamWaypoint = () => parse(fs.readFileSync(upstreamFile("istio-1.31/samples/ambient-argo/application/reviews-waypoint.yaml"), "utf8")) as Record<string, any>;
const upstreamServiceParent = () => (parse(fs.readFileSync(upstreamFile("istio-1.31/samples/bookinfo/gateway-api/route-reviews-v1.yaml"), "utf8")) as Record<string, any>).spec.parentRefs[0];
const policy = (spec: ScenarioSpec, name: string) => spec.resources.find((r) => r.name === name)!.spec as Record<string, unknown>;

describe("the waypoint's Gateway", () => {
  it("is samples/ambient-argo's reviews-waypoint.yaml but for its name, the revision tag the sample's control planes have (istio.io/rev), which the lab's one istiod has not, the cluster stats verify reads, and Pulumi's waitFor on Programmed", () => {
    const { metadata, ...upstream } = upstreamWaypoint();
    expect(metadata.labels).toEqual({ "istio.io/rev": "rapid" });
    const { metadata: ours, ...rest } = waypointGateway(metadata.name);
    const { infrastructure, ...spec } = rest.spec;
    expect({ ...rest, spec }).toEqual(upstream);
    expect(infrastructure).toEqual({ annotations: { "sidecar.istio.io/statsInclusionPrefixes": "cluster.inbound-vip,cluster.outbound" } });
    // Deviation: the sample has no annotations; this one makes `pulumi up` wait until istiod reports
    // the waypoint Programmed, as `istioctl waypoint apply --wait` does (catalog/scenarios/waypoint.ts waypointWaitFor).
    expect(ours).toEqual({ name: metadata.name, annotations: { "pulumi.com/waitFor": "condition=Programmed" } });
  });
});

describe("inAmbient: a scenario's ambient form", () => {
  it("moves authz-http's policies to the waypoint: allow-nothing to its Gateway, each viewer to its Service, binding every Service", () => {
    const spec = ambientOf("authz-http");
    const { apiVersion, kind } = upstreamWaypoint();
    const { group, kind: serviceKind } = upstreamServiceParent();
    expect(policy(spec, "allow-nothing")).toEqual({ targetRefs: [{ group: apiVersion.split("/")[0], kind, name: waypointName }] });
    for (const [name, app] of [["productpage-viewer", "productpage"], ["details-viewer", "details"], ["reviews-viewer", "reviews"], ["ratings-viewer", "ratings"]]) {
      const { selector, ...rest } = policy(resolve("authz-http"), name);
      expect(selector).toEqual({ matchLabels: { app } });
      expect(policy(spec, name)).toEqual({ ...rest, targetRefs: [{ group, kind: serviceKind, name: app }] });
    }
    // The ingress gateway routes to productpage (the bookinfo VirtualService), which the policies guard:
    // its traffic must pass the waypoint too, as the gateway's requests pass productpage's sidecar.
    expect(spec.waypoint).toEqual({ name: "waypoint", services: ["curl", "details", "productpage", "ratings", "reviews"], ingress: ["productpage"] });
  });

  it("sends the ingress gateway's traffic through the waypoint only to a Service a policy guards: routes with a Service parent are mesh traffic's, in sidecar mode too", () => {
    for (const { scenario, form, run } of ambientForms().filter((p) => p.run.waypoint)) {
      const spec = ambientOf(scenario, form);
      const expected = scenario === "authz-http" ? ["productpage"] : undefined;
      expect(spec.waypoint?.ingress, `${scenario} ${form} ${run.why}`).toEqual(expected);
    }
  });

  it("binds only the Services a policy names, and moves a RequestAuthentication too (jwt-auth, authz-deny)", () => {
    expect(ambientOf("jwt-auth").waypoint).toEqual({ name: "waypoint", services: ["httpbin"] });
    expect(ambientOf("jwt-auth").resources.map((r) => ("selector" in r.spec ? r.spec.selector : undefined))).toEqual([undefined, undefined]);
    expect(ambientOf("authz-deny").waypoint).toEqual({ name: "waypoint", services: ["httpbin"] });
  });

  it("binds the parents of HTTPRoutes for mesh traffic, and changes no object", () => {
    const spec = resolve("route-all-v1", "gateway-api");
    const ambient = inAmbient(spec, appsOf(spec));
    expect(ambient.waypoint).toEqual({ name: "waypoint", services: ["details", "productpage", "ratings", "reviews"] });
    expect(ambient.resources).toEqual(spec.resources);
    expect(ambient.gatewayApi).toEqual(spec.gatewayApi);
  });

  it("leaves alone a scenario that needs no waypoint: L4 policy (authz-tcp), routes at the ingress gateway", () => {
    for (const [scenario, form] of [["authz-tcp"], ["bookinfo"], ["bookinfo", "gateway-api"], ["ingress-httpbin"], ["jwt-routing"], ["tcp-shift-80-20", "gateway-api"]]) {
      const spec = resolve(scenario, form);
      expect(inAmbient(spec, appsOf(spec)), scenario).toBe(spec);
    }
  });

  it("refuses a policy whose selector names no one Service (a version's pods)", () => {
    const spec = resolve("authz-deny");
    const byVersion = { ...spec, resources: [authorizationPolicy("v1-only", { selector: { matchLabels: { version: "v1" } }, rules: [{ to: [{ operation: { methods: ["GET"] } }] }] })] };
    expect(() => inAmbient(byVersion, appsOf(spec))).toThrow("AuthorizationPolicy v1-only: its selector names no one Service");
    expect(targetRefFor({ matchLabels: { app: "httpbin", version: "v1" } }, appsOf(spec))).toBeUndefined();
    expect(targetRefFor({ matchLabels: { app: "nothing" } }, appsOf(spec))).toBeUndefined();
  });

  it("reads a policy's HTTP attributes as ztunnel does (authorization.go): methods, paths, requestPrincipals, a when key beyond L4's", () => {
    expect(httpAttributes(policy(resolve("authz-deny"), "deny-method-get") as never)).toEqual(["spec.rules[0].to[0].operation.methods", "spec.rules[0].when[0].key"]);
    expect(httpAttributes(policy(resolve("jwt-auth"), "require-jwt") as never)).toEqual(["spec.rules[0].from[0].source.requestPrincipals"]);
    expect(httpAttributes(policy(resolve("authz-tcp"), "tcp-policy") as never)).toEqual([]);
    expect(httpAttributes({ rules: [{ when: [{ key: "source.namespace", values: ["a"] }], to: [{ operation: { paths: ["/x"] } }] }] })).toEqual(["spec.rules[0].to[0].operation.paths"]);
  });
});

describe("the catalog's ambient pairs", () => {
  it("each gets a waypoint exactly where modes.ts says, and passes the analyzer's sidecar and ambient rules", () => {
    for (const { scenario, form, run } of ambientForms()) {
      const spec = ambientOf(scenario, form);
      expect(spec.waypoint !== undefined, `${scenario} ${form}`).toBe(run.waypoint === true);
      const view = meshView(spec.resources, appsOf(spec), spec);
      expect(checkMesh(view), `${scenario} ${form}`).toEqual([]);
      expect(checkAmbient(view, spec.waypoint), `${scenario} ${form}`).toEqual([]);
      // In ambient verify counts retries and mirrored requests at the waypoint that serves the destination (tools/verify/probes/evidence.ts recorderOf).
      for (const probe of spec.probes) {
        if (probe.kind === "retried" || probe.kind === "mirrored") expect(spec.waypoint?.services, `${scenario} ${form} ${probe.kind}`).toContain(new URL(probe.url).hostname.split(".")[0]);
      }
    }
  });
});

const release = (r: Rendered) => r.resources.map((x) => `${x.type} ${x.name}`);
const ambientStack = (scenario: string, options?: Record<string, unknown>) =>
  renderStack({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": scenario, ...exampleConfig(scenario as never), ...(options && { "istio-lab:scenarioOptions": options }) });

describe("rendering in ambient", () => {
  it("creates the waypoint's Gateway after the Gateway API CRDs, and labels each bound Service once both are there", async () => {
    const r = await ambientStack("authz-deny");
    const gateway = r.resources.find((x) => x.name === "Gateway/bookinfo/waypoint")!;
    expect(gateway.inputs).toEqual({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "waypoint", namespace: "bookinfo", annotations: waypointWaitFor }, spec: waypointGateway("waypoint").spec });
    expect(gateway.dependsOn).toEqual(["ConfigFile/gateway-api-crds"]);
    const patch = r.resources.find((x) => x.type === "kubernetes:core/v1:ServicePatch")!;
    expect(patch.name).toBe("ServicePatch/bookinfo/httpbin");
    expect(patch.inputs).toEqual({ apiVersion: "v1", kind: "Service", metadata: { name: "httpbin", namespace: "bookinfo", labels: { "istio.io/use-waypoint": "waypoint" } } });
    expect(patch.dependsOn).toEqual(["Gateway/bookinfo/waypoint", "Service/bookinfo/httpbin"]);
    // authz-deny's httpbin is called from the curl pod only: no ingress label.
    expect(patch.inputs.metadata).not.toHaveProperty(["labels", ingressUseWaypointLabel]);
    expect(r.resources.find((x) => x.name === "AuthorizationPolicy/bookinfo/deny-method-get")!.inputs.spec).toMatchObject({ targetRefs: [{ group: "", kind: "Service", name: "httpbin" }] });
  });

  it("has no waypoint where the scenario needs none, nor in sidecar mode", async () => {
    for (const r of [await ambientStack("authz-tcp"), await renderStack({ "istio-lab:cluster": { source: "kind" }, "istio-lab:scenario": "authz-deny" })]) {
      expect(release(r).filter((x) => /waypoint|ServicePatch/.test(x))).toEqual([]);
    }
  });

  it("removes the waypoint and the labels on a switch to a scenario without one, and adds them back", async () => {
    const [withWaypoint, without] = [await ambientStack("route-all-v1", { api: "gateway-api" }), await ambientStack("bookinfo", { api: "gateway-api" })];
    const plan = planUpdate(withWaypoint, without);
    const removed = plan.delete.map((x) => x.name).filter((n) => /waypoint|ServicePatch/.test(n));
    expect(removed.sort()).toEqual(["Gateway/bookinfo/waypoint", "ServicePatch/bookinfo/details", "ServicePatch/bookinfo/productpage", "ServicePatch/bookinfo/ratings", "ServicePatch/bookinfo/reviews"]);
    expect(plan.replace).toEqual([]);
    const back = planUpdate(without, withWaypoint);
    expect(back.create.map((x) => x.name)).toEqual(expect.arrayContaining(["Gateway/bookinfo/waypoint", "ServicePatch/bookinfo/reviews"]));
  });
});

describe("the ingress gateway's way to a guarded Service in ambient (authz-http)", () => {
  it("labels productpage istio.io/ingress-use-waypoint: \"true\" beside istio.io/use-waypoint, in the same ServicePatch, and no other Service", async () => {
    const r = await ambientStack("authz-http");
    const patches = r.resources.filter((x) => x.type === "kubernetes:core/v1:ServicePatch");
    expect(patches.map((x) => [x.name, (x.inputs.metadata as { labels: Record<string, string> }).labels])).toEqual(
      ["curl", "details", "productpage", "ratings", "reviews"].map((s) => [`ServicePatch/bookinfo/${s}`, { "istio.io/use-waypoint": "waypoint", ...(s === "productpage" && { "istio.io/ingress-use-waypoint": "true" }) }]),
    );
    expect(ingressUseWaypointLabel).toBe("istio.io/ingress-use-waypoint");
  });

  it("is an analyzer finding when missing: a guarded Service the gateway routes to without the label", () => {
    const spec = ambientOf("authz-http");
    const view = meshView(spec.resources, appsOf(spec), spec);
    expect(checkAmbient(view, spec.waypoint)).toEqual([]);
    expect(checkAmbient(view, { ...spec.waypoint!, ingress: undefined }).map((f) => `${f.resource} ${f.field}: ${f.message}`)).toEqual([
      'AuthorizationPolicy/allow-nothing spec.targetRefs[0]: guards Service productpage, which the ingress gateway routes to, but productpage has no istio.io/ingress-use-waypoint: "true": the gateway would pass the waypoint by (endpoint_builder.go findServiceWaypoint), so the policy would not apply to its requests',
      'AuthorizationPolicy/productpage-viewer spec.targetRefs[0]: guards Service productpage, which the ingress gateway routes to, but productpage has no istio.io/ingress-use-waypoint: "true": the gateway would pass the waypoint by (endpoint_builder.go findServiceWaypoint), so the policy would not apply to its requests',
    ]);
  });
});

describe("switching a platform running authz-http from sidecar to ambient", () => {
  it("adds the CRDs, the waypoint and the labels, moves the policies to targetRefs in place, and replaces no object of the scenario", async () => {
    const base = { "istio-lab:cluster": { source: "kind" }, "istio-lab:scenario": "authz-http" };
    const [sidecar, ambient] = [await renderStack(base), await renderStack({ ...base, "istio-lab:mesh": { mode: "ambient" } })];
    const plan = planUpdate(sidecar, ambient);
    const scenarioPart = (name: string) => /^(Gateway\/bookinfo\/waypoint|ServicePatch\/|AuthorizationPolicy\/|ConfigFile\/gateway-api-crds)/.test(name);
    expect(plan.create.map((x) => x.name).filter(scenarioPart)).toEqual([
      "ConfigFile/gateway-api-crds",
      "Gateway/bookinfo/waypoint",
      "ServicePatch/bookinfo/curl",
      "ServicePatch/bookinfo/details",
      "ServicePatch/bookinfo/productpage",
      "ServicePatch/bookinfo/ratings",
      "ServicePatch/bookinfo/reviews",
    ]);
    expect(plan.update.map((u) => [u.resource.name, u.paths]).filter(([name]) => scenarioPart(name as string))).toEqual(
      ["allow-nothing", "productpage-viewer", "details-viewer", "reviews-viewer", "ratings-viewer"].map((p) => [`AuthorizationPolicy/bookinfo/${p}`, p === "allow-nothing" ? ["spec.targetRefs"] : ["spec.selector", "spec.targetRefs"]]),
    );
    expect(plan.replace.map((x) => x.resource.name).filter(scenarioPart)).toEqual([]);
  });
});
