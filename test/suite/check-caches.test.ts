// npm test's checks keep caches (tools/test.mjs); a cache older than what it was made from goes.
// tsc --build looks again only at the files tsconfig.json's `include` names (its roots), so every
// TypeScript file of the project must be one.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { npmScriptWords } from "../npm-script";

const root = path.resolve(__dirname, "../..");
/** A tsconfig file, its own comment lines dropped (not TypeScript's parser: loading it here would
 * load the module the SDK defers, test/suite/render-cost.test.ts). */
const readTsconfig = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8").replace(/^\s*\/\/.*$/gm, ""));

/** The project's TypeScript files, relative to the root, outside node_modules and the build output. */
function typescriptFiles(dir = ""): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "bin", ".git"].includes(entry.name) ? [] : typescriptFiles(file);
    return /\.m?ts$/.test(entry.name) ? [file] : [];
  });
}


type Tool = (cwd: string, bin: string, args: string[], quiet: boolean) => Promise<{ code: number; output: string }>;
interface TestCommand {
  dropStaleCaches(cacheDir: string, sources: string[]): boolean;
  checkCaches: { dir: string; sources: string[] };
  testCommand(options: { root: string; args?: string[]; run?: Tool; write?: (text: string) => void }): Promise<number>;
}
// tools/test.mjs is plain JavaScript, run by Node before any TypeScript loader: imported by path.
const loadTestCommand = (): Promise<TestCommand> => import(path.join(root, "tools/test.mjs"));

describe("the checks' caches", () => {
  const scratch = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-caches-"));
    const sources = ["lockfile", "tsconfig.json"].map((f) => path.join(dir, f));
    for (const source of sources) fs.writeFileSync(source, "");
    return { cache: path.join(dir, "cache"), sources, dir };
  };
  // Times set by hand, a minute apart: no test here waits on the clock.
  const age = (file: string, minutesAgo: number) => {
    const time = new Date(Date.now() - minutesAgo * 60_000);
    fs.utimesSync(file, time, time);
  };

  it("are kept while nothing they were made from changed, and emptied once one thing did", async () => {
    const { dropStaleCaches } = await loadTestCommand();
    const { cache, sources, dir } = scratch();
    expect(dropStaleCaches(cache, sources)).toBe(true); // none yet
    fs.writeFileSync(path.join(cache, "tsc.tsbuildinfo"), "learnt");
    for (const source of sources) age(source, 10);
    expect(dropStaleCaches(cache, sources)).toBe(false);
    expect(fs.readdirSync(cache)).toContain("tsc.tsbuildinfo");

    age(sources[1], -1); // a config saved after the caches were made
    expect(dropStaleCaches(cache, sources)).toBe(true);
    expect(fs.readdirSync(cache)).not.toContain("tsc.tsbuildinfo");

    fs.writeFileSync(path.join(cache, "tsc.tsbuildinfo"), "learnt");
    age(sources[1], 10);
    age(sources[0], -1); // npm installed something since
    expect(dropStaleCaches(cache, sources)).toBe(true);
    expect(fs.readdirSync(cache)).not.toContain("tsc.tsbuildinfo");

    fs.writeFileSync(path.join(cache, "tsc.tsbuildinfo"), "learnt");
    fs.rmSync(sources[0]); // no lockfile: nothing to compare with
    expect(dropStaleCaches(cache, sources)).toBe(true);
    expect(fs.readdirSync(cache)).not.toContain("tsc.tsbuildinfo");
    fs.rmSync(dir, { recursive: true });
  });

  it("are emptied by npm test before any check starts, which then runs the checks and the suite side by side", async () => {
    const { testCommand, checkCaches } = await loadTestCommand();
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-project-"));
    fs.copyFileSync(path.join(root, "package.json"), path.join(project, "package.json"));
    for (const source of checkCaches.sources) {
      fs.mkdirSync(path.dirname(path.join(project, source)), { recursive: true });
      fs.writeFileSync(path.join(project, source), "");
    }
    const learnt = path.join(project, checkCaches.dir, "tsc.tsbuildinfo");
    fs.mkdirSync(path.dirname(learnt), { recursive: true });
    fs.writeFileSync(learnt, "from before the install");
    const started: string[] = [];
    let output = "";
    const code = await testCommand({
      root: project,
      args: ["test/mesh"],
      run: async (cwd, bin, args) => {
        expect(cwd).toBe(project);
        started.push(`${bin} ${args.join(" ")}${fs.existsSync(learnt) ? " (stale cache present)" : ""}`);
        return { code: bin.includes("eslint") ? 1 : 0, output: "" };
      },
      write: (text) => void (output += text),
    });
    expect(started).toEqual(["node_modules/vitest/vitest.mjs run test/mesh", `node_modules/typescript/bin/${npmScriptWords("typecheck").join(" ")}`, `node_modules/eslint/bin/eslint.js ${npmScriptWords("lint").slice(1).join(" ")}`]);
    expect(code).toBe(1);
    expect(output).toBe("> typecheck: ok\n> lint: failed (exit 1)\n> vitest: ok\n");
    fs.rmSync(project, { recursive: true });
  });

  it("hold both checks' caches, and name every TypeScript config the type check reads", async () => {
    const { checkCaches } = await loadTestCommand();
    const typecheck = npmScriptWords("typecheck");
    const configFile = typecheck.at(-1)!;
    expect(typecheck).toContain("--build");
    const config = readTsconfig(configFile);
    expect(config.compilerOptions).toMatchObject({ noEmit: true, incremental: true });
    expect(config.compilerOptions.tsBuildInfoFile.startsWith(`${checkCaches.dir}/`)).toBe(true);
    const lint = npmScriptWords("lint");
    expect(lint[lint.indexOf("--cache-location") + 1].startsWith(`${checkCaches.dir}/`)).toBe(true);
    expect(checkCaches.sources).toEqual(expect.arrayContaining([configFile, config.extends.replace(/^\.\//, ""), "node_modules/.package-lock.json"]));
  });
});

describe("the type check", () => {
  it("has every TypeScript file of the project among its roots, which tsc --build looks at again", () => {
    const { include, exclude } = readTsconfig("tsconfig.json") as { include: string[]; exclude?: string[] };
    expect(exclude).toBeUndefined(); // TypeScript's default: node_modules and the outDir
    const included = (file: string, patterns: readonly string[]) => patterns.some((pattern) => path.matchesGlob(file, pattern));
    const files = typescriptFiles();
    expect(files).toEqual(expect.arrayContaining(["index.ts", "catalog/versions.ts", "components/program.ts", "vitest.config.mts"]));
    expect(files.filter((file) => !included(file, include))).toEqual([]);
    // The glob reading itself: a folder left out of a list of folders shows.
    expect(included("catalog/versions.ts", ["components/**/*.ts", "index.ts"])).toBe(false);
    expect(included("components/cluster/vsphere/machines.ts", ["components/**/*.ts"])).toBe(true);
  });
});
