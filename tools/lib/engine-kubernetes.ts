// The Kubernetes provider's rules the plans rest on, read from pulumi-kubernetes
// provider/pkg/provider/provider.go (DiffConfig, Configure, Delete, Read) and util.go
// (parseKubeconfigString, getActiveClusterFromConfig).
import { parse } from "yaml";
import { SecretValue, sameValue } from "./engine-secrets";
import { standInFiles } from "./stand-ins";

/** Reads a file where Pulumi runs; undefined when it cannot. */
export type ReadFile = (path: string) => string | undefined;

/**
 * How a plan writes a value that is unknown until a step runs: an input that held a replaced
 * resource's id (plan.ts replaceIds), or the SDK's unknown sentinel in a preview's render.
 */
export const unknownValue = "(unknown: replaced)";
const sdkUnknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (value: unknown): boolean => value === unknownValue || value === sdkUnknown;

export const helmReleaseType = "kubernetes:helm.sh/v3:Release";
export const kubernetesProviderType = "pulumi:providers:kubernetes";

export interface ConfigDiff {
  /** The top-level inputs that differ (DiffConfig's `diffs`). */
  changed: string[];
  /** The inputs whose change replaces the provider, and with it every resource it manages. */
  replaces: string[];
}

const hasValue = (map: Record<string, unknown>, key: string) => map[key] !== undefined && map[key] !== null;

/**
 * pulumi-kubernetes provider.go DiffConfig, as read:
 * - no difference: no change;
 * - a *changed* clusterIdentifier (`diff.Updated`: set on both sides, or unknown now) replaces;
 *   adding or removing it does not by itself;
 * - an identifier set and unchanged (`diff.Same && news.HasValue`) cancels every replacement, even
 *   for an unknown kubeconfig, context or cluster (the deferred `resp.Replaces = nil`);
 * - otherwise an unknown kubeconfig, context or cluster replaces ("we can't tell for sure if a
 *   computed value has changed");
 * - `renderYamlToDirectory` changed replaces;
 * - the active cluster (getActiveClusterFromConfig: the kubeconfig's current context, or the
 *   `context` input, then its cluster, or the `cluster` input) found on both sides and different
 *   replaces, blaming whichever of kubeconfig, context and cluster changed.
 * The engine hands DiffConfig the inputs without its `__internal` key (pkg/resource/deploy/
 * providers/registry.go FilterProviderConfig). A kubeconfig that is a path is read where Pulumi
 * runs (util.go parseKubeconfigString, `~/` expanded), here with `readFile`.
 */
export function kubernetesDiffConfig(olds: Record<string, unknown>, news: Record<string, unknown>, readFile: ReadFile = standInFiles): ConfigDiff {
  const filter = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k, v]) => k !== "__internal" && v !== undefined && v !== null));
  const [o, n] = [filter(olds), filter(news)];
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])];
  // PropertyMap.Diff: an unknown is never equal to a known value.
  const differs = (k: string) => isUnknown(n[k]) || !sameValue(o[k], n[k]);
  const changed = keys.filter(differs);
  if (changed.length === 0) return { changed: [], replaces: [] };
  const identifier = "clusterIdentifier";
  const replaces: string[] = [];
  if (hasValue(o, identifier) && hasValue(n, identifier) && differs(identifier)) replaces.push(identifier);
  const identifierKept = hasValue(o, identifier) && hasValue(n, identifier) && !differs(identifier);
  const unknown = ["kubeconfig", "context", "cluster"].find((k) => isUnknown(n[k]));
  if (unknown) return { changed: [unknown], replaces: identifierKept ? [] : [...replaces, unknown] };
  if (changed.includes("renderYamlToDirectory")) replaces.push("renderYamlToDirectory");
  const [before, after] = [activeCluster(o, readFile), activeCluster(n, readFile)];
  if (before !== undefined && after !== undefined && !sameValue(before, after)) {
    replaces.push(...["kubeconfig", "context", "cluster"].filter((k) => changed.includes(k)));
  }
  return { changed, replaces: identifierKept ? [] : replaces };
}

/** util.go getActiveClusterFromConfig on util.go parseKubeconfigString: the cluster the inputs reach, if found. */
function activeCluster(inputs: Record<string, unknown>, readFile: ReadFile): unknown {
  const raw = SecretValue.plaintext(inputs.kubeconfig);
  // An object is marshalled to JSON, a string is a path when the file exists, else the contents.
  const text = typeof raw === "string" ? (readFile(raw) ?? raw) : raw !== undefined ? JSON.stringify(raw) : "";
  let config: Record<string, unknown>;
  try {
    config = (parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const named = (list: unknown) =>
    new Map((Array.isArray(list) ? list : []).map((e: Record<string, unknown>) => [String(e?.name ?? ""), e] as const));
  const clusters = named(config.clusters);
  if (clusters.size === 0) return undefined;
  const context = SecretValue.plaintext(inputs.context);
  const current = typeof context === "string" ? context : config["current-context"];
  const active = named(config.contexts).get(String(current ?? ""))?.context as { cluster?: string } | undefined;
  if (!active) return undefined;
  const override = SecretValue.plaintext(inputs.cluster);
  return clusters.get(typeof override === "string" ? override : String(active.cluster ?? ""))?.cluster;
}

/** A provider input as the provider reads it in Configure: every input arrives as text (`vars`). */
const providerFlag = (inputs: Record<string, unknown>, key: string): string | undefined => {
  const value = SecretValue.plaintext(inputs[key]);
  return value === undefined || value === null ? undefined : String(value);
};

/**
 * provider.go Configure: the explicit provider input wins over the environment variable (an
 * explicit "false" too); absent, the variable decides; neither, false.
 */
function inputOrEnvironment(inputs: Record<string, unknown>, key: string, variable: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const input = providerFlag(inputs, key);
  if (input !== undefined) return input === "true";
  const set = env[variable];
  if (set !== undefined) return set === "true";
  return false;
}

/** provider.go Configure `deleteUnreachable`: input `deleteUnreachable`, else PULUMI_K8S_DELETE_UNREACHABLE, else false. */
export const deleteUnreachable = (inputs: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): boolean =>
  inputOrEnvironment(inputs, "deleteUnreachable", "PULUMI_K8S_DELETE_UNREACHABLE", env);

/** provider.go Configure `skipUpdateUnreachable`: input, else PULUMI_K8S_SKIP_UPDATE_UNREACHABLE, else false. */
export const skipUpdateUnreachable = (inputs: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): boolean =>
  inputOrEnvironment(inputs, "skipUpdateUnreachable", "PULUMI_K8S_SKIP_UPDATE_UNREACHABLE", env);

/** Where the Kubernetes provider runs an operation: whether the cluster answers, and the process's environment. */
export interface ClusterEnvironment {
  /** Whether the cluster answers (false: the provider's Configure marks it unreachable). */
  reachable: boolean;
  /** The environment of the `pulumi` process (PULUMI_K8S_DELETE_UNREACHABLE, ...). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ProviderOutcome {
  outcome: "done" | "dropped from state" | "kept as it was" | "fails";
  /** The provider's message, for a failure or a drop. */
  message?: string;
}

/**
 * provider.go Delete on a cluster that does not answer: a Helm Release fails whatever the flag
 * ("can't delete Helm Release with unreachable cluster"); any other object fails unless
 * deleteUnreachable, which drops it from state.
 */
export function kubernetesDelete(type: string, providerInputs: Record<string, unknown>, cluster: ClusterEnvironment): ProviderOutcome {
  if (cluster.reachable) return { outcome: "done" };
  if (type === helmReleaseType) return { outcome: "fails", message: "can't delete Helm Release with unreachable cluster" };
  if (deleteUnreachable(providerInputs, cluster.env ?? {})) {
    return { outcome: "dropped from state", message: "configured Kubernetes cluster is unreachable and the `deleteUnreachable` option is enabled" };
  }
  return {
    outcome: "fails",
    message: 'configured Kubernetes cluster is unreachable. If the cluster was deleted, you can remove this resource from Pulumi state by rerunning the operation with the PULUMI_K8S_DELETE_UNREACHABLE environment variable set to "true"',
  };
}

/**
 * provider.go Read (what `pulumi refresh` calls) on a cluster that does not answer, before any
 * kind-specific read, Helm Releases included: deleteUnreachable drops the object from state,
 * skipUpdateUnreachable keeps it as it was, else the read fails.
 */
export function kubernetesRead(providerInputs: Record<string, unknown>, cluster: ClusterEnvironment): ProviderOutcome {
  if (cluster.reachable) return { outcome: "done" };
  const env = cluster.env ?? {};
  if (deleteUnreachable(providerInputs, env)) return { outcome: "dropped from state", message: "the `deleteUnreachable` option is enabled" };
  if (skipUpdateUnreachable(providerInputs, env)) return { outcome: "kept as it was", message: "the `skipUnreachable` option is enabled" };
  return { outcome: "fails", message: "failed to read resource state due to unreachable cluster" };
}
