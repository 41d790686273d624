// Verify's probe for your own services: each answer's version from the marker the service
// declares, the shares judged as the catalog's, an answer without a version a finding.
import { describe, expect, it } from "vitest";
import { seedServices } from "../../catalog/apps/seed";
import { resolveScenario } from "../../catalog/scenarios";
import type { VersionsProbe } from "../../catalog/scenarios/probes";
import { versionOf } from "../../tools/verify/probes/versions";
import { exitCode, runProbes } from "../../tools/verify/run";
import type { HttpRequest, HttpResponse, HttpTransport } from "../../tools/verify/types";
import { testContext } from "./context";

/** A gateway that answers GET /api with the version `pick(n)` chose for its n-th request. */
function fakeGateway(pick: (n: number) => string, marker: "header" | "body" = "header"): HttpTransport & { urls: string[] } {
  let n = 0;
  const urls: string[] = [];
  return {
    urls,
    async request(req: HttpRequest): Promise<HttpResponse> {
      urls.push(req.url);
      const version = pick(n++);
      return marker === "header" ? { status: 200, headers: { "x-version": version }, body: "{}", seconds: 0.01 } : { status: 200, headers: {}, body: `{"version":"${version}"}`, seconds: 0.01 };
    },
    close() {},
  };
}

const probesOf = (routes: unknown[]) => resolveScenario("custom", { routes }, seedServices).probes.filter((p) => p.kind === "versions");

describe("versions probe", () => {
  it("passes the seed's 90/10 canary through the gateway, reading x-version", async () => {
    const http = fakeGateway((n) => (n % 10 === 0 ? "v2" : "v1"));
    const results = await runProbes(testContext({ http, gatewayUrl: "http://gw.test:8000/" }), probesOf([{ service: "back", weights: { v1: 90, v2: 10 } }]));
    expect(results[0].probe).toBe("back x80 through the gateway, /api");
    expect(results[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "200 x80", true],
      ["back versions", "v1 90 %, v2 10 % of 80", true],
    ]);
    expect(http.urls[0]).toBe("http://gw.test:8000/api");
    expect(exitCode(results)).toBe(0);
  });

  it("fails 50/50 where 30/70 is routed, and an answer that names no declared version", async () => {
    // The catalog's count guarantees the nearest wrong ones (a version getting none, all on one); a
    // split 20 points off needs more answers, as --requests gives.
    const split = await runProbes(testContext({ requests: 100, http: fakeGateway((n) => (n % 2 ? "v3" : "v2")) }), probesOf([{ service: "back", weights: { v2: 30, v3: 70 } }]));
    expect(split[0].checks[1]).toMatchObject({ pass: false, observed: "v2 50 %, v3 50 % of 100" });
    const unnamed = await runProbes(testContext({ http: fakeGateway((n) => (n === 0 ? "" : "v2")) }), probesOf([{ service: "back", weights: { v2: 100 } }]));
    expect(unnamed[0].checks[1]).toMatchObject({ pass: false, observed: "v2 100 % of 9; 1 without a version" });
  });

  it("reads the version from a header, case aside, or from the first group of a body pattern", () => {
    const header: VersionsProbe["marker"] = { header: "X-Version" };
    expect(versionOf(header, { "x-version": "v3" }, "")).toBe("v3");
    expect(versionOf(header, {}, "")).toBe("");
    expect(versionOf({ body: '"version":"(v\\d+)"' }, {}, '{"version":"v2"}')).toBe("v2");
    expect(versionOf({ body: '"version":"(v\\d+)"' }, {}, "<html>")).toBe("");
  });
});
