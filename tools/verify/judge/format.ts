// How expected and observed values read in the report: short, unit-bearing, stable.
import type { Range } from "../../../catalog/scenarios/probes";

export const percent = (share: number) => `${Math.round(share * 10) / 10} %`;
export const secs = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;

/** `5-8`, `>= 10`, `<= 2` with the unit after it. */
export function range(r: Range, unit: string): string {
  if (r.min !== undefined && r.max !== undefined) return `${r.min}-${r.max}${unit}`;
  if (r.min !== undefined) return `>= ${r.min}${unit}`;
  if (r.max !== undefined) return `<= ${r.max}${unit}`;
  return "any";
}

export const within = (value: number, r: Range) => (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max);

/** `200 x18, 503 x2`: counts of each value, most frequent first. */
export function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, n]) => `${v} x${n}`).join(", ") || "nothing";
}
