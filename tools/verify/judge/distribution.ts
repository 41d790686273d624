// The versions a run of answers saw, against the shares the scenario routes: exact binomial regions
// at the stated rates (catalog/scenarios/statistics.ts), never a band wide enough to hide a version
// that gets nothing.
import type { ReviewsVersion } from "../../../catalog/scenarios/probes";
import { acceptanceRegion, alternatives, answersNeeded, rates, sharesText, type Shares } from "../../../catalog/scenarios/statistics";
import type { Check } from "../types";
import { percent } from "./format";

const versions: readonly ReviewsVersion[] = ["v1", "v2", "v3"];

/**
 * `seen` holds one entry per answer: the version it showed, or anything else (an error page, no
 * answer) when no version of `known` could be told. Every answer must show a version; each
 * version's count must lie in its exact binomial range (only 0 for a version the route never names,
 * only all for a version routed 100 %). The check passes only when the count of answers also makes
 * the nearest wrong behaviours fail it at the stated rate; with fewer it is inconclusive, never a pass.
 */
export function judgeShares(name: string, seen: readonly string[], known: readonly string[], expected: Shares, previous?: Shares): Check {
  const identified = seen.filter((v) => known.includes(v));
  const n = identified.length;
  const unidentified = seen.length - n;
  const shown = known.filter((v) => expected[v] !== undefined || identified.includes(v));
  const region = acceptanceRegion(n, expected, known);
  const count = (v: string) => identified.filter((x) => x === v).length;
  const inRange = (v: string) => count(v) >= region[v].lo && count(v) <= region[v].hi;
  const expectedText = `${sharesText(expected)}; every answer shows one`;
  const observedText = `${shown.map((v) => `${v} ${percent(n > 0 ? (100 * count(v)) / n : 0)}`).join(", ")} of ${n}${unidentified ? `; ${unidentified} without a version` : ""}`;
  const ranges = known
    .filter((v) => (expected[v] ?? 0) > 0)
    .map((v) => {
      const { lo, hi } = region[v];
      return lo === hi ? `${v} not ${lo} of ${n}` : `${v} outside ${lo}-${hi} of ${n}`;
    });
  const unnamed = known.filter((v) => (expected[v] ?? 0) === 0);
  const failsOn = [...ranges, ...(unnamed.length ? [`any ${unnamed.join("/")}`] : []), "an answer without a version"].join("; ");
  const wrong = alternatives(n, expected, known, previous);
  const refuses = `so ${wrong.map((a) => a.name).join(", ")} fail${wrong.length === 1 ? "s" : ""} it (each passes at most ${rates.falsePass})`;
  const check = { name, expected: expectedText, observed: observedText, failsOn: wrong.length ? `${failsOn}; ${refuses}` : failsOn };
  const pass = n > 0 && unidentified === 0 && known.every(inRange);
  const weak = wrong.filter((a) => a.passChance > rates.falsePass);
  if (pass && weak.length > 0) {
    const needed = answersNeeded(expected, previous, known);
    return {
      ...check,
      observed: `${observedText}; too few answers to tell this from ${weak.map((a) => a.name).join(", ")} (${needed} needed): raise --requests`,
      pass: false,
      inconclusive: true,
    };
  }
  return { ...check, pass };
}

/** The reviews version each Bookinfo page showed (v1 no stars, v2 black, v3 red), against the routed shares. */
export function judgeReviews(seen: readonly string[], expected: Partial<Record<ReviewsVersion, number>>, previous?: Partial<Record<ReviewsVersion, number>>): Check {
  return judgeShares("reviews versions", seen, versions, expected, previous);
}
