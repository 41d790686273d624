// SharesProbe: GETs from a client inside the mesh, each answer's version read from its body, and
// the share of each version (which helloworld locality answered the locality tasks' requests).
import type { SharesProbe } from "../../../catalog/scenarios/probes";
import { judgeStatus } from "../judge/answers";
import { judgeShares } from "../judge/distribution";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom } from "./in-mesh";

export const sharesTitle = (probe: SharesProbe, n: number) => `shares: ${probe.from} -> ${probe.url} x${n}`;

export async function runShares(ctx: ProbeContext, probe: SharesProbe): Promise<Check[]> {
  const n = ctx.requests ?? probe.requests;
  const answers = await callFrom(ctx, probe.from, probe.url, {}, n);
  const pattern = new RegExp(probe.marker.body);
  const seen = answers.map((a) => (a.status === 200 ? (pattern.exec(a.body)?.[1] ?? "") : ""));
  // Durations are not judged here: an exec of many requests times them as one.
  return [judgeStatus(answers.map((a) => ({ status: a.status, seconds: 0 })), 200), judgeShares("answered by", seen, probe.versions, probe.expected, probe.previous)];
}
