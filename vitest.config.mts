import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime state is process-global: one mock engine per test file.
    pool: "forks",
    testTimeout: 20_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
