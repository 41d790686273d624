// VersionsProbe: GETs through the ingress gateway to one of your own services (scenario custom),
// each answer's version read from the header or body pattern the service declares.
import type { VersionsProbe } from "../../../catalog/scenarios/probes";
import { judgeStatus, type Answer } from "../judge/answers";
import { judgeShares } from "../judge/distribution";
import { HttpError, type Check } from "../types";
import { gatewayHeaders, gatewayPath, type ProbeContext } from "./context";
import { pageConcurrency, pool } from "./productpage";

export const versionsTitle = (probe: VersionsProbe, n: number) => `${probe.service} x${n} through the gateway, ${probe.path}`;

/** The version an answer names by the service's marker, or "" when it names none. */
export function versionOf(marker: VersionsProbe["marker"], headers: Record<string, string | string[] | undefined>, body: string): string {
  if ("header" in marker) {
    const value = headers[marker.header.toLowerCase()];
    return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
  }
  return new RegExp(marker.body).exec(body)?.[1] ?? "";
}

export async function runVersions(ctx: ProbeContext, probe: VersionsProbe): Promise<Check[]> {
  const n = ctx.requests ?? probe.requests;
  ctx.progress.start(versionsTitle(probe, n), n);
  try {
    const answers = await pool(n, pageConcurrency, async (): Promise<Answer & { version: string }> => {
      try {
        const res = await ctx.http.request({ url: gatewayPath(ctx.gatewayUrl, probe.path), headers: gatewayHeaders(ctx), timeoutMs: ctx.deadline.budget(ctx.timeoutMs) });
        return { status: res.status, seconds: res.seconds, version: res.status === 200 ? versionOf(probe.marker, res.headers, res.body) : "" };
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return { status: null, seconds: error.seconds, version: "" };
      } finally {
        ctx.progress.tick();
      }
    });
    return [judgeStatus(answers, 200), judgeShares(`${probe.service} versions`, answers.map((a) => a.version), probe.versions, probe.expected, probe.previous)];
  } finally {
    ctx.progress.done();
  }
}
