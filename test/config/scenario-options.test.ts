// istio-lab:scenario is a catalog name; istio-lab:scenarioOptions is checked per scenario.
import { describe, expect, it } from "vitest";
import { scenarioOptionSchemas } from "../../catalog/scenarios/options";
import { scenarioNames } from "../../catalog/scenarios/names";
import { build, expectProblem, parse, problems } from "./build";

const withOptions = (scenario: string, scenarioOptions?: unknown) => problems("kubeconfig", { scenario, scenarioOptions });
const withoutOptions = scenarioNames.filter((name) => !(name in scenarioOptionSchemas));

describe("scenario", () => {
  it("refuses a name outside the catalog, listing the catalog", () => {
    // The catalog as the README's Scenarios table lists it: these names are the config contract.
    expect(withOptions("canary-release")).toEqual([
      {
        key: "istio-lab:scenario",
        message:
          '"canary-release" is not in the catalog; choose one of bookinfo, route-all-v1, route-jason-v2, fault-delay, fault-abort, fault-abort-percent, fault-delay-all, ' +
          "shift-50-v3, shift-v3, shift-90-10, shift-80-20, shift-v2-v3, canary, tcp-shift-80-20, tcp-shift-v2, locality-failover, locality-weighted, request-timeout, retries, mirroring, " +
          "circuit-breaking, sticky-sessions, mtls-strict, ingress-httpbin, ingress-tls, ingress-mtls, ingress-passthrough, egress-service-entry, egress-gateway, egress-tls-origination, authz-http, authz-deny, authz-tcp, jwt-auth, jwt-routing, rate-limit-local, custom",
      },
    ]);
  });

  it("defaults to bookinfo", () => {
    expect(parse(build("kubeconfig")).scenario).toBe("bookinfo");
  });

  it.each(withoutOptions)("accepts %s without options", (scenario) => {
    expect(withOptions(scenario)).toEqual([]);
  });
});

describe("scenarioOptions for a scenario that takes none", () => {
  it.each(["bookinfo", "shift-90-10", "mtls-strict"])("refuses options for %s", (scenario) => {
    expectProblem(withOptions(scenario, { weights: { v1: 100 } }), "istio-lab:scenarioOptions", `scenario ${scenario} takes no options; remove istio-lab:scenarioOptions`);
  });

  it("refuses options that are not an object", () => {
    expectProblem(withOptions("canary", "v1=90"), "istio-lab:scenarioOptions", "must be an object");
  });
});

describe("canary weights", () => {
  it.each([{ v1: 90, v2: 10 }, { v1: 50, v2: 30, v3: 20 }, { v3: 100 }, { v1: 0, v2: 100 }])("accepts %j", (weights) => {
    expect(withOptions("canary", { weights })).toEqual([]);
  });

  it("keeps the weights", () => {
    expect(parse(build("kubeconfig", { scenario: "canary", scenarioOptions: { weights: { v1: 80, v3: 20 } } })).scenarioOptions).toEqual({ weights: { v1: 80, v3: 20 } });
  });

  it.each([
    [{ v1: 50, v2: 40 }, "(they sum to 90)"],
    [{ v1: 60, v2: 30, v3: 20 }, "(they sum to 110)"],
    [{ v1: 0 }, "(they sum to 0)"],
  ])("refuses %j, not summing to 100", (weights, sum) => {
    expectProblem(withOptions("canary", { weights }), "istio-lab:scenarioOptions.weights", "must sum to 100", sum);
  });

  it("refuses a fractional weight", () => {
    expectProblem(withOptions("canary", { weights: { v1: 50.5, v2: 49.5 } }), "istio-lab:scenarioOptions.weights.v1", "must be a whole number");
  });

  it.each([
    [{ v1: -10, v2: 110 }, "v1", "must be at least 0"],
    [{ v1: 101 }, "v1", "must be at most 100"],
    [{ v1: "50", v2: 50 }, "v1", 'must be a whole number, not the text "50"; write 50 without quotes'],
  ])("refuses %j", (weights, subset, message) => {
    expectProblem(withOptions("canary", { weights }), `istio-lab:scenarioOptions.weights.${subset}`, message);
  });

  it("refuses an unknown subset, listing the known ones", () => {
    expectProblem(withOptions("canary", { weights: { v1: 50, v4: 50 } }), "istio-lab:scenarioOptions.weights.v4", 'unknown key "v4"; known keys are "v1", "v2", "v3"');
  });

  it("refuses empty weights", () => {
    expectProblem(withOptions("canary", { weights: {} }), "istio-lab:scenarioOptions.weights", "names at least one reviews subset: v1, v2 or v3");
  });

  it("requires weights", () => {
    expectProblem(withOptions("canary"), "istio-lab:scenarioOptions.weights", "is required");
  });

  it("names a mistyped option", () => {
    expectProblem(withOptions("canary", { weight: { v1: 100 } }), "istio-lab:scenarioOptions.weight", 'did you mean "weights"?');
  });
});

describe("sticky-sessions", () => {
  it("defaults to the end-user header", () => {
    expect(parse(build("kubeconfig", { scenario: "sticky-sessions" })).scenarioOptions).toEqual({ hashBy: "header", name: "end-user" });
  });

  it.each([
    { hashBy: "header", name: "x-user" },
    { hashBy: "cookie", name: "session", ttl: "1h" },
    { hashBy: "cookie", name: "session" },
    { hashBy: "query", name: "user" },
    { hashBy: "sourceIp" },
  ])("accepts %j", (options) => {
    expect(withOptions("sticky-sessions", options)).toEqual([]);
  });

  it.each(["header", "cookie", "query"])("requires a name when hashing by %s", (hashBy) => {
    expectProblem(withOptions("sticky-sessions", { hashBy }), "istio-lab:scenarioOptions.name", `is required when hashBy is ${hashBy}`);
  });

  it("refuses a name when hashing by sourceIp", () => {
    expectProblem(withOptions("sticky-sessions", { hashBy: "sourceIp", name: "x" }), "istio-lab:scenarioOptions.name", "does not apply when hashBy is sourceIp");
  });

  it("refuses a ttl unless hashing by cookie", () => {
    expectProblem(withOptions("sticky-sessions", { hashBy: "header", name: "x-user", ttl: "10s" }), "istio-lab:scenarioOptions.ttl", "only applies when hashBy is cookie");
  });

  it.each(["10", "1d", "ten seconds"])("refuses ttl %j", (ttl) => {
    expectProblem(withOptions("sticky-sessions", { hashBy: "cookie", name: "s", ttl }), "istio-lab:scenarioOptions.ttl", "must be a duration such as 0s, 10s or 1h");
  });

  it("refuses an unknown hash key", () => {
    expectProblem(withOptions("sticky-sessions", { hashBy: "ip" }), "istio-lab:scenarioOptions.hashBy", 'must be one of "header", "cookie", "sourceIp", "query"');
  });
});
