// Ends the run with the plain `N passed, N failed` line that CI reads whatever the runner. A test
// file that fails to load (a syntax error, a throwing import) has no tests to count, so it counts
// as one failure of its own: a broken file must never leave the line at "0 failed".
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    let brokenFiles = 0;
    for (const module of modules) {
      const before = counts.failed;
      for (const test of module.children.allTests()) counts[test.result().state]++;
      if (module.state() === "failed" && counts.failed === before) brokenFiles++;
    }
    counts.failed += brokenFiles;
    const skipped = counts.skipped + counts.pending;
    const broken = brokenFiles ? ` (${brokenFiles} file${brokenFiles === 1 ? "" : "s"} failed to run)` : "";
    console.log(`\nvitest: ${counts.passed} passed, ${counts.failed} failed${skipped ? `, ${skipped} skipped` : ""}${broken}`);
  }
}
