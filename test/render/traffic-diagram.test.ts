// A scenario's traffic as a Mermaid flowchart: the path a request takes through the app's call
// graph (catalog/apps), from the ingress gateway or the scenario's in-mesh client, with the
// scenario's rules on its edges; the shipped docs/scenarios.md as npm run diagrams writes it, and
// the README's links. The expectations are read from the catalog's data, not written out again.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { apps, selectApps } from "../../catalog/apps";
import type { AppSpec } from "../../catalog/apps/app-spec";
import { ofKind, type HTTPRoute, type IstioResource } from "../../catalog/istio-resources";
import { resolveScenario } from "../../catalog/scenarios";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { gatewayApiRefusal } from "../../catalog/scenarios/gateway-api";
import { ambientPairs, ambientRun, modeRefusal } from "../../catalog/scenarios/modes";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { diagramsFile, runDiagrams, scenarioDiagrams } from "../../tools/diagrams";
import { sceneOfScenario, trafficDiagram, trafficOf, type Traffic, type TrafficEdge } from "../../tools/lib/traffic-diagram";

const traffic = (name: ScenarioName, options?: unknown): Traffic => trafficOf(sceneOfScenario(options === undefined ? exampleScenario(name) : resolveScenario(name, options)));
const edge = ({ to, label, mirror, idle }: TrafficEdge) => ({ to, label, mirror, idle });
/** The edges from one node to the workloads of one Service. */
const edgesBetween = (t: Traffic, from: string, service: string) => t.edges.filter((e) => e.from === from && e.to.replace(/^service:/, "").split("/")[0] === service).map(edge);

/** The workload ids (`<app>/<version>`) whose catalog data says they call `service`. */
const callersOf = (service: string, appList: readonly AppSpec[] = Object.values(apps)) =>
  appList.flatMap((a) => a.versions.filter((v) => v.calls?.includes(service)).map((v) => `${a.app}/${v.version}`));
const virtualService = (resources: readonly IstioResource[], name: string) => ofKind(resources, "VirtualService").find((vs) => vs.name === name)!.spec;
/** A header match as the edges write it: `end-user = jason`. */
const headerMatch = (rule: HTTPRoute) => Object.entries(rule.match![0].headers!).map(([name, m]) => `${name} = ${m.exact}`);

describe("the app's call graph (catalog/apps)", () => {
  it("names only apps of the catalog, and every app that is not a client says whom it calls, if only no one", () => {
    const names = Object.keys(apps);
    for (const app of Object.values(apps) as AppSpec[]) {
      for (const v of app.versions) {
        if (app.client) expect(v.calls, `${v.deployment} is a client: the probes say whom it calls`).toBeUndefined();
        else expect(v.calls, `${v.deployment}`).toBeDefined();
        for (const callee of v.calls ?? []) expect(names, `${v.deployment} calls ${callee}`).toContain(callee);
      }
    }
    expect(Object.values(apps).filter((a: AppSpec) => a.client).map((a) => a.app)).toEqual(["curl", "fortio"]);
  });
});

describe("the path of a scenario's requests", () => {
  it("bookinfo: the gateway to productpage, productpage to details and to any reviews (no rule), the reviews versions that call ratings to it", () => {
    const spec = exampleScenario("bookinfo");
    const t = traffic("bookinfo");
    const gatewayRule = virtualService(spec.resources, "bookinfo").http![0];
    expect(t.edges.filter((e) => e.from.startsWith("gateway:")).map((e) => [e.from, e.to])).toEqual([["gateway:bookinfo-gateway", `${gatewayRule.route[0].destination.host}/v1`]]);
    const [caller] = callersOf("reviews");
    expect(t.edges.filter((e) => e.from === caller).map((e) => e.to)).toEqual(["details/v1", "service:reviews"]);
    expect(t.services).toEqual([{ id: "service:reviews", text: ["reviews"], members: ["reviews/v1", "reviews/v2", "reviews/v3"] }]);
    expect(t.edges.filter((e) => e.to === "ratings/v1").map((e) => e.from)).toEqual(callersOf("ratings"));
    // Nothing routes reviews: each version takes requests, none is grey.
    expect(t.nodes.filter((n) => n.idle)).toEqual([]);
  });

  it("route-jason-v2: productpage to reviews v2 only for end-user jason, else v1; v3 takes nothing, nor do its calls to ratings", () => {
    const spec = exampleScenario("route-jason-v2");
    const [jasonRule, rest] = virtualService(spec.resources, "reviews").http!;
    const t = traffic("route-jason-v2");
    const [caller] = callersOf("reviews");
    expect(edgesBetween(t, caller, "reviews")).toEqual([
      { to: `reviews/${jasonRule.route[0].destination.subset}`, label: headerMatch(jasonRule), mirror: false, idle: false },
      { to: `reviews/${rest.route[0].destination.subset}`, label: ["otherwise"], mirror: false, idle: false },
    ]);
    expect(t.nodes.filter((n) => n.idle).map((n) => n.id)).toEqual(["reviews/v3"]);
    expect(t.edges.filter((e) => e.idle).map((e) => [e.from, e.to])).toEqual([["reviews/v3", "ratings/v1"]]);
    // productpage's own VirtualService applies to callers in the mesh, which the gateway is not.
    expect(edgesBetween(t, "clients:productpage", "productpage")).toEqual([{ to: "productpage/v1", label: [], mirror: false, idle: false }]);
  });

  it("fault-delay: the delay on the calls to ratings for jason, from each reviews version that calls ratings (v3 grey)", () => {
    const spec = exampleScenario("fault-delay");
    const [jasonRule, rest] = virtualService(spec.resources, "ratings").http!;
    const { fixedDelay, percentage } = jasonRule.fault!.delay!;
    const t = traffic("fault-delay");
    const callers = callersOf("ratings");
    expect(callers).toEqual(["reviews/v2", "reviews/v3"]);
    for (const caller of callers) {
      const idle = caller !== `reviews/${virtualService(spec.resources, "reviews").http![0].route[0].destination.subset}`;
      expect(edgesBetween(t, caller, "ratings")).toEqual([
        { to: `ratings/${jasonRule.route[0].destination.subset}`, label: [...headerMatch(jasonRule), `delay ${fixedDelay} for ${percentage.value}%`], mirror: false, idle },
        { to: `ratings/${rest.route[0].destination.subset}`, label: ["otherwise"], mirror: false, idle },
      ]);
    }
    // reviews v1, where everyone but jason goes, calls no ratings.
    expect(t.edges.filter((e) => e.from === "reviews/v1")).toEqual([]);
  });

  it("faults for everyone, timeouts and retries: on the edge of the call they apply to", () => {
    const abort = exampleScenario("fault-abort-percent");
    const { httpStatus, percentage } = virtualService(abort.resources, "ratings").http![0].fault!.abort!;
    expect(edgesBetween(traffic("fault-abort-percent"), "reviews/v2", "ratings")[0].label).toEqual([`abort ${httpStatus} for ${percentage.value}%`]);
    const timeout = virtualService(exampleScenario("request-timeout").resources, "reviews").http![0];
    expect(edgesBetween(traffic("request-timeout"), callersOf("reviews")[0], "reviews")).toEqual([{ to: `reviews/${timeout.route[0].destination.subset}`, label: [`timeout ${timeout.timeout}`], mirror: false, idle: false }]);
    const retries = exampleScenario("retries");
    const { attempts, perTryTimeout, retryOn } = virtualService(retries.resources, "httpbin").http![0].retries!;
    const from = `client:${(retries.probes[0] as { from: string }).from}`;
    expect(edgesBetween(traffic("retries"), from, "httpbin")).toEqual([{ to: "httpbin/v1", label: [`retries ${attempts} x ${perTryTimeout} on ${retryOn}`], mirror: false, idle: false }]);
  });

  it("shifting and canary: each subset with its weight, from productpage", () => {
    const [caller] = callersOf("reviews");
    const weights = (name: ScenarioName, options?: unknown) =>
      edgesBetween(traffic(name, options), caller, "reviews").map((e) => [e.to, e.label]);
    const route = virtualService(exampleScenario("shift-80-20").resources, "reviews").http![0].route;
    expect(weights("shift-80-20")).toEqual(route.map((d) => [`reviews/${d.destination.subset}`, [`${d.weight}%`]]));
    expect(weights("canary", { weights: { v1: 90, v3: 10 } })).toEqual([
      ["reviews/v1", ["90%"]],
      ["reviews/v3", ["10%"]],
    ]);
  });

  it("mirroring: the probe's client to httpbin v1, and a dotted copy of each request to v2", () => {
    const spec = exampleScenario("mirroring");
    const rule = virtualService(spec.resources, "httpbin").http![0];
    const client = `client:${(spec.probes[0] as { from: string }).from}`;
    expect(edgesBetween(traffic("mirroring"), client, "httpbin")).toEqual([
      { to: `httpbin/${rule.route[0].destination.subset}`, label: [], mirror: false, idle: false },
      { to: `httpbin/${rule.mirror!.subset}`, label: [`mirror ${rule.mirrorPercentage!.value}%`], mirror: true, idle: false },
    ]);
    expect(trafficDiagram(sceneOfScenario(spec))).toBe(
      [
        "flowchart LR",
        '  cl_curl(["curl<br/>client in the mesh"])',
        '  subgraph svc_httpbin ["httpbin"]',
        "    direction LR",
        '    wl_httpbin_v1["httpbin v1"]',
        '    wl_httpbin_v2["httpbin v2"]',
        "  end",
        "  cl_curl --> wl_httpbin_v1",
        '  cl_curl -.->|"mirror 100%"| wl_httpbin_v2',
      ].join("\n"),
    );
  });

  it("in-mesh clients: TCP through the gateway's port, TLS to the gateway by its host, connections to a Service's ports and a pod's", () => {
    const tcp = exampleScenario("tcp-shift-80-20");
    const t = traffic("tcp-shift-80-20");
    const probe = tcp.probes[0] as { from: string; port: number };
    const gateway = ofKind(tcp.resources, "Gateway")[0];
    expect(t.edges.filter((e) => e.from === `client:${probe.from}`).map(edge)).toEqual([{ to: `gateway:${gateway.name}`, label: [`TCP port ${probe.port}`], mirror: false, idle: false }]);
    const route = virtualService(tcp.resources, "tcp-echo").tcp![0].route;
    expect(t.edges.filter((e) => e.from === `gateway:${gateway.name}`).map((e) => [e.to, e.label])).toEqual(route.map((d) => [`tcp-echo/${d.destination.subset}`, [`tcp port ${probe.port}`, `${d.weight}%`]]));
    expect(traffic("ingress-passthrough").edges.map((e) => [e.from, e.to, e.label])).toEqual([
      ["client:curl", "gateway:mygateway", ["HTTPS nginx.example.com"]],
      ["gateway:mygateway", "my-nginx", ["tls sni nginx.example.com"]],
    ]);
    expect(traffic("authz-tcp").edges.map((e) => [e.to, e.label])).toEqual([
      ["tcp-echo/v1", ["TCP port 9000"]],
      ["tcp-echo/v1", ["TCP port 9001"]],
      ["tcp-echo/v1", ["TCP port 9002", "to the pod's address"]],
    ]);
  });

  it("egress: the client to the site, through the egress gateway where the rule for the mesh sends it; REGISTRY_ONLY drops a host it does not know", () => {
    expect(traffic("egress-gateway").edges.map(({ from, to, label }) => ({ from, to, label }))).toEqual([
      { from: "client:curl", to: "gateway:istio-egressgateway", label: ["port 80"] },
      { from: "gateway:istio-egressgateway", to: "host:edition.cnn.com", label: ["port 80"] },
    ]);
    const entry = traffic("egress-service-entry");
    expect(entry.edges.map((e) => [e.to, e.label])).toEqual([
      ["host:httpbin.org", []],
      ["host:www.google.com", ["REGISTRY_ONLY: blocked"]],
    ]);
    expect(entry.nodes.find((n) => n.id === "note:namespace")?.text).toEqual(["every workload of the namespace", "Sidecar default: outbound REGISTRY_ONLY"]);
    expect(traffic("egress-tls-origination").nodes.find((n) => n.id === "host:edition.cnn.com")?.text).toContain("subset tls-origination: port 443: tls SIMPLE");
  });

  it("policies on the boxes they select: traffic policies, authorization, JWTs, rate limits, mTLS", () => {
    const node = (name: ScenarioName, id: string) => {
      const t = traffic(name);
      return (t.services.find((s) => s.id === id) ?? t.nodes.find((n) => n.id === id))?.text;
    };
    expect(node("circuit-breaking", "httpbin/v1")).toEqual(["httpbin v1", "max 1 connections", "max 1 pending", "eject after 1 x 5xx"]);
    expect(node("sticky-sessions", "service:reviews")).toEqual(["reviews", "hash by header end-user"]);
    expect(node("locality-failover", "service:helloworld")).toEqual(["helloworld", "ROUND_ROBIN", "failover region1 -> region2", "eject after 1 x 5xx"]);
    expect(node("locality-weighted", "service:helloworld")).toContain("from region1/zone1/*: region1/zone1/* 70%, region1/zone2/* 20%, region3/zone4/* 10%");
    expect(node("locality-weighted", "client:curl")).toContain("istio-locality=region1.zone1");
    expect(node("mtls-strict", "note:namespace")).toEqual(["every workload of the namespace", "PeerAuthentication default: mTLS STRICT"]);
    expect(node("mtls-strict", "service:reviews")).toEqual(["reviews", "tls ISTIO_MUTUAL"]);
    expect(traffic("mtls-strict").edges.find((e) => e.from === "client:outside-mesh")).toMatchObject({ to: "productpage/v1", label: ["plain text, port 9080", "refused"] });
    expect(node("authz-http", "details/v1")).toEqual(["details v1", "AuthorizationPolicy details-viewer: ALLOW GET from bookinfo-productpage"]);
    expect(node("authz-http", "note:namespace")).toEqual(["every workload of the namespace", "AuthorizationPolicy allow-nothing: ALLOW nothing"]);
    expect(node("jwt-routing", "gateway:httpbin-gateway")).toContain("RequestAuthentication ingress-jwt: JWTs of testing@secure.istio.io");
    expect(node("rate-limit-local", "productpage/v1")?.[1]).toMatch(/^EnvoyFilter filter-local-ratelimit-svc: local_ratelimit \(SIDECAR_INBOUND\): \d+ requests per \d+s$/);
  });

  it("custom: the gateway to the seed's exposed services by path and weight; routes for the mesh from the callers the catalog does not name", () => {
    const t = traffic("custom");
    expect(t.edges.filter((e) => e.from === "gateway:custom-gateway").map((e) => [e.to, e.label])).toEqual([
      ["back/v1", ["uri prefix /api", "90%"]],
      ["back/v2", ["uri prefix /api", "10%"]],
      ["front/v1", ["uri prefix /"]],
    ]);
    expect(edgesBetween(t, "clients:back", "back").map((e) => [e.to, e.label])).toEqual([
      ["back/v1", ["90%"]],
      ["back/v2", ["10%"]],
    ]);
    expect(t.nodes.filter((n) => n.idle).map((n) => n.id)).toEqual(["back/v3", "mongodb/v1"]);
  });

  it("the Gateway API form: from each route's parent Gateway, or for its parent Service's callers, to its backends' versions", () => {
    const form = (name: ScenarioName) => resolveScenario(name, { api: "gateway-api" });
    const t = (name: ScenarioName) => trafficOf(sceneOfScenario(form(name)));
    const [caller] = callersOf("reviews");
    expect(edgesBetween(t("shift-90-10"), caller, "reviews").map((e) => [e.to, e.label])).toEqual([
      ["reviews/v1", ["90%"]],
      ["reviews/v2", ["10%"]],
    ]);
    expect(edgesBetween(t("route-jason-v2"), caller, "reviews").map((e) => [e.to, e.label])).toEqual([
      ["reviews/v2", ["end-user = jason"]],
      ["reviews/v1", ["otherwise"]],
    ]);
    expect(edgesBetween(t("request-timeout"), caller, "reviews").map((e) => [e.to, e.label])).toEqual([["reviews/v2", ["timeout 500ms"]]]);
    expect(edgesBetween(t("mirroring"), "client:curl", "httpbin").map((e) => [e.to, e.label, e.mirror])).toEqual([
      ["httpbin/v1", [], false],
      ["httpbin/v2", ["mirror 100%"], true],
    ]);
    expect(t("ingress-httpbin").nodes.find((n) => n.id === "gateway:httpbin-gateway")?.text).toEqual(["ingress gateway", "Gateway httpbin-gateway (Gateway API)", "HTTP 80: httpbin.example.com"]);
    expect(t("tcp-shift-80-20").edges.filter((e) => e.from.startsWith("gateway:")).map((e) => e.label)).toEqual([
      ["tcp", "80%"],
      ["tcp", "20%"],
    ]);
    // The fault stays Istio's (no HTTPRoute field for it), on the same call.
    expect(edgesBetween(t("fault-delay"), "reviews/v2", "ratings")[0].label).toEqual(["end-user = jason", "delay 7s for 100%"]);
  });

  it("every scenario's diagram: each edge from a source or a workload to a node or a Service's box, every node's app deployed, every client a probe's", () => {
    for (const name of scenarioNames) {
      const spec = exampleScenario(name);
      const t = trafficOf(sceneOfScenario(spec));
      const ids = new Set([...t.nodes.map((n) => n.id), ...t.services.map((s) => s.id)]);
      for (const e of t.edges) {
        expect(ids, `${name}: ${e.from} -> ${e.to}`).toContain(e.from);
        expect(ids, `${name}: ${e.from} -> ${e.to}`).toContain(e.to);
      }
      const deployed = [...selectApps(spec.workloads), ...(spec.apps ?? [])].map((a) => a.app);
      for (const n of t.nodes.filter((x) => x.kind === "workload")) expect(deployed, `${name}: ${n.id}`).toContain(n.id.split("/")[0]);
      const from = new Set(spec.probes.flatMap((p) => ("from" in p ? [`client:${p.from}`] : p.kind === "mtls" ? ["client:outside-mesh"] : [])));
      expect(new Set(t.nodes.filter((n) => n.id.startsWith("client:")).map((n) => n.id)), name).toEqual(from);
      // Someone sends every request of the diagram: a gateway or a client starts each path.
      expect(t.nodes.some((n) => n.kind === "client" || n.kind === "gateway"), name).toBe(true);
    }
  });
});

describe("docs/scenarios.md", () => {
  it("is what npm run diagrams writes from the catalog (run it after changing a scenario)", () => {
    expect(fs.readFileSync(diagramsFile, "utf8")).toBe(scenarioDiagrams());
  });

  it("is written by npm run diagrams, which writes nothing for --help or a usage error", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-diagrams-")), "scenarios.md");
    const io = () => {
      const out = { stdout: "", stderr: "" };
      return { out, io: { out: (t: string) => void (out.stdout += t), err: (t: string) => void (out.stderr += t) } };
    };
    const help = io();
    expect(runDiagrams(["--help"], help.io, file)).toBe(0);
    expect(help.out.stdout).toMatch(/^usage: npm run diagrams\b/);
    const wrong = io();
    expect(runDiagrams(["docs/other.md"], wrong.io, file)).toBe(2);
    expect(runDiagrams(["--chek"], wrong.io, file)).toBe(2);
    expect(wrong.out.stderr).toContain("usage: npm run diagrams");
    expect(fs.existsSync(file)).toBe(false);
    expect(runDiagrams([], io().io, file)).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(scenarioDiagrams());
  });

  it("its forms table says, per data plane and form, what the config check decides", () => {
    const table = scenarioDiagrams().split("## The forms")[1].split("\n## ")[0];
    const rows = new Map([...table.matchAll(/^\| ([a-z0-9-]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => [m[1], m.slice(2, 6).map((c) => c.trim())]));
    rows.delete("scenario");
    rows.delete("---");
    expect([...rows.keys()]).toEqual([...scenarioNames]);
    const lab = ambientPairs("lab");
    for (const name of scenarioNames) {
      // components/config/parse.ts refuses scenarioOptions.api: gateway-api with gatewayApiRefusal.
      const gatewayApi = gatewayApiRefusal(name) === undefined;
      const ambient = (api: "istio" | "gateway-api") => {
        if (modeRefusal("ambient", name, api) !== undefined) return "no";
        const notes = [ambientRun(name, api)?.waypoint ? "waypoint" : undefined, lab.some((p) => p.scenario === name && p.form === api) ? undefined : "platform stack only"].filter(Boolean);
        return notes.length > 0 ? `yes (${notes.join(", ")})` : "yes";
      };
      expect(rows.get(name), name).toEqual([modeRefusal("sidecar", name) === undefined ? "yes" : "no", gatewayApi ? "yes" : "no", ambient("istio"), ambient("gateway-api")]);
    }
    // Both kinds of ambient cell occur, so the comparison above cannot pass on a column of one value.
    expect([...rows.values()].map((r) => r[2])).toContain("no");
    expect([...rows.values()].map((r) => r[3])).toContain("yes (waypoint)");
  });

  it("is linked from the README's scenario table, once for every scenario", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\(docs\/scenarios\.md#([a-z0-9-]+)\)/g)].map((m) => m[1]);
    expect([...linked].sort()).toEqual([...scenarioNames].sort());
    const headings = [...scenarioDiagrams().matchAll(/^## ([a-z0-9-]+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...scenarioNames]);
  });
});
