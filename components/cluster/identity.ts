// A cluster's identity for the Kubernetes provider: the stack's base name and what makes a new
// cluster when it changes. A changed clusterIdentifier replaces the provider (pulumi-kubernetes
// provider/pkg/provider/provider.go DiffConfig), and the engine replaces every resource of a
// replaced provider (pulumi/pulumi pkg/resource/deploy/step_generator.go), so a rebuilt cluster
// gets its mesh and lab again instead of a state that says they are there. It must stay known in
// a preview whenever the cluster stays (DiffConfig replaces on an unknown identifier), so it is
// never read from the kubeconfig, which a preview does not know while a node step re-runs.
import * as pulumi from "@pulumi/pulumi";

/**
 * `<base>-<identity>`: for kubeadm the control plane's machine (a VM's id, a host's address), for
 * kind and k3d the id of the command that made the cluster, each new exactly when the cluster is.
 */
export function clusterIdentifierOf(base: string, identity: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${base}-${identity}`;
}
