import type * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";
import type { Secret } from "../../config";
import type { Ssh } from "../../config/schema";

/**
 * Dial attempts before a command gives up. Retries back off to 5 s apart, so 90 attempts wait
 * about 7 minutes: enough for a VM that is still booting or finishing guest customization
 * (the provider's default of 10 gives up after about 16 s).
 */
export const dialErrorLimit = 90;
/** Seconds one SSH dial may take. */
export const perDialTimeout = 30;

/**
 * The dial bound of the reset on destroy (source hosts): a host that is gone fails the destroy
 * within about a minute (4 dials of at most 15 s, 5 s apart; pulumi-command remote/connection.go
 * retries a failed dial until dialErrorLimit) rather than the 7 minutes a booting VM is given.
 */
export const resetDial = { dialErrorLimit: 4, perDialTimeout: 15 } as const;

/**
 * The SSH connection to one node, built from exactly the keys of the provider's schema: a
 * malformed connection makes the provider print all of it, private key included. With the node's
 * host key (pinned up front or recorded at first contact, host-key.ts), the provider talks only to
 * that host; without it, it accepts any host key (pulumi-command remote/connection.go:
 * InsecureIgnoreHostKey), which only the first contact does.
 */
export function nodeConnection(
  host: string,
  ssh: Ssh,
  privateKey: Secret,
  hostKey?: pulumi.Input<string | undefined>,
  dial: { dialErrorLimit: number; perDialTimeout: number } = { dialErrorLimit, perDialTimeout },
): command.types.input.remote.ConnectionArgs {
  return { host, port: ssh.port, user: ssh.user, privateKey, ...dial, ...(hostKey !== undefined && { hostKey: hostKey as pulumi.Input<string> }) };
}
