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
const topLevelKeys = ["scenario", "scenarioOptions", "cluster", "sshPrivateKey", "kubeconfig", "mesh", "apps"];

/** Sources whose layer is not built yet are refused here rather than half-built later. */
export const availableSources: readonly schema.RawCluster["source"][] = ["kubeconfig"];

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
}

/** What Pulumi hands a program: every config value as a string, and which keys were secret. */
export interface RawConfig {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
}

const secretHint = (key: string) =>
  `is a secret and was given as plain text; store it with \`pulumi config set --secret ${key}\``;

export function parseLabConfig({ values, secretKeys }: RawConfig, sources = availableSources): LabConfig {
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

  const scenario = (values[key("scenario")] ?? "bookinfo") as ScenarioName;
  if (!scenarioNames.includes(scenario)) {
    issues.push({ key: key("scenario"), message: `"${scenario}" is not in the catalog; choose one of ${scenarioNames.join(", ")}` });
  }
  const rawOptions = object("scenarioOptions");
  const optionSchema = scenarioOptionSchemas[scenario];
  let scenarioOptions: unknown;
  if (optionSchema) {
    scenarioOptions = parse("scenarioOptions", optionSchema.schema, rawOptions ?? optionSchema.default ?? {});
  } else if (rawOptions) {
    issues.push({ key: key("scenarioOptions"), message: `scenario ${scenario} takes no options; remove istio-lab:scenarioOptions` });
  }

  if (scenarioNames.includes(scenario) && !issues.some((i) => i.key.startsWith(key("scenarioOptions")))) {
    issues.push(...analyzeScenario(scenario, scenarioOptions));
  }

  const mesh = parse("mesh", schema.mesh, object("mesh") ?? {});
  const apps = parse("apps", schema.apps, object("apps") ?? {});
  if (mesh) issues.push(...rules.meshRules(mesh));

  const rawCluster = object("cluster");
  const cluster = parse("cluster", schema.cluster, rawCluster ?? {});
  const sshPrivateKey = secret(key("sshPrivateKey"));
  const kubeconfigSecret = secret(key("kubeconfig"));
  secret("vsphere:password"); // only checked: the vSphere provider reads its own keys
  let clusterConfig: ClusterConfig | undefined;

  if (cluster) {
    const given = (field: keyof schema.RawCluster) => cluster[field] !== undefined;
    if (!sources.includes(cluster.source)) {
      issues.push({
        key: key("cluster.source"),
        message: `source ${cluster.source} is not available yet; this release builds labs on an existing cluster (source kubeconfig)`,
      });
    }
    if (cluster.source === "kubeconfig") {
      for (const field of schema.machineOnlyClusterKeys) {
        if (given(field)) issues.push({ key: key(`cluster.${field}`), message: "describes machines istio-lab builds; it does not apply to source kubeconfig" });
      }
      if (sshPrivateKey) issues.push({ key: key("sshPrivateKey"), message: "is only used by sources vsphere and hosts" });
      if (given("kubeconfig") && kubeconfigSecret) {
        issues.push({ key: key("kubeconfig"), message: "and istio-lab:cluster.kubeconfig are both set; keep one" });
      }
      const kubeconfig = cluster.kubeconfig !== undefined ? { path: cluster.kubeconfig } : kubeconfigSecret && { contents: kubeconfigSecret };
      if (!kubeconfig) {
        issues.push({
          key: key("cluster.kubeconfig"),
          message: "is required for source kubeconfig: a kubeconfig path such as ~/.kube/config, or the secret istio-lab:kubeconfig",
        });
      } else clusterConfig = { source: "kubeconfig", kubeconfig };
      if (mesh) issues.push(...rules.istioRules(mesh, undefined));
    } else {
      if (given("kubeconfig")) issues.push({ key: key("cluster.kubeconfig"), message: `only applies to source kubeconfig, not ${cluster.source}` });
      if (kubeconfigSecret) issues.push({ key: key("kubeconfig"), message: `only applies to source kubeconfig, not ${cluster.source}` });
      if (!sshPrivateKey) {
        issues.push({ key: key("sshPrivateKey"), message: `is required for source ${cluster.source}: \`pulumi config set --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519\`` });
      }
      if (cluster.source === "vsphere") {
        if (!cluster.vsphere) issues.push({ key: key("cluster.vsphere"), message: "is required for source vsphere: datacenter, computeCluster, datastore, network and template" });
        for (const providerKey of ["vsphere:vsphereServer", "vsphere:user", "vsphere:password"]) {
          if (values[providerKey] === undefined) {
            issues.push({ key: providerKey, message: `is required for source vsphere: \`pulumi config set ${providerKey === "vsphere:password" ? "--secret " : ""}${providerKey} <value>\`` });
          }
        }
      } else if (cluster.vsphere) {
        issues.push({ key: key("cluster.vsphere"), message: "only applies to source vsphere" });
      }

      const nodes = cluster.nodes ?? tutorialNodes();
      const network = schema.cluster.shape.network.unwrap().parse(cluster.network ?? {});
      const resolved = {
        kubernetesVersion: cluster.kubernetesVersion ?? defaultKubernetesVersion,
        os: cluster.os ?? "rocky9",
        podCidr: cluster.podCidr ?? "10.2.0.0/16",
        serviceCidr: cluster.serviceCidr ?? "10.1.0.0/16",
      };
      issues.push(
        ...rules.nodeRules(nodes),
        ...rules.networkRules(nodes, network),
        ...rules.cidrRules(resolved.podCidr, resolved.serviceCidr, nodes, network),
        ...rules.osRules(resolved.os, resolved.kubernetesVersion),
        ...(cluster.vsphere ? rules.vsphereSizeRules(cluster.vsphere) : []),
        ...(mesh ? rules.istioRules(mesh, resolved.kubernetesVersion) : []),
      );
      if (sshPrivateKey) {
        clusterConfig = {
          source: cluster.source,
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
  if (issues.length > 0 || !clusterConfig || !mesh || !apps) throw new ConfigError(issues);
  return { scenario, scenarioOptions, cluster: clusterConfig, mesh, apps };
}

function tutorialNodes(): schema.Node[] {
  return schema.tutorialNodes.map((n) => ({ ...n }));
}
