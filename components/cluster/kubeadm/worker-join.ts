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
 * kubeadm join on one worker (`<node>-join`), with a join command minted for it on the control
 * plane (`<node>-join-command`). Both steps run again exactly when a join is due: a new or
 * replaced worker, or a new control plane (its init's id changes when it is replaced). An
 * unchanged cluster mints nothing, so its preview is empty; the token lives 2 h
 * (join-command.sh), long enough for the join that follows it. The steps were the children of a
 * WorkerJoin component named after the node; the alias keeps their URNs.
 */
export function joinWorker(args: WorkerJoinArgs, parent: pulumi.Resource): command.remote.Command {
  const { controlPlane, node } = args;
  const aliases = [{ parent: pulumi.createUrn(node.name, "istio-lab:cluster:WorkerJoin", parent) }];
  const script = nodeScript("kubeadm-join");
  const joinDue = [args.machineId, controlPlane.init.id, script.hash];
  const mint = runScript(
    `${node.name}-join-command`,
    { connection: controlPlane.connection, sshUser: controlPlane.sshUser, script: nodeScript("join-command"), triggers: joinDue, secretOutput: true, timeout: "5m" },
    { parent, dependsOn: [controlPlane.init], aliases },
  );
  return runScript(
    `${node.name}-join`,
    {
      connection: args.connection,
      sshUser: args.ssh.user,
      script,
      vars: { NODE_NAME: node.name, NODE_IP: node.ip },
      // The join command carries the token: a secret, on stdin, never on a command line.
      stdin: pulumi.secret(mint.stdout),
      triggers: joinDue,
      timeout: "20m",
    },
    { parent, dependsOn: [args.prepared, controlPlane.init], aliases },
  );
}
