// MirroredProbe: one call, answered by one Deployment and logged as a shadow copy by the others; in
// ambient mode, where a waypoint serves the destination, seen in the waypoint's log and counters.
import type { MirroredProbe } from "../../../catalog/scenarios/probes";
import { judgeWaypointMirror } from "../judge/ambient";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { recorderOf, waypointCounter } from "./evidence";
import { markedCall } from "./in-mesh";

export const mirroredTitle = (probe: MirroredProbe) => `mirroring: ${probe.from} -> ${probe.url}`;

export async function runMirrored(ctx: ProbeContext, probe: MirroredProbe): Promise<Check[]> {
  const recorder = await recorderOf(ctx, probe.url);
  if (recorder.kind === "waypoint") {
    const name = recorder.target.deployment;
    const before = await waypointCounter(ctx, recorder, "upstream_rq_total", true);
    const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [name]: 1 }, undefined, { [name]: recorder.target });
    const sent = (await waypointCounter(ctx, recorder, "upstream_rq_total", true)) - before;
    return [judgeCallStatus(call.status, "2xx"), ...judgeWaypointMirror(`${recorder.waypoint.namespace}/${name}`, counts[name], sent, probe.alsoLoggedBy.length)];
  }
  const watched = [probe.answeredBy, ...probe.alsoLoggedBy];
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, Object.fromEntries(watched.map((d) => [d, 1])));
  return [
    judgeCallStatus(call.status, "2xx"),
    judgeSeen(probe.answeredBy, counts[probe.answeredBy], "answered"),
    ...probe.alsoLoggedBy.map((d) => judgeSeen(d, counts[d], "mirrored")),
  ];
}
