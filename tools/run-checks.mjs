// `npm test`'s static checks: the type check and the lint run side by side (each keeps one core
// busy), and each one's output is printed whole, in a fixed order, once both have ended.
// Both keep what they learnt under node_modules/.cache, which `npm ci` empties with the rest: a
// run on unchanged files then takes tsc about 4 s instead of 8 and ESLint 1 s instead of 5. The
// lint may cache per file because no rule here reads types (typescript-eslint's `recommended`,
// not `recommended-type-checked`); `content`, because a checkout changes every file's mtime.
import { spawn } from "node:child_process";

const cache = "node_modules/.cache/istio-lab";
const checks = [
  ["typecheck", "node_modules/typescript/bin/tsc", ["--noEmit", "--incremental", "--tsBuildInfoFile", `${cache}/tsc.tsbuildinfo`]],
  ["lint", "node_modules/eslint/bin/eslint.js", ["--cache", "--cache-strategy", "content", "--cache-location", `${cache}/eslint/`, "."]],
];

const results = await Promise.all(
  checks.map(
    ([name, bin, args]) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", (error) => resolve({ name, code: 1, output: `${error.message}\n` }));
        child.on("close", (code, signal) => resolve({ name, code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }));
      }),
  ),
);

for (const { name, code, output } of results) {
  process.stdout.write(`> ${name}: ${code === 0 ? "ok" : `failed (exit ${code})`}\n${output}`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
