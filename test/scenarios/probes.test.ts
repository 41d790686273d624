// The behaviour each scenario promises a probe agrees with the resources that cause it, and names
// only workloads the scenario deploys.
import { describe, expect, it } from "vitest";
import { ofKind } from "../../catalog/istio-resources";
import type { Probe } from "../../catalog/scenarios/probes";
import { selectApps } from "../../catalog/apps";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { answersNeeded } from "../../catalog/scenarios/statistics";

const withOptions: Partial<Record<ScenarioName, unknown>> = { canary: { weights: { v1: 75, v2: 25 } } };
const resolve = (name: ScenarioName, options = withOptions[name]) => (name === "custom" && options === undefined ? exampleScenario(name) : resolveScenario(name, options));
const probesOf = <K extends Probe["kind"]>(name: ScenarioName, kind: K, options?: unknown) =>
  resolve(name, options).probes.filter((p): p is Extract<Probe, { kind: K }> => p.kind === kind);

/** reviews weights per subset as the scenario's VirtualService routes its default (last) rule. */
function reviewsShares(name: ScenarioName, options?: unknown): Record<string, number> {
  const vs = ofKind(resolve(name, options).resources, "VirtualService").find((v) => v.name === "reviews")!;
  const route = vs.spec.http!.at(-1)!.route;
  return Object.fromEntries(route.map((r) => [r.destination.subset!, r.weight ?? 100]));
}

describe("probes", () => {
  it.each(scenarioNames)("%s promises something observable, from workloads it deploys", (name) => {
    const spec = resolve(name);
    expect(spec.probes.length).toBeGreaterThan(0);
    expect(spec.description.length).toBeGreaterThan(10);
    const deployments = new Set([...selectApps(spec.workloads), ...(spec.apps ?? [])].flatMap((a) => a.versions.map((v) => v.deployment)));
    for (const probe of spec.probes) {
      const named = [
        ...("from" in probe ? [probe.from] : []),
        ...(probe.kind === "retried" ? [probe.loggedBy] : []),
        ...(probe.kind === "mirrored" ? [probe.answeredBy, ...probe.alsoLoggedBy] : []),
        ...(probe.kind === "connect" && "pod" in probe.to ? [probe.to.pod] : []),
      ];
      for (const deployment of named) expect(deployments, `${name}: ${probe.kind} names ${deployment}`).toContain(deployment);
      if (probe.kind === "productpage") expect(deployments).toContain("productpage-v1");
    }
  });

  it.each<[ScenarioName, unknown]>([
    ["shift-50-v3", undefined],
    ["shift-v3", undefined],
    ["shift-90-10", undefined],
    ["shift-80-20", undefined],
    ["shift-v2-v3", undefined],
    ["canary", { weights: { v1: 75, v2: 25 } }],
    ["canary", { weights: { v2: 100 } }],
  ])("%s %j expects the reviews versions in the proportions it routes, over as many requests as the rates need", (name, options) => {
    const [probe] = probesOf(name, "productpage", options);
    expect(probe.reviews).toEqual(reviewsShares(name, options));
    expect(probe.requests).toBe(answersNeeded(probe.reviews!, probe.previous));
    expect(probe.requests).toBeGreaterThan(0);
  });

  it("takes each share probe's count from the rates: 90/10 80 pages, shift-v3 (after 50/50) 10, TCP 80/20 40, locality 70/20/10 90", () => {
    expect(probesOf("shift-90-10", "productpage")[0]).toMatchObject({ requests: 80, previous: { v1: 100 } });
    expect(probesOf("shift-v3", "productpage")[0]).toMatchObject({ requests: 10, previous: { v1: 50, v3: 50 } });
    expect(probesOf("tcp-shift-80-20", "tcp")[0]).toMatchObject({ connections: 40 });
    expect(probesOf("tcp-shift-v2", "tcp")[0]).toMatchObject({ connections: 10, previous: { v1: 80, v2: 20 } });
    expect(probesOf("locality-weighted", "shares")[0].requests).toBe(90);
  });

  it("route-jason-v2 and the faults expect v2 for jason only where reviews routes him there", () => {
    expect(probesOf("route-jason-v2", "productpage").map((p) => [p.user, p.reviews])).toEqual([
      [undefined, { v1: 100 }],
      ["jason", { v2: 100 }],
    ]);
    expect(probesOf("fault-delay", "productpage").find((p) => p.user === "jason")).toMatchObject({
      latencySeconds: { min: 5, max: 8 },
      contains: ["Sorry, product reviews are currently unavailable for this book."],
    });
    expect(probesOf("fault-abort", "productpage").find((p) => p.user === "jason")!.contains).toEqual(["Ratings service is currently unavailable"]);
  });

  it("retries expects 1 + attempts requests in httpbin's log for one 503 call", () => {
    const vs = ofKind(resolve("retries").resources, "VirtualService")[0];
    const [failing, passing] = probesOf("retries", "retried");
    expect(failing).toEqual({ kind: "retried", from: "curl", url: "http://httpbin:8000/status/503", status: 503, loggedBy: "httpbin", requestsLogged: 1 + vs.spec.http![0].retries!.attempts });
    expect(failing.requestsLogged).toBe(4);
    expect(passing.requestsLogged).toBe(1);
  });

  it("mirroring expects v1 to answer and v2 to see the copy", () => {
    expect(probesOf("mirroring", "mirrored")).toEqual([
      { kind: "mirrored", from: "curl", url: "http://httpbin:8000/headers", answeredBy: "httpbin-v1", alsoLoggedBy: ["httpbin-v2"] },
    ]);
  });

  it("circuit-breaking expects clean answers at one connection and overflow 503s at three", () => {
    expect(probesOf("circuit-breaking", "load").map((p) => [p.from, p.connections, p.requests, p.statusShares])).toEqual([
      ["fortio-deploy", 1, 20, { 200: { min: 100 } }],
      ["fortio-deploy", 3, 30, { 503: { min: 10 } }],
    ]);
  });

  it.each([
    [{ hashBy: "header", name: "end-user" }, { header: "end-user" }],
    [{ hashBy: "cookie", name: "user", ttl: "0s" }, { cookie: "user" }],
    [{ hashBy: "sourceIp" }, { sourceIp: true }],
    [{ hashBy: "query", name: "u" }, { query: "u" }],
  ])("sticky-sessions %j sends the key it hashes on", (options, key) => {
    expect(probesOf("sticky-sessions", "sticky", options)).toEqual([
      { kind: "sticky", from: "curl", url: "http://reviews:9080/reviews/0", key, requestsPerKey: 10, keys: 5 },
    ]);
  });

  it("mtls-strict expects plaintext from outside the mesh to be refused", () => {
    expect(probesOf("mtls-strict", "mtls")).toEqual([{ kind: "mtls", service: "productpage", port: 9080, path: "/productpage", outsideMesh: "refused" }]);
  });

  it("ingress-httpbin expects only the exposed paths on its host", () => {
    const gatewayHosts = ofKind(resolve("ingress-httpbin").resources, "Gateway")[0].spec.servers[0].hosts;
    expect(probesOf("ingress-httpbin", "ingress").map((p) => `${p.host}${p.path} ${p.status}`)).toEqual([
      `${gatewayHosts[0]}/status/200 200`,
      `${gatewayHosts[0]}/delay/1 200`,
      `${gatewayHosts[0]}/headers 404`,
      "other.example.com/status/200 404",
    ]);
  });
});
