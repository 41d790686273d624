// A fresh clone stands on its own: the repository cloned into an empty folder with no ../shared
// beside it finds the upstream files through ISTIO_LAB_UPSTREAM alone, and without any of them its
// tests stop with the one message and exit 1.
//
// What it proves: a `git clone` of HEAD, with this checkout's uncommitted edits of tracked files
// laid over it (so, the commit about to be made; an untracked file is missing there as it would be
// from the commit), holds everything the tests' upstream lookup needs: the list, the resolver, the
// global setup and npm test's check. With ISTIO_LAB_UPSTREAM naming the files (and the cache empty,
// downloads refused), vitest's global setup accepts them and tests that read them pass. With none
// (no variable, no ../shared, an empty cache, every download refused by a stand-in for GitHub on
// 127.0.0.1), `node tools/test.mjs` (package.json's `test`) prints the one message, to stderr, and
// exits 1 before starting the type check, the lint or vitest (it leaves no cache of theirs), and
// vitest on its own stops likewise in its global setup.
// What it does not: npm ci (node_modules are this checkout's, linked entry by entry, their caches
// left out), the whole suite in the clone (test/upstream/files.test.ts and jwt.test.ts there: the
// rest reads files the same way), nor a real download from GitHub (CI's first run makes one).
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createServer } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadSummary, locateUpstream, manifestPath, readManifest } from "../../tools/lib/upstream.mjs";

const root = path.resolve(__dirname, "../..");
// A bound for a hang only: no test may depend on speed.
const hangBound = 300_000;

/** Runs a command to its end without blocking this process (the stand-in answers meanwhile). */
function run(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0], args.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

describe("a fresh clone of the repository", () => {
  let base: string;
  let clone: string;
  let refusing: ReturnType<typeof createServer>;
  /** The environment of a reader's shell, without this run's upstream variables or vitest's own. */
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-clone-"));
    clone = path.join(base, "istio-lab");
    execFileSync("git", ["clone", "--quiet", "--shared", root, clone], { stdio: "pipe" });
    // This checkout's edits of tracked files (staged or not), as the commit about to be made has them.
    const edited = execFileSync("git", ["diff", "--name-only", "--no-renames", "-z", "HEAD"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of edited) {
      if (fs.existsSync(path.join(root, file))) {
        fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(clone, file));
      } else fs.rmSync(path.join(clone, file), { force: true });
    }
    fs.mkdirSync(path.join(clone, "node_modules"));
    for (const entry of fs.readdirSync(path.join(root, "node_modules"))) {
      if (![".cache", ".vite", ".vite-temp", ".vitest"].includes(entry)) fs.symlinkSync(path.join(root, "node_modules", entry), path.join(clone, "node_modules", entry));
    }
    refusing = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISTIO_LAB_UPSTREAM|VITEST)/.test(key)));
    env.XDG_CACHE_HOME = path.join(base, "cache");
    env.ISTIO_LAB_UPSTREAM_URL = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
  }, hangBound);

  afterAll(() => {
    refusing?.close();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it("has no ../shared beside it, and no upstream file of its own", () => {
    expect(fs.existsSync(path.join(clone, "..", "shared"))).toBe(false);
    expect(execFileSync("git", ["ls-files"], { cwd: clone, encoding: "utf8" })).not.toMatch(/(^|\/)(kube-flannel\.yml|snips\.sh)$/m);
  });

  it("runs tests that read the upstream files with ISTIO_LAB_UPSTREAM naming them, and nothing else", { timeout: hangBound }, async () => {
    const files = locateUpstream({ root }).dir;
    const vitest = ["node", "node_modules/vitest/vitest.mjs", "run", "--maxWorkers=1", "test/upstream/files.test.ts", "test/upstream/jwt.test.ts"];
    const { code, stdout, stderr } = await run(clone, vitest, { ...env, ISTIO_LAB_UPSTREAM: files });
    expect(code, plain(stdout + stderr)).toBe(0);
    expect(plain(stdout)).toMatch(/Test Files {2}2 passed \(2\)/);
    expect(fs.existsSync(env.XDG_CACHE_HOME!)).toBe(false);
  });

  it("stops npm test with one message and exit 1 when it has none of them, before any check starts", { timeout: hangBound }, async () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(clone, "package.json"), "utf8"));
    expect(scripts.test).toBe("node tools/test.mjs");
    const manifest = readManifest(path.join(clone, manifestPath));
    const count = manifest.files.length;
    const cache = path.join(env.XDG_CACHE_HOME!, "istio-lab/upstream");
    const { code, stdout, stderr } = await run(clone, ["node", "tools/test.mjs"], env);
    expect(code).toBe(1);
    expect(stdout).toBe(`> upstream files: downloading ${count} of the ${count} upstream files into ${cache} (once): ${downloadSummary(manifest, env.ISTIO_LAB_UPSTREAM_URL)}\n`);
    const lines = stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(`The tests compare the program with ${count} upstream files (.ci/upstream-files.tsv) and cannot find them:`);
    expect(lines.slice(1, 3)).toEqual(["  - ISTIO_LAB_UPSTREAM is not set;", `  - there is no ${path.join(base, "shared", "upstream")} beside the checkout;`]);
    expect(lines[3]).toMatch(/^ {2}- the cache .* holds 0 of them, and downloading the rest failed: could not download http:\/\/127\.0\.0\.1:\d+\/\S+: HTTP 404$/);
    expect(lines.at(-1)).toContain(`the first run downloads ${downloadSummary(manifest, env.ISTIO_LAB_UPSTREAM_URL)} into ${cache}`);
    expect(lines).toHaveLength(8);
    expect(stderr).not.toMatch(/ENOENT|at .*\.mjs:\d+/);
    // Neither check started: npm test makes their cache folder first thing.
    expect(fs.existsSync(path.join(clone, "node_modules/.cache"))).toBe(false);
    // And nothing of the refused downloads is left.
    const left = fs.existsSync(cache) ? (fs.readdirSync(cache, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => !e.isDirectory()) : [];
    expect(left).toEqual([]);
  });

  it("stops vitest run on its own in the global setup, with the same message and no test run", { timeout: hangBound }, async () => {
    const { code, stdout, stderr } = await run(clone, ["node", "node_modules/vitest/vitest.mjs", "run", "test/upstream/jwt.test.ts"], env);
    expect(code).toBe(1);
    expect(plain(stderr).trimEnd().split("\n")[0]).toMatch(/^The tests compare the program with \d+ upstream files \(\.ci\/upstream-files\.tsv\) and cannot find them:$/);
    expect(plain(stdout + stderr)).not.toMatch(/ENOENT|Test Files|✓|×|Unhandled/);
  });
});
