// A node's SSH host key, on purpose: pinned up front in istio-lab:cluster.ssh.hostKeys, or recorded
// at first contact and checked on every connection after it (trust on first use).
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { decodeHostKey } from "../../config/rules";

/**
 * The first-contact step's command: the node's own ed25519 host key, else its ECDSA key, the types
 * EL9 lets pulumi-command verify (config/rules.ts pinnableHostKeyTypes); the .pub files are
 * world-readable, so no sudo. Its text must never change: a new text is an update of the step,
 * which would read the key again over a connection that checks nothing.
 */
export const readHostKeyCommand =
  'for t in ed25519 ecdsa; do f=/etc/ssh/ssh_host_${t}_key.pub; if [ -s "$f" ]; then cat "$f"; exit 0; fi; done; ' +
  "echo 'this node has no ed25519 or ECDSA host key in /etc/ssh; istio-lab cannot pin its RSA key against EL9 crypto policies: run ssh-keygen -A on it' >&2; exit 1";

/**
 * The key a first-contact step read, as pulumi-command is given it (`<type> <base64>`). Not a
 * string: nothing known yet (a preview, a test's mock). A string that is no whole key of a
 * pinnable type stops the run: no connection is made to a node whose key was not understood.
 */
export function recordedHostKey(stdout: unknown, node: string): string | undefined {
  if (typeof stdout !== "string") return undefined;
  const decoded = decodeHostKey(stdout);
  if ("problem" in decoded) throw new Error(`the host key ${node} gave at first contact (/etc/ssh/ssh_host_*_key.pub) ${decoded.problem}`);
  return decoded.key;
}

export interface HostKeyArgs {
  node: string;
  /** The node's key from istio-lab:cluster.ssh.hostKeys, when pinned up front. */
  pinned?: string;
  /** A new machine is a first contact again (a replaced VM has new host keys). */
  machineId: pulumi.Input<string>;
  /** The connection with no host key: first contact checks nothing, by definition. */
  connection: command.types.input.remote.ConnectionArgs;
  /** The machine, when istio-lab creates it. */
  machine?: pulumi.Resource;
}

/**
 * The host key every connection to the node checks. Pinned up front: that key, normalized (no
 * comment), so pinning later the key that was recorded changes no connection. Otherwise the step
 * `<node>-host-key` reads it at first contact; its stdout is kept in the state and never read again
 * while the machine stays (its triggers are the machine, its command text fixed): from then on it
 * is the key every step of the node checks, and no step runs again for it. A new machine (a
 * replaced VM) replaces the step, and its first contact records the new machine's key.
 */
export function nodeHostKey(args: HostKeyArgs, parent: pulumi.Resource): pulumi.Output<string | undefined> {
  if (args.pinned !== undefined) return pulumi.output(recordedHostKey(args.pinned, args.node));
  const read = new command.remote.Command(
    `${args.node}-host-key`,
    { connection: args.connection, create: readHostKeyCommand, triggers: [args.machineId], addPreviousOutputInEnv: false },
    {
      parent,
      dependsOn: args.machine ? [args.machine] : [],
      customTimeouts: { create: "15m", update: "15m" },
      // Nothing but a new machine may read the key again: a rotated istio-lab:sshPrivateKey or a new
      // dial bound would otherwise update the step, which runs its command again, unchecked.
      ignoreChanges: ["connection"],
    },
  );
  return read.stdout.apply((stdout) => recordedHostKey(stdout, args.node));
}
