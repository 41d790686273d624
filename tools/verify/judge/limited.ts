// Judging the rate-limit probe's sequence (tools/verify/scripts/rate-limit-sequence.sh): a limit
// reached, by the filter, then from a full bucket exactly the task's statuses.
import type { LimitedProbe } from "../../../catalog/scenarios/probes";
import type { Check } from "../types";

export interface LimitedAnswer {
  phase: "drain" | "task";
  /** null when no answer came (curl's 000). */
  status: number | null;
  /** The limit header's value, "" when absent. */
  header: string;
}

/** The script's lines; anything else it printed is ignored. */
export function parseLimited(stdout: string): LimitedAnswer[] {
  return stdout.split("\n").flatMap((line) => {
    const m = /^(drain|task) (\d{3}) ?(.*)$/.exec(line.trim());
    if (!m) return [];
    return [{ phase: m[1] as LimitedAnswer["phase"], status: m[2] === "000" ? null : Number(m[2]), header: m[3].trim() }];
  });
}

const show = (answers: readonly LimitedAnswer[]) => answers.map((a) => a.status ?? "none").join(", ") || "none";

/** The checks, in the order the sequence reaches them; without a limit reached the rest was never run. */
export function judgeLimited(answers: readonly LimitedAnswer[], probe: LimitedProbe): Check[] {
  const { maxTokens, fillSeconds } = probe.bucket;
  const of = (phase: LimitedAnswer["phase"]) => answers.filter((a) => a.phase === phase);
  const drain = of("drain");
  const drainLimit = 2 * maxTokens + 1;
  const checks: Check[] = [];
  const limited = drain.at(-1)?.status === 429;
  checks.push({
    name: "limit reached",
    expected: `a 429 within ${drainLimit} requests back to back (a bucket of ${maxTokens}, and one refill at most)`,
    observed: show(drain),
    failsOn: `no limit, or a bucket above ${2 * maxTokens} tokens (the task's earlier 10)`,
    pass: limited,
  });
  if (!limited) return checks;
  const unmarked = answers.filter((a) => a.status === 429 && a.header !== probe.header.value).length;
  checks.push({
    name: "limited by the filter",
    expected: `every 429 with ${probe.header.name}: ${probe.header.value}`,
    observed: unmarked ? `${unmarked} of ${answers.filter((a) => a.status === 429).length} without it` : `all ${answers.filter((a) => a.status === 429).length} with it`,
    failsOn: "a 429 from anything but the local rate limit filter (its response_headers_to_add)",
    pass: unmarked === 0,
  });
  const sequence = of("task");
  const matches = sequence.length === probe.expected.length && sequence.every((a, i) => a.status === probe.expected[i]);
  checks.push({
    name: "the task's sequence",
    expected: `${probe.expected.join(", ")} (a second apart, from a full bucket)`,
    observed: show(sequence),
    failsOn: `a bucket of other than ${maxTokens} tokens, or refilled faster than ${maxTokens} per ${fillSeconds} s (or slower than it, which leaves the bucket short)`,
    pass: matches,
  });
  return checks;
}
