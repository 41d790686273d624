// TcpProbe: connections to the ingress gateway's TCP port from a client inside the mesh, with nc
// as the tcp-traffic-shifting task sends them; each echoed line names the answering version.
import type { TcpProbe } from "../../../catalog/scenarios/probes";
import { ingressGateway } from "../../../components/mesh/ingress-gateway";
import { istioNamespace } from "../../../components/mesh/istio-namespace";
import { clientContainers } from "../commands";
import { judgeShares } from "../judge/distribution";
import type { Check } from "../types";
import type { ProbeContext } from "./context";

/** What every connection sends: the echo server answers `<prefix> istio-lab-verify`. */
export const tcpMessage = "istio-lab-verify";

export const tcpTitle = (probe: TcpProbe, n: number) => `tcp: ${probe.from} -> ingress gateway :${probe.port} x${n}`;

const answerMark = "answer:";

/** One nc per connection, each bounded; each prints `answer:<what came back>` on a line of its own. */
export function tcpCommand(port: number, connections: number, timeoutSeconds: number): string[] {
  const host = `${ingressGateway.release}.${istioNamespace}`;
  return ["sh", "-c", `for i in $(seq ${connections}); do echo "${answerMark}$(echo ${tcpMessage} | nc -w ${timeoutSeconds} ${host} ${port})"; done`];
}

/** The version of each connection's answer, by its prefix; "" for none. */
export function tcpAnswers(stdout: string, prefixes: Record<string, string>, connections: number): string[] {
  const seen = stdout
    .split("\n")
    .filter((line) => line.startsWith(answerMark))
    .slice(0, connections)
    .map((line) => prefixes[line.slice(answerMark.length).trim().split(" ")[0]] ?? "");
  while (seen.length < connections) seen.push("");
  return seen;
}

export async function runTcp(ctx: ProbeContext, probe: TcpProbe): Promise<Check[]> {
  const n = ctx.requests ?? probe.connections;
  const cluster = await ctx.cluster();
  const perConnection = Math.max(1, Math.min(5, Math.floor(ctx.timeoutMs / 1000)));
  const result = await cluster.exec({ deployment: probe.from, container: clientContainers[probe.from] }, tcpCommand(probe.port, n, perConnection), ctx.deadline.budget(n * perConnection * 1000 + 5000));
  const versions = [...new Set(Object.values(probe.prefixes))];
  return [judgeShares("tcp-echo versions", tcpAnswers(result.stdout, probe.prefixes, n), versions, probe.expected, probe.tolerance)];
}
