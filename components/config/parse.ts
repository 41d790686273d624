// Reads the whole stack configuration into one typed LabConfig, or fails with every problem at once.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { scenarioNames, type ScenarioName } from "../../stacks/names";
import { scenarioOptionSchemas } from "../../stacks/options";
import { analyzeScenario } from "../scenarios/analyzer";
import { defaultKubernetesVersion } from "../versions";
import { ConfigError, describeIssue, fromZod, unknownKeyMessage, type ConfigIssue } from "./errors";
import * as rules from "./rules";
import * as schema from "./schema";

export const project = "istio-lab";
const topLevelKeys = ["scenario", "scenarioOptions", "cluster", "sshPrivateKey", "kubeconfig", "mesh", "apps", "verify"];

export type Secret = pulumi.Output<string>;

export interface ExistingClusterConfig {
  source: "kubeconfig";
  /** A kubeconfig file on the machine that runs Pulumi, or the secret `istio-lab:kubeconfig`. */
  kubeconfig: { path: string } | { contents: Secret };
}

export interface MachineClusterConfig {
  source: "vsphere" | "hosts";
  kubernetesVersion: string;
  os: (typeof schema.operatingSystems)[number];
  podCidr: string;
  serviceCidr: string;
  nodes: schema.Node[];
  network: schema.Network & { dns: string[] };
  ssh: schema.Ssh;
  vsphere?: schema.Vsphere;
  sshPrivateKey: Secret;
}

export type ClusterConfig = ExistingClusterConfig | MachineClusterConfig;

export interface LabConfig {
  scenario: ScenarioName;
  /** Validated against the scenario's own schema in stacks/options.ts. */
  scenarioOptions: unknown;
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

const secretHint = (key: string) =>
  `is a secret and was given as plain text; store it with \`pulumi config set --secret ${key}\``;

export function parseLabConfig({ values, secretKeys }: RawConfig): LabConfig {
  const issues: ConfigIssue[] = [];
  const key = (name: string) => `${project}:${name}`;

  for (const name of Object.keys(values)) {
    if (!name.startsWith(`${project}:`)) continue;
    const short = name.slice(project.length + 1);
    if (!topLevelKeys.includes(short)) issues.push({ key: name, message: unknownKeyMessage(short, topLevelKeys) });
  }

  const object = (name: string): unknown => {
    const text = values[key(name)];
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
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

  if (inCatalog && !issues.some((i) => i.key.startsWith(key("scenarioOptions")))) {
    issues.push(...analyzeScenario(scenario, scenarioOptions));
  }

  const mesh = parse("mesh", schema.mesh, orDefault(object("mesh"), {}));
  const apps = parse("apps", schema.apps, orDefault(object("apps"), {}));
  const verify = parse("verify", schema.verify, orDefault(object("verify"), {}));
  if (mesh) issues.push(...rules.meshRules(mesh));

  const rawCluster = object("cluster");
  const cluster = parse("cluster", schema.cluster, orDefault(rawCluster, {}));
  const sshPrivateKey = secret(key("sshPrivateKey"));
  const kubeconfigSecret = secret(key("kubeconfig"));
  secret("vsphere:password"); // only checked: the vSphere provider reads its own keys
  let clusterConfig: ClusterConfig | undefined;
  let kubernetesVersion: string | undefined;

  // When a field of the cluster is wrong, the rules about the source still apply to what was given,
  // so that every problem is reported at once.
  const fields: Partial<Record<keyof schema.RawCluster, unknown>> =
    cluster ?? (rawCluster !== null && typeof rawCluster === "object" ? (rawCluster as Record<string, unknown>) : {});
  const source = schema.cluster.shape.source.safeParse(fields.source).data;

  if (source) {
    const given = (field: keyof schema.RawCluster) => fields[field] !== undefined;
    if (source === "kubeconfig") {
      for (const field of schema.machineOnlyClusterKeys) {
        if (given(field)) issues.push({ key: key(`cluster.${field}`), message: "describes machines istio-lab builds; it does not apply to source kubeconfig" });
      }
      if (sshPrivateKey) issues.push({ key: key("sshPrivateKey"), message: "is only used by sources vsphere and hosts" });
      if (given("kubeconfig") && kubeconfigSecret) {
        issues.push({ key: key("kubeconfig"), message: "and istio-lab:cluster.kubeconfig are both set; keep one" });
      }
      if (!given("kubeconfig") && !kubeconfigSecret) {
        issues.push({
          key: key("cluster.kubeconfig"),
          message: "is required for source kubeconfig: a kubeconfig path such as ~/.kube/config, or the secret istio-lab:kubeconfig",
        });
      }
      const kubeconfig = cluster?.kubeconfig !== undefined ? { path: cluster.kubeconfig } : kubeconfigSecret && { contents: kubeconfigSecret };
      if (cluster && kubeconfig) clusterConfig = { source: "kubeconfig", kubeconfig };
    } else {
      if (given("kubeconfig")) issues.push({ key: key("cluster.kubeconfig"), message: `only applies to source kubeconfig, not ${source}` });
      if (kubeconfigSecret) issues.push({ key: key("kubeconfig"), message: `only applies to source kubeconfig, not ${source}` });
      if (!sshPrivateKey) {
        issues.push({ key: key("sshPrivateKey"), message: `is required for source ${source}: \`pulumi config set --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519\`` });
      }
      if (source === "vsphere") {
        if (!given("vsphere")) issues.push({ key: key("cluster.vsphere"), message: "is required for source vsphere: datacenter, computeCluster, datastore, network and template" });
        for (const providerKey of ["vsphere:vsphereServer", "vsphere:user", "vsphere:password"]) {
          if (values[providerKey] === undefined) {
            issues.push({ key: providerKey, message: `is required for source vsphere: \`pulumi config set ${providerKey === "vsphere:password" ? "--secret " : ""}${providerKey} <value>\`` });
          }
        }
      } else if (given("vsphere")) {
        issues.push({ key: key("cluster.vsphere"), message: "only applies to source vsphere" });
      }

      if (cluster) {
        const nodes = cluster.nodes ?? tutorialNodes();
        const network = schema.cluster.shape.network.unwrap().parse(cluster.network ?? {});
        const resolved = {
          kubernetesVersion: cluster.kubernetesVersion ?? defaultKubernetesVersion,
          os: cluster.os ?? "rocky9",
          podCidr: cluster.podCidr ?? "10.2.0.0/16",
          serviceCidr: cluster.serviceCidr ?? "10.1.0.0/16",
        };
        kubernetesVersion = resolved.kubernetesVersion;
        issues.push(
          ...rules.nodeRules(nodes),
          ...rules.networkRules(nodes, network),
          ...rules.cidrRules(resolved.podCidr, resolved.serviceCidr, nodes, network),
          ...rules.cidrSizeRules(resolved.podCidr, resolved.serviceCidr, nodes.length),
          ...rules.osRules(resolved.os, resolved.kubernetesVersion),
          ...(cluster.vsphere ? rules.vsphereSizeRules(cluster.vsphere) : []),
        );
        if (sshPrivateKey) {
          clusterConfig = {
            source: cluster.source as MachineClusterConfig["source"],
            ...resolved,
            nodes,
            network: { ...network, dns: network.dns ?? [network.gateway] },
            ssh: schema.cluster.shape.ssh.unwrap().parse(cluster.ssh ?? {}),
            vsphere: cluster.vsphere,
            sshPrivateKey,
          };
        }
      }
    }
  }
  // The Istio release is checked whatever the source; the Kubernetes range only where istio-lab
  // installs Kubernetes itself.
  if (mesh) issues.push(...rules.istioRules(mesh, kubernetesVersion));

  if (verify && mesh && source) issues.push(...rules.verifyRules(verify, source, mesh));

  if (issues.length > 0 || !clusterConfig || !mesh || !apps || !verify) throw new ConfigError(redactSecrets(issues, values, secretKeys));
  return { scenario, scenarioOptions, cluster: clusterConfig, mesh, apps, verify };
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

function tutorialNodes(): schema.Node[] {
  return schema.tutorialNodes.map((n) => ({ ...n }));
}
