// The node scripts under shellcheck and their bats suite (stubbed system commands, a fake root),
// run from here so that `npm test` covers them.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const scripts = path.join(root, "components/cluster/scripts");

// A bound for a hang, far above what a busy machine needs: no test here may depend on speed.
const hangBound = 600_000;

function run(cmd: string, args: string[]) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: hangBound });
  if (result.error) throw new Error(`${cmd} could not run (${result.error.message}); install it: apt-get install ${cmd}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("node scripts", () => {
  it("are clean under shellcheck, with the stub the bats suite runs them against", () => {
    const files = fs.readdirSync(scripts).filter((f) => f.endsWith(".sh")).map((f) => path.join("components/cluster/scripts", f));
    expect(files.length).toBeGreaterThan(5);
    // With the bats suite's stand-in for the commands they call.
    const { status, output } = run("shellcheck", [...files, "test/cluster/bats/stubs/fake", "test/cluster/bats/stubs/interrupt.bash"]);
    expect(status, output).toBe(0);
  });

  it("never pipe into write_file, whose failure would then end only a subshell (lib.sh)", () => {
    const piped = fs
      .readdirSync(scripts)
      .filter((f) => f.endsWith(".sh") && f !== "lib.sh")
      .filter((f) => {
        // A pipe may end one line and the command start the next.
        const text = fs.readFileSync(path.join(scripts, f), "utf8").replace(/\\\n|\|\s*\n/g, (m) => (m.startsWith("|") ? "| " : " "));
        return /\|\s*write_file\b/.test(text);
      });
    expect(piped).toEqual([]);
    expect("x |\n  write_file f 0644".replace(/\\\n|\|\s*\n/g, "| ")).toMatch(/\|\s*write_file\b/);
  });

  // interrupt.bats, the longest, runs from interrupt.test.ts: a file of its own runs beside these.
  const batsFiles = fs.readdirSync(path.join(root, "test/cluster/bats")).filter((f) => f.endsWith(".bats") && f !== "interrupt.bats");

  it.each(batsFiles)("pass the bats suite %s", { timeout: hangBound }, (file) => {
    const { status, output } = run("bats", [path.join("test/cluster/bats", file)]);
    expect(status, output).toBe(0);
    expect(output).not.toMatch(/^not ok/m);
    expect(output).not.toMatch(/# skip/);
  });
});
