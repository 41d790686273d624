import type * as pulumi from "@pulumi/pulumi";
import type { ExistingClusterConfig } from "../config";

/**
 * The kubeconfig of a cluster istio-lab did not build (minikube, kind, k3d, a cloud cluster).
 * A path is handed to the provider as written, so the file is read where Pulumi runs, its
 * credentials never enter the state, and neither does this machine's home folder: the provider
 * expands `~` itself (pulumi-kubernetes provider/pkg/provider/util.go, parseKubeconfigString).
 */
export function existingKubeconfig(config: ExistingClusterConfig): pulumi.Input<string> {
  return "contents" in config.kubeconfig ? config.kubeconfig.contents : config.kubeconfig.path;
}
