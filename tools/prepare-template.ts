// npm run prepare-template -- <Pulumi.<stack>.yaml> <address>
// Prepares a running VM to become a vSphere stack's template (tools/lib/prepare-template-cli.ts),
// each step a node script sent over the user's own ssh, its output shown as it comes.
import { spawn } from "node:child_process";
import { runPrepareTemplate, sshArgs, type RunRemote } from "./lib/prepare-template-cli";

const overSsh: RunRemote = (target, commandText) =>
  new Promise((resolve) => {
    const child = spawn("ssh", sshArgs(target, commandText), { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", (error) => {
      process.stderr.write(`prepare-template: could not run ssh (${error.message}); install an OpenSSH client\n`);
      resolve(127);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

runPrepareTemplate(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }, overSsh).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
