// The verdict, for people (a table per probe) and for machines (one JSON document).
import type { Readiness } from "./readiness";
import type { ProbeResult } from "./types";

export interface RunInfo {
  scenario: string;
  namespace: string;
  gatewayUrl: string;
  source: string;
  seconds: number;
  /** The wait before the probes: served, not confirmed within its bound, or not checked (why). */
  readiness: Readiness | { checked: false; why: string };
}

/** The line before the probes: what was waited for, how long, or why not. */
export function readinessLine(r: RunInfo["readiness"]): string {
  if ("checked" in r) return `readiness not checked: ${r.why}`;
  return r.ready ? `ready after ${r.seconds.toFixed(1)} s: ${r.detail}` : `NOT CONFIRMED READY after ${r.seconds.toFixed(1)} s (judged anyway; a failure below may be a push still on its way): ${r.detail}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  const line = (r: string[]) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
}

export function summary(results: readonly ProbeResult[]): { checks: number; failed: number; inconclusive: number; errors: number } {
  const count = (which: (c: ProbeResult["checks"][number]) => boolean) => results.reduce((n, r) => n + r.checks.filter(which).length, 0);
  return {
    checks: count(() => true),
    failed: count((c) => !c.pass && !c.inconclusive),
    inconclusive: count((c) => c.inconclusive === true),
    errors: results.filter((r) => r.error !== undefined).length,
  };
}

export function formatText(info: RunInfo, results: readonly ProbeResult[]): string {
  const out = [`scenario ${info.scenario} in namespace ${info.namespace}, gateway ${info.gatewayUrl} (from ${info.source})`, readinessLine(info.readiness), ""];
  for (const r of results) {
    out.push(r.probe);
    if (r.error !== undefined) out.push(`  ERROR  ${r.error}`);
    else {
      out.push(...table([["check", "expected", "observed", "result"], ...r.checks.map((c) => [c.name, c.expected, c.observed, c.pass ? "PASS" : c.inconclusive ? "INCONCLUSIVE" : "FAIL"])]).map((l) => `  ${l}`));
      // What each check refuses: the observations that would have failed it.
      for (const c of r.checks.filter((x) => x.failsOn)) out.push(`    ${c.name} fails on: ${c.failsOn}`);
    }
    out.push("");
  }
  const s = summary(results);
  const verdict = s.errors > 0 ? "ERROR" : s.failed > 0 ? "FAIL" : s.inconclusive > 0 ? "INCONCLUSIVE" : "PASS";
  const passed = s.checks - s.failed - s.inconclusive;
  out.push(
    `${verdict}: ${passed} of ${s.checks} checks passed${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ""}${s.errors ? `, ${s.errors} probe${s.errors > 1 ? "s" : ""} could not run` : ""} in ${info.seconds.toFixed(1)} s`,
  );
  return `${out.join("\n")}\n`;
}

export function formatJson(info: RunInfo, results: readonly ProbeResult[], exitCode: number): string {
  const s = summary(results);
  return `${JSON.stringify({ ...info, ok: exitCode === 0, exitCode, ...s, probes: results }, null, 2)}\n`;
}

/** What `--json` prints when nothing could be judged (usage error, unreachable lab). */
export function formatJsonError(message: string, exitCode: number): string {
  return `${JSON.stringify({ ok: false, exitCode, error: message, probes: [] }, null, 2)}\n`;
}
