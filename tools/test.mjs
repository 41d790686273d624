// `npm test`: the type check, the lint and the vitest suite, all at once. The suite's two forks
// leave a core idle at moments (a spawned process awaited, a probe's timer), which the checks fill:
// measured on the 2-core machine, 62 s one after the other, 60 s together. vitest's output streams
// as it comes; each check's output is printed whole once everything has ended, and any failure
// fails the command. Arguments go to vitest (`npm test -- test/mesh`).
// The checks are package.json's `typecheck` and `lint`, run here without npm. Both keep what they
// learnt under node_modules/.cache, which `npm ci` empties with the rest: on unchanged files tsc
// takes about 4 s instead of 8, ESLint 1 s instead of 5. The lint may cache per file because no
// rule here reads types (typescript-eslint's `recommended`, not `recommended-type-checked`); by
// `content`, because a checkout changes every file's mtime.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const bins = { tsc: "node_modules/typescript/bin/tsc", eslint: "node_modules/eslint/bin/eslint.js" };
const checks = ["typecheck", "lint"].map((name) => {
  const [tool, ...args] = scripts[name].split(" ");
  if (!bins[tool]) throw new Error(`package.json's "${name}" script must start with ${Object.keys(bins).join(" or ")}: ${scripts[name]}`);
  return [name, bins[tool], args];
});

/** Runs one Node tool; `quiet` keeps its output for the end. */
function run(bin, args, quiet) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: 1, output: `${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }));
  });
}

const [suite, ...results] = await Promise.all([
  run("node_modules/vitest/vitest.mjs", ["run", ...process.argv.slice(2)], false),
  ...checks.map(([, bin, args]) => run(bin, args, true)),
]);
const verdict = (code) => (code === 0 ? "ok" : `failed (exit ${code})`);
results.forEach(({ code, output }, i) => process.stdout.write(`> ${checks[i][0]}: ${verdict(code)}\n${output}`));
process.stdout.write(`> vitest: ${verdict(suite.code)}\n`);
process.exit([suite, ...results].some((r) => r.code !== 0) ? 1 : 0);
