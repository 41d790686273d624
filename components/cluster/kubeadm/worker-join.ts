import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Node as NodeSpec, Ssh } from "../../config/schema";
import { runScript } from "../nodes/run-script";
import { nodeScript } from "../nodes/scripts";

export interface WorkerJoinArgs {
  node: NodeSpec;
  ssh: Ssh;
  connection: command.types.input.remote.ConnectionArgs;
  machineId: pulumi.Input<string>;
  /** The fresh join command (secret); it reaches the node on stdin, never on a command line. */
  joinCommand: pulumi.Input<string>;
  /** The worker's last preparation step and the control plane's init. */
  dependsOn: pulumi.Resource[];
}

/**
 * kubeadm join on one worker. The join command changes every deployment, which re-runs the
 * script; it does nothing on a node that has joined (kubelet.conf present).
 */
export class WorkerJoin extends pulumi.ComponentResource {
  readonly join: command.remote.Command;

  constructor(name: string, args: WorkerJoinArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:WorkerJoin", name, {}, opts);
    const script = nodeScript("kubeadm-join");
    this.join = runScript(
      `${name}-join`,
      {
        connection: args.connection,
        sshUser: args.ssh.user,
        script,
        vars: { NODE_NAME: args.node.name, NODE_IP: args.node.ip },
        stdin: pulumi.secret(args.joinCommand),
        triggers: [args.machineId, script.hash],
        timeout: "20m",
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    this.registerOutputs({ join: this.join });
  }
}
