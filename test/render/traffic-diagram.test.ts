// A scenario's traffic as a Mermaid flowchart: the edges, weights, faults and mirrors of known
// scenarios, the shipped docs/scenarios.md as npm run diagrams writes it, and the README's links.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { diagramsFile, scenarioDiagrams } from "../../tools/diagrams";
import { trafficDiagram, trafficOf } from "../../tools/lib/traffic-diagram";

const traffic = (name: ScenarioName, options?: unknown) => trafficOf(resolveScenario(name, options).resources);
const edgesTo = (name: ScenarioName, service: string, options?: unknown) =>
  traffic(name, options).edges.filter((e) => e.to.split("/")[0] === service).map(({ to, label, mirror }) => ({ to, label, mirror }));

describe("the traffic of a scenario", () => {
  it("mirroring: every request to httpbin v1, a dotted copy of each to v2", () => {
    expect(traffic("mirroring").edges).toEqual([
      { from: "service:httpbin", to: "httpbin/v1", label: [], mirror: false },
      { from: "service:httpbin", to: "httpbin/v2", label: ["mirror 100%"], mirror: true },
    ]);
    expect(trafficDiagram(resolveScenario("mirroring", undefined).resources)).toBe(
      [
        "flowchart LR",
        '  service_httpbin(["clients of httpbin"])',
        '  httpbin_v1["httpbin v1"]',
        '  httpbin_v2["httpbin v2"]',
        "  service_httpbin --> httpbin_v1",
        '  service_httpbin -.->|"mirror 100%"| httpbin_v2',
      ].join("\n"),
    );
  });

  it("shifting and canary: each subset with its weight", () => {
    expect(edgesTo("shift-80-20", "reviews")).toEqual([
      { to: "reviews/v1", label: ["80%"], mirror: false },
      { to: "reviews/v2", label: ["20%"], mirror: false },
    ]);
    expect(edgesTo("canary", "reviews", { weights: { v1: 90, v3: 10 } }).map((e) => [e.to, e.label])).toEqual([
      ["reviews/v1", ["90%"]],
      ["reviews/v3", ["10%"]],
    ]);
  });

  it("faults and resilience: the match, the fault, the timeout and the retries on their route", () => {
    expect(edgesTo("fault-delay", "ratings")).toEqual([
      { to: "ratings/v1", label: ["end-user = jason", "delay 7s for 100%"], mirror: false },
      { to: "ratings/v1", label: [], mirror: false },
    ]);
    expect(edgesTo("fault-abort", "ratings")[0].label).toEqual(["end-user = jason", "abort 500 for 100%"]);
    expect(edgesTo("request-timeout", "reviews")[0].label).toEqual(["timeout 0.5s"]);
    expect(edgesTo("retries", "httpbin")[0].label).toEqual(["retries 3 x 2s on 5xx"]);
  });

  it("gateways, and the policies of Services nothing routes: circuit breaking, hashing, mTLS", () => {
    expect(traffic("ingress-httpbin").edges).toEqual([{ from: "gateway:httpbin-gateway", to: "httpbin", label: ["uri prefix /status or uri prefix /delay"], mirror: false }]);
    expect(traffic("circuit-breaking").nodes.find((n) => n.id === "httpbin")?.text).toEqual(["httpbin", "max 1 connections", "max 1 pending", "eject after 1 x 5xx"]);
    expect(traffic("sticky-sessions").nodes.find((n) => n.id === "reviews")?.text).toEqual(["reviews", "hash by header end-user"]);
    expect(traffic("mtls-strict").nodes.map((n) => n.text.join(" "))).toEqual(expect.arrayContaining(["reviews tls ISTIO_MUTUAL", "PeerAuthentication default mTLS STRICT"]));
  });

  it("locality: the failover and the distribution on the Service's node", () => {
    expect(traffic("locality-failover").nodes.find((n) => n.id === "helloworld")?.text).toEqual(["helloworld", "ROUND_ROBIN", "failover region1 -> region2", "eject after 1 x 5xx"]);
    expect(traffic("locality-weighted").nodes.find((n) => n.id === "helloworld")?.text).toContain("from region1/zone1/*: region1/zone1/* 70%, region1/zone2/* 20%, region3/zone4/* 10%");
  });

  it("the Gateway API form: from each route's parent Gateway or Service to its backends, weights, matches, timeouts and mirrors", () => {
    const form = (name: ScenarioName) => resolveScenario(name, { api: "gateway-api" }).gatewayApi!.resources;
    const to = (name: ScenarioName, service: string) => trafficOf([], form(name)).edges.filter((e) => e.from === `service:${service}`).map(({ to: t, label, mirror }) => ({ to: t, label, mirror }));
    expect(to("shift-90-10", "reviews")).toEqual([
      { to: "reviews-v1", label: ["90%"], mirror: false },
      { to: "reviews-v2", label: ["10%"], mirror: false },
    ]);
    expect(to("request-timeout", "reviews")).toEqual([{ to: "reviews-v2", label: ["timeout 500ms"], mirror: false }]);
    expect(to("mirroring", "httpbin")).toEqual([
      { to: "httpbin-v1", label: [], mirror: false },
      { to: "httpbin-v2", label: ["mirror 100%"], mirror: true },
    ]);
    const ingress = trafficOf([], form("ingress-httpbin"));
    expect(ingress.nodes.find((n) => n.id === "gateway:httpbin-gateway")?.text).toEqual(["Gateway httpbin-gateway", "hosts httpbin.example.com"]);
    expect(trafficOf([], form("tcp-shift-80-20")).edges.map((e) => e.label)).toEqual([["tcp", "80%"], ["tcp", "20%"]]);
  });

  it("egress: each rule from the gateways its matches name, the sidecars (mesh) to the egress gateway, the gateway to the site", () => {
    expect(traffic("egress-gateway").edges).toEqual([
      { from: "service:edition.cnn.com", to: "istio-egressgateway/cnn", label: ["port 80"], mirror: false },
      { from: "gateway:istio-egressgateway", to: "edition.cnn.com", label: ["port 80"], mirror: false },
    ]);
  });
});

describe("docs/scenarios.md", () => {
  it("is what npm run diagrams writes from the catalog (run it after changing a scenario)", () => {
    expect(fs.readFileSync(diagramsFile, "utf8")).toBe(scenarioDiagrams());
  });

  it("is linked from the README's scenario table, once for every scenario", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\(docs\/scenarios\.md#([a-z0-9-]+)\)/g)].map((m) => m[1]);
    expect([...linked].sort()).toEqual([...scenarioNames].sort());
    const headings = [...scenarioDiagrams().matchAll(/^## ([a-z0-9-]+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...scenarioNames]);
  });
});
