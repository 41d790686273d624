// The order of a move to ambient with a waypoint, read on the graph `pulumi up` schedules by
// (tools/lib/critical-path.ts dependencyGraph): istio.io's "Enable ambient mode" (Ordering
// requirements) activates the waypoints first, the Gateway Programmed and the Services labelled
// istio.io/use-waypoint, and only then moves the pods and the policies. Here every Deployment of the
// lab and every policy moved to the waypoint waits for its Gateway (awaited on Programmed:
// catalog/scenarios/waypoint.ts waypointWaitFor) and for each ServicePatch; a sidecar stack, and an
// ambient one without a waypoint, has no such edge and its objects wait for what they did before.
import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../catalog/scenarios/examples";
import { waypointWaitFor } from "../../catalog/scenarios/waypoint";
import { dependencyGraph } from "../../tools/lib/critical-path";
import type { Rendered, RenderedResource } from "../../tools/lib/mock-engine";
import { renderStack } from "../harness";

const stack = (scenario: string, mode?: string) =>
  renderStack({ "istio-lab:cluster": { source: "kind" }, ...(mode && { "istio-lab:mesh": { mode } }), "istio-lab:scenario": scenario, ...exampleConfig(scenario as never) });

const isWaypoint = (x: RenderedResource) => x.name === "Gateway/bookinfo/waypoint" || x.type === "kubernetes:core/v1:ServicePatch";
const labDeployments = (r: Rendered) => r.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment" && x.parent === "workloads");
const policies = (r: Rendered) => r.resources.filter((x) => /^kubernetes:security\.istio\.io\/v1:(AuthorizationPolicy|RequestAuthentication)$/.test(x.type));
/** What each resource waits for in a real `pulumi up`, by name. */
const waitsOf = (r: Rendered) => {
  const graph = dependencyGraph(r);
  return (x: RenderedResource) => graph.get(x)!.map((y) => y.name);
};

describe("ambient with a waypoint (authz-http): the waypoint first", () => {
  it("makes every Deployment of the lab and every policy wait for the waypoint's Gateway, awaited on Programmed, and for each Service's use-waypoint label", async () => {
    const r = await stack("authz-http", "ambient");
    const waits = waitsOf(r);
    const waypoint = r.resources.filter(isWaypoint).map((x) => x.name);
    expect(waypoint).toEqual(["Gateway/bookinfo/waypoint", ...["curl", "details", "productpage", "ratings", "reviews"].map((s) => `ServicePatch/bookinfo/${s}`)]);
    expect((r.resources.find((x) => x.name === "Gateway/bookinfo/waypoint")!.inputs.metadata as { annotations?: unknown }).annotations).toEqual(waypointWaitFor);
    expect(labDeployments(r).length).toBeGreaterThan(0);
    expect(policies(r).map((p) => p.name)).toEqual(["allow-nothing", "productpage-viewer", "details-viewer", "reviews-viewer", "ratings-viewer"].map((p) => `AuthorizationPolicy/bookinfo/${p}`));
    for (const x of [...labDeployments(r), ...policies(r)]) expect(waits(x), x.name).toEqual(expect.arrayContaining(waypoint));
    // And not the other way round: the waypoint waits for no pod and no policy of the lab.
    for (const name of waypoint) {
      expect(waits(r.resources.find((x) => x.name === name)!).filter((w) => /^(Deployment|AuthorizationPolicy)\//.test(w)), name).toEqual([]);
    }
  });
});

describe("no such edge without a waypoint", () => {
  it("a sidecar stack's Deployments and policies, and an ambient one's without a waypoint, wait for what the ambient ones wait for but the waypoint", async () => {
    const [ambient, sidecar] = [await stack("authz-http", "ambient"), await stack("authz-http")];
    expect(sidecar.resources.filter(isWaypoint)).toEqual([]);
    const before = (r: Rendered) => [...labDeployments(r), ...policies(r)].map((x) => [x.name, x.dependsOn]);
    const withoutWaypoint = (r: Rendered) => {
      const waypoint = new Set(r.resources.filter(isWaypoint).map((x) => x.name));
      return before(r).map(([name, dependsOn]) => [name, (dependsOn as string[]).filter((d) => !waypoint.has(d))]);
    };
    expect(before(sidecar)).toEqual(withoutWaypoint(ambient));
    for (const [, dependsOn] of before(sidecar)) expect((dependsOn as string[]).filter((d) => /waypoint|ServicePatch/.test(d))).toEqual([]);
    // authz-tcp runs in ambient without a waypoint: its Deployments and policy wait as in sidecar mode.
    const [l4, l4Sidecar] = [await stack("authz-tcp", "ambient"), await stack("authz-tcp")];
    expect(l4.resources.filter(isWaypoint)).toEqual([]);
    expect(before(l4)).toEqual(before(l4Sidecar));
  });
});
