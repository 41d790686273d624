// Switching scenario on a stack: logical names are stable, so only the objects that differ change
// and the rest of the lab (cluster, mesh, namespace) is untouched.
import { describe, expect, it } from "vitest";
import type { Rendered, RenderedResource } from "../harness";
import { renderScenario } from "./render-scenario";

const layers = new Set(["workloads", "scenario"]);
const inLayers = (r: RenderedResource) => layers.has(r.parent ?? "");
const byName = (resources: RenderedResource[]) => new Map(resources.map((r) => [`${r.type} ${r.name}`, r]));

/** What `pulumi up` would do to the scenario and workload objects going from `from` to `to`. */
function changes(from: Rendered, to: Rendered) {
  const before = byName(from.resources.filter(inLayers));
  const after = byName(to.resources.filter(inLayers));
  const names = (keys: Iterable<string>) => [...keys].map((k) => k.split(" ")[1]).sort();
  return {
    created: names([...after.keys()].filter((k) => !before.has(k))),
    deleted: names([...before.keys()].filter((k) => !after.has(k))),
    updated: names([...after.keys()].filter((k) => before.has(k) && JSON.stringify(before.get(k)!.inputs) !== JSON.stringify(after.get(k)!.inputs))),
  };
}

/** Everything outside the two layers, with its inputs, parent and dependencies. */
const outside = (r: Rendered) => r.resources.filter((x) => !inLayers(x) && x.type !== "pulumi:pulumi:Stack");

const all = (prefix: string, names: string[]) => names.map((n) => `${prefix}/bookinfo/${n}`);
const bookinfoWorkloads = [
  ...all("Deployment", ["details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3", "productpage-v1"]),
  ...all("Service", ["details", "ratings", "reviews", "productpage"]),
  ...all("ServiceAccount", ["bookinfo-details", "bookinfo-ratings", "bookinfo-reviews", "bookinfo-productpage"]),
].sort();

describe("switching scenario", () => {
  it.each([
    ["bookinfo", "route-all-v1", { created: all("VirtualService", ["details", "productpage", "ratings", "reviews"]), deleted: [], updated: [] }],
    ["route-all-v1", "route-jason-v2", { created: [], deleted: [], updated: ["VirtualService/bookinfo/reviews"] }],
    ["route-jason-v2", "fault-delay", { created: [], deleted: [], updated: ["VirtualService/bookinfo/ratings"] }],
    ["fault-delay", "fault-abort", { created: [], deleted: [], updated: ["VirtualService/bookinfo/ratings"] }],
    ["shift-50-v3", "shift-v3", { created: [], deleted: [], updated: ["VirtualService/bookinfo/reviews"] }],
    ["request-timeout", "route-all-v1", { created: [], deleted: [], updated: all("VirtualService", ["ratings", "reviews"]) }],
    [
      "bookinfo",
      "mtls-strict",
      { created: ["PeerAuthentication/bookinfo/default"], deleted: [], updated: all("DestinationRule", ["details", "productpage", "ratings", "reviews"]) },
    ],
    [
      "mirroring",
      "circuit-breaking",
      {
        // A lone httpbin is upstream's `httpbin`; the mirroring task's pair is httpbin-v1 and -v2.
        created: ["Deployment/bookinfo/fortio-deploy", "Deployment/bookinfo/httpbin", "Service/bookinfo/fortio"],
        deleted: ["Deployment/bookinfo/curl", "Deployment/bookinfo/httpbin-v1", "Deployment/bookinfo/httpbin-v2", "Service/bookinfo/curl", "ServiceAccount/bookinfo/curl", "VirtualService/bookinfo/httpbin"],
        updated: ["DestinationRule/bookinfo/httpbin"],
      },
    ],
    [
      "mirroring",
      "retries",
      {
        created: ["Deployment/bookinfo/httpbin"],
        deleted: ["Deployment/bookinfo/httpbin-v1", "Deployment/bookinfo/httpbin-v2", "DestinationRule/bookinfo/httpbin"],
        updated: ["VirtualService/bookinfo/httpbin"],
      },
    ],
    [
      "retries",
      "ingress-httpbin",
      {
        created: ["Gateway/bookinfo/httpbin-gateway"],
        deleted: ["Deployment/bookinfo/curl", "Service/bookinfo/curl", "ServiceAccount/bookinfo/curl"],
        updated: ["VirtualService/bookinfo/httpbin"],
      },
    ],
  ])("%s -> %s changes only what differs", async (from, to, expected) => {
    // One after the other: the mock engine is process-global.
    const a = await renderScenario(from);
    const b = await renderScenario(to);
    expect(outside(b)).toEqual(outside(a));
    expect(changes(a, b)).toEqual(expected);
  });

  it("bookinfo -> ingress-httpbin removes every Bookinfo object and keeps the lab", async () => {
    const a = await renderScenario("bookinfo");
    const b = await renderScenario("ingress-httpbin");
    expect(outside(b)).toEqual(outside(a));
    const { created, deleted, updated } = changes(a, b);
    expect(updated).toEqual([]);
    expect(created).toEqual(["Deployment/bookinfo/httpbin", "Gateway/bookinfo/httpbin-gateway", "Service/bookinfo/httpbin", "ServiceAccount/bookinfo/httpbin", "VirtualService/bookinfo/httpbin"]);
    expect(deleted).toEqual(
      [...bookinfoWorkloads, ...all("DestinationRule", ["details", "productpage", "ratings", "reviews"]), "Gateway/bookinfo/bookinfo-gateway", "VirtualService/bookinfo/bookinfo"].sort(),
    );
    for (const name of deleted) expect(b.resources.some((r) => r.name === name)).toBe(false);
  });

  it("canary weights change only the reviews route", async () => {
    const a = await renderScenario("canary", { weights: { v1: 90, v3: 10 } });
    const b = await renderScenario("canary", { weights: { v1: 50, v3: 50 } });
    expect(outside(b)).toEqual(outside(a));
    expect(changes(a, b)).toEqual({ created: [], deleted: [], updated: ["VirtualService/bookinfo/reviews"] });
  });

  it("sticky-sessions differs from bookinfo by the reviews DestinationRule and the curl client", async () => {
    const a = await renderScenario("bookinfo");
    const b = await renderScenario("sticky-sessions", { hashBy: "cookie", name: "user", ttl: "0s" });
    expect(changes(a, b)).toEqual({
      created: ["Deployment/bookinfo/curl", "Service/bookinfo/curl", "ServiceAccount/bookinfo/curl"],
      deleted: [],
      updated: ["DestinationRule/bookinfo/reviews"],
    });
  });
});
