// npm run render -- <stack-file> [--json | --diagram] [--out DIR] [--run-id ID] [--preview]
// Evaluates the program for a stack file under Pulumi's mock engine and prints what it would
// register (tools/lib/render-cli.ts), as a process of its own.
import { runRender } from "./lib/render-cli";
import { exitWith, processIo } from "./lib/tool-args";

exitWith(runRender(process.argv.slice(2), processIo));
