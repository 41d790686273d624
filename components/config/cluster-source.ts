// What each cluster source needs and refuses, and the cluster config it resolves to.
import type * as pulumi from "@pulumi/pulumi";
import { defaultKubernetesVersion } from "../../catalog/versions";
import type { ConfigIssue } from "./errors";
import * as rules from "./rules";
import * as schema from "./schema";

export type Secret = pulumi.Output<string>;

export interface ExistingClusterConfig {
  source: "kubeconfig";
  /** A kubeconfig file on the machine that runs Pulumi, or the secret `istio-lab:kubeconfig`. */
  kubeconfig: { path: string } | { contents: Secret };
  /** The context to use; without it, the kubeconfig's current-context at each run. */
  context?: string;
  deleteUnreachable: boolean;
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
  deleteUnreachable: boolean;
}

export type ClusterConfig = ExistingClusterConfig | MachineClusterConfig;

export interface ClusterInputs {
  source: schema.RawCluster["source"];
  /** The fields as written, even when one of them is malformed, so the source rules still apply. */
  given: Partial<Record<keyof schema.RawCluster, unknown>>;
  /** The block when every field is well formed. */
  parsed: schema.RawCluster | undefined;
  sshPrivateKey: Secret | undefined;
  kubeconfigSecret: Secret | undefined;
  /** Which `vsphere:` provider keys the stack sets. */
  hasConfig: (key: string) => boolean;
}

export interface ResolvedCluster {
  issues: ConfigIssue[];
  config?: ClusterConfig;
  /** The Kubernetes release istio-lab installs, when it builds the cluster. */
  kubernetesVersion?: string;
}

const key = (name: string) => `istio-lab:${name}`;

/** The secrets a source cannot do without, each stored with `pulumi config set --secret`. */
export const requiredSecrets: Readonly<Record<schema.RawCluster["source"], readonly string[]>> = {
  vsphere: [key("sshPrivateKey"), "vsphere:password"],
  hosts: [key("sshPrivateKey")],
  kubeconfig: [],
};

export function resolveCluster(inputs: ClusterInputs): ResolvedCluster {
  return inputs.source === "kubeconfig" ? existingCluster(inputs) : machineCluster(inputs, inputs.source);
}

function existingCluster({ given, parsed, sshPrivateKey, kubeconfigSecret }: ClusterInputs): ResolvedCluster {
  const issues: ConfigIssue[] = [];
  for (const field of schema.machineOnlyClusterKeys) {
    if (given[field] !== undefined) issues.push({ key: key(`cluster.${field}`), message: "describes machines istio-lab builds; it does not apply to source kubeconfig" });
  }
  if (sshPrivateKey) issues.push({ key: key("sshPrivateKey"), message: "is only used by sources vsphere and hosts" });
  if (given.kubeconfig !== undefined && kubeconfigSecret) {
    issues.push({ key: key("kubeconfig"), message: "and istio-lab:cluster.kubeconfig are both set; keep one" });
  }
  if (given.kubeconfig === undefined && !kubeconfigSecret) {
    issues.push({
      key: key("cluster.kubeconfig"),
      message: "is required for source kubeconfig: a kubeconfig path such as ~/.kube/config, or the secret istio-lab:kubeconfig",
    });
  }
  const kubeconfig = parsed?.kubeconfig !== undefined ? { path: parsed.kubeconfig } : kubeconfigSecret && { contents: kubeconfigSecret };
  const config: ExistingClusterConfig | undefined =
    parsed && kubeconfig ? { source: "kubeconfig", kubeconfig, context: parsed.context, deleteUnreachable: parsed.deleteUnreachable ?? false } : undefined;
  return { issues, config };
}

function machineCluster(inputs: ClusterInputs, source: MachineClusterConfig["source"]): ResolvedCluster {
  const { given, parsed, sshPrivateKey } = inputs;
  const issues: ConfigIssue[] = [];
  for (const field of ["kubeconfig", "context"] as const) {
    if (given[field] !== undefined) issues.push({ key: key(`cluster.${field}`), message: `only applies to source kubeconfig, not ${source}` });
  }
  if (inputs.kubeconfigSecret) issues.push({ key: key("kubeconfig"), message: `only applies to source kubeconfig, not ${source}` });
  if (!sshPrivateKey) {
    issues.push({ key: key("sshPrivateKey"), message: `is required for source ${source}: \`pulumi config set --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519\`` });
  }
  if (source === "vsphere") {
    if (given.vsphere === undefined) issues.push({ key: key("cluster.vsphere"), message: "is required for source vsphere: datacenter, computeCluster, datastore, network and template" });
    for (const providerKey of ["vsphere:vsphereServer", "vsphere:user", "vsphere:password"]) {
      if (!inputs.hasConfig(providerKey)) {
        issues.push({ key: providerKey, message: `is required for source vsphere: \`pulumi config set ${providerKey === "vsphere:password" ? "--secret " : ""}${providerKey} <value>\`` });
      }
    }
  } else if (given.vsphere !== undefined) {
    issues.push({ key: key("cluster.vsphere"), message: "only applies to source vsphere" });
  }
  if (!parsed) return { issues };

  const nodes = parsed.nodes ?? schema.tutorialNodes.map((n) => ({ ...n }));
  const network = schema.cluster.shape.network.unwrap().parse(parsed.network ?? {});
  const resolved = {
    kubernetesVersion: parsed.kubernetesVersion ?? defaultKubernetesVersion,
    os: parsed.os ?? "rocky9",
    podCidr: parsed.podCidr ?? "10.2.0.0/16",
    serviceCidr: parsed.serviceCidr ?? "10.1.0.0/16",
  };
  issues.push(
    ...rules.nodeRules(nodes),
    ...rules.hostKeyRules(nodes, parsed.ssh?.hostKeys),
    ...rules.networkRules(nodes, network),
    ...rules.cidrRules(resolved.podCidr, resolved.serviceCidr, nodes, network),
    ...rules.cidrSizeRules(resolved.podCidr, resolved.serviceCidr, nodes.length),
    ...rules.osRules(resolved.os, resolved.kubernetesVersion),
    ...(parsed.vsphere ? rules.vsphereSizeRules(parsed.vsphere) : []),
  );
  const config: MachineClusterConfig | undefined = sshPrivateKey && {
    source,
    ...resolved,
    nodes,
    network: { ...network, dns: network.dns ?? [network.gateway] },
    ssh: schema.cluster.shape.ssh.unwrap().parse(parsed.ssh ?? {}),
    vsphere: parsed.vsphere,
    sshPrivateKey,
    deleteUnreachable: parsed.deleteUnreachable ?? false,
  };
  return { issues, config, kubernetesVersion: resolved.kubernetesVersion };
}
