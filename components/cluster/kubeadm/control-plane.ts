import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import type { Node as NodeSpec } from "../../config/schema";
import { adoptVar } from "../nodes/node";
import { runScript } from "../nodes/run-script";
import { nodeScript } from "../nodes/scripts";
import { initConfiguration } from "./config";

export interface ControlPlaneArgs {
  node: NodeSpec;
  config: MachineClusterConfig;
  connection: command.types.input.remote.ConnectionArgs;
  machineId: pulumi.Input<string>;
  /** The node's last preparation step. */
  prepared: pulumi.Resource;
}

/** kubeadm init on the control plane, and the admin kubeconfig read back. */
export class ControlPlane extends pulumi.ComponentResource {
  readonly init: command.remote.Command;
  /** How istio-lab reaches the control plane over SSH (a secret), for the steps that run there. */
  readonly connection: command.types.input.remote.ConnectionArgs;
  readonly sshUser: string;
  /** The admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:ControlPlane", name, {}, opts);
    const { config, node } = args;
    this.connection = args.connection;
    this.sshUser = config.ssh.user;
    const common = { connection: args.connection, sshUser: config.ssh.user };
    const initScript = nodeScript("kubeadm-init");
    const kubeadmConfig = initConfiguration({
      controlPlane: node,
      domain: config.network.domain,
      kubernetesVersion: config.kubernetesVersion,
      podCidr: config.podCidr,
      serviceCidr: config.serviceCidr,
      schedulableControlPlane: config.nodes.every((n) => n.role === "control-plane"),
      imageRepository: config.imageRegistry,
    });

    this.init = runScript(
      `${name}-init`,
      { ...common, script: initScript, vars: { NODE_NAME: node.name, ...adoptVar(config) }, stdin: kubeadmConfig, triggers: [args.machineId, initScript.hash], timeout: "30m" },
      { parent: this, dependsOn: [args.prepared] },
    );

    const read = runScript(
      `${name}-kubeconfig`,
      { ...common, script: nodeScript("read-kubeconfig"), triggers: [args.machineId, initScript.hash], secretOutput: true, timeout: "5m" },
      { parent: this, dependsOn: [this.init] },
    );
    this.kubeconfig = pulumi.secret(read.stdout);

    this.registerOutputs({ init: this.init, kubeconfig: this.kubeconfig });
  }
}
