// Probing through the gateway, end to end against a local stand-in for Bookinfo and httpbin.
import { afterEach, describe, expect, it } from "vitest";
import type { ProductPageProbe } from "../../catalog/scenarios/probes";
import { resolveScenario } from "../../catalog/scenarios";
import { Deadline } from "../../tools/verify/deadline";
import type { ProbeContext } from "../../tools/verify/probes/context";
import { exitCode, preflight, runProbes, UnreachableError } from "../../tools/verify/run";
import type { ProbeResult } from "../../tools/verify/types";
import { testContext } from "./context";
import { deadPort, startStub, type Stub, type StubBehaviour } from "./stub";

let stub: Stub | undefined;
let ctx: ProbeContext | undefined;
afterEach(async () => {
  ctx?.http.close();
  await stub?.close();
  stub = undefined;
  ctx = undefined;
});

async function against(behaviour: StubBehaviour, overrides: Partial<ProbeContext> = {}) {
  stub = await startStub(behaviour);
  ctx = testContext({ gatewayUrl: `${stub.url}/`, ...overrides });
  return ctx;
}

const check = (results: ProbeResult[], probe: number, name: string) => {
  const found = results[probe].checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(results[probe])}`);
  return found;
};

/** Bookinfo as route-jason-v2 makes it behave: jason sees v2, everyone else v1. */
const jasonV2: StubBehaviour = { reviews: (_n, user) => (user === "jason" ? "v2" : "v1") };

describe("productpage probes through the gateway", () => {
  it("route-jason-v2 passes when jason, signed in by cookie, sees black stars and others none", async () => {
    const c = await against(jasonV2);
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(results.map((r) => r.probe)).toEqual(["productpage x20, anonymous", "productpage x20 as jason"]);
    expect(results.flatMap((r) => r.checks).filter((x) => !x.pass)).toEqual([]);
    expect(check(results, 1, "reviews versions").observed).toBe("v2 100 % of 20");
    expect(check(results, 1, "signed in as jason").pass).toBe(true);
    expect(exitCode(results)).toBe(0);
    expect(Object.fromEntries(stub!.loads)).toEqual({ "": 20, jason: 20 });
  });

  it("fails when jason's pages do not reach v2 (the end-user route is missing)", async () => {
    const c = await against({ reviews: () => "v1" });
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(check(results, 0, "reviews versions").pass).toBe(true);
    expect(check(results, 1, "reviews versions")).toMatchObject({ pass: false, observed: "v1 100 %, v2 0 % of 20" });
    expect(exitCode(results)).toBe(1);
  });

  it("judges each probe once: a switch istiod has not pushed yet fails, with no second chance", async () => {
    // jason's first pages reach v1 (the old route), later ones v2: the run that saw v1 is the verdict.
    const c = await against({ reviews: (n, user) => (user === "jason" && n >= 5 ? "v2" : "v1") });
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(exitCode(results)).toBe(1);
    expect(stub!.loads.get("jason")).toBe(20);
  });

  it("fails when the sign-in gives no session", async () => {
    const c = await against({ ...jasonV2, login: false });
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(results[1].checks).toEqual([expect.objectContaining({ name: "signed in as jason", pass: false, observed: "POST /login answered 302 without a cookie" })]);
    expect(stub!.loads.get("jason")).toBeUndefined();
  });

  it("shift-50-v3 passes an even split and fails a 70/30 one (at --requests 100), and every page on v1 at its own count", async () => {
    const even = await against({ reviews: (n) => (n % 2 ? "v3" : "v1") });
    const probes = resolveScenario("shift-50-v3", undefined).probes;
    expect(exitCode(await runProbes(even, probes))).toBe(0);
    even.http.close();
    await stub!.close();
    const skewed = await against({ reviews: (n) => (n % 10 < 7 ? "v1" : "v3") }, { requests: 100 });
    const results = await runProbes(skewed, probes);
    expect(check(results, 0, "reviews versions")).toMatchObject({ pass: false, observed: "v1 70 %, v3 30 % of 100" });
    skewed.http.close();
    await stub!.close();
    // The previous step (all v1) at the scenario's own 20 pages.
    const unshifted = await against({ reviews: () => "v1" });
    const before = check(await runProbes(unshifted, probes), 0, "reviews versions");
    expect(before).toMatchObject({ pass: false, observed: "v1 100 %, v3 0 % of 20" });
    expect(before.failsOn).toContain("no v3");
  });

  it("--requests overrides the count, and the default split reads every version", async () => {
    const c = await against({ reviews: (n) => (["v1", "v2", "v3"] as const)[n % 3] }, { requests: 30 });
    const results = await runProbes(c, resolveScenario("bookinfo", undefined).probes);
    expect(results[0].probe).toBe("productpage x30, anonymous");
    expect(check(results, 0, "reviews versions")).toMatchObject({ pass: true, observed: "v1 33.3 %, v2 33.3 %, v3 33.3 % of 30" });
    expect(check(results, 0, 'contains "<title>Simple Bookstore App</title>"').pass).toBe(true);
  });

  it("fault-abort: jason's page shows the ratings error", async () => {
    const c = await against({ reviews: (_n, user) => (user === "jason" ? "ratings-error" : "v1") }, { requests: 10 });
    expect(exitCode(await runProbes(c, resolveScenario("fault-abort", undefined).probes))).toBe(0);
  });

  it("fault-abort-percent: about 30 % of the pages show the ratings error; none, or all, fail", async () => {
    const probes = resolveScenario("fault-abort-percent", undefined).probes;
    const share = await against({ reviews: (n) => (n % 10 < 3 ? "ratings-error" : "v2") });
    const results = await runProbes(share, probes);
    expect(check(results, 0, 'share with "Ratings service is currently unavailable"')).toMatchObject({ pass: true, observed: "with 30 %, without 70 % of 30" });
    expect(check(results, 0, "reviews versions").pass).toBe(true);
    expect(exitCode(results)).toBe(0);
    for (const version of ["v2", "ratings-error"] as const) {
      share.http.close();
      await stub!.close();
      const c = await against({ reviews: () => version });
      expect(check(await runProbes(c, probes), 0, 'share with "Ratings service is currently unavailable"').pass, version).toBe(false);
    }
  });

  it("times each page: a delay inside the bounds passes, an answer too fast or too slow fails", async () => {
    // Bounds far from the stub's delay on either side, so a busy machine cannot change a verdict.
    const probe = (latencySeconds: { min?: number; max?: number }): ProductPageProbe => ({ kind: "productpage", user: "jason", requests: 4, status: 200, latencySeconds });
    const slow = await against({ delayMs: (user) => (user === "jason" ? 300 : 0) });
    expect(check(await runProbes(slow, [probe({ min: 0.25, max: 60 })]), 0, "latency").pass).toBe(true);
    expect(check(await runProbes(slow, [probe({ max: 0.2 })]), 0, "latency").pass).toBe(false);
    slow.http.close();
    await stub!.close();
    const fast = await against({});
    expect(check(await runProbes(fast, [probe({ min: 30 })]), 0, "latency").pass).toBe(false);
  });

  it("an answer that never comes counts as no answer after the request's timeout", async () => {
    // Were the timeout not applied, the answers would come after 5 s, each a 200.
    const c = await against({ delayMs: () => 5000 }, { timeoutMs: 300 });
    const results = await runProbes(c, [{ kind: "productpage", requests: 3, status: 200, latencySeconds: { max: 2 } }]);
    expect(check(results, 0, "status")).toMatchObject({ pass: false, observed: "no answer x3" });
    expect(exitCode(results)).toBe(1);
  });

  it("fails a 500 page on its status", async () => {
    const c = await against({ pageStatus: 500 }, { requests: 3 });
    const results = await runProbes(c, resolveScenario("route-all-v1", undefined).probes);
    expect(check(results, 0, "status")).toMatchObject({ pass: false, observed: "500 x3" });
  });
});

/** Each probe's title with its first check: what it saw, and whether that passed. */
const firstChecks = (results: Awaited<ReturnType<typeof runProbes>>) => results.map((r) => [r.probe, r.checks[0].observed, r.checks[0].pass]);

describe("authz-http's page", () => {
  const page = () => [resolveScenario("authz-http", undefined).probes[0]];
  const failing = (results: ProbeResult[]) => results[0].checks.filter((c) => !c.pass).map((c) => c.name);
  const split = (n: number) => (["v1", "v2", "v3"] as const)[n % 3];

  it("passes a page with the details, the reviews and (from v2 and v3) the ratings", async () => {
    const c = await against({ reviews: split });
    const results = await runProbes(c, page());
    expect(failing(results)).toEqual([]);
    expect(results[0].checks.map((x) => x.name)).toEqual([
      "status",
      'contains "Book Details"',
      'contains "PublisherA"',
      'contains "Book Reviews"',
      'never "Error fetching product details"',
      'never "Error fetching product reviews"',
      'never "Ratings service is currently unavailable"',
    ]);
  });

  it("fails while details-viewer is missing (the page's details error), reviews-viewer (no reviews) or ratings-viewer (v2 and v3 without ratings)", async () => {
    expect(failing(await runProbes(await against({ reviews: split, detailsFail: true }), page()))).toEqual(['contains "Book Details"', 'contains "PublisherA"', 'never "Error fetching product details"']);
    await stub!.close();
    expect(failing(await runProbes(await against({ reviews: () => "unavailable" }), page()))).toEqual(['contains "Book Reviews"', 'never "Error fetching product reviews"']);
    await stub!.close();
    expect(failing(await runProbes(await against({ reviews: (n) => (n % 3 === 0 ? "v1" : "ratings-error") }), page()))).toEqual(['never "Ratings service is currently unavailable"']);
  });
});

describe("ingress probes", () => {
  it("ingress-httpbin: only /status and /delay on its host", async () => {
    const c = await against({});
    const results = await runProbes(c, resolveScenario("ingress-httpbin", undefined).probes);
    expect(firstChecks(results)).toEqual([
      ["ingress GET /status/200, Host: httpbin.example.com", "200 x1", true],
      ["ingress GET /delay/1, Host: httpbin.example.com", "200 x1", true],
      ["ingress GET /headers, Host: httpbin.example.com", "404 x1", true],
      ["ingress GET /status/200, Host: other.example.com", "404 x1", true],
    ]);
  });

  it("jwt-routing: the task's four requests to /headers, with no Host of their own, each token named", async () => {
    const { groupsToken } = await import("../../catalog/scenarios/jwt-samples");
    const seen: (string | undefined)[] = [];
    // The gateway as the task describes it: 401 for a token it cannot validate, the route only for group1.
    const jwtGateway = (path: string, headers: Record<string, string | string[] | undefined>) => {
      seen.push(headers.host as string);
      const token = (headers.authorization as string | undefined)?.replace(/^Bearer /, "");
      if (path !== "/headers") return undefined;
      if (token === undefined) return 404;
      if (!token.startsWith("eyJ")) return 401;
      return token === groupsToken ? 200 : 404;
    };
    const c = await against({ answer: jwtGateway });
    const results = await runProbes(c, resolveScenario("jwt-routing", undefined).probes);
    expect(firstChecks(results)).toEqual([
      ["ingress GET /headers", "404 x1", true],
      ["ingress GET /headers, an invalid token", "401 x1", true],
      ["ingress GET /headers, a token with groups [group1, group2]", "200 x1", true],
      ["ingress GET /headers, a token without groups", "404 x1", true],
    ]);
    expect(new Set(seen)).toEqual(new Set([new URL(c.gatewayUrl).host]));
    // A gateway that routes every valid token fails the last one.
    const c2 = await against({ answer: (path, headers) => (path === "/headers" && headers.authorization?.startsWith("Bearer eyJ") ? 200 : undefined) });
    const [, , , noGroups] = await runProbes(c2, resolveScenario("jwt-routing", undefined).probes);
    expect(noGroups.checks[0]).toMatchObject({ pass: false, observed: "200 x1" });
  });

  it("fails a path the gateway should not expose", async () => {
    const c = await against({});
    const [result] = await runProbes(c, [{ kind: "ingress", host: "httpbin.example.com", path: "/status/200", status: 404 }]);
    expect(result.checks[0]).toMatchObject({ pass: false, expected: "404", observed: "200 x1" });
  });
});

describe("reaching the lab", () => {
  it("reports an unreachable gateway before any traffic", async () => {
    const c = testContext({ gatewayUrl: `http://127.0.0.1:${await deadPort()}` });
    ctx = c;
    await expect(preflight(c, resolveScenario("bookinfo", undefined).probes, "is the port-forward running?")).rejects.toThrow(UnreachableError);
    await expect(preflight(c, resolveScenario("bookinfo", undefined).probes)).rejects.toThrow(/ingress gateway at http:\/\/127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED\)/);
  });

  it("does not run probes past the run's deadline", async () => {
    const c = await against({ delayMs: () => 400 }, { deadline: new Deadline(0.3) });
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(results[1].error).toMatch(/deadline of 0.3 s/);
    expect(exitCode(results)).toBe(2);
  });
});

describe("a lab on a shared platform's gateway (--host)", () => {
  const labHost = "student-7.istio-lab.test";
  const jasonSeesV2 = (_n: number, user: string) => (user === "jason" ? "v2" : "v1");

  it("sends the lab's host with every page load and sign-in, and passes", async () => {
    const c = await against({ labHost, reviews: jasonSeesV2 }, { host: labHost, requests: 10 });
    await preflight(c, resolveScenario("route-jason-v2", undefined).probes);
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(exitCode(results)).toBe(0);
    expect(check(results, 1, "reviews versions")).toMatchObject({ pass: true, observed: "v2 100 % of 10" });
  });

  it("finds no route on the shared gateway without the lab's host", async () => {
    const c = await against({ labHost, reviews: jasonSeesV2 }, { requests: 10 });
    const results = await runProbes(c, resolveScenario("route-jason-v2", undefined).probes);
    expect(check(results, 0, "status")).toMatchObject({ pass: false, observed: "404 x10" });
  });

  it("asks for the scenario's own hosts beneath the lab's host", async () => {
    const c = await against({ labHost }, { host: labHost });
    const results = await runProbes(c, resolveScenario("ingress-httpbin", undefined).probes);
    expect(firstChecks(results)).toEqual([
      ["ingress GET /status/200, Host: httpbin.example.com", "200 x1", true],
      ["ingress GET /delay/1, Host: httpbin.example.com", "200 x1", true],
      ["ingress GET /headers, Host: httpbin.example.com", "404 x1", true],
      ["ingress GET /status/200, Host: other.example.com", "404 x1", true],
    ]);
  });
});
