import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import { applyFlannel } from "../flannel/flannel";
import { Node } from "../nodes/node";
import { ControlPlane } from "./control-plane";
import { smokeCheck } from "./smoke-check";
import { joinWorker } from "./worker-join";

/** A machine a node runs on. */
export interface Machine {
  /** Identifies the machine (a VM's id, a host's address); a new one runs every step again. */
  machineId: pulumi.Input<string>;
  /** The resource that creates it, if istio-lab does. */
  resource?: pulumi.Resource;
}

export interface KubeadmClusterArgs {
  config: MachineClusterConfig;
  /** One machine per node, by node name. */
  machines: Record<string, Machine>;
  resetOnDestroy: boolean;
  /** Images every node pulls while the control plane forms. */
  images: readonly string[];
}

/**
 * kubeadm on prepared machines: every node prepared in parallel, init on the control plane,
 * Flannel, the workers joining in parallel, then the smoke check. The kubeconfig it hands out
 * resolves once the API server answers and Flannel is applied, while the workers still join
 * (kubeconfigReleased): the mesh's charts install meanwhile, and the smoke check fails the
 * deployment if the cluster never comes whole.
 */
export class KubeadmCluster extends pulumi.ComponentResource {
  /** The admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The workers' joins: until one has joined, no node takes a pod that does not tolerate the control plane's taint. */
  readonly joins: pulumi.Resource[];

  constructor(name: string, args: KubeadmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:KubeadmCluster", name, {}, opts);
    const { config } = args;
    const machineOf = (nodeName: string) => {
      const machine = args.machines[nodeName];
      if (!machine) throw new pulumi.ResourceError(`no machine for node ${nodeName}`, this);
      return machine;
    };
    const nodes = config.nodes.map((spec) => {
      const machine = machineOf(spec.name);
      const node = new Node(
        spec.name,
        {
          node: spec,
          config,
          machineId: machine.machineId,
          machine: machine.resource,
          resetOnDestroy: args.resetOnDestroy,
          images: args.images,
        },
        { parent: this },
      );
      return { spec, node, machineId: machine.machineId };
    });

    const [cp, ...others] = [...nodes].sort((a, b) => Number(b.spec.role === "control-plane") - Number(a.spec.role === "control-plane"));
    if (!cp || cp.spec.role !== "control-plane") throw new pulumi.ResourceError("the cluster needs a control-plane node", this);
    const controlPlane = new ControlPlane(
      "control-plane",
      { node: cp.spec, config, connection: cp.node.connection, machineId: cp.machineId, prepared: cp.node.prepared },
      { parent: this },
    );
    const flannel = applyFlannel({ config, connection: cp.node.connection, machineId: cp.machineId, init: controlPlane.init }, this);
    const joins = others.map((worker) =>
      joinWorker(
        { node: worker.spec, ssh: config.ssh, adopt: config.adopt, connection: worker.node.connection, machineId: worker.machineId, controlPlane, prepared: worker.node.prepared },
        this,
      ),
    );
    this.joins = joins;
    smokeCheck(
      { config, connection: cp.node.connection, machineIds: nodes.map((n) => n.machineId), dependsOn: [...joins, flannel] },
      this,
    );

    const cpName = cp.spec.name;
    // A secret still: the control plane's kubeconfig is one from where it was read.
    this.kubeconfig = kubeconfigReleased(controlPlane.kubeconfig, flannel, nodes.map((n) => n.node.access)).apply((kubeconfig) => checkedKubeconfig(kubeconfig, cpName));
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}

/**
 * The admin kubeconfig as the Kubernetes provider gets it: once kubeadm init is done (it was read
 * back after it) and Flannel is applied, not after the workers' joins and the smoke check, which
 * nothing of the mesh needs to begin:
 * - istio-base is CRDs, RBAC and a webhook configuration (its chart's values.yaml: the CRDs as
 *   templates, enableCRDTemplates, and the validation webhook's settings), nothing that runs: only
 *   the API server takes part, and Helm's wait has no pod to wait for.
 * - istiod's release waits (Helm's --wait, atomic) for its pod, which the scheduler places on a
 *   Ready node without the control plane's NoSchedule taint (kubeadm's InitConfiguration default;
 *   the chart's pilot.tolerations is [] in istio-discovery values.yaml), so it can start only once a
 *   worker joined. Its release waits for the joins (`joins`, the Mesh's `schedulable`): its Helm
 *   timeout (600 s) would otherwise run while a slow worker is still prepared (each step up to 30
 *   min) and roll the release back.
 * - CoreDNS, which the sidecars resolve istiod through, tolerates that taint (kubeadm's CoreDNS
 *   Deployment, cmd/kubeadm/app/phases/addons/dns/manifests.go) and runs on the control plane once
 *   Flannel does, while the workers join.
 * Flannel first, so a pod never waits on a cluster without its network plugin. Each node's first
 * step (its `-access`, after its reset on hosts) is among the provider's dependencies, which ends
 * early: on destroy the engine deletes the Kubernetes objects before anything a node's reset
 * takes away (the smoke check used to carry those edges through the joins).
 */
export function kubeconfigReleased(kubeconfig: pulumi.Output<string>, cni: command.remote.Command, nodeSteps: command.remote.Command[]): pulumi.Output<string> {
  return pulumi.all([kubeconfig, cni.stdout, ...nodeSteps.map((step) => step.id)]).apply(([text]) => text);
}

/**
 * An empty kubeconfig would make the Kubernetes provider fall back to the ambient one and deploy
 * the mesh onto some other cluster: refuse it (the message never quotes the secret).
 */
export function checkedKubeconfig(kubeconfig: string, controlPlane: string): string {
  if (typeof kubeconfig === "string" && !/^apiVersion:/m.test(kubeconfig)) {
    throw new Error(`the admin kubeconfig read from ${controlPlane} (/etc/kubernetes/admin.conf) is empty or not a kubeconfig`);
  }
  return kubeconfig;
}
