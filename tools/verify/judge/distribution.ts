// The reviews versions a run of page loads saw, against the shares the scenario routes.
import type { ReviewsVersion } from "../../../catalog/scenarios/probes";
import type { Check } from "../types";
import { percent } from "./format";
import { shareBound } from "./stats";

const versions: readonly ReviewsVersion[] = ["v1", "v2", "v3"];

/**
 * `seen` holds one entry per answer: the version it showed, or anything else (an error page, no
 * answer) when no version of `known` could be told. Every answer must show a version; each
 * version's share must lie within `shareBound` of its expected share (0 for unnamed versions).
 */
export function judgeShares(
  name: string,
  seen: readonly string[],
  known: readonly string[],
  expected: Readonly<Record<string, number | undefined>>,
  tolerance?: number,
): Check {
  const identified = seen.filter((v) => known.includes(v));
  const n = identified.length;
  const unidentified = seen.length - n;
  const shown = known.filter((v) => expected[v] !== undefined || identified.includes(v));
  const rows = shown.map((v) => {
    const want = expected[v] ?? 0;
    const bound = shareBound(want, n, tolerance);
    const got = n > 0 ? (100 * identified.filter((x) => x === v).length) / n : 0;
    return { v, want, bound, got, ok: n > 0 && Math.abs(got - want) <= bound + 1e-9 };
  });
  const expectedText = rows
    .map(({ v, want, bound }) => (bound === 0 ? `${v} ${want} %` : `${v} ${want} % +-${bound.toFixed(1)} (${Math.max(0, want - bound).toFixed(0)}-${Math.min(100, want + bound).toFixed(0)})`))
    .join(", ");
  const observedText = `${rows.map(({ v, got }) => `${v} ${percent(got)}`).join(", ")} of ${n}${unidentified ? `; ${unidentified} without a version` : ""}`;
  const check = { name, expected: `${expectedText}; every answer shows one`, observed: observedText };
  const pass = unidentified === 0 && rows.every((r) => r.ok);
  // A split is told apart from no split only when chance alone (the bound without the probe's
  // tolerance) keeps every weighted version's range off 0 % and 100 %: with fewer answers, traffic
  // that never splits would pass too (--requests 1 on 80/20).
  const conclusive = rows.every(({ want }) => {
    const chance = shareBound(want, n);
    return want <= 0 || want >= 100 || (want - chance > 0 && want + chance < 100);
  });
  if (pass && !conclusive) {
    return { ...check, observed: `${observedText}; too few answers to tell this split from none: raise --requests`, pass: false, inconclusive: true };
  }
  return { ...check, pass };
}

/** The reviews version each Bookinfo page showed (v1 no stars, v2 black, v3 red), against the routed shares. */
export function judgeReviews(seen: readonly string[], expected: Partial<Record<ReviewsVersion, number>>, tolerance?: number): Check {
  return judgeShares("reviews versions", seen, versions, expected, tolerance);
}
