import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import { runScript } from "../nodes/run-script";
import { nodeScript } from "../nodes/scripts";

export interface SmokeCheckArgs {
  config: MachineClusterConfig;
  /** The control plane's connection: the check runs kubectl there with admin.conf. */
  connection: command.types.input.remote.ConnectionArgs;
  /** A replaced machine re-runs the check. */
  machineIds: pulumi.Input<string>[];
  /** Every join and the CNI. */
  dependsOn: pulumi.Resource[];
}

/**
 * Fails the deployment unless every node is Ready on its lab address and Flannel and CoreDNS
 * rolled out: the step `smoke-check` on the control plane. It was the one child of a SmokeCheck
 * component named `smoke`; the alias keeps its URN in existing stacks.
 */
export function smokeCheck(args: SmokeCheckArgs, parent: pulumi.Resource): command.remote.Command {
  const script = nodeScript("smoke-check");
  const expected = args.config.nodes.map((n) => `${n.name}=${n.ip}`).join(" ");
  return runScript(
    "smoke-check",
    {
      connection: args.connection,
      sshUser: args.config.ssh.user,
      script,
      vars: { EXPECTED_NODES: expected, SMOKE_TIMEOUT: "600" },
      triggers: [script.hash, expected, ...args.machineIds],
      timeout: "45m",
    },
    { parent, dependsOn: args.dependsOn, aliases: [{ parent: pulumi.createUrn("smoke", "istio-lab:cluster:SmokeCheck", parent) }] },
  );
}
