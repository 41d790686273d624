// vitest's global setup, before any test file: the upstream reference files are where
// test/upstream-files.ts will look, each with its blob id, or the cache gets them now (once). When
// they cannot be had, vitest stops here with the one message saying how to get them: no test runs
// to fail on a missing file. npm test checks the same before it starts anything (tools/test.mjs);
// this covers vitest run on its own. Exiting, not throwing: vitest would frame a thrown error as
// an unhandled one and add "No test files found".
import * as path from "node:path";
import { ensureUpstream, UpstreamError } from "../../tools/lib/upstream.mjs";

export default async function setup(): Promise<void> {
  try {
    await ensureUpstream({ root: path.resolve(__dirname, "../.."), log: (line) => process.stdout.write(`upstream files: ${line}\n`) });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
