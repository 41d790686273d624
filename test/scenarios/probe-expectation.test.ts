// What docs/scenarios.md says `npm run verify` checks for each scenario: one line per probe, from
// the probe's own data, so the documentation cannot drift from the checks.
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import { scenarioNames } from "../../catalog/scenarios/names";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { probeExpectation } from "../../catalog/scenarios/probes";

const lines = (name: Parameters<typeof resolveScenario>[0]) => resolveScenario(name, undefined).probes.map(probeExpectation);

describe("what verify checks, as docs/scenarios.md lists it", () => {
  it("states each probe's request and expected outcome", () => {
    expect(lines("jwt-routing")).toEqual([
      "GET /headers through the gateway: 404",
      "GET /headers through the gateway with an invalid token: 401",
      "GET /headers through the gateway with a token with groups [group1, group2]: 200",
      "GET /headers through the gateway with a token without groups: 404",
    ]);
    expect(lines("circuit-breaking")).toEqual([
      "fortio, 1 connections, 20 requests to http://httpbin:8000/get: 200 at least 100 %",
      "fortio, 3 connections, 30 requests to http://httpbin:8000/get: 503 at least 10 %",
    ]);
    expect(lines("locality-weighted")).toEqual(["90 GETs of http://helloworld:5000/hello from curl: answered by region1.zone1 70 %, region1.zone2 20 %, region3.zone4 10 %"]);
    expect(lines("ingress-mtls")).toEqual([
      "GET https://httpbin.example.com/status/418 from curl through the gateway with a client certificate: 418",
      "GET https://httpbin.example.com/status/418 from curl through the gateway: no answer",
    ]);
  });

  it("has a line for every probe of every scenario", () => {
    for (const name of scenarioNames) {
      const { probes } = exampleScenario(name);
      expect(probes.length, name).toBeGreaterThan(0);
      for (const line of probes.map(probeExpectation)) expect(line, name).toMatch(/: \S/);
    }
  });
});
