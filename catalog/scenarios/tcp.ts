// TCP traffic shifting (tasks/traffic-management/tcp-traffic-shifting) on samples/tcp-echo: the
// gateway's TCP port 31400 to tcp-echo v1 and v2 by weight.
import { ofKind, selects, type GatewaySpec, type HTTPRouteDestination, type IstioResource } from "../istio-resources";
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

/**
 * The TCP ports of the shared ingress gateway lab stacks hold, one lab each (the gateway's Service
 * has them: components/mesh/ingress-gateway.ts; components/config/sibling-labs.ts refuses a second
 * lab of a platform on one): two plain-TCP servers on one port of one gateway workload cannot
 * merge, and Istio keeps the older Gateway's server and drops the other's with a log line
 * (istio/istio pilot/pkg/model/gateway.go mergeGateways: a second plain-text server on a port with
 * an empty RDS route name is skipped and RecordRejectedConfig'd; the Gateways arrive oldest first,
 * push_context.go initGateways sortConfigByCreationTime). A platform's own lab keeps the tasks' 31400.
 */
export const labTcpPorts: readonly number[] = [31401, 31402, 31403, 31404, 31405, 31406, 31407, 31408];

/** A Gateway server that holds its whole port of a gateway: plain TCP, which has no host to share it by. */
export const isPlainTcpServer = (server: GatewaySpec["servers"][number]) => server.port.protocol === "TCP" && !server.tls;

/**
 * The ports of the shared ingress gateway a scenario's plain TCP servers hold, in either form (a
 * Gateway API Gateway on the ingress gateway's Service is one more Gateway of that workload). HTTP
 * servers of one port merge by host; a plain TCP server takes its port alone (istio/istio
 * pilot/pkg/model/gateway.go mergeGateways), so two labs must never both hold one.
 */
export function ingressTcpPorts(spec: { resources: readonly IstioResource[]; gatewayApi?: ScenarioSpec["gatewayApi"] }): number[] {
  const onIngress = (selector: Readonly<Record<string, string>>) => selects(selector, ingressGatewaySelector);
  const istio = ofKind(spec.resources, "Gateway")
    .filter((g) => onIngress(g.spec.selector))
    .flatMap((g) => g.spec.servers.filter(isPlainTcpServer).map((s) => s.port.number));
  const gatewayApi = (spec.gatewayApi?.resources ?? []).flatMap((r) => (r.kind === "Gateway" ? r.spec.listeners.filter((l) => l.protocol === "TCP").map((l) => l.port) : []));
  return [...new Set([...istio, ...gatewayApi])];
}
