// The shape of every `istio-lab:` key, field by field. Rules that relate fields live in rules.ts.
import { z } from "zod";
import { customServices } from "../../catalog/apps/custom";
import { scenarioApis } from "../../catalog/scenarios";
import { defaultIstioVersion } from "../../catalog/versions";
import { isNetworkAddress, parseCidr } from "./net";

// zod's ipv4 format takes dotted-quad decimal only, the address form of parseCidr (net.test.ts checks they agree).
export const ipv4 = z.ipv4({ error: "must be an IPv4 address such as 192.168.56.11" });

// Not z.cidrv4(): it refuses a two-digit prefix with a leading zero ("10.0.0.0/08"), which istio-lab
// has always accepted, and cannot say that host bits are set.
export const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (!parsed) ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR such as 10.2.0.0/16" });
  else if (!isNetworkAddress(parsed)) {
    ctx.addIssue({ code: "custom", message: `has host bits set: "${text}" is not the first address of its /${parsed.prefixLength}` });
  }
});

const dns1123Label = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  });

const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: "must be a DNS-1123 domain such as example.com: lower-case labels separated by dots",
  });

export const version = z.string().regex(/^\d+\.\d+\.\d+$/, { error: "must be a release version such as 1.36.4" });

const portRange = "must be a port number from 1 to 65535";
const port = z.int({ error: portRange }).min(1, { error: portRange }).max(65535, { error: portRange });
const nodePort = z.int().min(30000, { error: "must be in the NodePort range 30000-32767" }).max(32767, {
  error: "must be in the NodePort range 30000-32767",
});
const positive = z.int().min(1);

/** `istio-lab:scenarioOptions.api`: which API the scenario's routes are written in. */
export const scenarioApi = z.enum(scenarioApis);

export const clusterSources = ["vsphere", "hosts", "kubeconfig", "kind", "k3d"] as const;
/** Sources whose cluster istio-lab creates in containers on the machine that runs Pulumi. */
export const localClusterSources = ["kind", "k3d"] as const;
export const operatingSystems = ["rocky9", "alma9", "centos-stream9", "centos7"] as const;

const node = z.strictObject({
  name: dns1123Label,
  ip: ipv4,
  role: z.enum(["control-plane", "worker"]),
});

const network = z.strictObject({
  prefixLength: z.int().min(8, { error: "must be between 8 and 30" }).max(30, { error: "must be between 8 and 30" }).default(24),
  gateway: ipv4.default("192.168.56.1"),
  dns: z.array(ipv4).min(1).optional(),
  domain: dnsSubdomain.default("example.com"),
  iface: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,15}$/, { error: "must be a network interface name such as ens192 or eth1" })
    .optional(),
});

/**
 * One line of a node's public host key as `ssh-keyscan` or /etc/ssh/ssh_host_*_key.pub print it;
 * pulumi-command parses it with ssh.ParseAuthorizedKey and then accepts only that key
 * (provider/pkg/provider/remote/connection.go, v1.2.1).
 */
const hostKey = z
  .string()
  .regex(/^(ssh-ed25519|ssh-rsa|rsa-sha2-(256|512)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/, {
    error: "must be a public host key line such as `ssh-ed25519 AAAAC3Nza...` (from `ssh-keyscan -t ed25519 <node>`)",
  });

const ssh = z.strictObject({
  user: z.string().min(1).default("root"),
  port: port.default(22),
  /** Node name -> its SSH host key: checked on every connection when given. */
  hostKeys: z.record(z.string(), hostKey).optional(),
});

const vsphere = z.strictObject({
  datacenter: z.string().min(1),
  computeCluster: z.string().min(1),
  datastore: z.string().min(1),
  network: z.string().min(1),
  template: z.string().min(1),
  folder: z.string().min(1).optional(),
  cpus: positive.default(2),
  memoryMb: positive.default(4096),
  /** A full clone's disk size (default `fullCloneDiskGb`); a linked clone keeps the template's. */
  diskGb: positive.optional(),
  /**
   * Clone onto a child disk of the source's one snapshot instead of copying the disk: seconds
   * instead of minutes per node. `template` must then name a VM (not one marked as a template)
   * with exactly one snapshot, and the disk stays the source's size (terraform-provider-vsphere:
   * ExpandVirtualMachineCloneSpec, validateCloneSnapshots, DiskCloneValidateOperation).
   */
  linkedClone: z.boolean().default(false),
});

/** The disk of a node made by a full clone, when `cluster.vsphere.diskGb` is not set. */
export const fullCloneDiskGb = 40;

/** The tutorials' lab: linux-node1 is the control plane, linux-node2 and linux-node3 the workers. */
export const tutorialNodes = [
  { name: "linux-node1", ip: "192.168.56.11", role: "control-plane" },
  { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
  { name: "linux-node3", ip: "192.168.56.13", role: "worker" },
] as const;

export const cluster = z.strictObject({
  source: z.enum(clusterSources),
  kubernetesVersion: version.optional(),
  os: z.enum(operatingSystems).optional(),
  podCidr: cidr.optional(),
  serviceCidr: cidr.optional(),
  nodes: z.array(node).min(1).optional(),
  network: network.optional(),
  ssh: ssh.optional(),
  vsphere: vsphere.optional(),
  // A path: contents pasted here would reach the render, the state and the gate's command line in
  // clear text; they belong in the secret istio-lab:kubeconfig.
  kubeconfig: z
    .string()
    .min(1)
    .refine((text) => !text.includes("\n") && !/^\s*(apiVersion|kind|clusters|current-context)\s*:/.test(text), {
      error: "holds kubeconfig contents, not a path; store them with `pulumi config set --secret istio-lab:kubeconfig < <file>` and remove this key",
    })
    .optional(),
  /** The kubeconfig context to use (source kubeconfig), instead of whichever is current. */
  context: z.string().min(1).optional(),
  /** kind, k3d: the cluster's name (default `istio-lab-<stack>`); its containers carry it. */
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, { error: "must be lower-case letters, digits and '-', at most 32 characters (kind and k3d name containers after it)" })
    .optional(),
  /** kind, k3d: worker nodes beside the control plane (the seeds' two). */
  workers: z.int().min(0, { error: "must be 0 or more" }).max(5, { error: "must be at most 5: every node is a container on this machine" }).optional(),
  /** kind, k3d: the port on 127.0.0.1 that reaches the ingress gateway (the seeds' 8000). */
  hostPort: port.optional(),
  /** kind, k3d: the node image (kindest/node or rancher/k3s) instead of the tool's default. */
  nodeImage: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9._/]*[a-z0-9])?(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/, { error: "must be an image reference such as kindest/node:v1.35.0" })
    .optional(),
  /**
   * kind, k3d: use a cluster of that name that exists already instead of refusing it; this stack
   * then never deletes it.
   */
  adopt: z.boolean().optional(),
  /**
   * Let a refresh or destroy drop from state the objects of a cluster that cannot be reached
   * (pulumi-kubernetes deleteUnreachable). Off: an unreachable cluster is an error, not an empty one.
   */
  deleteUnreachable: z.boolean().optional(),
});

/** A key set to true or false (`pulumi config set` stores the text). */
export const flag = z.enum(["true", "false"], { error: "must be true or false" }).transform((text) => text === "true");

/** Keys that describe a kind or k3d cluster istio-lab creates. */
export const localOnlyClusterKeys = ["name", "workers", "hostPort", "nodeImage", "adopt"] as const;

/** Keys that describe machines istio-lab builds, so they mean nothing for an existing cluster. */
export const machineOnlyClusterKeys = [
  "kubernetesVersion",
  "os",
  "podCidr",
  "serviceCidr",
  "nodes",
  "network",
  "ssh",
  "vsphere",
] as const;

export const addonNames = ["kiali", "prometheus", "grafana", "jaeger"] as const;

export const mesh = z.strictObject({
  istioVersion: version.default(defaultIstioVersion),
  ingress: z
    .strictObject({
      serviceType: z.enum(["NodePort", "LoadBalancer", "ClusterIP"]).default("NodePort"),
      httpNodePort: nodePort.optional(),
      /**
       * Lab stacks on this platform each get the host `<namespace>.<labDomain>` on the gateway
       * (`.test` is reserved for testing by RFC 6761: no real name is shadowed).
       */
      labDomain: dnsSubdomain.default("istio-lab.test"),
    })
    .default({ serviceType: "NodePort", labDomain: "istio-lab.test" }),
  addons: z
    .array(z.enum(addonNames))
    .refine((list) => new Set(list).size === list.length, { error: "lists an addon twice" })
    .default([...addonNames]),
  kiali: z.strictObject({ auth: z.enum(["token", "anonymous"]).default("token") }).default({ auth: "token" }),
  dashboards: z
    .strictObject({ serviceType: z.enum(["ClusterIP", "NodePort"]).default("ClusterIP") })
    .default({ serviceType: "ClusterIP" }),
  chartRepository: z.url({ error: "must be a chart repository URL such as https://charts.example.com/istio" }).optional(),
  /**
   * Install the Gateway API's CRDs whatever this platform's own scenario, so that its lab stacks may
   * use that form (a lab installs nothing cluster-wide); its own scenario's form installs them too.
   */
  gatewayApi: z.boolean().default(false),
  /** Where the Gateway API's CRDs are read from, for a scenario in that form: a mirror's copy of the release's standard-install.yaml, by URL or path. */
  gatewayApiCrds: z.string().min(1, { error: "must be a URL or path of the Gateway API's standard-install.yaml" }).optional(),
});

/** Namespaces of Kubernetes, Flannel and Istio (istio-ingress is where Istio's docs put the gateway). */
const reservedNamespaces = ["default", "istio-system", "istio-ingress", "kube-system", "kube-public", "kube-node-lease", "kube-flannel"];

export const apps = z.strictObject({
  namespace: dns1123Label
    .refine((ns) => !reservedNamespaces.includes(ns), {
      error: `must be a namespace of its own, not one of ${reservedNamespaces.join(", ")}`,
    })
    .default("bookinfo"),
  imageRegistry: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/, {
      error: "must be a registry host and optional path such as mirror.example.com:5000/lab, without https://",
    })
    .optional(),
  /** Your own services (scenario custom), rendered as the samples are. */
  custom: customServices.optional(),
});

/** A lab stack's apps: no default namespace here, since it is the lab stack's own name. */
export const labApps = z.strictObject({ namespace: apps.shape.namespace.unwrap().optional(), imageRegistry: apps.shape.imageRegistry, custom: apps.shape.custom });

/**
 * The platform stack a lab runs on, as `pulumi.StackReference` names it: a stack of this project,
 * or `<org>/<project>/<stack>` (pulumi/pulumi sdk/go/common/resource/stack_reference rules: names
 * of letters, digits, '-', '_' and '.').
 */
export const platform = z.string().regex(/^([A-Za-z0-9][A-Za-z0-9_.-]*\/){0,2}[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
  error: "must name a stack: `<stack>` of this project or `<org>/<project>/<stack>`",
});

export type LabApps = z.infer<typeof labApps>;
export type RawCluster = z.infer<typeof cluster>;
export type Mesh = z.infer<typeof mesh>;
export type Apps = z.infer<typeof apps>;
export type Node = z.infer<typeof node>;
export type Network = z.infer<typeof network>;
export type Ssh = z.infer<typeof ssh>;
export type Vsphere = z.infer<typeof vsphere>;

/** `pulumi up` ends by running `npm run verify` against the lab and fails when the mesh misbehaves. */
export const verify = z.strictObject({
  gate: z.boolean().default(false),
  /** Where the gate reaches the ingress gateway, when istio-lab cannot tell (a cluster it did not build). */
  gatewayUrl: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL such as http://192.168.49.2:31380" }).optional(),
  requests: z.int().min(1).max(1000).optional(),
});

export type Verify = z.infer<typeof verify>;
