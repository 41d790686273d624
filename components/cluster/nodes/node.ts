import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import type { Node as NodeSpec } from "../../config/schema";
import { flannelImages } from "../flannel/manifest";
import { nodeConnection, resetDial } from "./connection";
import { nodeHostKey } from "./host-key";
import { runScript } from "./run-script";
import { nodeScript, preparationStepMinutes, scriptCommand, type NodeScript } from "./scripts";

/** vSphere's vmxnet3 NIC needs checksum offload off on flannel.1 (prep-os.sh). */
export const needsVmxnet3Workaround = (source: MachineClusterConfig["source"]) => source === "vsphere";

/** The mirror kubeadm pulls from, as install-containerd.sh and seal-template.sh take it. */
export const imageRepositoryVar = (config: Pick<MachineClusterConfig, "imageRegistry">): Record<string, string> =>
  config.imageRegistry ? { IMAGE_REPOSITORY: config.imageRegistry } : {};

/**
 * ADOPT=1 lets the node steps use a node that runs in a kubeadm cluster istio-lab did not build
 * (lib.sh adopt_node); unset, such a node is refused naming istio-lab:cluster.adopt. Absent rather
 * than 0 when off, so the steps' command text, and with it their state, stays what it was.
 */
export const adoptVar = (config: Pick<MachineClusterConfig, "adopt">): Record<string, string> => (config.adopt ? { ADOPT: "1" } : {});

/** One step of a machine's preparation: a node script and its parameters. */
export interface PreparationStep {
  step: "os" | "kubernetes" | "containerd";
  script: NodeScript;
  vars: Record<string, string>;
}

/**
 * The OS, the Kubernetes packages and containerd, in the order they run (one dnf at a time): what
 * every node gets before kubeadm, and what `npm run prepare-template` bakes into a template.
 */
export function preparationSteps(config: MachineClusterConfig, machine: { name: string; ip: string }): PreparationStep[] {
  const labHosts = config.nodes.map((n) => `${n.name}=${n.ip}`).join(" ");
  const vmxnet3 = needsVmxnet3Workaround(config.source) ? "1" : "0";
  const adopt = adoptVar(config);
  return [
    { step: "os", script: nodeScript("prep-os"), vars: { NODE_NAME: machine.name, DOMAIN: config.network.domain, LAB_HOSTS: labHosts, OS: config.os, VMXNET3_WORKAROUND: vmxnet3, ...adopt } },
    { step: "kubernetes", script: nodeScript("install-kubernetes"), vars: { K8S_VERSION: config.kubernetesVersion, NODE_IP: machine.ip, OS: config.os, ...adopt } },
    { step: "containerd", script: nodeScript("install-containerd"), vars: { K8S_VERSION: config.kubernetesVersion, OS: config.os, ...imageRepositoryVar(config), ...adopt } },
  ];
}

/**
 * pull-images.sh's parameters: Flannel's images first, so a node has them when it joins and its
 * Flannel pod starts at once, then the lab's (the mesh's and the samples').
 */
export function imagePullVars(config: Pick<MachineClusterConfig, "imageRegistry">, labImages: readonly string[]): Record<string, string> {
  const { flannel, cniPlugin } = flannelImages(config.imageRegistry);
  return { IMAGES: [cniPlugin, flannel, ...labImages].join(" ") };
}

export interface NodeArgs {
  node: NodeSpec;
  config: MachineClusterConfig;
  /** What identifies the machine (a VM's id, a host's address): a new machine runs every step again. */
  machineId: pulumi.Input<string>;
  /** The machine must exist before the first SSH dial (the VM, for vSphere). */
  machine?: pulumi.Resource;
  /** Machines istio-lab did not create are given back with `kubeadm reset` on destroy. */
  resetOnDestroy: boolean;
  /** Images to pull while the control plane forms: the mesh's and the samples', mirrored. */
  images: readonly string[];
}

/**
 * One machine made ready for kubeadm: (on hosts, the reset on destroy, then) first contact, then
 * the OS, the Kubernetes packages and containerd, each step after the one before.
 */
export class Node extends pulumi.ComponentResource {
  readonly connection: command.types.input.remote.ConnectionArgs;
  /** The node's first step over SSH (after its reset on hosts, which it waits for). */
  readonly access: command.remote.Command;
  /** The last preparation step: kubeadm init or join may follow it. */
  readonly prepared: command.remote.Command;

  constructor(name: string, args: NodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:Node", name, {}, opts);
    const { node, config } = args;
    const hostKey = nodeHostKey(
      { node: node.name, pinned: config.ssh.hostKeys?.[node.name], machineId: args.machineId, connection: nodeConnection(node.ip, config.ssh, config.sshPrivateKey), machine: args.machine },
      this,
    );
    this.connection = nodeConnection(node.ip, config.ssh, config.sshPrivateKey, hostKey);
    const common = { connection: this.connection, sshUser: config.ssh.user };

    // On hosts, destroy gives the machine back with `kubeadm reset`: a command of its own with no
    // create (pulumi-command dials nothing for a Command without one, remote/commandController.go),
    // so only its delete reaches the host, with a short dial bound. Everything else on the node
    // waits for it, so it is deleted last; only the machine's identity replaces it, old one first.
    const reset = args.resetOnDestroy
      ? new command.remote.Command(
          `${name}-reset`,
          {
            connection: nodeConnection(node.ip, config.ssh, config.sshPrivateKey, hostKey, resetDial),
            delete: scriptCommand(nodeScript("reset-node"), {}, config.ssh.user),
            triggers: [args.machineId],
            addPreviousOutputInEnv: false,
          },
          { parent: this, deleteBeforeReplace: true, customTimeouts: { create: "1m", delete: "15m" }, dependsOn: args.machine ? [args.machine] : [] },
        )
      : undefined;
    const access = runScript(
      `${name}-access`,
      { ...common, script: nodeScript("wait-ready"), triggers: [args.machineId], timeout: "15m" },
      { parent: this, dependsOn: [...(args.machine ? [args.machine] : []), ...(reset ? [reset] : [])] },
    );

    this.access = access;
    let previous: command.remote.Command = access;
    for (const { step, script, vars } of preparationSteps(config, node)) {
      previous = runScript(
        `${name}-${step}`,
        { ...common, script, vars, triggers: [args.machineId, script.hash], timeout: `${preparationStepMinutes}m` },
        { parent: this, dependsOn: [previous] },
      );
    }
    this.prepared = previous;

    // Beside the cluster's bring-up, not on its path: nothing waits for it, and it warns only.
    if (args.images.length > 0) {
      const pull = nodeScript("pull-images");
      runScript(
        `${name}-images`,
        { ...common, script: pull, vars: imagePullVars(config, args.images), triggers: [args.machineId, pull.hash], timeout: `${preparationStepMinutes}m` },
        { parent: this, dependsOn: [this.prepared] },
      );
    }
    this.registerOutputs({ prepared: this.prepared });
  }
}
