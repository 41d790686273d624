// The CI scripts (.ci/) under shellcheck, and the ones with logic of their own under bats.
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { upstreamFile } from "../upstream-files";

const root = path.resolve(__dirname, "../..");
// A bound for a hang only: no test may depend on speed.
const hangBound = 300_000;
const run = (cmd: string, args: string[]) => {
  const result = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: hangBound });
  if (result.error) throw new Error(`${cmd} could not run (${result.error.message}); install it: apt-get install ${cmd}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

/** git's blob id of a file's bytes: sha1 of "blob <length>\0" and the bytes. */
const gitBlob = (bytes: Buffer) => crypto.createHash("sha1").update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes])).digest("hex");

describe("the upstream files' manifest (.ci/upstream-files.tsv)", () => {
  it("names every file the tests read, each with its true blob id and size", () => {
    const rows = fs.readFileSync(path.join(root, ".ci/upstream-files.tsv"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
    expect(rows.length).toBeGreaterThan(80);
    // The whole vSphere schema is downloaded only to be cut to the subset its made row names.
    const cutFrom = new Set(rows.filter(([, made]) => made.endsWith(".mjs")).map(([, , , from]) => from));
    for (const [local, , , , id, bytes] of rows) {
      if (cutFrom.has(local)) continue;
      const file = fs.readFileSync(upstreamFile(local));
      expect([gitBlob(file).slice(0, 12), file.length], local).toEqual([id, Number(bytes)]);
    }
  });
});

describe("CI scripts", () => {
  it("are clean under shellcheck, with their test stubs", () => {
    const files = [...fs.readdirSync(path.join(root, ".ci")).map((f) => `.ci/${f}`), ...fs.readdirSync(path.join(root, "test/ci/stubs")).map((f) => `test/ci/stubs/${f}`)];
    // The shell scripts: a bash shebang, or shellcheck's directive for a sourced file.
    const shell = files.filter((f) => /^(#!\/usr\/bin\/env bash|# shellcheck shell=bash)\n/.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(shell).toEqual(
      expect.arrayContaining([
        ".ci/run",
        ".ci/e2e",
        ".ci/e2e-drills",
        ".ci/pr-comment",
        ".ci/preview",
        ".ci/install-kind",
        ".ci/render-all",
        ".ci/use-node.sh",
        ".ci/fetch-upstream",
        "test/ci/stubs/e2e-world",
        "test/ci/stubs/gh",
        "test/ci/stubs/pulumi",
      ]),
    );
    // Every other file is one of the kinds that are no shell.
    for (const f of files.filter((f) => !shell.includes(f))) expect(f).toMatch(/\.(tsv|mjs|ts)$|^\.ci\/pulumi-version$/);
    const { status, output } = run("shellcheck", ["-x", ...shell]);
    expect(status, output).toBe(0);
  });

  it.each(fs.readdirSync(path.join(root, "test/ci")).filter((f) => f.endsWith(".bats")))("pass the bats suite %s", { timeout: hangBound }, (file) => {
    const { status, output } = run("bats", [path.join("test/ci", file)]);
    expect(status, output).toBe(0);
    expect(output).not.toMatch(/^not ok|# skip/m);
  });
});
