// npm run render -- <stack-file> [--json | --diagram] [--out DIR] [--run-id ID] [--preview]
// Evaluates the program for a stack file under Pulumi's mock engine and prints what it would
// register (tools/lib/render-cli.ts), as a process of its own.
import { runRender } from "./lib/render-cli";

runRender(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then(
  (code) => {
    // Exit once stdout has drained: a pipe takes a large document in 64 KiB pieces.
    process.exitCode = code;
    process.stdout.write("", () => process.exit(code));
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
