// StickyProbe: several key values, each sent repeatedly; each must always reach the same pod.
import type { StickyProbe } from "../../../catalog/scenarios/probes";
import { keyedCall, podOf } from "../commands";
import { judgeSticky, type KeyedAnswers } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom } from "./in-mesh";

const keyText = (probe: StickyProbe) =>
  "header" in probe.key ? `header ${probe.key.header}` : "cookie" in probe.key ? `cookie ${probe.key.cookie}` : "query" in probe.key ? `query ${probe.key.query}` : "source IP";

export const stickyTitle = (probe: StickyProbe) => `sticky: ${probe.from} -> ${probe.url} by ${keyText(probe)}`;

export async function runSticky(ctx: ProbeContext, probe: StickyProbe): Promise<Check[]> {
  // Every call from one pod has one source address: one key value is all the client can send.
  const keys = "sourceIp" in probe.key ? 1 : probe.keys;
  ctx.progress.start(stickyTitle(probe), keys * probe.requestsPerKey);
  const answers: KeyedAnswers[] = [];
  try {
    for (let k = 0; k < keys; k++) {
      const value = "sourceIp" in probe.key ? "source address of the client pod" : `istio-lab-verify-${k + 1}`;
      const { url, headers } = keyedCall(probe.url, probe.key, value);
      const calls = await callFrom(ctx, probe.from, url, headers, probe.requestsPerKey);
      answers.push({ key: value, pods: calls.map((c) => (c.status === 200 ? podOf(c.body) : null)) });
      for (let i = 0; i < calls.length; i++) ctx.progress.tick();
    }
  } finally {
    ctx.progress.done();
  }
  return [judgeSticky(answers)];
}
