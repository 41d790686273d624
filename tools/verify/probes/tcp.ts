// TcpProbe and ConnectProbe: TCP connections from a client inside the mesh, with nc as the TCP
// tasks send them; to the ingress gateway's TCP port (each echoed line names the answering version)
// or to a Service port or a pod's address (answered or refused).
import type { ConnectProbe, Probe, TcpProbe } from "../../../catalog/scenarios/probes";
import { tcpEcho } from "../../../catalog/apps/clients";
import { ingressGateway } from "../../../components/mesh/ingress-gateway";
import { clientContainers } from "../commands";
import { judgeZtunnelLog } from "../judge/ambient";
import { judgeShares } from "../judge/distribution";
import { sleep } from "../deadline";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { inAmbient, ztunnelLog } from "./evidence";

/**
 * The probes as a lab on a shared platform runs them: its TCP probes go to the gateway's TCP port
 * the lab holds (its stack output tcpPort; components/scenarios/lab-placement.ts moved its Gateway
 * there), never to the task's 31400, which the platform's own lab or another lab may hold.
 */
export function onLabTcpPort(probes: readonly Probe[], port: number | undefined): Probe[] {
  return probes.map((probe) => (probe.kind === "tcp" && port !== undefined ? { ...probe, port } : probe));
}

/** The port of tcp-echo's pods the TCP tasks' routes reach: its Service's first port (catalog/scenarios/tcp.ts), which ztunnel logs inbound. */
const tcpEchoPort = tcpEcho.service!.targetPort ?? tcpEcho.service!.port;

/** What every connection sends: the echo server answers `<prefix> istio-lab-verify`. */
export const tcpMessage = "istio-lab-verify";

export const tcpTitle = (probe: TcpProbe, n: number) => `tcp: ${probe.from} -> ingress gateway :${probe.port} x${n}`;

const answerMark = "answer:";

/**
 * One nc per connection, each bounded; each prints `answer:<what came back>` on a line of its own.
 * The input stays open a second after the line, as the task's `(date; sleep 1) | nc` keeps it, so
 * that nc has read the echo before stdin's end ends it.
 */
export function tcpCommand(port: number, connections: number, timeoutSeconds: number, host: string = ingressGateway.service): string[] {
  return ["sh", "-c", `for i in $(seq ${connections}); do echo "${answerMark}$( (echo ${tcpMessage}; sleep 1) | nc -w ${timeoutSeconds} ${host} ${port})"; done`];
}

/** Each nc's bound in seconds: the run's timeout, from 1 to 5. */
const perConnectionSeconds = (ctx: ProbeContext) => Math.max(1, Math.min(5, Math.floor(ctx.timeoutMs / 1000)));

/** How long `connections` of them may take: the second each keeps its input open, and its bound. */
const tcpBudgetMs = (connections: number, perConnection: number) => connections * (perConnection + 1) * 1000 + 5000;

/** What came back on each connection, "" for nothing. */
export function tcpReplies(stdout: string, connections: number): string[] {
  const replies = stdout.split("\n").filter((line) => line.startsWith(answerMark)).slice(0, connections).map((line) => line.slice(answerMark.length).trim());
  while (replies.length < connections) replies.push("");
  return replies;
}

/** The version of each connection's answer, by its prefix; "" for none. */
export function tcpAnswers(stdout: string, prefixes: Record<string, string>, connections: number): string[] {
  return tcpReplies(stdout, connections).map((reply) => prefixes[reply.split(" ")[0]] ?? "");
}

/**
 * In ambient mode, what ztunnel logged of the connections just made, where a sidecar would have
 * carried them: polled until it holds what the probe expects or the log wait ends (ztunnel writes a
 * connection's line when it closes). None in sidecar mode.
 */
async function ztunnelEvidence(ctx: ProbeContext, started: { monotonic: number; wall: number }, expected: { connections: number; refused: boolean; port: number }): Promise<Check[]> {
  if (!(await inAmbient(ctx))) return [];
  const since = () => Math.ceil((performance.now() - started.monotonic) / 1000) + 5;
  const waitUntil = performance.now() + Math.min(ctx.logWaitMs, ctx.deadline.remainingMs());
  // The probe's own lines: its port, and closed since it began by the line's own time (ztunnel's
  // node clock against this machine's: on a kind cluster the same clock).
  const judge = async () => judgeZtunnelLog(await ztunnelLog(ctx, since()), ctx.appNamespace, { ...expected, since: started.wall });
  let check = await judge();
  while (!check.pass && performance.now() < waitUntil) {
    await sleep(Math.min(1000, ctx.logWaitMs / 4));
    check = await judge();
  }
  return [check];
}

export async function runTcp(ctx: ProbeContext, probe: TcpProbe): Promise<Check[]> {
  const n = ctx.requests ?? probe.connections;
  const started = { monotonic: performance.now(), wall: Date.now() };
  const cluster = await ctx.cluster();
  const perConnection = perConnectionSeconds(ctx);
  const result = await cluster.exec({ deployment: probe.from, container: clientContainers[probe.from] }, tcpCommand(probe.port, n, perConnection), ctx.deadline.budget(tcpBudgetMs(n, perConnection)));
  const versions = [...new Set(Object.values(probe.prefixes))];
  const answers = tcpAnswers(result.stdout, probe.prefixes, n);
  return [
    judgeShares("tcp-echo versions", answers, versions, probe.expected, probe.previous),
    // The gateway's connections into the lab: each answered one went through the destination's ztunnel.
    // The TCP tasks route the gateway's port to tcp-echo's first port (catalog/scenarios/tcp.ts).
    ...(await ztunnelEvidence(ctx, started, { connections: answers.filter((a) => a !== "").length, refused: false, port: tcpEchoPort })),
  ];
}

export const connectTitle = (probe: ConnectProbe) =>
  `connect: ${probe.from} -> ${"service" in probe.to ? `${probe.to.service}:${probe.to.port}` : `pod of ${probe.to.pod}:${probe.to.port}`}${probe.answered ? "" : ", refused"}`;

/** Connections to a Service port or a pod's address, all answered or none, as the probe says. */
export async function runConnect(ctx: ProbeContext, probe: ConnectProbe): Promise<Check[]> {
  const started = { monotonic: performance.now(), wall: Date.now() };
  const cluster = await ctx.cluster();
  const perConnection = perConnectionSeconds(ctx);
  const host = "service" in probe.to ? probe.to.service : await cluster.podIp({ deployment: probe.to.pod }, ctx.deadline.budget(ctx.timeoutMs));
  const result = await cluster.exec(
    { deployment: probe.from, container: clientContainers[probe.from] },
    tcpCommand(probe.to.port, probe.connections, perConnection, host),
    ctx.deadline.budget(tcpBudgetMs(probe.connections, perConnection)),
  );
  const answered = tcpReplies(result.stdout, probe.connections).filter((r) => r.length > 0).length;
  return [
    {
      name: "connections answered",
      expected: probe.answered ? `all ${probe.connections}` : "none",
      observed: `${answered} of ${probe.connections}`,
      pass: probe.answered ? answered === probe.connections : answered === 0,
    },
    // A Service's port is its pods' here (tcp-echo's Service sets no targetPort: catalog/apps/clients.ts), the port ztunnel logs inbound.
    ...(await ztunnelEvidence(ctx, started, { connections: probe.connections, refused: !probe.answered, port: probe.to.port })),
  ];
}
