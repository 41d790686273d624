// A lab holds one TCP port of the shared gateway: its placement moves a TCP listener or server
// there and nothing else; a scenario with two TCP ports (none in the catalog today) is refused in a
// lab stack rather than put both on one port, and a port for a scenario that holds none is refused
// rather than ignored.
import { describe, expect, it } from "vitest";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import { exampleScenario } from "../../catalog/scenarios/examples";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { ConfigError, parseStackConfig } from "../../components/config";
import { labTcpIssues } from "../../components/config/sibling-labs";
import { placeScenarioInLab } from "../../components/scenarios/lab-placement";

const labValues = (scenario: string, apps?: object) => ({ "istio-lab:platform": "local", "istio-lab:scenario": scenario, ...(apps && { "istio-lab:apps": JSON.stringify(apps) }) });
const issuesOf = (scenario: string, apps?: object) => {
  try {
    parseStackConfig({ values: labValues(scenario, apps), secretKeys: new Set(), stack: "student-1" }, () => []);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
    throw error;
  }
};

describe("a lab's TCP port", () => {
  it("refuses a scenario with two TCP ports of the shared gateway, naming them", () => {
    const spec = exampleScenario("tcp-shift-v2");
    // A second plain-TCP server on the ingress gateway, as a scenario with two TCP services would have.
    const twoPorts = {
      ...spec,
      resources: spec.resources.map((r) => (r.kind === "Gateway" ? { ...r, spec: { ...r.spec, servers: [...r.spec.servers, { ...r.spec.servers[0], port: { number: 31500, name: "tcp-2", protocol: "TCP" } }] } } : r)),
    } as ScenarioSpec;
    expect(labTcpIssues("two-ports", twoPorts, undefined)).toEqual([
      { key: "istio-lab:scenario", message: "two-ports listens on 2 TCP ports of the shared gateway (31400, 31500), and a lab holds one (istio-lab:apps.tcpPort); run it on a platform stack" },
    ]);
    expect(labTcpIssues("tcp-shift-v2", spec, 31402)).toEqual([]);
  });

  it("refuses apps.tcpPort for a scenario that holds no TCP port, naming the scenario, rather than ignoring it", () => {
    expect(issuesOf("bookinfo", { tcpPort: 31402 })).toEqual([
      "istio-lab:apps.tcpPort: is set (31402), but scenario bookinfo listens on no TCP port of the shared gateway (only tcp-shift-* do); remove it: `pulumi config rm --path istio-lab:apps.tcpPort`",
    ]);
    expect(issuesOf("tcp-shift-80-20", { tcpPort: 31402 })).toEqual([]);
  });

  it("moves a Gateway API TCP listener to the lab's port, and leaves a listener of another protocol as written", () => {
    const listener = (name: string, protocol: string, port: number) => ({ name, protocol, port }) as unknown as Extract<GatewayApiResource, { kind: "Gateway" }>["spec"]["listeners"][number];
    const gateway = { kind: "Gateway", name: "gw", spec: { gatewayClassName: "istio", listeners: [listener("tcp-31400", "TCP", 31400), listener("https", "HTTPS", 443), listener("tls", "TLS", 8443)] } } as unknown as GatewayApiResource;
    const spec = { resources: [], gatewayApi: { resources: [gateway] } } as unknown as ScenarioSpec;
    const placed = placeScenarioInLab(spec, { host: "student-1.istio-lab.test", gatewayNamespace: "istio-system", tcpPort: 31402 });
    const listeners = (placed.gatewayApi!.resources[0] as Extract<GatewayApiResource, { kind: "Gateway" }>).spec.listeners;
    expect(listeners.map((l) => [l.name, l.protocol, l.port])).toEqual([
      ["tcp-31402", "TCP", 31402],
      ["https", "HTTPS", 443],
      ["tls", "TLS", 8443],
    ]);
  });
});
