// npm run prepare-template -- <Pulumi.<stack>.yaml> <address>
// Prepares a running VM to become a vSphere stack's template (tools/lib/prepare-template-cli.ts),
// each step a node script sent over the user's own ssh, its output shown as it comes.
import { runPrepareTemplate, sshRunner } from "./lib/prepare-template-cli";

const err = (text: string) => process.stderr.write(text);
runPrepareTemplate(process.argv.slice(2), { out: (text) => process.stdout.write(text), err }, sshRunner(err)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
