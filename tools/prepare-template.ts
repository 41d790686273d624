// npm run prepare-template -- <Pulumi.<stack>.yaml> <address>
// Prepares a running VM to become a vSphere stack's template (tools/lib/prepare-template-cli.ts),
// each step a node script sent over the user's own ssh, its output shown as it comes.
import { runPrepareTemplate, sshRunner } from "./lib/prepare-template-cli";
import { exitWith, processIo } from "./lib/tool-args";

exitWith(runPrepareTemplate(process.argv.slice(2), processIo, sshRunner(processIo.err)));
