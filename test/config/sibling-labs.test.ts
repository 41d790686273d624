// Which lab stacks beside this one claim its namespace on the same platform.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { namespaceClaimedBy, samePlatform } from "../../components/config/sibling-labs";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

describe("samePlatform", () => {
  it("reads a stack name alone as this project's, and compares the parts both names give", () => {
    expect(samePlatform("dev", "dev", "istio-lab")).toBe(true);
    expect(samePlatform("dev", "acme/istio-lab/dev", "istio-lab")).toBe(true);
    expect(samePlatform("dev", "acme/other/dev", "istio-lab")).toBe(false);
    expect(samePlatform("acme/istio-lab/dev", "globex/istio-lab/dev", "istio-lab")).toBe(false);
    expect(samePlatform("dev", "prod", "istio-lab")).toBe(false);
  });

  it("is symmetric, and every name names its own platform", () => {
    const platform = fc.oneof(name, fc.tuple(name, name, name).map((parts) => parts.join("/")));
    fc.assert(fc.property(platform, platform, name, (a, b, project) => samePlatform(a, b, project) === samePlatform(b, a, project) && samePlatform(a, a, project)));
  });
});

describe("namespaceClaimedBy", () => {
  const siblings = [
    { stack: "alice", platform: "dev", namespace: "alice" },
    { stack: "bob", platform: "dev", namespace: "shared" },
  ];
  it("finds another lab of the platform with the namespace, never the lab itself", () => {
    expect(namespaceClaimedBy({ stack: "carol", platform: "dev", namespace: "shared" }, siblings, "istio-lab")?.stack).toBe("bob");
    expect(namespaceClaimedBy({ stack: "alice", platform: "dev", namespace: "alice" }, siblings, "istio-lab")).toBeUndefined();
    expect(namespaceClaimedBy({ stack: "carol", platform: "prod", namespace: "shared" }, siblings, "istio-lab")).toBeUndefined();
  });
});
