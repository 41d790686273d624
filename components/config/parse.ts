// Reads the whole stack configuration into one typed LabConfig, or fails with every problem at once.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resolveScenario } from "../../catalog/scenarios";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { scenarioOptionSchemas } from "../../catalog/scenarios/options";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { resolveCluster, type ClusterConfig, type Secret } from "./cluster-source";
import { closestKey, ConfigError, describeIssue, fromZod, unknownKeyMessage, type ConfigIssue } from "./errors";
import * as rules from "./rules";
import * as schema from "./schema";

export const project = "istio-lab";
const topLevelKeys = ["scenario", "scenarioOptions", "cluster", "sshPrivateKey", "kubeconfig", "mesh", "apps", "verify"];

export type { ClusterConfig, ExistingClusterConfig, MachineClusterConfig, Secret } from "./cluster-source";

export interface LabConfig {
  scenario: ScenarioName;
  /** Validated against the scenario's own schema in catalog/scenarios/options.ts. */
  scenarioOptions: unknown;
  /** The scenario resolved from the catalog, once: its workloads, Istio resources and probes. */
  scenarioSpec: ScenarioSpec;
  cluster: ClusterConfig;
  mesh: schema.Mesh;
  apps: schema.Apps;
  verify: schema.Verify;
}

/** What Pulumi hands a program: every config value as a string, and which keys were secret. */
export interface RawConfig {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
}

/**
 * Checks a resolved scenario against the mesh and its workloads (components/scenarios/analyzer.ts).
 * The program hands it in, so that its findings join the config's problems, all reported at once
 * before any resource, while config imports nothing from the layers built on it.
 */
export type ScenarioAnalyzer = (scenario: ScenarioName, spec: ScenarioSpec) => ConfigIssue[];

const secretHint = (key: string) =>
  `is a secret and was given as plain text; store it with \`pulumi config set --secret ${key}\``;

export function parseLabConfig({ values, secretKeys }: RawConfig, analyze: ScenarioAnalyzer): LabConfig {
  const issues: ConfigIssue[] = [];
  const key = (name: string) => `${project}:${name}`;

  for (const name of Object.keys(values)) {
    // A namespace one typo away from the project's (istio_lab:, istiolab:) is ours, misspelt: the
    // CLI and the program would otherwise ignore the key without a word.
    const namespace = name.split(":")[0];
    if (namespace !== project && closestKey(namespace, [project]) === project) {
      issues.push({ key: name, message: `is in the namespace "${namespace}", which nothing reads; did you mean "${project}:${name.slice(namespace.length + 1)}"?` });
      continue;
    }
    if (!name.startsWith(`${project}:`)) continue;
    const short = name.slice(project.length + 1);
    if (!topLevelKeys.includes(short)) issues.push({ key: name, message: unknownKeyMessage(short, topLevelKeys) });
  }

  const object = (name: string): unknown => {
    const text = values[key(name)];
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      // Pulumi.yaml declares the optional objects with `default: {}`, so the CLI hands every stack
      // that leaves one out an empty object: it means "not set".
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return Object.keys(parsed).length > 0 ? parsed : undefined;
    } catch {
      // reported below
    }
    issues.push({ key: key(name), message: `must be an object; set its fields with \`pulumi config set --path '${name}.<field>' <value>\`` });
    return null;
  };

  const parse = <S extends z.ZodType>(name: string, s: S, input: unknown): z.infer<S> | undefined => {
    if (input === null) return undefined;
    const result = s.safeParse(input, { error: describeIssue });
    if (result.success) return result.data;
    issues.push(...fromZod(key(name), result.error));
    return undefined;
  };

  const secret = (fullKey: string): Secret | undefined => {
    const value = values[fullKey];
    if (value === undefined) return undefined;
    if (!secretKeys.has(fullKey)) issues.push({ key: fullKey, message: secretHint(fullKey) });
    return pulumi.secret(value);
  };

  // An object key that is absent takes its default; one that is not an object (null) is reported
  // once by object() and skipped by parse().
  const orDefault = (input: unknown, fallback: unknown) => (input === undefined ? fallback : input);

  const scenario = (values[key("scenario")] ?? "bookinfo") as ScenarioName;
  const inCatalog = scenarioNames.includes(scenario);
  if (!inCatalog) {
    issues.push({ key: key("scenario"), message: `"${scenario}" is not in the catalog; choose one of ${scenarioNames.join(", ")}` });
  }
  const rawOptions = object("scenarioOptions");
  const optionSchema = scenarioOptionSchemas[scenario];
  let scenarioOptions: unknown;
  if (optionSchema) {
    scenarioOptions = parse("scenarioOptions", optionSchema.schema, orDefault(rawOptions, optionSchema.default ?? {}));
  } else if (rawOptions && inCatalog) {
    issues.push({ key: key("scenarioOptions"), message: `scenario ${scenario} takes no options; remove istio-lab:scenarioOptions` });
  }

  const scenarioSpec = inCatalog && !issues.some((i) => i.key.startsWith(key("scenarioOptions"))) ? resolveScenario(scenario, scenarioOptions) : undefined;
  if (scenarioSpec) issues.push(...analyze(scenario, scenarioSpec));

  const mesh = parse("mesh", schema.mesh, orDefault(object("mesh"), {}));
  const apps = parse("apps", schema.apps, orDefault(object("apps"), {}));
  const verify = parse("verify", schema.verify, orDefault(object("verify"), {}));
  if (mesh) issues.push(...rules.meshOptionRules(mesh));

  const rawCluster = object("cluster");
  const cluster = parse("cluster", schema.cluster, orDefault(rawCluster, {}));
  const sshPrivateKey = secret(key("sshPrivateKey"));
  const kubeconfigSecret = secret(key("kubeconfig"));
  secret("vsphere:password"); // only checked: the vSphere provider reads its own keys

  // When a field of the cluster is wrong, the rules about the source still apply to what was given,
  // so that every problem is reported at once.
  const given: Partial<Record<keyof schema.RawCluster, unknown>> =
    cluster ?? (rawCluster !== null && typeof rawCluster === "object" ? (rawCluster as Record<string, unknown>) : {});
  const source = schema.cluster.shape.source.safeParse(given.source).data;
  const resolved = source
    ? resolveCluster({ source, given, parsed: cluster, sshPrivateKey, kubeconfigSecret, hasConfig: (k) => values[k] !== undefined })
    : { issues: [] };
  issues.push(...resolved.issues);
  // The Istio release is checked whatever the source; the Kubernetes range only where istio-lab
  // installs Kubernetes itself.
  if (mesh) issues.push(...rules.istioRules(mesh, resolved.kubernetesVersion));

  if (verify && mesh && source) issues.push(...rules.verifyRules(verify, source, mesh));

  if (issues.length > 0 || !scenarioSpec || !resolved.config || !mesh || !apps || !verify) throw new ConfigError(redactSecrets(issues, values, secretKeys));
  return { scenario, scenarioOptions, scenarioSpec, cluster: resolved.config, mesh, apps, verify };
}

/** Keys whose values are secrets whether or not they were stored as such. */
const secretConfigKeys = [`${project}:sshPrivateKey`, `${project}:kubeconfig`, "vsphere:password"];

/** No message may repeat a secret value, even one echoed back as the wrong input. */
function redactSecrets(issues: ConfigIssue[], values: RawConfig["values"], secretKeys: ReadonlySet<string>): ConfigIssue[] {
  const secrets = [...new Set([...secretKeys, ...secretConfigKeys])]
    .map((name) => values[name])
    // Very short values would mangle every message and hide nothing.
    .filter((value): value is string => value !== undefined && value.length >= 4)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string) => secrets.reduce((out, value) => out.split(value).join("[secret]"), text);
  return issues.map((issue) => ({ key: issue.key, message: redact(issue.message) }));
}
