// RetriedProbe: one call, counted in the destination's access log.
import type { RetriedProbe } from "../../../catalog/scenarios/probes";
import { withQuery } from "../commands";
import { judgeCallStatus, judgeLoggedCount } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom, loggedCounts } from "./in-mesh";

export const retriedTitle = (probe: RetriedProbe) => `retries: ${probe.from} -> ${probe.url}`;

export async function runRetried(ctx: ProbeContext, probe: RetriedProbe): Promise<Check[]> {
  const marker = ctx.marker();
  const started = performance.now();
  const [call] = await callFrom(ctx, probe.from, withQuery(probe.url, "istio-lab-verify", marker));
  const since = Math.ceil((performance.now() - started) / 1000) + 60;
  const counts = await loggedCounts(ctx, marker, { [probe.loggedBy]: probe.requestsLogged }, since);
  return [judgeCallStatus(call.status, probe.status), judgeLoggedCount(probe.loggedBy, counts[probe.loggedBy], probe.requestsLogged)];
}
