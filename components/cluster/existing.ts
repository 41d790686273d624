import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ExistingClusterConfig } from "../config";

/**
 * The kubeconfig of a cluster istio-lab did not build (minikube, kind, k3d, a cloud cluster).
 * A path is handed to the provider as a path, so the file is read where Pulumi runs and its
 * credentials never enter the state; `~` is expanded because the provider does not.
 */
export function existingKubeconfig(config: ExistingClusterConfig): pulumi.Input<string> {
  if ("contents" in config.kubeconfig) return config.kubeconfig.contents;
  const file = config.kubeconfig.path;
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}
