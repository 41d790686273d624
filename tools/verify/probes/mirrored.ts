// MirroredProbe: one call, answered by one Deployment and logged as a shadow copy by the others.
import type { MirroredProbe } from "../../../catalog/scenarios/probes";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { markedCall } from "./in-mesh";

export const mirroredTitle = (probe: MirroredProbe) => `mirroring: ${probe.from} -> ${probe.url}`;

export async function runMirrored(ctx: ProbeContext, probe: MirroredProbe): Promise<Check[]> {
  const watched = [probe.answeredBy, ...probe.alsoLoggedBy];
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, Object.fromEntries(watched.map((d) => [d, 1])));
  return [
    judgeCallStatus(call.status, "2xx"),
    judgeSeen(probe.answeredBy, counts[probe.answeredBy], "answered"),
    ...probe.alsoLoggedBy.map((d) => judgeSeen(d, counts[d], "mirrored")),
  ];
}
