// The layers build on each other in one direction: config -> cluster -> mesh -> workloads ->
// scenario. A file may import from its own layer and the ones before it, never from a later one;
// catalog/ is data that every layer reads and that imports nothing from components/ or tools/.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const order = ["catalog", "helpers", "config", "cluster", "mesh", "workloads", "scenarios", "lab"];
/** Pure helpers at components/ root that every layer may use. */
const helpers = ["images.ts", "logical-name.ts", "shell.ts"];

/** The layer of a repository file or folder; the other files at components/ root are the lab's. */
function layerOf(file: string): string | undefined {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === "catalog") return "catalog";
  if (parts[0] !== "components") return parts[0] === "tools" || parts[0] === "test" ? parts[0] : undefined;
  if (order.includes(parts[1])) return parts[1];
  return helpers.includes(`${parts[1].replace(/\.ts$/, "")}.ts`) ? "helpers" : "lab";
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative import of a file, as the file it names. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s+["'](\.{1,2}\/[^"']+)["']/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

/** Imports that go against the layer order, as `file -> imported`. */
function upwardImports(files: string[], imports: (file: string) => string[] = importsOf): string[] {
  return files.flatMap((file) => {
    const from = layerOf(file)!;
    return imports(file)
      .filter((target) => {
        const to = layerOf(target);
        if (to === "tools" || to === "test") return true;
        return to !== undefined && order.indexOf(to) > order.indexOf(from);
      })
      .map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`);
  });
}

describe("layers", () => {
  const files = [...sourceFiles(path.join(root, "catalog")), ...sourceFiles(path.join(root, "components"))];

  it("import only from their own layer and the ones before it", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(upwardImports(files)).toEqual([]);
  });

  it("would catch an upward import, and one into tools or tests", () => {
    const parse = path.join(root, "components/config/parse.ts");
    const reaching = () => [path.join(root, "components/scenarios/analyzer"), path.join(root, "components/config/errors"), path.join(root, "tools/lib/plan")];
    expect(upwardImports([parse], reaching)).toEqual(["components/config/parse.ts -> components/scenarios/analyzer", "components/config/parse.ts -> tools/lib/plan"]);
  });
});
