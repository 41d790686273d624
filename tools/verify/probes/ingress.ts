// IngressProbe: one request through the gateway with a Host header.
import type { IngressProbe } from "../../../catalog/scenarios/probes";
import { judgeStatus } from "../judge/answers";
import { HttpError, type Check } from "../types";
import { hostInLab } from "../../../catalog/lab-host";
import { gatewayHeaders, gatewayPath, type ProbeContext } from "./context";

export const ingressTitle = (probe: IngressProbe) =>
  `ingress GET ${probe.path}${probe.host ? `, Host: ${probe.host}` : ""}${probe.sending ? `, ${probe.sending}` : Object.keys(probe.headers ?? {}).map((k) => `, ${k}: ...`).join("")}`;

export async function runIngress(ctx: ProbeContext, probe: IngressProbe): Promise<Check[]> {
  const timeoutMs = ctx.deadline.budget(ctx.timeoutMs);
  try {
    const res = await ctx.http.request({ url: gatewayPath(ctx.gatewayUrl, probe.path), headers: gatewayHeaders(ctx, { ...(probe.host && { host: ctx.host ? hostInLab(probe.host, ctx.host) : probe.host }), ...probe.headers }), timeoutMs });
    return [{ ...judgeStatus([res], probe.status), expected: String(probe.status) }];
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return [{ ...judgeStatus([{ status: null, seconds: error.seconds }], probe.status), expected: String(probe.status), observed: `no answer (${error.message})` }];
  }
}
