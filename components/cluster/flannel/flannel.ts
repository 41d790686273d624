import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import { runScript } from "../nodes/run-script";
import { nodeScript, sha256 } from "../nodes/scripts";
import { flannelManifest } from "./manifest";

export interface FlannelArgs {
  config: MachineClusterConfig;
  /** The control plane's connection: kubectl runs there with admin.conf. */
  connection: command.types.input.remote.ConnectionArgs;
  machineId: pulumi.Input<string>;
  /** kubeadm init. */
  init: pulumi.Resource;
}

/**
 * Flannel, applied with kubectl on the control plane rather than as Kubernetes resources through
 * the provider: the provider's kubeconfig waits for Flannel (so no pod of the mesh waits on a
 * cluster without its network plugin, kubeadm-cluster.ts kubeconfigReleased), so the CNI cannot go
 * through that provider without a second provider for the same cluster. Bring-up stays node-side and ordered
 * by dependsOn; the manifest is still data rendered and tested here, re-applied when it changes:
 * the step `flannel-apply` on the control plane.
 */
export function applyFlannel(args: FlannelArgs, parent: pulumi.Resource): command.remote.Command {
  const manifest = flannelManifest({ podCidr: args.config.podCidr, iface: args.config.network.iface, imageRegistry: args.config.imageRegistry });
  const script = nodeScript("flannel-apply");
  return runScript(
    "flannel-apply",
    {
      connection: args.connection,
      sshUser: args.config.ssh.user,
      script,
      stdin: manifest,
      triggers: [args.machineId, script.hash, sha256(manifest)],
      timeout: "10m",
    },
    // It was the one child of a Flannel component named `flannel`: the alias keeps its URN.
    { parent, dependsOn: [args.init], aliases: [{ parent: pulumi.createUrn("flannel", "istio-lab:cluster:Flannel", parent) }] },
  );
}
