// How `npm run verify` tells a weighted route from the nearest wrong ones, and how many answers it
// needs to: exact binomial tails at stated error rates. The catalog takes each share probe's request
// count from here, and the verify tool judges with the same regions.

/**
 * The rates every share check keeps. A correct lab fails a check by chance at most `falseFail` of
 * runs; a lab doing the nearest wrong thing (a version that should get traffic getting none, all
 * traffic on one version, the scenario's previous step) passes it at most `falsePass` of runs.
 */
export const rates = { falseFail: 1e-3, falsePass: 1e-3 } as const;

/** Binomial(n, p) probabilities of 0..n, computed in log space (exact to float precision for n up to thousands). */
export function binomialPmf(n: number, p: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number >= 0, not ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be within 0-1, not ${p}`);
  if (p === 0) return Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 1 : 0));
  if (p === 1) return Array.from({ length: n + 1 }, (_, k) => (k === n ? 1 : 0));
  const out = new Array<number>(n + 1);
  const [lp, lq] = [Math.log(p), Math.log1p(-p)];
  let logChoose = 0; // log C(n, k), built up k by k
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    out[k] = Math.exp(logChoose + k * lp + (n - k) * lq);
  }
  return out;
}

/** P(lo <= K <= hi) for K ~ Binomial(n, p). */
export function binomialWithin(n: number, p: number, lo: number, hi: number): number {
  const pmf = binomialPmf(n, p);
  let sum = 0;
  for (let k = Math.max(0, lo); k <= Math.min(n, hi); k++) sum += pmf[k];
  return Math.min(1, sum);
}

/**
 * The counts of n answers a share p may show: the narrowest central range whose two tails each hold
 * at most `alpha / 2` (exact binomial). A share of 0 or 1 is routing, not chance: only 0 or n.
 */
export function acceptedCounts(n: number, p: number, alpha: number): { lo: number; hi: number } {
  if (p <= 0) return { lo: 0, hi: 0 };
  if (p >= 1) return { lo: n, hi: n };
  const pmf = binomialPmf(n, p);
  let lo = 0;
  for (let below = pmf[0]; lo < n && below <= alpha / 2; below += pmf[++lo]);
  let hi = n;
  for (let above = pmf[n]; hi > 0 && above <= alpha / 2; above += pmf[--hi]);
  return { lo, hi };
}

/** Percent per version (0-100); a version left out expects 0. */
export type Shares = Readonly<Record<string, number | undefined>>;

/** What a share check accepts over n answers: per version, the range of counts. */
export function acceptanceRegion(n: number, expected: Shares, versions: readonly string[]): Record<string, { lo: number; hi: number }> {
  const weighted = versions.filter((v) => (expected[v] ?? 0) > 0 && (expected[v] ?? 0) < 100);
  // Bonferroni: each weighted version's range misses a correct lab's count at most falseFail / m.
  const alpha = rates.falseFail / Math.max(1, weighted.length);
  return Object.fromEntries(versions.map((v) => [v, acceptedCounts(n, (expected[v] ?? 0) / 100, alpha)]));
}

/** One wrong behaviour a share check must refuse, and the largest chance it passes the check. */
export interface Alternative {
  name: string;
  passChance: number;
}

/**
 * The nearest wrong behaviours and the chance each would pass the region: a weighted version
 * getting none, all traffic on one version, no route at all (an even split) for a route to one
 * version, and the previous step's shares when given. A region's
 * chance under shares q is at most the smallest per-version chance (every range must hold).
 */
export function alternatives(n: number, expected: Shares, versions: readonly string[], previous?: Shares): Alternative[] {
  const region = acceptanceRegion(n, expected, versions);
  const named = versions.filter((v) => (expected[v] ?? 0) > 0);
  const chanceUnder = (q: Shares) => Math.min(...versions.map((v) => binomialWithin(n, (q[v] ?? 0) / 100, region[v].lo, region[v].hi)));
  const out: Alternative[] = [];
  for (const v of named.filter((x) => (expected[x] ?? 0) < 100)) out.push({ name: `no ${v}`, passChance: region[v].lo >= 1 ? 0 : 1 });
  if (named.length > 1) for (const v of named) out.push({ name: `all ${v}`, passChance: region[v].hi >= n ? 1 : 0 });
  // A route to one version against no route at all: the Service balancing evenly over every version
  // it has (Istio's default ROUND_ROBIN); a few answers, all from that version, could be either.
  const even: Shares = Object.fromEntries(versions.map((v) => [v, 100 / versions.length]));
  if (named.length === 1 && versions.length > 1) {
    out.push({ name: `no route (an even split over ${versions.join(", ")})`, passChance: chanceUnder(even) });
  }
  const same = previous && versions.every((v) => (previous[v] ?? 0) === (expected[v] ?? 0));
  if (previous && !same) out.push({ name: `the previous step (${sharesText(previous)})`, passChance: chanceUnder(previous) });
  return out;
}

export const sharesText = (shares: Shares) =>
  Object.entries(shares)
    .filter(([, p]) => p !== undefined && p > 0)
    .map(([v, p]) => `${v} ${p} %`)
    .join(", ");

/** Whether n answers can tell the expected shares from every nearest wrong one at the stated rate. */
export const conclusive = (n: number, expected: Shares, versions: readonly string[], previous?: Shares) =>
  n > 0 && alternatives(n, expected, versions, previous).every((a) => a.passChance <= rates.falsePass);

/**
 * The fewest answers, a multiple of 10, that tell the shares from the nearest wrong ones at the
 * stated rates: the request count of a share probe.
 */
export function answersNeeded(expected: Shares, previous?: Shares, versions: readonly string[] = [...new Set([...Object.keys(expected), ...Object.keys(previous ?? {})])]): number {
  for (let n = 10; n <= 10_000; n += 10) if (conclusive(n, expected, versions, previous)) return n;
  throw new Error(`no count up to 10000 tells ${sharesText(expected)} from its nearest wrong behaviours`);
}
