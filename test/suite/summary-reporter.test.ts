// The summary line CI reads: a file that fails to load must count as failed.
import { describe, expect, it, vi } from "vitest";
import type { TestModule } from "vitest/node";
import SummaryReporter from "../summary-reporter";

const module = (state: string, tests: string[]) =>
  ({ state: () => state, children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) } }) as unknown as TestModule;

function summary(modules: TestModule[]): string {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  new SummaryReporter().onTestRunEnd(modules);
  const line = String(log.mock.calls.at(-1)?.[0]).trim();
  log.mockRestore();
  return line;
}

describe("the summary line", () => {
  it("counts tests by their result", () => {
    expect(summary([module("passed", ["passed", "passed"]), module("failed", ["passed", "failed"])])).toBe("vitest: 3 passed, 1 failed");
  });

  it("counts a file that failed to load, which has no tests, as a failure", () => {
    expect(summary([module("passed", ["passed"]), module("failed", [])])).toBe("vitest: 1 passed, 1 failed (1 file failed to run)");
  });
});
