// `npm test`: the type check, the lint and the vitest suite, all at once. The suite's two forks
// leave a core idle at moments (a spawned process awaited, a probe's timer), which the checks fill:
// it matters on a fresh checkout or a change, when they take 9 s and 5 s. vitest's output streams
// as it comes; each check's output is printed whole once everything has ended, and any failure
// fails the command. Arguments go to vitest (`npm test -- test/mesh`).
// Before anything starts: the upstream reference files the tests read (tools/lib/upstream.mjs:
// in the order docs/development.md gives, the cache downloaded on the first run). When
// they cannot be had, one message says how to get them and npm test exits 1 at once, rather than
// type-checking, linting and failing dozens of tests on missing files.
// The checks are package.json's `typecheck` and `lint`, run here without npm. Both keep what they
// learnt under node_modules/.cache/istio-lab, which `npm ci` empties with the rest:
// - tsc --build (tsconfig.check.json: no output, incremental) finds an unchanged project up to date
//   from its files' times and hashes without parsing the 2,800 files of its program: 0.3 s instead
//   of the 5 s an incremental `tsc --noEmit` takes, 9 s on a change. Like any tsc --build, it
//   trusts a file older than its last check: one saved while that check ran is looked at again only
//   once it or another file changes (CI starts from no cache, and so checks everything);
// - ESLint, 1 s instead of 5. It may cache per file because no rule here reads types
//   (typescript-eslint's `recommended`, not `recommended-type-checked`); by `content`, because a
//   checkout changes every file's mtime.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureUpstream, UpstreamError } from "./lib/upstream.mjs";

/**
 * Empties `cacheDir` when one of `sources` changed after the caches were made (or is missing), so
 * that neither check trusts what it learnt from something else:
 * - node_modules/.package-lock.json, npm's hidden lockfile, which npm rewrites whenever it changes
 *   node_modules: tsc --build's up-to-date test reads only the project's own files and configs
 *   (TypeScript's getUpToDateStatusWorker), and ESLint's cache is keyed by the config, not by the
 *   plugins' code;
 * - the TypeScript configs: with noEmit, tsc --build never advances an unchanged buildinfo's time
 *   (updateOutputTimestampsWorker returns early), so a config newer than it would rebuild forever.
 * Returns whether it emptied the folder.
 */
export function dropStaleCaches(cacheDir, sources) {
  const stamp = `${cacheDir}/.made-after`;
  const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  const made = mtime(stamp) ?? -Infinity;
  if (sources.every((source) => (mtime(source) ?? Infinity) < made)) return false;
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(stamp, "");
  return true;
}

/** Where both checks keep their caches, and what they are built from (see dropStaleCaches). */
export const checkCaches = { dir: "node_modules/.cache/istio-lab", sources: ["node_modules/.package-lock.json", "tsconfig.json", "tsconfig.check.json"] };

/** Runs one Node tool in `cwd`; `quiet` keeps its output for the end. */
function runTool(cwd, bin, args, quiet) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: 1, output: `${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }));
  });
}

/**
 * npm test in the project at `root`, `args` going to vitest; returns the exit code. A test gives
 * its own `run` (the tools) and `write` (standard output).
 */
export async function testCommand({ root, args = [], run = runTool, write = (text) => process.stdout.write(text) }) {
  const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const bins = { tsc: "node_modules/typescript/bin/tsc", eslint: "node_modules/eslint/bin/eslint.js" };
  const checks = ["typecheck", "lint"].map((name) => {
    const [tool, ...toolArgs] = scripts[name].split(" ");
    if (!bins[tool]) throw new Error(`package.json's "${name}" script must start with ${Object.keys(bins).join(" or ")}: ${scripts[name]}`);
    return [name, bins[tool], toolArgs];
  });
  dropStaleCaches(path.join(root, checkCaches.dir), checkCaches.sources.map((source) => path.join(root, source)));
  const [suite, ...results] = await Promise.all([
    run(root, "node_modules/vitest/vitest.mjs", ["run", ...args], false),
    ...checks.map(([, bin, toolArgs]) => run(root, bin, toolArgs, true)),
  ]);
  const verdict = (code) => (code === 0 ? "ok" : `failed (exit ${code})`);
  results.forEach(({ code, output }, i) => write(`> ${checks[i][0]}: ${verdict(code)}\n${output}`));
  write(`> vitest: ${verdict(suite.code)}\n`);
  return [suite, ...results].some((r) => r.code !== 0) ? 1 : 0;
}

/**
 * Whether the upstream files are there for the project at `root` (downloading them into the cache
 * if that is where they belong and they are not yet); says where they are, or the one message.
 */
export async function upstreamReady({ root, env = process.env, write = (text) => process.stdout.write(text), fail = (text) => process.stderr.write(text) }) {
  try {
    const found = await ensureUpstream({ root, env, log: (line) => write(`> upstream files: ${line}\n`) });
    write(`> upstream files: ${found.label}, ${found.files} files${found.downloaded ? `, ${found.downloaded} just downloaded` : ""}\n`);
    return true;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    fail(`${error.message}\n`);
    return false;
  }
}

// Run by npm test; imported by the test of this module.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  if (!(await upstreamReady({ root }))) process.exit(1);
  process.exit(await testCommand({ root, args: process.argv.slice(2) }));
}
