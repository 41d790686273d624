// Judgements over a batch of HTTP answers: status codes, latency, page text, status-code shares.
import type { Range } from "../../../catalog/scenarios/probes";
import type { Check } from "../types";
import { percent, range, secs, tally, within } from "./format";

/** An answer, or `null` status when none came (refused, reset, timed out). */
export interface Answer {
  status: number | null;
  seconds: number;
}

const statusText = (s: number | null) => (s === null ? "no answer" : String(s));

/** Every answer has the expected status. */
export function judgeStatus(answers: readonly Answer[], expected: number): Check {
  return {
    name: "status",
    expected: `${expected} for all ${answers.length}`,
    observed: tally(answers.map((a) => statusText(a.status))),
    failsOn: `one answer other than ${expected}, or none`,
    pass: answers.length > 0 && answers.every((a) => a.status === expected),
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Every answer's time within the range; an answer that never came counts with the time waited. */
export function judgeLatency(answers: readonly Answer[], bounds: Range): Check {
  const times = answers.map((a) => a.seconds).sort((a, b) => a - b);
  const outside = times.filter((t) => !within(t, bounds)).length;
  return {
    name: "latency",
    expected: `${range(bounds, " s")} each`,
    observed: times.length
      ? `min ${secs(times[0])}, median ${secs(median(times))}, max ${secs(times.at(-1)!)}${outside ? `; ${outside} outside` : ""}`
      : "no answers",
    failsOn: "one answer outside the range",
    pass: times.length > 0 && outside === 0,
  };
}

/** Every page contains the text. `found[i]` says whether answer i did. */
export function judgeContains(text: string, found: readonly boolean[]): Check {
  const hits = found.filter(Boolean).length;
  return {
    name: `contains "${text.length > 48 ? `${text.slice(0, 45)}...` : text}"`,
    expected: `all ${found.length}`,
    observed: `${hits} of ${found.length}`,
    failsOn: "one page without it",
    pass: found.length > 0 && hits === found.length,
  };
}

/** No page contains the text (an error a failed call behind the page shows). `found[i]` says whether answer i did. */
export function judgeLacks(text: string, found: readonly boolean[]): Check {
  const hits = found.filter(Boolean).length;
  return {
    name: `never "${text.length > 48 ? `${text.slice(0, 45)}...` : text}"`,
    expected: `none of ${found.length}`,
    observed: `${hits} of ${found.length}`,
    failsOn: "one page with it",
    pass: found.length > 0 && hits === 0,
  };
}

/**
 * The share of each status code among all `total` answers (fortio's RetCodes, where -1 counts
 * connection errors) within its range, in percent.
 */
export function judgeStatusShares(retCodes: Readonly<Record<string, number>>, shares: Partial<Record<number, Range>>): Check[] {
  const total = Object.values(retCodes).reduce((s, n) => s + n, 0);
  const all = tally(Object.entries(retCodes).flatMap(([code, n]) => Array<string>(n).fill(code === "-1" ? "error" : code)));
  return Object.entries(shares).map(([code, bounds]) => {
    const count = retCodes[code] ?? 0;
    const share = total > 0 ? (100 * count) / total : 0;
    return {
      name: `${code} share`,
      expected: range(bounds!, " %"),
      observed: `${percent(share)} (${count} of ${total}: ${all})`,
      failsOn: `a share outside ${range(bounds!, " %")}`,
      pass: total > 0 && within(share, bounds!),
    };
  });
}
