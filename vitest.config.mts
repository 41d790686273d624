import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime state is process-global: one mock engine per test file.
    pool: "forks",
    // Both cores: each test file runs in its own fork, so the mock engines never meet.
    maxWorkers: 2,
    // Generous, so that a busy machine slows the suite down without failing it.
    testTimeout: 120_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
