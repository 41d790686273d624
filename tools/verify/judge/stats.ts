// How far an observed share may stray from a weighted route's share before it is a finding.

/** Standard deviations of the binomial share allowed: a correct 3-way split fails by chance < 1 % of runs. */
export const sigmas = 3;

/**
 * The allowed deviation, in percentage points, of the share observed over `n` answers from an
 * expected share of `expectedPercent`. A weighted route picks each request independently, so the
 * count of one subset is Binomial(n, p) with standard deviation sqrt(n p (1 - p)), i.e.
 * 100 sqrt(p (1 - p) / n) percentage points of the share. The bound is `sigmas` of those, and never
 * tighter than the probe's own `tolerance`. A share of 0 or 100 % is routing, not chance: exact.
 *
 * At n = 100: 50/50 allows +-15 (35-65); 80/20 allows +-12, widened to the catalog's 15; 90/10 +-9.
 */
export function shareBound(expectedPercent: number, n: number, tolerance = 0): number {
  if (expectedPercent <= 0 || expectedPercent >= 100) return 0;
  if (n <= 0) return Infinity;
  const p = expectedPercent / 100;
  return Math.max(tolerance, sigmas * 100 * Math.sqrt((p * (1 - p)) / n));
}
