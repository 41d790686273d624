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
 * Creates the cluster (or keeps one of that name), reads back its kubeconfig, and deletes it on
 * destroy. Every input but the script's text is a trigger: pulumi-command runs `create` again on
 * any other change (an update), which keeps a running cluster, while a new shape (workers, ports,
 * node image, name) needs a new cluster; its name is fixed, so the old one goes first.
 */
export function localCluster(name: string, { config, gatewayNodePort }: LocalClusterArgs, opts: pulumi.CustomResourceOptions): LocalCluster {
  const script = nodeScript("local-cluster");
  const environment = {
    TOOL: config.source,
    CLUSTER_NAME: config.name,
    WORKERS: String(config.workers),
    HOST_PORT: String(config.hostPort),
    NODE_PORT: String(gatewayNodePort),
    NODE_IMAGE: config.nodeImage,
  };
  const run = (action: "create" | "delete") => ["bash", "-c", shellQuote(script.text), script.name, action].join(" ");
  const cluster = new command.local.Command(
    name,
    {
      create: run("create"),
      delete: run("delete"),
      environment,
      triggers: Object.values(environment),
      // The kubeconfig is the command's stdout: never logged, stored as a secret, and not handed
      // to the delete step's environment (PULUMI_COMMAND_STDOUT).
      logging: "stderr",
      addPreviousOutputInEnv: false,
    },
    { ...opts, deleteBeforeReplace: true, additionalSecretOutputs: ["stdout"] },
  );
  return { command: cluster, kubeconfig: pulumi.secret(cluster.stdout) };
}
