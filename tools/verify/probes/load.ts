// LoadProbe: fortio load from inside the mesh, judged by the share of each status code.
import type { LoadProbe } from "../../../catalog/scenarios/probes";
import { clientContainers, fortioLoadCommand, parseFortio } from "../commands";
import { judgeStatusShares } from "../judge/answers";
import type { Check } from "../types";
import type { ProbeContext } from "./context";

export const loadTitle = (probe: LoadProbe, n: number) => `load: fortio -c ${probe.connections} -n ${n} ${probe.url}`;

export async function runLoad(ctx: ProbeContext, probe: LoadProbe): Promise<Check[]> {
  const cluster = await ctx.cluster();
  // A load's count carries meaning (how far past the pool or the bucket it goes): never --requests.
  const n = probe.requests;
  // One exec for the whole run: allow each request the per-request timeout, within reason.
  const timeoutMs = ctx.deadline.budget(ctx.timeoutMs * Math.max(2, Math.ceil(n / 50)));
  const perRequest = Math.max(1, Math.floor(ctx.timeoutMs / 1000) - 1);
  ctx.progress.start(loadTitle(probe, n), 1);
  try {
    const result = await cluster.exec({ deployment: probe.from, container: clientContainers[probe.from] }, fortioLoadCommand(probe.url, probe.connections, n, perRequest), timeoutMs);
    let retCodes: Record<string, number>;
    try {
      retCodes = parseFortio(result.stdout);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return [{ name: "fortio result", expected: "a JSON result", observed: `${why}; exit ${result.exitCode}; ${result.stderr.trim().slice(-200)}`, pass: false }];
    }
    return judgeStatusShares(retCodes, probe.statusShares);
  } finally {
    ctx.progress.tick();
    ctx.progress.done();
  }
}
