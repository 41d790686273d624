// node .ci/program-start.mjs [RUNS]: how long the program takes to start (node up, index.ts and
// everything it imports loaded, before its function runs: all 106 of the program's modules load
// from index.ts's imports, none later) in the two ways the Pulumi CLI can start
// it, each on a first run (empty compile cache) and on cached runs. No CLI or engine is needed:
// what the language host does before it loads the program is replayed here from the SDK's source.
//
// - "SDK ts-node" is Pulumi.yaml's `typescript: true`: the language host sets
//   PULUMI_NODEJS_TYPESCRIPT=true (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go, Run),
//   and node_modules/@pulumi/pulumi/cmd/run/run.js registers the vendored ts-node 7.0.1 (no ts-node
//   in node_modules: tsutils.js typeScriptRequireStrings) with the project's typescript and
//   tsconfig.json, `transpileOnly` from tsconfig's `noCheck` (unset: ts-node type-checks every file),
//   module nodenext overridden by tsconfig's commonjs; then `require(program)`. ts-node caches its
//   output under os.tmpdir() (vendor/ts-node@7.0.1/index.js getTmpDir).
// - "tsx" is `typescript: false` with `nodeargs: --import tsx`: run.js registers nothing and
//   requires index.ts, which the tsx hooks Node was started with compile (esbuild, no type check;
//   their cache is under os.tmpdir() too).
// Each mode runs in a copy of the checkout's last commit (node_modules linked) with an
// empty TMPDIR of its own: the first run fills the cache, the next ones find every file unchanged,
// the last one follows an edit of one file (components/program.ts), as after a change to the code.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const checkout = path.resolve(import.meta.dirname, "..");
const runs = Math.max(2, Number(process.argv[2] ?? 3));
const edited = "components/program.ts";

/** The checkout's last commit (git archive HEAD: others' uncommitted edits left out), node_modules linked. */
function copyCheckout() {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "program-start-"));
  const archive = spawnSync("sh", ["-c", `git archive HEAD | tar -x -C "${copy}"`], { cwd: checkout, encoding: "utf8" });
  if (archive.status !== 0) throw new Error(`git archive HEAD failed: ${archive.stderr}`);
  fs.symlinkSync(path.join(checkout, "node_modules"), path.join(copy, "node_modules"));
  fs.mkdirSync(path.join(copy, "tmp"));
  return copy;
}

// run.js's ts-node registration, as the SDK does it (cmd/run/run.js, `if (typeScript)`, CommonJS branch).
const sdkTsNode = `
const tsutils = require("./node_modules/@pulumi/pulumi/tsutils.js");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ? process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
`;
const load = `
const program = require(require("node:path").join(process.cwd(), "index.ts"));
if (typeof program !== "function") throw new Error("index.ts exports no function");
`;
const modes = {
  "SDK ts-node (typescript: true)": ["-e", sdkTsNode + load],
  "tsx (typescript: false, nodeargs: --import tsx)": ["--import", "tsx", "-e", load],
};

const rows = [];
for (const [mode, args] of Object.entries(modes)) {
  const copy = copyCheckout();
  const time = () => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: copy, env: { ...process.env, TMPDIR: path.join(copy, "tmp") }, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${mode} failed:\n${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  try {
    const first = time();
    const cached = Array.from({ length: runs - 1 }, time);
    fs.appendFileSync(path.join(copy, edited), "\n// edited\n");
    const afterEdit = time();
    rows.push(`| ${mode} | ${first.toFixed(1)} s | ${Math.min(...cached).toFixed(1)} s | ${afterEdit.toFixed(1)} s |`);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
console.log(`Node ${process.version}, ${os.cpus().length} cores; cached: best of ${runs - 1}\n`);
console.log(`| how the program starts | first run | cached, nothing changed | cached, ${edited} edited |\n| --- | --- | --- | --- |`);
console.log(rows.join("\n"));
