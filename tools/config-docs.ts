// npm run config-docs [-- --check]: the configuration reference from the program's zod schemas
// (tools/lib/config-docs-cli.ts).
import { runConfigDocs } from "./lib/config-docs-cli";
import { projectRoot } from "./lib/stack-file";
import { exitWith, processIo } from "./lib/tool-args";

exitWith(Promise.resolve().then(() => runConfigDocs(process.argv.slice(2), processIo, projectRoot)));
