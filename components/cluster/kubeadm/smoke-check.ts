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

/** Fails the deployment unless every node is Ready on its lab address and Flannel and CoreDNS rolled out. */
export class SmokeCheck extends pulumi.ComponentResource {
  readonly check: command.remote.Command;

  constructor(name: string, args: SmokeCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:SmokeCheck", name, {}, opts);
    const script = nodeScript("smoke-check");
    const expected = args.config.nodes.map((n) => `${n.name}=${n.ip}`).join(" ");
    this.check = runScript(
      `${name}-check`,
      {
        connection: args.connection,
        sshUser: args.config.ssh.user,
        script,
        vars: { EXPECTED_NODES: expected, SMOKE_TIMEOUT: "600" },
        triggers: [script.hash, expected, ...args.machineIds],
        timeout: "45m",
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    this.registerOutputs({ check: this.check });
  }
}
