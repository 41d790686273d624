// Calls from inside the mesh, and reading what the destinations logged, over the cluster transport.
import { callCommand, clientContainers, countMarked, parseCalls, withQuery, type CallResult } from "../commands";
import { sleep } from "../deadline";
import type { PodTarget } from "../types";
import type { ProbeContext } from "./context";

/** Every Istio sidecar writes its access log to stdout (meshConfig.accessLogFile), one line per request. */
export const accessLogContainer = "istio-proxy";

/**
 * GETs from the client Deployment's own container, through its sidecar: `times` of them in one
 * exec (curl), or one per exec (fortio curl). Each request may take the per-request timeout.
 */
export async function callFrom(ctx: ProbeContext, from: string, url: string, headers: Record<string, string> = {}, times = 1, curlArgs: string[] = []): Promise<CallResult[]> {
  const cluster = await ctx.cluster();
  const perRequest = Math.max(1, Math.floor(ctx.timeoutMs / 1000) - 1);
  const batch = from === "fortio-deploy" ? 1 : times;
  const results: CallResult[] = [];
  while (results.length < times) {
    const n = Math.min(batch, times - results.length);
    // The client gives up on each request before the exec gives up on all of them.
    const timeoutMs = ctx.deadline.budget(n * perRequest * 1000 + 5000);
    const command = callCommand(from, { url, headers, timeoutSeconds: perRequest, times: n, curlArgs });
    const result = await cluster.exec({ deployment: from, container: clientContainers[from] }, command, timeoutMs);
    results.push(...parseCalls(from, result.stdout, n));
  }
  return results;
}

/**
 * How many access-log lines of each Deployment (of the app namespace, or `namespace`) carry the marker. Polls until each count reaches
 * its `atLeast` or the wait ends, then reads once more after a pause so late lines (retries) count.
 */
async function loggedCounts(ctx: ProbeContext, marker: string, atLeast: Record<string, number>, sinceSeconds: number, namespace?: string, targets: Record<string, PodTarget> = {}): Promise<Record<string, number>> {
  const cluster = await ctx.cluster();
  const read = async () => {
    const counts: Record<string, number> = {};
    for (const deployment of Object.keys(atLeast)) {
      const target = targets[deployment] ?? { deployment, container: accessLogContainer, ...(namespace && { namespace }) };
      const log = await cluster.logs(target, sinceSeconds, ctx.deadline.budget(ctx.timeoutMs));
      counts[deployment] = countMarked(log, marker);
    }
    return counts;
  };
  const waitUntil = performance.now() + Math.min(ctx.logWaitMs, ctx.deadline.remainingMs());
  let counts = await read();
  while (Object.entries(atLeast).some(([d, n]) => counts[d] < n) && performance.now() < waitUntil) {
    await sleep(Math.min(1000, ctx.logWaitMs / 4));
    counts = await read();
  }
  await sleep(Math.min(1000, ctx.logWaitMs / 4));
  return read();
}

/**
 * One GET from the client, marked with a query parameter of its own, and the lines of the client's
 * own sidecar log that carry the mark (polled until one shows or the log wait ends).
 */
export async function markedCallFromLog(ctx: ProbeContext, from: string, url: string, headers: Record<string, string> = {}): Promise<{ call: CallResult; lines: string[] }> {
  const cluster = await ctx.cluster();
  const marker = ctx.marker();
  const started = performance.now();
  const [call] = await callFrom(ctx, from, withQuery(url, "istio-lab-verify", marker), headers);
  const since = Math.ceil((performance.now() - started) / 1000) + 60;
  const read = async () =>
    (await cluster.logs({ deployment: from, container: accessLogContainer }, since, ctx.deadline.budget(ctx.timeoutMs))).split("\n").filter((line) => line.includes(marker));
  const waitUntil = performance.now() + Math.min(ctx.logWaitMs, ctx.deadline.remainingMs());
  let lines = await read();
  while (lines.length === 0 && performance.now() < waitUntil) {
    await sleep(Math.min(1000, ctx.logWaitMs / 4));
    lines = await read();
  }
  return { call, lines };
}

/**
 * One GET from the client, marked with a query parameter of its own, and how many access-log lines
 * of each Deployment (of the app namespace, or `namespace`) carry the mark: where it went, how often.
 * `targets` reads a name's log from other pods (a waypoint's: probes/evidence.ts).
 */
export async function markedCall(
  ctx: ProbeContext,
  from: string,
  url: string,
  atLeast: Record<string, number>,
  namespace?: string,
  targets?: Record<string, PodTarget>,
): Promise<{ call: CallResult; counts: Record<string, number> }> {
  const marker = ctx.marker();
  const started = performance.now();
  const [call] = await callFrom(ctx, from, withQuery(url, "istio-lab-verify", marker));
  // Back far enough to cover the call and a slow log, never the whole log.
  const since = Math.ceil((performance.now() - started) / 1000) + 60;
  return { call, counts: await loggedCounts(ctx, marker, atLeast, since, namespace, targets) };
}
