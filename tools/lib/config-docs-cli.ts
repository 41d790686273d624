// npm run config-docs: writes the configuration reference the program's zod schemas make
// (config-reference.ts), or with --check says which committed file differs from it.
import * as fs from "node:fs";
import * as path from "node:path";
import { generatedFiles } from "./config-reference";
import { parseToolArgs, type ToolIo } from "./tool-args";

export const usage = `usage: npm run config-docs [-- --check]
Writes schema/stack-config.schema.json (the JSON Schema of a stack file, which every shipped
Pulumi.<stack>.yaml names on its first line) and docs/configuration.md from the program's own zod
schemas. --check writes nothing and fails, naming them, when the committed files differ.`;

/** The files as the generator makes them, against those under `root`: the paths that differ. */
export function staleFiles(root: string, files: Record<string, string> = generatedFiles()): string[] {
  return Object.entries(files)
    .filter(([file, text]) => {
      const full = path.join(root, file);
      return !fs.existsSync(full) || fs.readFileSync(full, "utf8") !== text;
    })
    .map(([file]) => file);
}

export function runConfigDocs(argv: readonly string[], io: ToolIo, root: string): number {
  const parsed = parseToolArgs(argv, { check: { type: "boolean" } }, usage, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length > 0) {
    io.err(`unexpected argument ${parsed.positionals[0]}\n${usage}\n`);
    return 2;
  }
  const files = generatedFiles();
  const stale = staleFiles(root, files);
  if (parsed.values.check) {
    if (stale.length === 0) return 0;
    io.err(`${stale.join(", ")} differ${stale.length === 1 ? "s" : ""} from what the schemas make; run npm run config-docs and commit the result\n`);
    return 1;
  }
  for (const file of stale) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), files[file]);
    io.out(`wrote ${file}\n`);
  }
  if (stale.length === 0) io.out(`${Object.keys(files).join(" and ")} are up to date\n`);
  return 0;
}
