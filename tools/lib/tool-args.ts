// The front of the offline tools' command lines (render, prepare-template): node:util's parser,
// `--help` answered, and a usage error turned into exit code 2 beside the usage line.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** Where a tool writes: the process's streams, or a test's buffers. */
export interface ToolIo {
  out(text: string): void;
  err(text: string): void;
}

/** The parsed arguments, or the exit code the command ends with (0 after --help, 2 on a usage error). */
export function parseToolArgs<O extends ParseArgsOptionsConfig>(argv: readonly string[], options: O, usage: string, io: ToolIo) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { ...options, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    io.err(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(`${usage}\n`);
    return 0;
  }
  return parsed;
}
