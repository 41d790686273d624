// Runs a doc's shell block against the Pulumi CLI model (tools/lib/pulumi-cli.ts): the little of
// bash the docs use (comments, `\` continuations, `&&` and `;`, `for ... do ... done`, `export`,
// `VAR=value command`, `< file`, double and single quotes, `$VAR`), `cp` of stack files, npm's
// scripts, and every `pulumi` command.
import { CliRefusal, runPulumi, type CliWorld } from "../../tools/lib/pulumi-cli";
import { parseVerifyArgs } from "../../tools/verify/args";
import { npmScriptWords } from "../npm-script";

/** The words of a command, quotes removed and variables expanded; whether stdin is redirected. */
function words(command: string, vars: Map<string, string>): { argv: string[]; stdinRedirected: boolean } {
  const argv: string[] = [];
  let stdinRedirected = false;
  const expand = (text: string) => text.replace(/\\\$/g, "\u0000").replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    if (!vars.has(name)) throw new CliRefusal(`$${name} is not set`);
    return vars.get(name)!;
  }).replace(/\u0000/g, "$");
  for (const [, double, single, plain] of command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    if (plain === "<") {
      stdinRedirected = true;
      break; // the file read is the reader's
    }
    argv.push(double !== undefined ? expand(double) : single !== undefined ? single : expand(plain));
  }
  return { argv, stdinRedirected };
}

/** Splits on a separator outside quotes. */
function split(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && text[i - 1] !== "\\") quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else {
      const m = separator.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(current);
        current = "";
        i += m[0].length - 1;
        continue;
      }
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A line without its comment (a `#` after a space, outside quotes). */
const uncommented = (line: string) => split(` ${line}`, /\s#/)[0] ?? "";

function runCommand(world: CliWorld, command: string, vars: Map<string, string>): void {
  const callEnv = new Map<string, string>();
  let text = command;
  for (let m = /^(\w+)=(\S*)\s+/.exec(text); m; m = /^(\w+)=(\S*)\s+/.exec(text)) {
    callEnv.set(m[1], m[2]);
    text = text.slice(m[0].length);
  }
  const exported = /^export (\w+)=(.*)$/.exec(text);
  if (exported) {
    const [value] = words(exported[2], vars).argv;
    world.env.set(exported[1], value ?? "");
    vars.set(exported[1], value ?? "");
    return;
  }
  const { argv, stdinRedirected } = words(text, vars);
  const [program, ...rest] = argv;
  if (program === "pulumi") return runPulumi(world, { argv: rest, stdinRedirected, env: callEnv });
  if (program === "cp") {
    const [from, to] = rest.map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]);
    if (!from || !to || !world.files.has(from)) throw new CliRefusal(`cp ${rest.join(" ")}: no stack file to copy`);
    world.files.add(to);
    return;
  }
  if (program === "npm") {
    if (rest[0] === "ci" || rest[0] === "test") return;
    if (rest[0] !== "run") throw new CliRefusal(`npm ${rest[0]}: not a command the docs use`);
    const script = rest[1];
    if (npmScriptWords(script).join("") === "") throw new CliRefusal(`npm run ${script}: package.json has no such script`);
    const args = rest.slice(rest.indexOf("--") + 1);
    if (script === "verify") {
      const parsed = parseVerifyArgs(rest.includes("--") ? args : []);
      const stack = (parsed as { stack?: string }).stack ?? (parsed.scenario ? undefined : world.selected);
      if (stack !== undefined && !world.stacks.has(stack)) throw new CliRefusal(`npm run verify: no stack named '${stack}'`);
    }
    return;
  }
  throw new CliRefusal(`${program}: not a command the model knows`);
}

/** Runs a block line by line; a refusal names the line. */
export function runBlock(world: CliWorld, block: string, vars: Map<string, string> = new Map(world.env)): void {
  const lines = block.replace(/\\\n\s*/g, " ").split("\n").map(uncommented).filter((l) => l.trim() !== "");
  for (let i = 0; i < lines.length; i++) {
    const loop = /^for (\w+) in ([^;]+); do(.*)$/.exec(lines[i].trim());
    if (loop) {
      let body = loop[3].trim();
      if (/;?\s*done$/.test(body)) body = body.replace(/;?\s*done$/, "");
      else {
        const end = lines.findIndex((l, j) => j > i && l.trim() === "done");
        body = [body, ...lines.slice(i + 1, end)].join("\n");
        i = end;
      }
      for (const value of loop[2].trim().split(/\s+/)) runBlock(world, body, new Map([...vars, [loop[1], value]]));
      continue;
    }
    for (const command of split(lines[i], /&&|;/)) {
      try {
        runCommand(world, command, vars);
      } catch (error) {
        if (error instanceof CliRefusal) throw new CliRefusal(`${lines[i].trim()}\n  ${error.message}`);
        throw error;
      }
    }
  }
}
