// TCP traffic shifting (tasks/traffic-management/tcp-traffic-shifting) on samples/tcp-echo: the
// gateway's TCP port 31400 to tcp-echo v1 and v2 by weight.
import type { HTTPRouteDestination } from "../istio-resources";
import { destinationRule, gateway, ingressGatewaySelector, virtualService } from "./builders";
import { compose, type Part } from "./compose";
import type { TcpProbe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { answersNeeded } from "./statistics";

const tcpPort = 31400;
const toVersion = (subset: string, weight?: number): HTTPRouteDestination => ({ destination: { host: "tcp-echo", port: { number: 9000 }, subset }, ...(weight !== undefined && { weight }) });

/** tcp-echo-all-v1.yaml's Gateway and DestinationRule, and the echo servers with a client. */
const tcpEcho: Part = {
  workloads: [{ app: "tcp-echo" }, { app: "curl" }],
  resources: [
    gateway("tcp-echo-gateway", { selector: ingressGatewaySelector, servers: [{ port: { number: tcpPort, name: "tcp", protocol: "TCP" }, hosts: ["*"] }] }),
    destinationRule("tcp-echo-destination", { host: "tcp-echo", subsets: ["v1", "v2"].map((v) => ({ name: v, labels: { version: v } })) }),
  ],
};

const routed = (route: HTTPRouteDestination[]): Part => ({
  resources: [virtualService("tcp-echo", { hosts: ["*"], gateways: ["tcp-echo-gateway"], tcp: [{ match: [{ port: tcpPort }], route }] })],
});

/** As many connections (a second each, tcpCommand) as tell the shares from the nearest wrong ones and the step before. */
const connections = (expected: Record<string, number>, previous: Record<string, number>): TcpProbe => ({
  kind: "tcp",
  from: "curl",
  port: tcpPort,
  connections: answersNeeded(expected, previous),
  prefixes: { one: "v1", two: "v2" },
  expected,
  previous,
});

export const tcpShift8020: ScenarioSpec = {
  description: "the gateway's TCP port 31400 to tcp-echo, 80 % v1 and 20 % v2 (tcp-echo-20-v2.yaml)",
  ...compose(tcpEcho, routed([toVersion("v1", 80), toVersion("v2", 20)])),
  probes: [connections({ v1: 80, v2: 20 }, { v1: 100 })],
};

export const tcpShiftV2: ScenarioSpec = {
  description: "the gateway's TCP port 31400 to tcp-echo v2 only: the shift completed (no istio.io task has it: the tcp-traffic-shifting task stops at 80/20)",
  ...compose(tcpEcho, routed([toVersion("v2")])),
  probes: [connections({ v2: 100 }, { v1: 80, v2: 20 })],
};
