import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../config";
import { existingKubeconfig } from "./existing";

export interface ClusterArgs {
  config: ClusterConfig;
  /** Names the cluster to the Kubernetes provider; it must never change for the life of the lab. */
  clusterIdentifier: string;
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

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:Cluster", name, {}, opts);
    if (args.config.source !== "kubeconfig") {
      // parseLabConfig refuses machine sources until the cluster layer builds them.
      throw new pulumi.ResourceError(`source ${args.config.source} is not available yet`, this);
    }
    const kubeconfig = existingKubeconfig(args.config);
    if ("contents" in args.config.kubeconfig) this.kubeconfig = pulumi.secret(args.config.kubeconfig.contents);
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        kubeconfig,
        clusterIdentifier: args.clusterIdentifier,
        // A lab is often destroyed after its cluster is gone; do not block destroy on it.
        deleteUnreachable: true,
      },
      { parent: this },
    );
    this.registerOutputs({ provider: this.provider, kubeconfig: this.kubeconfig });
  }
}
