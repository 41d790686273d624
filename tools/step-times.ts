// npm run step-times -- EVENT_LOG STACK_FILE: the measured minutes of each step of the bench's
// critical path of STACK_FILE, from the event log a `pulumi up --event-log EVENT_LOG` of that stack
// wrote, as a markdown table beside the estimates (the nightly job's summary: .ci/e2e).
import * as fs from "node:fs";
import { realpathSync } from "node:fs";
import { ConfigError } from "../components/config";
import { criticalPath } from "./lib/critical-path";
import { renderConfig } from "./lib/mock-engine";
import { readStackFileForRender, StackFileError } from "./lib/stack-file";
import { EventLogError, parseEventLog, stepTimes, stepTimesTable } from "./lib/step-times";
import { exitWith, parseToolArgs, processIo, type ToolIo } from "./lib/tool-args";

const usage = "usage: npm run step-times -- EVENT_LOG STACK_FILE   (the bench's critical path of STACK_FILE beside the step times a `pulumi up --event-log EVENT_LOG` of it measured, as markdown)";

export async function runStepTimes(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseToolArgs(argv, {}, usage, io);
  if (typeof parsed === "number") return parsed;
  const [log, stackFile, ...rest] = parsed.positionals;
  if (!log || !stackFile || rest.length > 0) {
    io.err(`${usage}\n`);
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(log, "utf8");
  } catch (error) {
    io.err(`step-times: cannot read the event log ${log}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  try {
    const path = criticalPath(await renderConfig(readStackFileForRender(stackFile).config));
    io.out(stepTimesTable(`First \`pulumi up\` of ${stackFile.split("/").pop()}: the critical path, estimated and measured`, stepTimes(path, parseEventLog(text, log))));
    return 0;
  } catch (error) {
    if (error instanceof EventLogError || error instanceof StackFileError) {
      io.err(`step-times: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(`step-times: ${stackFile}: ${error.issues.map((i) => `${i.key}: ${i.message}`).join("; ")}\n`);
      return 1;
    }
    throw error;
  }
}

// Run as a script, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === __filename) exitWith(runStepTimes(process.argv.slice(2), processIo));
