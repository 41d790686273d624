import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isLocalCluster, type ClusterConfig, type MachineClusterConfig } from "../config";
import { existingKubeconfig } from "./existing";
import { clusterIdentifierOf } from "./identity";
import { localCluster, type LabImages } from "./local/local-cluster";
import { KubeadmCluster, type Machine } from "./kubeadm/kubeadm-cluster";
import { VsphereMachines } from "./vsphere/machines";

export type { LabImages };

export interface ClusterArgs {
  config: ClusterConfig;
  /** Names the cluster to the Kubernetes provider; it must never change for the life of the lab. */
  clusterIdentifier: string;
  /**
   * Images the nodes istio-lab builds pull while the control plane forms, and a kind or k3d
   * cluster's nodes are loaded with beside the Istio install (the mesh's and the samples'), handed
   * down by the lab since the cluster knows nothing of what runs on it: Istio's own, which a kind or
   * k3d cluster loads first and on their own, and the rest; the nodes istio-lab builds pull the two in
   * that order in one step.
   */
  images?: LabImages;
  /** The ingress gateway's HTTP node port: kind and k3d publish it on 127.0.0.1. */
  gatewayNodePort: number;
  /** Source kubeconfig: the context the stack recorded at its first deployment (pin.ts). */
  context?: string;
  /**
   * One run without the provider's clusterIdentifier (istio-lab:identifierUpgrade): pulumi-kubernetes
   * replaces a provider whose identifier changes, but not one whose identifier is added or removed
   * (provider.go DiffConfig), so a stack from before the identifier carries over in two runs.
   */
  withoutIdentifier?: boolean;
}

/** Where the machine that runs Pulumi reaches a node port of the cluster. */
export interface NodePortEntry {
  address: string;
  port: number;
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
  /**
   * What a pod's start waits for beyond the API server: the workers' joins of a kubeadm cluster, whose
   * control plane kubeadm taints NoSchedule (InitConfiguration's default) and whose kubeconfig is
   * released before the joins (kubeadm-cluster.ts kubeconfigReleased). None elsewhere: kind, k3d and
   * an existing cluster have schedulable nodes once their kubeconfig exists.
   */
  readonly schedulable: pulumi.Resource[] = [];
  /** Where this machine reaches the gateway's node port, when the cluster knows (not on source kubeconfig). */
  readonly gatewayEntry?: NodePortEntry;
  /** A node's address on which every node port answers: the control plane of machines istio-lab built. */
  readonly nodeAddress?: string;
  /**
   * Names this cluster to the provider: the stack's base name, and for a cluster istio-lab makes
   * (kind, k3d, kubeadm) what is new exactly when the cluster is (identity.ts).
   */
  readonly clusterIdentifier: pulumi.Input<string>;
  /**
   * Source kubeconfig: the context every run goes through, recorded at the stack's first
   * deployment (pin.ts); a cluster istio-lab makes is reached through its own kubeconfig.
   */
  readonly context?: string;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:Cluster", name, {}, opts);
    const { config } = args;
    let kubeconfig: pulumi.Input<string>;
    this.clusterIdentifier = args.clusterIdentifier;
    if (config.source === "kubeconfig") {
      kubeconfig = existingKubeconfig(config);
      this.context = args.context;
      // Already a secret: config wraps every secret where it enters.
      if ("contents" in config.kubeconfig) this.kubeconfig = config.kubeconfig.contents;
    } else if (isLocalCluster(config)) {
      const local = localCluster(`${name}-${config.source}`, { config, gatewayNodePort: args.gatewayNodePort, images: args.images }, { parent: this });
      this.kubeconfig = kubeconfig = local.kubeconfig;
      this.deletedWith = local.command;
      this.gatewayEntry = { address: "127.0.0.1", port: config.hostPort };
      this.clusterIdentifier = clusterIdentifierOf(args.clusterIdentifier, local.command.id);
    } else {
      const built = this.buildMachines(name, config, args.images ? [...args.images.istio, ...args.images.rest] : []);
      this.kubeconfig = kubeconfig = built.kubeconfig;
      this.deletedWith = built.deletedWith;
      this.schedulable = built.joins;
      this.clusterIdentifier = clusterIdentifierOf(args.clusterIdentifier, built.controlPlaneMachine);
      const controlPlane = config.nodes.find((n) => n.role === "control-plane");
      if (controlPlane) {
        this.nodeAddress = controlPlane.ip;
        this.gatewayEntry = { address: controlPlane.ip, port: args.gatewayNodePort };
      }
    }
    this.kubeconfigSource = this.kubeconfig ? { contents: this.kubeconfig } : { path: kubeconfig };
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        kubeconfig,
        // Pinned, so that `kubectl config use-context other` never points the lab elsewhere, and a
        // destroy (configured from the state) goes where the stack deployed.
        ...(this.context && { context: this.context }),
        ...(!args.withoutIdentifier && { clusterIdentifier: this.clusterIdentifier }),
        // Only when istio-lab:cluster.deleteUnreachable is set: an explicit input overrides the
        // PULUMI_K8S_DELETE_UNREACHABLE variable of the recovery recipes (pulumi-kubernetes
        // provider.go Configure), and on, one refresh while a VPN is down would drop the whole mesh
        // from state.
        ...(config.deleteUnreachable !== undefined && { deleteUnreachable: config.deleteUnreachable }),
      },
      { parent: this },
    );
    this.registerOutputs({ provider: this.provider, kubeconfig: this.kubeconfig });
  }

  /** vsphere: VMs, then kubeadm on them. hosts: kubeadm on machines that exist, reset on destroy. */
  private buildMachines(
    name: string,
    config: MachineClusterConfig,
    images: readonly string[],
  ): { kubeconfig: pulumi.Output<string>; deletedWith?: pulumi.Resource; controlPlaneMachine: pulumi.Input<string>; joins: pulumi.Resource[] } {
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
      { config, machines, resetOnDestroy: config.source === "hosts", images },
      { parent: this },
    );
    // On hosts the cluster may outlive the lab (an adopted one is never reset), so its objects are
    // deleted one by one.
    const controlPlane = config.nodes.find((n) => n.role === "control-plane")!.name;
    return { kubeconfig: kubeadm.kubeconfig, deletedWith, controlPlaneMachine: machines[controlPlane].machineId, joins: kubeadm.joins };
  }
}
