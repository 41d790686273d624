// Sources kind and k3d: the lab's cluster in containers on the machine that runs Pulumi, made by
// one local command (components/cluster/scripts/local-cluster.sh) that prints its kubeconfig.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { LocalClusterConfig } from "../../config";
import { shellQuote } from "../../shell";
import { nodeScript } from "../nodes/scripts";

export interface LocalClusterArgs {
  config: LocalClusterConfig;
  /** The ingress gateway's HTTP node port, published on 127.0.0.1:hostPort. */
  gatewayNodePort: number;
}

export interface LocalCluster {
  /** The command whose deletion deletes the cluster, and with it every object in it. */
  command: command.local.Command;
  /** The cluster's admin kubeconfig (a secret). */
  kubeconfig: pulumi.Output<string>;
}

/**
 * Creates the cluster, reads back its kubeconfig, and deletes it on destroy (local-cluster.sh).
 *
 * pulumi-command 1.2.1 (provider/pkg/provider/local/commandController.go, common/inputs.go): a
 * change of `triggers` (replaceOnChanges) replaces the command: `delete` runs with the inputs of
 * the state (its old environment), then `create` with the new ones. A change of any other input
 * is an Update, which runs `update` when set, else `create` again, with the new environment.
 * `create` refuses a cluster of that name that this stack did not make, so an Update must not run
 * it: `update` only needs the cluster to be there, and reads its kubeconfig again.
 *
 * The triggers are the cluster's shape (workers, ports, node image, name: a new cluster, and its
 * name being fixed the old one goes first), in the order earlier releases wrote them, so that an
 * upgraded stack updates its command and keeps its cluster (pulumi-command replaces on any change
 * under `triggers`, a longer list too). ADOPT (with 1 the stack never deletes the cluster) and
 * OWNER (the project and stack recorded as the cluster's maker on this machine) are no triggers:
 * setting cluster.adopt, or renaming the stack, changes whose the cluster is, not the cluster.
 */
export function localCluster(name: string, { config, gatewayNodePort }: LocalClusterArgs, opts: pulumi.CustomResourceOptions): LocalCluster {
  const script = nodeScript("local-cluster");
  const shape = {
    TOOL: config.source,
    CLUSTER_NAME: config.name,
    WORKERS: String(config.workers),
    HOST_PORT: String(config.hostPort),
    NODE_PORT: String(gatewayNodePort),
    NODE_IMAGE: config.nodeImage,
  };
  const environment = { ...shape, ADOPT: config.adopt ? "1" : "0", OWNER: `${pulumi.getProject()}/${pulumi.getStack()}` };
  const run = (action: "create" | "update" | "delete") => ["bash", "-c", shellQuote(script.text), script.name, action].join(" ");
  const cluster = new command.local.Command(
    name,
    {
      create: run("create"),
      update: run("update"),
      delete: run("delete"),
      environment,
      triggers: Object.values(shape),
      // The kubeconfig is the command's stdout: never logged, stored as a secret, and not handed
      // to the update and delete steps' environment (PULUMI_COMMAND_STDOUT).
      logging: "stderr",
      addPreviousOutputInEnv: false,
    },
    { ...opts, deleteBeforeReplace: true, additionalSecretOutputs: ["stdout"] },
  );
  return { command: cluster, kubeconfig: pulumi.secret(cluster.stdout) };
}
