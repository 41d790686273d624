// The front and back of the tools' command lines: node:util's parser with `--help` answered and a
// usage error turned into exit code 2 beside the usage line (render, prepare-template), and the
// process's end (exitWith: render, prepare-template, verify, bench).
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

/** The process's own streams. */
export const processIo: ToolIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * Ends the process with the code `run` resolves to, once stdout has drained (a pipe takes a large
 * document in 64 KiB pieces); a crash prints its stack and ends it with `crashCode`.
 */
export function exitWith(run: Promise<number>, crashCode = 1): void {
  run.then(
    (code) => {
      process.exitCode = code;
      process.stdout.write("", () => process.exit(code));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(crashCode);
    },
  );
}
