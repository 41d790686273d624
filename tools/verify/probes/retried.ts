// RetriedProbe: one call, counted in the destination's access log.
import type { RetriedProbe } from "../../../catalog/scenarios/probes";
import { judgeCallStatus, judgeLoggedCount } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { markedCall } from "./in-mesh";

export const retriedTitle = (probe: RetriedProbe) => `retries: ${probe.from} -> ${probe.url}`;

export async function runRetried(ctx: ProbeContext, probe: RetriedProbe): Promise<Check[]> {
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [probe.loggedBy]: probe.requestsLogged });
  return [judgeCallStatus(call.status, probe.status), judgeLoggedCount(probe.loggedBy, counts[probe.loggedBy], probe.requestsLogged)];
}
