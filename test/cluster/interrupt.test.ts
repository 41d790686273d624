// Every node step killed at every point between two of its commands, then run again
// (test/cluster/bats/interrupt.bats): a file of its own, so vitest runs it beside the other bats
// files (scripts.test.ts) rather than after them.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
// A bound for a hang, far above what a busy machine needs: no test here may depend on speed.
const hangBound = 600_000;

describe("node steps cut off anywhere", () => {
  it("converge when run again, each from every point it could have been killed at", { timeout: hangBound }, () => {
    const result = spawnSync("bats", ["test/cluster/bats/interrupt.bats"], { cwd: root, encoding: "utf8", timeout: hangBound });
    if (result.error) throw new Error(`bats could not run (${result.error.message}); install it: apt-get install bats`);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).not.toMatch(/^not ok/m);
    // Each scenario reports its points: a run that stopped counting would pass with none.
    expect(output.match(/killed at each of \d+ points/g)?.length, output).toBe(17);
  });
});
