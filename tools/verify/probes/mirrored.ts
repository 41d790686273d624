// MirroredProbe: one call, answered by one Deployment and logged as a shadow copy by the others; in
// ambient mode, where a waypoint serves the destination, seen in the waypoint's log and counters.
import type { MirroredProbe } from "../../../catalog/scenarios/probes";
import { counterRise, judgeWaypointMirror } from "../judge/ambient";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { recorderOf, serviceHost, waypointStats } from "./evidence";
import { markedCall } from "./in-mesh";

export const mirroredTitle = (probe: MirroredProbe) => `mirroring: ${probe.from} -> ${probe.url}`;

export async function runMirrored(ctx: ProbeContext, probe: MirroredProbe): Promise<Check[]> {
  const recorder = await recorderOf(ctx, probe.url);
  if (recorder.kind === "waypoint") {
    const name = recorder.target.deployment;
    // The per-version Services the Gateway API form routes to are named as the Deployments
    // (catalog/scenarios/gateway-api.ts: a subset's backendRef is `<host>-<subset>`, the Deployment
    // `<app>-<version>`): the waypoint's clusters for httpbin-v1 and httpbin-v2 are theirs.
    const destination = (deployment: string, before: Record<string, string>, after: Record<string, string>) => {
      const host = serviceHost(ctx, probe.url, deployment);
      return { deployment, host, sent: counterRise(before, after, host, "upstream_rq_total") };
    };
    const before = await waypointStats(ctx, recorder, "upstream_rq_total");
    const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [name]: 1 }, undefined, { [name]: recorder.target });
    const after = await waypointStats(ctx, recorder, "upstream_rq_total");
    return [
      judgeCallStatus(call.status, "2xx"),
      ...judgeWaypointMirror(
        `${recorder.waypoint.namespace}/${name}`,
        counts[name],
        destination(probe.answeredBy, before, after),
        probe.alsoLoggedBy.map((d) => destination(d, before, after)),
      ),
    ];
  }
  const watched = [probe.answeredBy, ...probe.alsoLoggedBy];
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, Object.fromEntries(watched.map((d) => [d, 1])));
  return [
    judgeCallStatus(call.status, "2xx"),
    judgeSeen(probe.answeredBy, counts[probe.answeredBy], "answered"),
    ...probe.alsoLoggedBy.map((d) => judgeSeen(d, counts[d], "mirrored")),
  ];
}
