// MirroredProbe: one call, answered by one Deployment and logged as a shadow copy by the others.
import type { MirroredProbe } from "../../../catalog/scenarios/probes";
import { withQuery } from "../commands";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom, loggedCounts } from "./in-mesh";

export const mirroredTitle = (probe: MirroredProbe) => `mirroring: ${probe.from} -> ${probe.url}`;

export async function runMirrored(ctx: ProbeContext, probe: MirroredProbe): Promise<Check[]> {
  const marker = ctx.marker();
  const started = performance.now();
  const [call] = await callFrom(ctx, probe.from, withQuery(probe.url, "istio-lab-verify", marker));
  const since = Math.ceil((performance.now() - started) / 1000) + 60;
  const watched = [probe.answeredBy, ...probe.alsoLoggedBy];
  const counts = await loggedCounts(ctx, marker, Object.fromEntries(watched.map((d) => [d, 1])), since);
  return [
    judgeCallStatus(call.status, "2xx"),
    judgeSeen(probe.answeredBy, counts[probe.answeredBy], "answered"),
    ...probe.alsoLoggedBy.map((d) => judgeSeen(d, counts[d], "mirrored")),
  ];
}
