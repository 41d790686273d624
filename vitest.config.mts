import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime state is process-global: a fork runs one test file at a time, and each
    // render sets the mocks and the stack anew (tools/lib/mock-engine.ts), so two renders never meet.
    pool: "forks",
    // Both cores.
    maxWorkers: 2,
    // A fork is reused for the next file: the SDK, the program and memoised renders load once per
    // fork instead of once per file (measured: 90 s -> 62 s on this 2-core machine). The suite
    // also passes with --sequence.shuffle, so no file depends on another's leftovers.
    isolate: false,
    // Generous, so that a busy machine slows the suite down without failing it.
    testTimeout: 120_000,
    // Once, before any test file: the upstream reference files are there, or the cache gets them,
    // or vitest stops with one message saying how to get them (see the module).
    globalSetup: ["./test/upstream/global-setup.ts"],
    // Before any test file imports the SDK (see the module).
    setupFiles: ["./tools/lib/defer-closure-deps.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    // GitHub's workflow parser imports its JSON schemas the way bundlers allow and Node does not
    // (no `with { type: "json" }`): vite transforms it instead of Node loading it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
