// The shape of every `istio-lab:` key, field by field. Rules that relate fields live in rules.ts.
// Each field carries its description, and an example where its type alone does not show one
// (`.meta()`, before `.optional()` or `.default()` so that messages find it on the field's own
// schema): docs/configuration.md and schema/stack-config.schema.json are made from them
// (`npm run config-docs`).
import { z } from "zod";
import { customServices } from "../../catalog/apps/custom";
// Names, ports and image references are read by one rule each, wherever they appear.
import { dns1123Label, imageReference, port } from "../../catalog/apps/values";
import { scenarioApis } from "../../catalog/scenarios";
import { meshModes } from "../../catalog/scenarios/modes";
import { defaultIstioVersion, defaultKubernetesVersion } from "../../catalog/versions";
import { isNetworkAddress, parseCidr } from "./net";
import { portsText } from "./sibling-labs";

// zod's ipv4 format takes dotted-quad decimal only, the address form of parseCidr (net.test.ts checks they agree).
export const ipv4 = z.ipv4({ error: "must be an IPv4 address such as 192.168.56.11" });

/** An IPv4 CIDR as parseCidr reads it, host bits aside (net.test.ts checks the two agree). */
export const cidrPattern = "^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/(?:3[0-2]|[0-2]?[0-9])$";

// Not z.cidrv4(): it refuses a two-digit prefix with a leading zero ("10.0.0.0/08"), which istio-lab
// has always accepted, and cannot say that host bits are set.
export const cidr = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseCidr(text);
    if (!parsed) ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR such as 10.2.0.0/16" });
    else if (!isNetworkAddress(parsed)) {
      ctx.addIssue({ code: "custom", message: `has host bits set: "${text}" is not the first address of its /${parsed.prefixLength}` });
    }
  })
  // The JSON Schema's pattern: the refinement above is invisible to it.
  .meta({ pattern: cidrPattern });


const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: "must be a DNS-1123 domain such as example.com: lower-case labels separated by dots",
  });

export const version = z.string().regex(/^\d+\.\d+\.\d+$/, { error: "must be a release version such as 1.36.4" });

const nodePort = z.int().min(30000, { error: "must be in the NodePort range 30000-32767" }).max(32767, {
  error: "must be in the NodePort range 30000-32767",
});
const positive = z.int().min(1);

/**
 * What istio-lab takes for a cluster field the stack leaves out, when the schema itself has no
 * default (the source decides whether the field applies): cluster-source.ts resolves to these.
 */
export const clusterDefaults = { os: "rocky9", podCidr: "10.2.0.0/16", serviceCidr: "10.1.0.0/16", workers: 2, hostPort: 8000, adopt: false } as const;

/** `istio-lab:scenarioOptions.api`: which API the scenario's routes are written in. */
export const scenarioApi = z.enum(scenarioApis).meta({
  description: "The API the scenario's routes are written in: Istio's VirtualService and DestinationRule, or the Gateway API's HTTPRoute (only the scenarios that have that form).",
});

export const clusterSources = ["vsphere", "hosts", "kubeconfig", "kind", "k3d"] as const;
/** Sources whose cluster istio-lab creates in containers on the machine that runs Pulumi. */
export const localClusterSources = ["kind", "k3d"] as const;
export const operatingSystems = ["rocky9", "alma9", "centos-stream9", "centos7"] as const;

const node = z
  .strictObject({
    name: dns1123Label.meta({ description: "The node's host name, also its Kubernetes node name.", examples: ["linux-node1"] }),
    ip: ipv4.meta({ description: "Its static address on the lab network.", examples: ["192.168.56.11"] }),
    role: z.enum(["control-plane", "worker"]).meta({ description: "Exactly one node is the control plane; kubeadm init runs on it and the others join." }),
  })
  .meta({ description: "One machine of the cluster.", examples: [{ name: "linux-node1", ip: "192.168.56.11", role: "control-plane" }] });

const network = z.strictObject({
  prefixLength: z
    .int()
    .min(8, { error: "must be between 8 and 30" })
    .max(30, { error: "must be between 8 and 30" })
    .meta({ description: "The lab network's prefix length: the control plane's address with it is the node network.", examples: [24] })
    .default(24),
  gateway: ipv4.meta({ description: "The nodes' default gateway, a host address of the lab network.", examples: ["192.168.56.1"] }).default("192.168.56.1"),
  dns: z
    .array(ipv4)
    .min(1)
    .meta({ description: "DNS servers of the nodes; the gateway when unset.", examples: [["192.168.56.1"]] })
    .optional(),
  domain: dnsSubdomain.meta({ description: "The nodes' DNS domain (search domain).", examples: ["example.com"] }).default("example.com"),
  iface: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,15}$/, { error: "must be a network interface name such as ens192 or eth1" })
    .meta({ description: "The nodes' interface on the lab network, when it is not the one of their default route.", examples: ["ens192"] })
    .optional(),
});

/**
 * One line of a node's public host key as /etc/ssh/ssh_host_*_key.pub or `ssh-keyscan` print it;
 * pulumi-command parses it with ssh.ParseAuthorizedKey and then accepts only that key
 * (provider/pkg/provider/remote/connection.go, v1.2.1). rules.ts decodeHostKey checks the key
 * itself, and refuses the RSA types, which EL9 does not let pulumi-command verify.
 */
const hostKey = z
  .string()
  // ssh-keyscan prints known_hosts lines, the host first (`192.168.56.12 ssh-ed25519 AAAA...`): taken as they are.
  .regex(/^(\S+ )?(ssh-ed25519|ssh-rsa|rsa-sha2-(256|512)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/, {
    error: "must be a public host key line such as `ssh-ed25519 AAAAC3Nza...`, or the line `ssh-keyscan -t ed25519 <node>` prints",
  });

const ssh = z.strictObject({
  user: z.string().min(1).meta({ description: "The user istio-lab logs in as on every node (root, or one with passwordless sudo).", examples: ["root"] }).default("root"),
  port: port.meta({ description: "The nodes' SSH port.", examples: [22] }).default(22),
  /** Node name -> its SSH host key, pinned up front; unset, recorded at first contact (nodes/host-key.ts). */
  hostKeys: z
    .record(z.string().meta({ description: "A node's name." }), hostKey.meta({ description: "The node's public host key line.", examples: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ"] }))
    .meta({
      description:
        "Node name -> its public ed25519 or ECDSA host key line (`ssh-keyscan -t ed25519 <node>`), checked on every connection. A node without one has its key recorded at first contact and checked from then on (docs/machines.md).",
      examples: [{ "linux-node1": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ root@linux-node1" }],
    })
    .optional(),
});

/** The disk of a node made by a full clone, when `cluster.vsphere.diskGb` is not set. */
export const fullCloneDiskGb = 40;

const vsphere = z.strictObject({
  datacenter: z.string().min(1).meta({ description: "The vSphere datacenter the VMs go in.", examples: ["Datacenter"] }),
  computeCluster: z.string().min(1).meta({ description: "The compute cluster whose resource pool runs them.", examples: ["Cluster"] }),
  datastore: z.string().min(1).meta({ description: "The datastore of their disks.", examples: ["datastore1"] }),
  network: z.string().min(1).meta({ description: "The port group of the lab network.", examples: ["VM Network"] }),
  template: z
    .string()
    .min(1)
    .meta({ description: "The VM or template every node is cloned from (`npm run prepare-template` makes one); with linkedClone, a powered-off VM with exactly one snapshot.", examples: ["rocky9-base"] }),
  folder: z.string().min(1).meta({ description: "The VM folder the nodes go in; the datacenter's root when unset.", examples: ["istio-lab"] }).optional(),
  cpus: positive.meta({ description: "vCPUs per node; kubeadm needs at least 2 on the control plane.", examples: [2] }).default(2),
  memoryMb: positive.meta({ description: "Memory per node in MB; kubeadm needs at least 2048 on the control plane.", examples: [4096] }).default(4096),
  /** A full clone's disk size (default `fullCloneDiskGb`); a linked clone keeps the template's. */
  diskGb: positive
    .meta({
      description: `A full clone's disk in GB (${fullCloneDiskGb} when unset), never smaller than the template's; a linked clone keeps the template's disk, so leave it unset there.`,
      examples: [60],
    })
    .optional(),
  /**
   * Clone onto a child disk of the source's one snapshot instead of copying the disk: seconds
   * instead of minutes per node. `template` must then name a VM (not one marked as a template)
   * with exactly one snapshot, and the disk stays the source's size (terraform-provider-vsphere:
   * ExpandVirtualMachineCloneSpec, validateCloneSnapshots, DiskCloneValidateOperation).
   */
  linkedClone: z
    .boolean()
    .meta({ description: "Clone onto a child disk of the template's one snapshot: seconds instead of minutes per node; the disk stays the template's size.", examples: [true] })
    .default(false),
});

/** The tutorials' lab: linux-node1 is the control plane, linux-node2 and linux-node3 the workers. */
export const tutorialNodes = [
  { name: "linux-node1", ip: "192.168.56.11", role: "control-plane" },
  { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
  { name: "linux-node3", ip: "192.168.56.13", role: "worker" },
] as const;

const machinesOnly = "Sources vsphere and hosts: ";
const localOnly = "Sources kind and k3d: ";

export const cluster = z.strictObject({
  source: z.enum(clusterSources).meta({
    description: "Where the cluster comes from: kind or k3d (containers on this machine), vsphere (new VMs), hosts (your SSH hosts) or kubeconfig (a cluster you have).",
    examples: ["kind"],
  }),
  kubernetesVersion: version
    .meta({ description: `${machinesOnly}the Kubernetes release kubeadm installs; it must lie in the Istio release's range.`, examples: [defaultKubernetesVersion], default: defaultKubernetesVersion })
    .optional(),
  os: z
    .enum(operatingSystems)
    .meta({ description: `${machinesOnly}the nodes' operating system; centos7 only with Kubernetes 1.34 or older (cgroup v1).`, default: clusterDefaults.os })
    .optional(),
  podCidr: cidr
    .meta({ description: `${machinesOnly}the pod network; every node gets a /24 of it, and it must not overlap the service network or the node network.`, examples: [clusterDefaults.podCidr], default: clusterDefaults.podCidr })
    .optional(),
  serviceCidr: cidr
    .meta({ description: `${machinesOnly}the Service network, /12 to /28; it must not overlap the pod network or the node network.`, examples: [clusterDefaults.serviceCidr], default: clusterDefaults.serviceCidr })
    .optional(),
  nodes: z
    .array(node)
    .min(1)
    .meta({
      description: `${machinesOnly}the machines, exactly one of them the control plane, with unique names and addresses; unset, the tutorials' linux-node1 (control plane), linux-node2 and linux-node3.`,
      examples: [[{ name: "cp", ip: "10.0.0.10", role: "control-plane" }, { name: "worker1", ip: "10.0.0.11", role: "worker" }]],
      default: tutorialNodes.map((n) => ({ ...n })),
    })
    .optional(),
  network: network.meta({ description: `${machinesOnly}the lab network the nodes' addresses are on.` }).optional(),
  ssh: ssh.meta({ description: `${machinesOnly}how istio-lab reaches the nodes; the key is the secret istio-lab:sshPrivateKey.` }).optional(),
  vsphere: vsphere.meta({ description: "Source vsphere: where and how the VMs are cloned." }).optional(),
  // A path: contents pasted here would reach the render, the state and the gate's command line in
  // clear text; they belong in the secret istio-lab:kubeconfig.
  kubeconfig: z
    .string()
    .min(1)
    .refine((text) => !text.includes("\n") && !/^\s*(apiVersion|kind|clusters|current-context)\s*:/.test(text), {
      error: "holds kubeconfig contents, not a path; store them with `pulumi config set --secret istio-lab:kubeconfig < <file>` and remove this key",
    })
    .meta({
      description: "Source kubeconfig: the path of a kubeconfig file on the machine that runs Pulumi, never its contents (those go in the secret istio-lab:kubeconfig instead).",
      examples: ["~/.kube/config"],
    })
    .optional(),
  /** The kubeconfig context to use (source kubeconfig), instead of whichever is current. */
  context: z
    .string()
    .min(1)
    .meta({
      description: "Source kubeconfig: the context to deploy through; unset, the current context at the first `pulumi up`. The stack records it and its cluster then, and keeps to them (docs/recovery.md).",
      examples: ["kind-istio-lab"],
    })
    .optional(),
  /** kind, k3d: the cluster's name (default `istio-lab-<stack>`); its containers carry it. */
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, { error: "must be lower-case letters, digits and '-', at most 32 characters (kind and k3d name containers after it)" })
    .meta({ description: `${localOnly}the cluster's name, which its containers carry; \`istio-lab-<stack>\` when unset. No other kind (or k3d) stack file beside this one may make a cluster of the same name.`, examples: ["istio-lab-local"] })
    .optional(),
  /** kind, k3d: worker nodes beside the control plane (the seeds' two). */
  workers: z
    .int()
    .min(0, { error: "must be 0 or more" })
    .max(5, { error: "must be at most 5: every node is a container on this machine" })
    .meta({ description: `${localOnly}worker nodes beside the control plane.`, examples: [clusterDefaults.workers], default: clusterDefaults.workers })
    .optional(),
  /** kind, k3d: the port on 127.0.0.1 that reaches the ingress gateway (the seeds' 8000). */
  hostPort: port.meta({ description: `${localOnly}the port on 127.0.0.1 that reaches the ingress gateway; no other kind or k3d stack file beside this one may take the same.`, examples: [clusterDefaults.hostPort], default: clusterDefaults.hostPort }).optional(),
  /** kind, k3d: the node image (kindest/node or rancher/k3s) instead of the tool's default. */
  nodeImage: imageReference
    .meta({
      description: `${localOnly}the node image (kindest/node for kind, rancher/k3s for k3d, from any registry such as registry:5000/kindest/node:v1.36.1), its tag the Kubernetes version, which this Istio must support; unset, the one pinned in catalog/versions.ts.`,
      examples: ["kindest/node:v1.35.0"],
    })
    .optional(),
  /**
   * kind, k3d: use a cluster of that name that exists already instead of refusing it; this stack
   * then never deletes it. hosts: use a node that already runs in a kubeadm cluster istio-lab did
   * not build, as it is; this stack then never changes or resets it (components/cluster/scripts).
   */
  adopt: z
    .boolean()
    .meta({
      description:
        "Sources kind, k3d and hosts: true uses what exists already and was not made by this stack (a kind or k3d cluster of that name; hosts that run in a kubeadm cluster), which this stack then never deletes, changes or resets; otherwise it is refused.",
      examples: [true],
      default: clusterDefaults.adopt,
    })
    .optional(),
  /**
   * Let a refresh or destroy drop from state the objects of a cluster that cannot be reached
   * (pulumi-kubernetes deleteUnreachable). Off: an unreachable cluster is an error, not an empty one.
   */
  deleteUnreachable: z
    .boolean()
    .meta({
      description:
        "true lets a refresh or destroy drop from the state the objects of a cluster that no longer answers; leave it unset otherwise, or a refresh during an outage empties the state. Unset, PULUMI_K8S_DELETE_UNREACHABLE decides for one command.",
      examples: [true],
    })
    .optional(),
});

/** A key set to true or false (`pulumi config set` stores the text). */
export const flag = z.enum(["true", "false"], { error: "must be true or false" }).transform((text) => text === "true");

/** `istio-lab:identifierUpgrade`, a flag. */
export const identifierUpgradeMeta = {
  description: "One `pulumi up` without the Kubernetes provider's clusterIdentifier, to carry a stack deployed before the cluster's identity over (docs/recovery.md); remove it afterwards.",
  examples: [true],
};

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

/** The ingress gateway's node port when `mesh.ingress.httpNodePort` is unset (components/mesh/ingress-gateway.ts; reference.test.ts holds them equal). */
export const defaultHttpNodePort = 31380;

export const mesh = z.strictObject({
  mode: z
    .enum(meshModes)
    .meta({
      description:
        "Istio's data plane: sidecar (an Envoy in every pod) or ambient (ztunnel on every node, no sidecars; docs/ambient.md says which scenarios run in it). Lab stacks follow their platform's.",
      examples: ["ambient"],
    })
    .default("sidecar"),
  istioVersion: version.meta({ description: "The Istio release (1.29, 1.30 and 1.31 are known).", examples: [defaultIstioVersion] }).default(defaultIstioVersion),
  ingress: z
    .strictObject({
      serviceType: z
        .enum(["NodePort", "LoadBalancer", "ClusterIP"])
        .meta({ description: "The ingress gateway's Service type; kind and k3d need NodePort." })
        .default("NodePort"),
      httpNodePort: nodePort
        .meta({ description: "The gateway's HTTP node port (NodePort and LoadBalancer).", examples: [defaultHttpNodePort], default: defaultHttpNodePort })
        .optional(),
      /**
       * Lab stacks on this platform each get the host `<namespace>.<labDomain>` on the gateway
       * (`.test` is reserved for testing by RFC 6761: no real name is shadowed).
       */
      labDomain: dnsSubdomain
        .meta({ description: "Lab stacks on this platform are each served on the host `<namespace>.<labDomain>` of the gateway.", examples: ["istio-lab.test"] })
        .default("istio-lab.test"),
    })
    .meta({ description: "The ingress gateway." })
    .default({ serviceType: "NodePort", labDomain: "istio-lab.test" }),
  addons: z
    .array(z.enum(addonNames))
    .refine((list) => new Set(list).size === list.length, { error: "lists an addon twice" })
    .meta({ description: "The addons to install; Kiali and Grafana read Prometheus, so they need it.", examples: [["prometheus", "kiali"]] })
    .default([...addonNames]),
  kiali: z
    .strictObject({
      auth: z
        .enum(["token", "anonymous"])
        .meta({ description: "How Kiali lets you in: a ServiceAccount token, or anyone (never with NodePort dashboards)." })
        .default("token"),
    })
    .meta({ description: "Kiali's settings." })
    .default({ auth: "token" }),
  dashboards: z
    .strictObject({
      serviceType: z
        .enum(["ClusterIP", "NodePort"])
        .meta({ description: "ClusterIP (reach them with a port-forward) or NodePort (Kiali 32001, Prometheus 32090, Grafana 32030, Jaeger 32686)." })
        .default("ClusterIP"),
    })
    .meta({ description: "How the addons' dashboards are published." })
    .default({ serviceType: "ClusterIP" }),
  chartRepository: z
    .url({ error: "must be a chart repository URL such as https://charts.example.com/istio" })
    .meta({ description: "One Helm repository that mirrors every chart; unset, the upstream repositories.", examples: ["https://charts.example.com/istio"] })
    .optional(),
  /**
   * Install the Gateway API's CRDs whatever this platform's own scenario, so that its lab stacks may
   * use that form (a lab installs nothing cluster-wide); its own scenario's form installs them too,
   * and an ambient platform always does, whatever this key says (components/lab.ts
   * labsMayUseGatewayApi: its labs' waypoints are Gateway API Gateways).
   */
  gatewayApi: z
    .boolean()
    .meta({ description: "Install the Gateway API's CRDs whatever this platform's own scenario, so that its lab stacks may use that form. A platform in ambient mode (mesh.mode: ambient) always installs them, whatever this says.", examples: [true] })
    .default(false),
  /** Where the Gateway API's CRDs are read from, for a scenario in that form: a mirror's copy of the release's standard-install.yaml, by URL or path. */
  gatewayApiCrds: z
    .string()
    .min(1, { error: "must be a URL or path of the Gateway API's standard-install.yaml" })
    .meta({
      description: "Where the Gateway API's CRDs are read from (a copy of the release's standard-install.yaml, by URL or path), for a lab without github.com; unset, the pinned release's on github.com.",
      examples: ["https://mirror.example.com/gateway-api/v1.6.0/standard-install.yaml"],
    })
    .optional(),
});

/** Namespaces of Kubernetes, Flannel and Istio (istio-ingress is where Istio's docs put the gateway). */
const reservedNamespaces = ["default", "istio-system", "istio-ingress", "kube-system", "kube-public", "kube-node-lease", "kube-flannel"];

export const apps = z.strictObject({
  namespace: dns1123Label
    .refine((ns) => !reservedNamespaces.includes(ns), {
      error: `must be a namespace of its own, not one of ${reservedNamespaces.join(", ")}`,
    })
    .meta({ description: "The namespace of the lab's workloads, labelled to join the mesh (sidecar injection, or ambient: mesh.mode); a lab stack's default is the stack's name.", examples: ["bookinfo"] })
    .default("bookinfo"),
  imageRegistry: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/, {
      error: "must be a registry host and optional path such as mirror.example.com:5000/lab, without https://",
    })
    .meta({
      description:
        "One flat registry that mirrors every image the lab pulls (`registry.istio.io/release/pilot:1.31.1` becomes `<mirror>/pilot:1.31.1`): the samples, Istio, the addons, and on machines istio-lab builds kubeadm's images, the sandbox image and Flannel. Not kind's and k3d's node images.",
      examples: ["mirror.example.com:5000/lab"],
    })
    .optional(),
  /** Your own services (scenario custom), rendered as the samples are. */
  custom: customServices.meta({ description: "Your own services, for scenario custom: each a ServiceAccount, a Service and a Deployment `<name>-<version>` per version." }).optional(),
});

/** A lab stack's apps: no default namespace here, since it is the lab stack's own name. */
export const labApps = z.strictObject({
  namespace: apps.shape.namespace.unwrap().optional(),
  imageRegistry: apps.shape.imageRegistry,
  custom: apps.shape.custom,
  /** A lab whose scenario listens on a TCP port of the shared gateway holds one of the platform's lab TCP ports, alone. */
  tcpPort: port
    .meta({
      description:
        `A lab stack whose scenario listens on a TCP port of the shared gateway (tcp-shift-*): which of the platform's lab TCP ports (its labTcpPorts output, ${portsText()}) it holds; the first when unset. No two labs of a platform hold the same.`,
      examples: [31402],
    })
    .optional(),
});

/**
 * The platform stack a lab runs on, as `pulumi.StackReference` names it: a stack of this project,
 * or `<org>/<project>/<stack>` (pulumi/pulumi sdk/go/common/resource/stack_reference rules: names
 * of letters, digits, '-', '_' and '.').
 */
export const platform = z
  .string()
  .regex(/^([A-Za-z0-9][A-Za-z0-9_.-]*\/){0,2}[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: "must name a stack: `<stack>` of this project or `<org>/<project>/<stack>`",
  })
  .meta({
    description: "Makes this stack a lab on the platform stack it names, whose cluster and mesh it uses; it then sets none of cluster, mesh, sshPrivateKey and kubeconfig. Empty: a platform stack.",
    examples: ["local"],
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
  gate: z.boolean().meta({ description: "true makes `pulumi up` end by running `npm run verify`, and fail when the mesh misbehaves.", examples: [true] }).default(false),
  /** Where the gate reaches the ingress gateway, when istio-lab cannot tell (a cluster it did not build). */
  gatewayUrl: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL such as http://192.168.49.2:31380" })
    .meta({
      description: "Where the gate reaches the ingress gateway; required where istio-lab knows no node port to reach (source kubeconfig, or a ClusterIP gateway).",
      examples: ["http://192.168.49.2:31380"],
    })
    .optional(),
  requests: z.int().min(1).max(1000).meta({ description: "Requests per probe; unset, each probe's own number.", examples: [200] }).optional(),
});

export type Verify = z.infer<typeof verify>;
