// One cluster per stack, decided once and kept. A stack on source kubeconfig records, at its first
// deployment, the context it deployed through and the cluster that context reached (its API server
// and CA); every later run goes through that context, whatever kubectl's current context is, and is
// refused while that context reaches another cluster. The record is a Pulumi Stash: the engine's
// builtin provider copies `input` to `output` when it creates one and keeps the old `output` on
// every update (pulumi/pulumi pkg/resource/deploy/builtins.go, Create and Update; CLI >= 3.208.0),
// so `output` is what the first deployment saw; ignoreChanges on `input` keeps a switched current
// context from showing as a change. A destroy does not run the program: it configures the provider
// from the state (pulumi/pulumi pkg/resource/deploy/deployment.go), whose `context` is this record.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type ConfigIssue } from "../config";
import { kubeconfigTargets, sameCluster, type ContextTarget, type KubeconfigTargets } from "../config/kubeconfig";
import type { ExistingClusterConfig, MachineClusterConfig } from "../config/cluster-source";

/** What a stack records of its cluster: the context it deploys through, and where that led. */
export interface ClusterRecord extends ContextTarget {
  context: string;
}

/** Where docs/recovery.md tells each case apart. */
const recovery = "docs/recovery.md";

/** The record a first deployment makes: the named context, or the kubeconfig's current one. */
export function observe(targets: KubeconfigTargets, context: string | undefined): ClusterRecord | undefined {
  const name = context ?? targets.currentContext;
  const target = name === undefined ? undefined : targets.contexts[name];
  return name === undefined || target === undefined ? undefined : { context: name, ...target };
}

/**
 * What is wrong with deploying through the recorded context now; none when the stack may go on.
 * Pure, so each case is tested without an engine.
 */
export function pinProblems(recorded: ClusterRecord, targets: KubeconfigTargets, context: string | undefined, where: string): ConfigIssue[] {
  const was = `context "${recorded.context}" (${recorded.server})`;
  if (context !== undefined && context !== recorded.context) {
    return [
      {
        key: "istio-lab:cluster.context",
        message: `names "${context}", but this stack was deployed through ${was} and keeps to it; set it back, or move the lab on purpose: \`pulumi destroy\`, then set the key and \`pulumi up\` (${recovery})`,
      },
    ];
  }
  const now = targets.contexts[recorded.context];
  if (!now) {
    return [{ key: "istio-lab:cluster.kubeconfig", message: `${where} no longer has ${was}, which this stack was deployed through; put it back, or if that cluster is gone, see ${recovery} ("A cluster that is gone")` }];
  }
  if (!sameCluster(recorded, now)) {
    return [
      {
        key: "istio-lab:cluster.context",
        message: `"${recorded.context}" now reaches another cluster (${now.server}${now.caDigest && recorded.caDigest ? ", another CA" : ""}) than the one this stack was deployed to (${recorded.server}); if that cluster was rebuilt, its objects went with it: see ${recovery} ("A cluster that is gone")`,
      },
    ];
  }
  return [];
}

/** An Output's value, awaited: the program decides before it registers what depends on it. */
const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

/**
 * Records `value` at the stack's first deployment and returns what was recorded then: a Stash whose
 * `output` the engine keeps (builtins.go; known in a preview too, as Create and Update run with
 * Preview set), `input` ignored afterwards so a later value shows as no change.
 */
export const pinned = <T>(name: string, value: pulumi.Input<T>): Promise<T> =>
  valueOf(new pulumi.Stash(name, { input: value }, { ignoreChanges: ["input"] }).output as pulumi.Output<T>);

/**
 * The context the stack's provider uses: recorded at the first deployment, checked on every run
 * before anything but the record is registered; a mismatch is a ConfigError naming the key.
 */
export async function pinnedContext(config: ExistingClusterConfig): Promise<ClusterRecord> {
  const { kubeconfig, context } = config;
  const where = "path" in kubeconfig ? kubeconfig.path : "istio-lab:kubeconfig";
  const targets: KubeconfigTargets | undefined = "path" in kubeconfig ? kubeconfig.targets : await valueOf(kubeconfig.contents.apply((text) => kubeconfigTargets(text)));
  const first = targets && observe(targets, context);
  if (!targets || !first) {
    const issue = !targets
      ? { key: "istio-lab:kubeconfig", message: "is no kubeconfig (it lists no contexts and clusters)" }
      : { key: "istio-lab:cluster.context", message: `is needed: ${where} names no usable context; set one of its contexts (${Object.keys(targets.contexts).join(", ") || "none"})` };
    throw new ConfigError([issue]);
  }
  // A secret kubeconfig's record is as secret as the kubeconfig.
  const input = "path" in kubeconfig ? first : pulumi.secret(first);
  const recorded = await pinned<ClusterRecord>("cluster-pin", input);
  const problems = pinProblems(recorded, targets, context, where);
  if (problems.length > 0) throw new ConfigError(problems);
  return recorded;
}

/**
 * Source hosts: the control plane a stack first built its cluster on. A new control-plane address
 * is a new cluster, and the engine would reset the old control plane first (its steps are replaced
 * delete-first), then send every old object's delete to that reset cluster, where they fail, Helm
 * releases whatever PULUMI_K8S_DELETE_UNREACHABLE says (`npm run bench`, "a new control-plane
 * address on hosts"). So the stack stops before anything changes, naming the key and the way.
 */
export async function pinnedControlPlane(config: MachineClusterConfig): Promise<void> {
  const index = config.nodes.findIndex((n) => n.role === "control-plane");
  const address = config.nodes[index].ip;
  const recorded = await pinned<{ address: string }>("control-plane-pin", { address });
  if (recorded.address !== address) {
    throw new ConfigError([
      {
        key: `istio-lab:cluster.nodes[${index}].ip`,
        message: `is ${address}, but this stack built its cluster on the control plane at ${recorded.address}; a new control plane is a new cluster: set it back, or move the lab on purpose: \`pulumi destroy\`, then \`pulumi up\` (${recovery})`,
      },
    ]);
  }
}
