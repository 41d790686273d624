// RetriedProbe: one call, counted in the destination's access log; in ambient mode, where a waypoint
// serves the destination, in the waypoint's log and its retry counter (probes/evidence.ts).
import type { RetriedProbe } from "../../../catalog/scenarios/probes";
import { judgeWaypointAttempts } from "../judge/ambient";
import { judgeCallStatus, judgeLoggedCount } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { recorderOf, waypointCounter } from "./evidence";
import { markedCall } from "./in-mesh";

export const retriedTitle = (probe: RetriedProbe) => `retries: ${probe.from} -> ${probe.url}`;

export async function runRetried(ctx: ProbeContext, probe: RetriedProbe): Promise<Check[]> {
  const recorder = await recorderOf(ctx, probe.url);
  if (recorder.kind === "waypoint") {
    const name = recorder.target.deployment;
    const before = await waypointCounter(ctx, recorder, "upstream_rq_retry");
    const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [name]: 1 }, undefined, { [name]: recorder.target });
    const retries = (await waypointCounter(ctx, recorder, "upstream_rq_retry")) - before;
    return [judgeCallStatus(call.status, probe.status), ...judgeWaypointAttempts(`${recorder.waypoint.namespace}/${name}`, counts[name], retries, probe.requestsLogged)];
  }
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [probe.loggedBy]: probe.requestsLogged });
  return [judgeCallStatus(call.status, probe.status), judgeLoggedCount(probe.loggedBy, counts[probe.loggedBy], probe.requestsLogged)];
}
