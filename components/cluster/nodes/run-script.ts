import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { scriptCommand, type NodeScript } from "./scripts";

export interface RunScriptArgs {
  connection: command.types.input.remote.ConnectionArgs;
  sshUser: string;
  script: NodeScript;
  /** Parameters; an Output (a URN a message names) makes the command text one too. */
  vars?: Record<string, pulumi.Input<string>>;
  stdin?: pulumi.Input<string>;
  /** Changing any of these replaces the command, so it runs again. */
  triggers: pulumi.Input<unknown>[];
  /** Run when the command is deleted (destroy, or its machine replaced). */
  onDelete?: { script: NodeScript; vars?: Record<string, string> };
  /** stdout is a credential: kept out of the logs and stored as a secret. */
  secretOutput?: boolean;
  /** Upper bound for create and update, e.g. "30m". */
  timeout: string;
}

/** One node script as a remote.Command, with the options every step shares. */
export function runScript(name: string, args: RunScriptArgs, opts: pulumi.CustomResourceOptions): command.remote.Command {
  return new command.remote.Command(
    name,
    {
      connection: args.connection,
      create: pulumi.output(args.vars ?? {}).apply((vars) => scriptCommand(args.script, vars, args.sshUser)),
      delete: args.onDelete && scriptCommand(args.onDelete.script, args.onDelete.vars ?? {}, args.sshUser),
      stdin: args.stdin,
      triggers: args.triggers,
      // PULUMI_COMMAND_STDOUT/STDERR travel as SSH environment, which sshd refuses without AcceptEnv.
      addPreviousOutputInEnv: false,
      logging: args.secretOutput ? "none" : "stdoutAndStderr",
    },
    {
      ...opts,
      customTimeouts: { create: args.timeout, update: args.timeout, delete: "15m" },
      // A replacement is created before the old command is deleted unless told otherwise; the old
      // one's delete step (a node reset) must not run after the new one has set the node up.
      ...(args.onDelete ? { deleteBeforeReplace: true } : {}),
      ...(args.secretOutput ? { additionalSecretOutputs: ["stdout", "stderr"] } : {}),
    },
  );
}
