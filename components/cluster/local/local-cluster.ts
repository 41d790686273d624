// Sources kind and k3d: the lab's cluster in containers on the machine that runs Pulumi, made by
// one local command (components/cluster/scripts/local-cluster.sh) that prints its kubeconfig.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { LocalClusterConfig } from "../../config";
import { shellQuote } from "../../shell";
import { nodeScript } from "../nodes/scripts";

/**
 * The lab's images as a kind or k3d cluster brings them in: Istio's own first (what istiod and the
 * gateways run, and every sidecar), loaded as soon as the cluster is there so that istiod starts from
 * a loaded image; then the rest (the addons' and the samples'). The lab names both (components/lab.ts),
 * since the cluster layer knows nothing of the mesh.
 */
export interface LabImages {
  istio: readonly string[];
  rest: readonly string[];
}

export interface LocalClusterArgs {
  config: LocalClusterConfig;
  /** The ingress gateway's HTTP node port, published on 127.0.0.1:hostPort. */
  gatewayNodePort: number;
  /**
   * The lab's images (the mesh's and the samples'), brought into the nodes beside the Istio install;
   * Istio's own first and on their own.
   */
  images?: LabImages;
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
export function localCluster(name: string, { config, gatewayNodePort, images = { istio: [], rest: [] } }: LocalClusterArgs, opts: pulumi.CustomResourceOptions): LocalCluster {
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
  if (images.istio.length + images.rest.length > 0) localImages(name, { tool: config.source, clusterName: config.name, images, cluster }, opts);
  return { command: cluster, kubeconfig: pulumi.secret(cluster.stdout) };
}

/**
 * The lab's images into the cluster's nodes, beside the Istio install rather than one pod at a
 * time: a pull step pulls them on this machine while the cluster is made, so each crosses the
 * network once, not once per node that runs it, and a load step loads them into every node once
 * the cluster is there. Istio's own images (pilot and the proxy, in ambient mode the CNI agent and
 * ztunnel too) go first and on their own (`<name>-istio-pull`, `<name>-istio-images`): their load
 * ends soon after the cluster is made, before istiod's release starts (it waits for istio-base),
 * instead of after every addon's and sample's image. The rest (`<name>-pull`, `<name>-images`)
 * waits for Istio's pull, so the two never share the link. Nothing waits for any of them: the
 * kubelet pulls whatever is not there yet (the samples' pods ask IfNotPresent, catalog/apps; a
 * sidecar of a tagged proxy image too, istio-discovery values.yaml global.imagePullPolicy), so they
 * only warn (local-cluster.sh pull and load). A load runs again for a new cluster (its id) and both
 * steps of a group for a new list of its images; none has a delete: the images go with the cluster.
 */
function localImages(name: string, args: { tool: string; clusterName: string; images: LabImages; cluster: command.local.Command }, opts: pulumi.CustomResourceOptions): void {
  const script = nodeScript("local-cluster");
  const run = (action: "pull" | "load") => ["bash", "-c", shellQuote(script.text), script.name, action].join(" ");
  const group = (prefix: string, images: readonly string[], after: pulumi.Resource[]) => {
    const environment = { TOOL: args.tool, CLUSTER_NAME: args.clusterName, IMAGES: images.join(" ") };
    const pull = new command.local.Command(
      `${prefix}-pull`,
      { create: run("pull"), environment, triggers: [environment.IMAGES], logging: "stderr", addPreviousOutputInEnv: false },
      { ...opts, ...(after.length > 0 && { dependsOn: after }) },
    );
    new command.local.Command(
      `${prefix}-images`,
      { create: run("load"), environment, triggers: [args.cluster.id, environment.IMAGES], logging: "stderr", addPreviousOutputInEnv: false },
      { ...opts, dependsOn: [args.cluster, pull] },
    );
    return pull;
  };
  const { istio, rest } = args.images;
  const istioPull = istio.length > 0 ? [group(`${name}-istio`, istio, [])] : [];
  if (rest.length > 0) group(name, rest, istioPull);
}
