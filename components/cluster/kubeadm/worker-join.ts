import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Node as NodeSpec, Ssh } from "../../config/schema";
import { runScript } from "../nodes/run-script";
import { nodeScript } from "../nodes/scripts";
import type { ControlPlane } from "./control-plane";

export interface WorkerJoinArgs {
  node: NodeSpec;
  ssh: Ssh;
  connection: command.types.input.remote.ConnectionArgs;
  machineId: pulumi.Input<string>;
  /** The control plane the worker joins: the token is minted there. */
  controlPlane: ControlPlane;
  /** The worker's last preparation step. */
  prepared: pulumi.Resource;
}

/**
 * kubeadm join on one worker, with a join command minted for it on the control plane. Both steps
 * run again exactly when a join is due: a new or replaced worker, or a new control plane (its
 * init's id changes when it is replaced). An unchanged cluster mints nothing, so its preview is
 * empty; the token lives 2 h (join-command.sh), long enough for the join that follows it.
 */
export class WorkerJoin extends pulumi.ComponentResource {
  readonly join: command.remote.Command;

  constructor(name: string, args: WorkerJoinArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:WorkerJoin", name, {}, opts);
    const { controlPlane } = args;
    const script = nodeScript("kubeadm-join");
    const joinDue = [args.machineId, controlPlane.init.id, script.hash];
    const mint = runScript(
      `${name}-join-command`,
      { connection: controlPlane.connection, sshUser: controlPlane.sshUser, script: nodeScript("join-command"), triggers: joinDue, secretOutput: true, timeout: "5m" },
      { parent: this, dependsOn: [controlPlane.init] },
    );
    this.join = runScript(
      `${name}-join`,
      {
        connection: args.connection,
        sshUser: args.ssh.user,
        script,
        vars: { NODE_NAME: args.node.name, NODE_IP: args.node.ip },
        // The join command carries the token: a secret, on stdin, never on a command line.
        stdin: pulumi.secret(mint.stdout),
        triggers: joinDue,
        timeout: "20m",
      },
      { parent: this, dependsOn: [args.prepared, controlPlane.init] },
    );
    this.registerOutputs({ join: this.join });
  }
}
