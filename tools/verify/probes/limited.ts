// LimitedProbe: the rate-limit task's sequence, from one exec of a script in the client's container.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LimitedProbe } from "../../../catalog/scenarios/probes";
import { clientContainers } from "../commands";
import { judgeLimited, parseLimited } from "../judge/limited";
import type { Check } from "../types";
import type { ProbeContext } from "./context";

const script = () => fs.readFileSync(path.join(__dirname, "../scripts/rate-limit-sequence.sh"), "utf8");

export const limitedTitle = (probe: LimitedProbe) => `rate limit: ${probe.url} from ${probe.from}, bucket ${probe.bucket.maxTokens} per ${probe.bucket.fillSeconds} s`;

/** The script's command line: every count from the probe, never from --requests. */
export function limitedCommand(probe: LimitedProbe, secondsPerRequest: number): string[] {
  const { maxTokens, fillSeconds } = probe.bucket;
  return ["sh", "-c", script(), "rate-limit", probe.url, String(maxTokens), String(fillSeconds), probe.header.name, String(probe.expected.length), String(secondsPerRequest)];
}

export async function runLimited(ctx: ProbeContext, probe: LimitedProbe): Promise<Check[]> {
  const cluster = await ctx.cluster();
  const perRequest = Math.max(1, Math.floor(ctx.timeoutMs / 1000) - 1);
  const { maxTokens, fillSeconds } = probe.bucket;
  // Every request may take its timeout; the wait for a full bucket and a second between the task's requests come on top.
  const requests = 2 * maxTokens + 1 + probe.expected.length;
  const timeoutMs = ctx.deadline.budget((requests * (perRequest + 1) + fillSeconds + 1 + 10) * 1000);
  ctx.progress.start(limitedTitle(probe), 1);
  try {
    const result = await cluster.exec({ deployment: probe.from, container: clientContainers[probe.from] }, limitedCommand(probe, perRequest), timeoutMs);
    const answers = parseLimited(result.stdout);
    if (answers.length === 0) {
      return [{ name: "rate-limit run", expected: "one line per request", observed: `nothing; exit ${result.exitCode}; ${result.stderr.trim().slice(-200)}`, pass: false }];
    }
    return judgeLimited(answers, probe);
  } finally {
    ctx.progress.tick();
    ctx.progress.done();
  }
}
