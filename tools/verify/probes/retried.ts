// RetriedProbe: one call, counted in the destination's access log; in ambient mode, where a waypoint
// serves the destination, in the waypoint's log and its retry counter (probes/evidence.ts).
import type { RetriedProbe } from "../../../catalog/scenarios/probes";
import { counterRise, judgeWaypointAttempts } from "../judge/ambient";
import { judgeCallStatus, judgeLoggedCount } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { recorderOf, waypointStats } from "./evidence";
import { markedCall } from "./in-mesh";

export const retriedTitle = (probe: RetriedProbe) => `retries: ${probe.from} -> ${probe.url}`;

export async function runRetried(ctx: ProbeContext, probe: RetriedProbe): Promise<Check[]> {
  const recorder = await recorderOf(ctx, probe.url);
  if (recorder.kind === "waypoint") {
    const name = recorder.target.deployment;
    // The retries of the Service the call names (loggedBy's, the route's only destination), over its inbound-vip or outbound clusters.
    const before = await waypointStats(ctx, recorder, "upstream_rq_retry");
    const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [name]: 1 }, undefined, { [name]: recorder.target });
    const retries = counterRise(before, await waypointStats(ctx, recorder, "upstream_rq_retry"), recorder.host, "upstream_rq_retry");
    return [judgeCallStatus(call.status, probe.status), ...judgeWaypointAttempts(`${recorder.waypoint.namespace}/${name}`, counts[name], { host: recorder.host, retries }, probe.requestsLogged)];
  }
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [probe.loggedBy]: probe.requestsLogged });
  return [judgeCallStatus(call.status, probe.status), judgeLoggedCount(probe.loggedBy, counts[probe.loggedBy], probe.requestsLogged)];
}
