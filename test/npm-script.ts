// What `npm run <name>` runs, read from package.json: a test that spawns a tool runs the command
// line a user's npm runs (`node --import tsx tools/<tool>.ts`), with this test's Node.
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");

/** A package.json script's words, split at spaces as tools/test.mjs splits them. */
export function npmScriptWords(name: string): string[] {
  const scripts = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  return (scripts[name] ?? "").split(" ");
}

/** The script's arguments after `node`, to spawn with `process.execPath` from the project root. */
export function npmScriptArgs(name: string): string[] {
  const [command, ...args] = npmScriptWords(name);
  if (command !== "node") throw new Error(`package.json's "${name}" script does not start with node: ${[command, ...args].join(" ")}`);
  return args;
}
