// What each cluster source needs and refuses, and the cluster config it resolves to.
import type * as pulumi from "@pulumi/pulumi";
import { defaultKubernetesVersion, localClusterNodeImages } from "../../catalog/versions";
import type { ConfigIssue } from "./errors";
import { kubeconfigTargets, type KubeconfigTargets, type ReadFile } from "./kubeconfig";
import * as rules from "./rules";
import * as schema from "./schema";

export type Secret = pulumi.Output<string>;

export interface ExistingClusterConfig {
  source: "kubeconfig";
  /**
   * A kubeconfig file on the machine that runs Pulumi (and what it said when the program read it),
   * or the secret `istio-lab:kubeconfig`.
   */
  kubeconfig: { path: string; targets: KubeconfigTargets } | { contents: Secret };
  /** The context to use; without it, the kubeconfig's current-context at the stack's first deployment (components/cluster/pin.ts). */
  context?: string;
  deleteUnreachable?: boolean;
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
  deleteUnreachable?: boolean;
  /**
   * apps.imageRegistry, for what the nodes pull before any pod of the lab: kubeadm's control
   * plane, kube-proxy and CoreDNS (imageRepository), the sandbox image, and Flannel.
   */
  imageRegistry?: string;
  /**
   * hosts: nodes that already run in a kubeadm cluster istio-lab did not build are used as they are
   * (and never changed or reset); without it they are refused, naming cluster.adopt.
   */
  adopt: boolean;
}

/** A kind or k3d cluster istio-lab creates in containers on the machine that runs Pulumi. */
export interface LocalClusterConfig {
  source: (typeof schema.localClusterSources)[number];
  name: string;
  workers: number;
  /** The port on 127.0.0.1 mapped to the ingress gateway's node port. */
  hostPort: number;
  nodeImage: string;
  /** A cluster of that name that exists already may be used (and is then never deleted by this stack). */
  adopt: boolean;
  deleteUnreachable?: boolean;
}

export type ClusterConfig = ExistingClusterConfig | MachineClusterConfig | LocalClusterConfig;

/** Narrows a cluster config by its source (each source union is one member's, so `===` cannot). */
export const isLocalCluster = (config: ClusterConfig): config is LocalClusterConfig => (schema.localClusterSources as readonly string[]).includes(config.source);

/** What a local source needs on the machine that runs Pulumi, and where to get it. */
export const localClusterTools: Readonly<Record<LocalClusterConfig["source"], readonly { names: readonly string[]; install: string }[]>> = {
  // kind runs its nodes on docker, podman or nerdctl (kind pkg/cluster/provider.go DetectNodeProvider).
  kind: [
    { names: ["kind"], install: "kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)" },
    { names: ["docker", "podman", "nerdctl"], install: "Docker (https://docs.docker.com/get-docker/) or Podman" },
  ],
  k3d: [
    { names: ["k3d"], install: "k3d (https://k3d.io/#installation)" },
    { names: ["docker"], install: "Docker (https://docs.docker.com/get-docker/)" },
  ],
};

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
  /** The stack's name: a local cluster's default name. */
  stack?: string;
  /** Whether a command is on the PATH of the machine that runs Pulumi. */
  onPath: (tool: string) => boolean;
  /** Reads a file on the machine that runs Pulumi (a kubeconfig path). */
  readFile: ReadFile;
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
  kind: [],
  k3d: [],
};

export function resolveCluster(inputs: ClusterInputs): ResolvedCluster {
  switch (inputs.source) {
    case "kubeconfig":
      return existingCluster(inputs);
    case "kind":
    case "k3d":
      return localCluster(inputs, inputs.source);
    default:
      return machineCluster(inputs, inputs.source);
  }
}

/** Fields of another kind of source, each refused with what it belongs to. */
function foreignFields(given: ClusterInputs["given"], fields: readonly (keyof schema.RawCluster)[], belongs: string, source: string): ConfigIssue[] {
  return fields.filter((field) => given[field] !== undefined).map((field) => ({ key: key(`cluster.${field}`), message: `${belongs}; it does not apply to source ${source}` }));
}

const machineFields = "describes machines istio-lab builds";
const localFields = "describes a kind or k3d cluster istio-lab creates";

function existingCluster(inputs: ClusterInputs): ResolvedCluster {
  const { given, parsed, sshPrivateKey, kubeconfigSecret } = inputs;
  const issues: ConfigIssue[] = [
    ...foreignFields(given, schema.machineOnlyClusterKeys, machineFields, "kubeconfig"),
    ...foreignFields(given, schema.localOnlyClusterKeys, localFields, "kubeconfig"),
  ];
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
  const file = parsed?.kubeconfig !== undefined ? readKubeconfigFile(parsed.kubeconfig, parsed.context, inputs.readFile) : undefined;
  if (file && "issue" in file) issues.push(file.issue);
  const kubeconfig = file && "targets" in file ? { path: file.path, targets: file.targets } : kubeconfigSecret && { contents: kubeconfigSecret };
  const config: ExistingClusterConfig | undefined =
    parsed && kubeconfig ? { source: "kubeconfig", kubeconfig, context: parsed.context, deleteUnreachable: parsed.deleteUnreachable } : undefined;
  return { issues, config };
}

/**
 * The kubeconfig file as the program finds it now. The stack keeps to the context it first deployed
 * to (components/cluster/pin.ts), so a context must be named, here or by the file's current-context.
 */
function readKubeconfigFile(path: string, context: string | undefined, readFile: ReadFile): { path: string; targets: KubeconfigTargets } | { issue: ConfigIssue } {
  const text = readFile(path);
  if (text === undefined) return { issue: { key: key("cluster.kubeconfig"), message: `${path} cannot be read on this machine; write the path of your cluster's kubeconfig (kind: \`kind get kubeconfig --name <cluster> > <file>\`)` } };
  const targets = kubeconfigTargets(text, readFile);
  if (!targets) return { issue: { key: key("cluster.kubeconfig"), message: `${path} is no kubeconfig (it lists no contexts and clusters)` } };
  const names = Object.keys(targets.contexts);
  const list = names.length > 0 ? names.join(", ") : "none";
  if (context !== undefined && !(context in targets.contexts)) {
    return { issue: { key: key("cluster.context"), message: `names no context of ${path} with a cluster and server; its contexts: ${list}` } };
  }
  if (context === undefined && (targets.currentContext === undefined || !(targets.currentContext in targets.contexts))) {
    return { issue: { key: key("cluster.context"), message: `is needed: ${path} has no usable current context; set one of its contexts (${list}): \`pulumi config set --path istio-lab:cluster.context <name>\` (a stack deployed before: \`pulumi stack output kubeContext\` names the one it recorded)` } };
  }
  return { path, targets };
}

/** Fields and secrets of source kubeconfig, refused by the sources that make their own cluster. */
function kubeconfigFields({ given, kubeconfigSecret }: ClusterInputs, source: string): ConfigIssue[] {
  const issues = (["kubeconfig", "context"] as const)
    .filter((field) => given[field] !== undefined)
    .map((field) => ({ key: key(`cluster.${field}`), message: `only applies to source kubeconfig, not ${source}` }));
  if (kubeconfigSecret) issues.push({ key: key("kubeconfig"), message: `only applies to source kubeconfig, not ${source}` });
  return issues;
}

/**
 * kind or k3d: a control plane and `workers` workers in containers, the gateway's node port
 * mapped to 127.0.0.1:hostPort. The tools must be on this machine's PATH before anything is
 * created, since the cluster is the first resource everything else waits for.
 */
function localCluster(inputs: ClusterInputs, source: LocalClusterConfig["source"]): ResolvedCluster {
  const { given, parsed, stack } = inputs;
  const issues: ConfigIssue[] = [...kubeconfigFields(inputs, source), ...foreignFields(given, schema.machineOnlyClusterKeys, machineFields, source)];
  if (inputs.sshPrivateKey) issues.push({ key: key("sshPrivateKey"), message: "is only used by sources vsphere and hosts" });
  for (const tool of localClusterTools[source]) {
    if (!tool.names.some((name) => inputs.onPath(name))) {
      issues.push({ key: key("cluster.source"), message: `${source} needs ${tool.names.join(" or ")} on this machine's PATH, and none was found: install ${tool.install}` });
    }
  }
  const name = parsed?.name ?? `istio-lab-${stack ?? "lab"}`;
  if (parsed && parsed.name === undefined && !schema.cluster.shape.name.safeParse(name).success) {
    issues.push({ key: key("cluster.name"), message: `is needed: "${name}" (from the stack's name) is not a cluster name ${source} takes; set one of lower-case letters, digits and '-'` });
  }
  if (!parsed || issues.length > 0) return { issues };
  return {
    issues,
    config: {
      source,
      name,
      workers: parsed.workers ?? schema.clusterDefaults.workers,
      hostPort: parsed.hostPort ?? schema.clusterDefaults.hostPort,
      nodeImage: parsed.nodeImage ?? localClusterNodeImages[source],
      adopt: parsed.adopt ?? schema.clusterDefaults.adopt,
      deleteUnreachable: parsed.deleteUnreachable,
    },
  };
}

function machineCluster(inputs: ClusterInputs, source: MachineClusterConfig["source"]): ResolvedCluster {
  const { given, parsed, sshPrivateKey } = inputs;
  // cluster.adopt also lets hosts use nodes of a kubeadm cluster istio-lab did not build.
  const localOnly = schema.localOnlyClusterKeys.filter((field) => !(source === "hosts" && field === "adopt"));
  const issues: ConfigIssue[] = [...kubeconfigFields(inputs, source), ...foreignFields(given, localOnly, localFields, source)];
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
    os: parsed.os ?? schema.clusterDefaults.os,
    podCidr: parsed.podCidr ?? schema.clusterDefaults.podCidr,
    serviceCidr: parsed.serviceCidr ?? schema.clusterDefaults.serviceCidr,
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
    deleteUnreachable: parsed.deleteUnreachable,
    adopt: source === "hosts" && (parsed.adopt ?? schema.clusterDefaults.adopt),
  };
  return { issues, config, kubernetesVersion: resolved.kubernetesVersion };
}
