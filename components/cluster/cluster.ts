import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, MachineClusterConfig } from "../config";
import { existingKubeconfig } from "./existing";
import { KubeadmCluster, type Machine } from "./kubeadm/kubeadm-cluster";
import { VsphereMachines } from "./vsphere/machines";

export interface ClusterArgs {
  config: ClusterConfig;
  /** Names the cluster to the Kubernetes provider; it must never change for the life of the lab. */
  clusterIdentifier: string;
  /**
   * Images the nodes istio-lab builds pull while the control plane forms (the mesh's and the
   * samples'), handed down by the lab since the cluster knows nothing of what runs on it.
   */
  images?: readonly string[];
}

/**
 * Where the lab's Kubernetes comes from, and the provider every later layer deploys through.
 * The provider's clusterIdentifier is fixed per stack, so a kubeconfig that changes (a re-read
 * admin.conf, a rotated certificate) updates the provider instead of replacing every object.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  /** The admin kubeconfig, when istio-lab holds it (a secret); a path-based source has none. */
  readonly kubeconfig?: pulumi.Output<string>;
  /** How tools running beside Pulumi (the verify gate) reach the cluster: a file, or the secret contents. */
  readonly kubeconfigSource: { path: pulumi.Input<string> } | { contents: pulumi.Output<string> };
  /**
   * The resource whose deletion takes the whole cluster with it (the control plane's VM), when
   * there is one: a destroy then deletes no Kubernetes object one by one, and completes even when
   * the cluster no longer answers.
   */
  readonly deletedWith?: pulumi.Resource;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:Cluster", name, {}, opts);
    let kubeconfig: pulumi.Input<string>;
    if (args.config.source === "kubeconfig") {
      kubeconfig = existingKubeconfig(args.config);
      // Already a secret: config wraps every secret where it enters.
      if ("contents" in args.config.kubeconfig) this.kubeconfig = args.config.kubeconfig.contents;
    } else {
      const built = this.buildMachines(name, args.config, args.images ?? []);
      this.kubeconfig = built.kubeconfig;
      this.deletedWith = built.deletedWith;
      kubeconfig = this.kubeconfig;
    }
    this.kubeconfigSource = this.kubeconfig ? { contents: this.kubeconfig } : { path: kubeconfig };
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        kubeconfig,
        // Pinned, so that `kubectl config use-context other` never points the lab elsewhere.
        ...(args.config.source === "kubeconfig" && args.config.context ? { context: args.config.context } : {}),
        clusterIdentifier: args.clusterIdentifier,
        // Opt-in (istio-lab:cluster.deleteUnreachable): on, one refresh while a VPN is down would
        // silently drop the whole mesh from state.
        deleteUnreachable: args.config.deleteUnreachable,
      },
      { parent: this },
    );
    this.registerOutputs({ provider: this.provider, kubeconfig: this.kubeconfig });
  }

  /** vsphere: VMs, then kubeadm on them. hosts: kubeadm on machines that exist, reset on destroy. */
  private buildMachines(name: string, config: MachineClusterConfig, images: readonly string[]): { kubeconfig: pulumi.Output<string>; deletedWith?: pulumi.Resource } {
    let machines: Record<string, Machine>;
    let deletedWith: pulumi.Resource | undefined;
    if (config.source === "vsphere") {
      if (!config.vsphere) throw new pulumi.ResourceError("source vsphere needs istio-lab:cluster.vsphere", this);
      machines = new VsphereMachines(`${name}-vsphere`, { config, vsphere: config.vsphere }, { parent: this }).machines;
      deletedWith = machines[config.nodes.find((n) => n.role === "control-plane")!.name].resource;
    } else {
      machines = Object.fromEntries(config.nodes.map((node) => [node.name, { machineId: node.ip }]));
    }
    const kubeadm = new KubeadmCluster(
      `${name}-kubeadm`,
      { config, machines, resetOnDestroy: config.source === "hosts", vmxnet3Workaround: config.source === "vsphere", images },
      { parent: this },
    );
    // On hosts the cluster may outlive the lab (an adopted one is never reset), so its objects are
    // deleted one by one.
    return { kubeconfig: kubeadm.kubeconfig, deletedWith };
  }
}
