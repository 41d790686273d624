// Every tool of package.json answers --help with its usage and does nothing else: exit 0, the
// usage line on stdout, no file written (docs/ as it was, render's --out folder never made).
// The tools are read from package.json, so a new one is held to this too.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { npmScriptArgs, npmScriptWords } from "../npm-script";

const root = path.resolve(__dirname, "../..");
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
/** The scripts that run a tool of tools/ (`node --import tsx tools/<name>.ts`). */
const tools = scripts.filter((name) => /^tools\/[a-z-]+\.ts$/.test(npmScriptWords(name).at(-1) ?? "") && npmScriptWords(name)[0] === "node");

/** Every file under a folder with its size and modification time. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const stat = fs.statSync(file);
      return `${path.relative(dir, file)} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("each tool's --help", () => {
  it("covers every tool of package.json", () => {
    expect(tools).toEqual(expect.arrayContaining(["render", "render-diff", "diagrams", "verify", "bench", "prepare-template", "recipe"]));
  });

  it("exits 0 with a usage line and writes no file", async () => {
    const docs = path.join(root, "docs");
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-help-")), "out");
    const before = tree(docs);
    // All at once: the tools load in a few seconds each, and docs/ is looked at once before and once after.
    const results = await Promise.all(tools.map((tool) => run([...npmScriptArgs(tool), "--help", ...(tool === "render" ? ["Pulumi.local.yaml", "--out", out] : [])])));
    tools.forEach((tool, i) => {
      const { status, stdout, stderr } = results[i];
      expect({ tool, status, stderr }).toEqual({ tool, status: 0, stderr: "" });
      expect(stdout.split("\n")[0], tool).toMatch(new RegExp(`^usage: npm run (--silent )?${tool}\\b`));
    });
    expect(tree(docs)).toEqual(before);
    expect(fs.existsSync(out)).toBe(false);
  });
});
