import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Node as NodeSpec, Ssh } from "../../config/schema";
import { adoptVar } from "../nodes/node";
import { runScript } from "../nodes/run-script";
import { nodeScript } from "../nodes/scripts";
import type { ControlPlane } from "./control-plane";

export interface WorkerJoinArgs {
  node: NodeSpec;
  ssh: Ssh;
  /** istio-lab:cluster.adopt (hosts): a worker of a kubeadm cluster istio-lab did not build is used as it is. */
  adopt: boolean;
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
 * unchanged cluster mints nothing, so its preview is empty. The token is minted once the worker
 * is prepared and lives 30 min (join-command.sh), longer than the join's bound of 15 min
 * (kubeadm-join.sh). A join retried after that cannot mint a token itself (it runs on the worker,
 * the token is made on the control plane): it stops, naming the mint step's URN to replace, which
 * changes the join's stdin, so one `pulumi up --replace` mints and joins. The steps were the children of a WorkerJoin component named after the node;
 * the alias keeps their URNs.
 */
export function joinWorker(args: WorkerJoinArgs, parent: pulumi.Resource): command.remote.Command {
  const { controlPlane, node } = args;
  const aliases = [{ parent: pulumi.createUrn(node.name, "istio-lab:cluster:WorkerJoin", parent) }];
  const script = nodeScript("kubeadm-join");
  const joinDue = [args.machineId, controlPlane.init.id, script.hash];
  const mint = runScript(
    `${node.name}-join-command`,
    { connection: controlPlane.connection, sshUser: controlPlane.sshUser, script: nodeScript("join-command"), triggers: joinDue, secretOutput: true, timeout: "5m" },
    // Minted once the worker is prepared too, right before its join: its token lives 30 min.
    { parent, dependsOn: [controlPlane.init, args.prepared], aliases },
  );
  return runScript(
    `${node.name}-join`,
    {
      connection: args.connection,
      sshUser: args.ssh.user,
      script,
      // The mint step's URN: a retry whose token has expired names it (kubeadm-join.sh expired_token).
      vars: { NODE_NAME: node.name, NODE_IP: node.ip, MINT_URN: mint.urn, ...adoptVar(args) },
      // The join command carries the token: a secret, on stdin, never on a command line.
      stdin: pulumi.secret(mint.stdout),
      triggers: joinDue,
      timeout: "20m",
    },
    { parent, dependsOn: [args.prepared, controlPlane.init], aliases },
  );
}
