// Which lab stacks beside this one claim its namespace on the same platform.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultLabTcpPort, namespaceClaimedBy, parseStackReference, portsText, samePlatform, tcpPortClaimedBy } from "../../components/config/sibling-labs";
import { labApps } from "../../components/config/schema";
import { labTcpPorts } from "../../catalog/scenarios/tcp";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

describe("samePlatform", () => {
  it("reads a stack name alone as this project's, and compares the parts both names give", () => {
    expect(samePlatform("dev", "dev", "istio-lab")).toBe(true);
    expect(samePlatform("dev", "acme/istio-lab/dev", "istio-lab")).toBe(true);
    expect(samePlatform("dev", "acme/other/dev", "istio-lab")).toBe(false);
    expect(samePlatform("acme/istio-lab/dev", "globex/istio-lab/dev", "istio-lab")).toBe(false);
    expect(samePlatform("dev", "prod", "istio-lab")).toBe(false);
  });

  it("reads a two-part name as the CLI does: an organization and a stack of this project, never a project and a stack", () => {
    // pulumi/pulumi pkg/backend/diy/store.go ParseReference, pkg/backend/httpstate/backend.go parseStackName.
    expect(parseStackReference("dev", "istio-lab")).toEqual({ project: "istio-lab", stack: "dev" });
    expect(parseStackReference("organization/dev", "istio-lab")).toEqual({ org: "organization", project: "istio-lab", stack: "dev" });
    expect(parseStackReference("acme/other/dev", "istio-lab")).toEqual({ org: "acme", project: "other", stack: "dev" });
    // `other/dev` is stack dev of this project in organization other, so the same platform as `dev`.
    expect(samePlatform("other/dev", "dev", "istio-lab")).toBe(true);
    expect(samePlatform("organization/dev", "organization/istio-lab/dev", "istio-lab")).toBe(true);
    expect(samePlatform("other/dev", "acme/other/dev", "istio-lab")).toBe(false);
    expect(samePlatform("acme/dev", "globex/dev", "istio-lab")).toBe(false);
  });

  it("is symmetric, and every name names its own platform", () => {
    const platform = fc.oneof(name, fc.tuple(name, name).map((parts) => parts.join("/")), fc.tuple(name, name, name).map((parts) => parts.join("/")));
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

describe("tcpPortClaimedBy", () => {
  const siblings = [
    { stack: "alice", platform: "dev", namespace: "alice", tcp: true },
    { stack: "bob", platform: "dev", namespace: "bob", tcp: true, tcpPort: 31403 },
    { stack: "carol", platform: "dev", namespace: "carol", tcp: false, tcpPort: 31404 },
  ];
  it("finds the lab of the platform whose TCP scenario holds the port, unset being the first lab port", () => {
    expect(tcpPortClaimedBy({ stack: "dan", platform: "dev", namespace: "dan", tcp: true }, siblings, "istio-lab")?.stack).toBe("alice");
    expect(tcpPortClaimedBy({ stack: "dan", platform: "dev", namespace: "dan", tcp: true, tcpPort: 31401 }, siblings, "istio-lab")?.stack).toBe("alice");
    expect(tcpPortClaimedBy({ stack: "dan", platform: "organization/dev", namespace: "dan", tcp: true, tcpPort: 31403 }, siblings, "istio-lab")?.stack).toBe("bob");
    // A port named by a lab whose scenario holds none, another platform, or no TCP scenario of its own: free.
    expect(tcpPortClaimedBy({ stack: "dan", platform: "dev", namespace: "dan", tcp: true, tcpPort: 31404 }, siblings, "istio-lab")).toBeUndefined();
    expect(tcpPortClaimedBy({ stack: "dan", platform: "prod", namespace: "dan", tcp: true }, siblings, "istio-lab")).toBeUndefined();
    expect(tcpPortClaimedBy({ stack: "dan", platform: "dev", namespace: "dan", tcp: false }, siblings, "istio-lab")).toBeUndefined();
    expect(tcpPortClaimedBy(siblings[0], siblings, "istio-lab")).toBeUndefined();
  });
});

describe("defaultLabTcpPort", () => {
  it("is the first of the ports given, the mesh's lab ports when none are; the schema names them from the same list", () => {
    expect(defaultLabTcpPort()).toBe(labTcpPorts[0]);
    expect(defaultLabTcpPort([31405, 31406])).toBe(31405);
    expect(defaultLabTcpPort([])).toBeUndefined();
    expect(portsText([31401, 31402, 31403])).toBe("31401-31403");
    expect(portsText([31401, 31403])).toBe("31401, 31403");
    expect(labApps.shape.tcpPort.unwrap().description).toContain(`its labTcpPorts output, ${portsText(labTcpPorts)})`);
    expect(portsText(labTcpPorts)).toBe(`${labTcpPorts[0]}-${labTcpPorts[labTcpPorts.length - 1]}`);
  });
});
