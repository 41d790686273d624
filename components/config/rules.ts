// Rules that relate several fields. Each returns the problems it finds; none throws.
import { controlPlaneMinimum, firstKubernetesMinorWithoutCgroupV1, istioKubernetesSupport } from "../../catalog/versions";
import type { ConfigIssue } from "./errors";
import { contains, formatRange, overlaps, parseCidr, rangeOf, type Range } from "./net";
import { localClusterSources, type Mesh, type Network, type Node, type Verify, type Vsphere } from "./schema";

const clusterKey = "istio-lab:cluster";

export function minorOf(version: string): number {
  return Number(version.split(".")[1]);
}

/**
 * The host key types istio-lab pins. pulumi-command verifies a pinned key with
 * ssh.FixedHostKey and offers the server only that key's own type as host key algorithm
 * (provider/pkg/provider/remote/connection.go v1.2.1, SSHConfig: `hostKeyAlgorithms =
 * []string{publicKey.Type()}`; golang.org/x/crypto ssh/handshake.go sends exactly that list). For
 * an RSA key that type is `ssh-rsa`, which names signatures made with SHA-1, and EL9's DEFAULT
 * crypto policy refuses SHA-1 signatures: sshd there signs with an RSA host key only as
 * rsa-sha2-256 or rsa-sha2-512, which the client would not ask for, so no connection could be made.
 * Ed25519 and ECDSA keys name their own signature algorithm, which the policy accepts.
 */
export const pinnableHostKeyTypes = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;

/** A host key line decoded: `<type> <base64>`, its comment dropped, as pulumi-command is given it. */
export type DecodedHostKey = { key: string } | { problem: string };

/** A field that names an SSH public key type (OpenSSH's plain and certificate key names). */
const isKeyType = (field: string | undefined) => /^(ssh-(ed25519|rsa|dss)|rsa-sha2-(256|512)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+)(-cert-v01@openssh\.com)?$/.test(field ?? "");

/** Reads one SSH wire-format string (uint32 length, bytes) at `at`; undefined past the end. */
function wireString(blob: Buffer, at: number): { value: Buffer; next: number } | undefined {
  if (at + 4 > blob.length) return undefined;
  const length = blob.readUInt32BE(at);
  if (at + 4 + length > blob.length) return undefined;
  return { value: blob.subarray(at + 4, at + 4 + length), next: at + 4 + length };
}

/**
 * Decodes a public host key line as `ssh-keyscan` or ssh_host_*_key.pub give it, the way
 * x/crypto ssh.ParsePublicKey reads its blob (RFC 4253 6.6, RFC 5656 3.1, RFC 8709 4): the type
 * the line names is the one inside the blob, and every field is there, whole, with nothing after
 * it, so a line cut short in a copy is refused here and not at the first dial.
 */
export function decodeHostKey(line: string): DecodedHostKey {
  // ssh-keyscan prints known_hosts lines, `<host> <type> <base64>` (ssh-keyscan.c keyprint_one:
  // the host, `[host]:port` off port 22, or its hash with -H, then sshkey_write), after a comment
  // line `# <host>:<port> <banner>` unless -q (on stdout since OpenSSH 9.8, commit 1e84d0cf4; on
  // stderr before, EL9's 8.7 included); sshd(8) SSH_KNOWN_HOSTS FILE FORMAT: "marker
  // (optional), hostnames, keytype, base64-encoded key, comment". A .pub file starts at the type.
  // So comment lines go, and a first field followed by a key type is the host, dropped.
  const lines = line.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (lines.length > 1) return { problem: `holds ${lines.length} lines; pin one key, one line (\`ssh-keyscan -t ed25519 <node>\` prints one)` };
  let fields = (lines[0] ?? "").trim().split(/\s+/);
  if (fields.length >= 3 && isKeyType(fields[1]) && !isKeyType(fields[0])) fields = fields.slice(1);
  const [type = "", data = ""] = fields;
  if (type === "ssh-rsa" || type.startsWith("rsa-sha2-")) {
    return {
      problem:
        "is an RSA key, which cannot be pinned against EL9's default crypto policy: pulumi-command would ask the node only for ssh-rsa (SHA-1) signatures, which that policy refuses (rsa-sha2-256/512 are what it allows). Pin the node's ed25519 key (`ssh-keyscan -t ed25519 <node>`) or its ECDSA key",
    };
  }
  if (!(pinnableHostKeyTypes as readonly string[]).includes(type)) {
    return { problem: `is a ${type || "blank"} key; pin the node's ${pinnableHostKeyTypes.join(", ")} host key (\`ssh-keyscan -t ed25519 <node>\`)` };
  }
  const blob = Buffer.from(data, "base64");
  const whole = blob.length > 0 && blob.toString("base64").replace(/=+$/, "") === data.replace(/=+$/, "");
  const cut = { problem: `is not a whole ${type} key: its base64 part does not decode to one (cut short in a copy?); copy the line again from \`ssh-keyscan -t ed25519 <node>\`` };
  if (!whole) return cut;
  const named = wireString(blob, 0);
  if (!named || named.value.toString("latin1") !== type) return { problem: `names ${type}, but its base64 part holds ${named ? `a ${named.value.toString("latin1")} key` : "no key"}` };
  let end: number | undefined;
  if (type === "ssh-ed25519") {
    const point = wireString(blob, named.next);
    end = point && point.value.length === 32 ? point.next : undefined;
  } else {
    const curve = wireString(blob, named.next);
    const point = curve && wireString(blob, curve.next);
    const size = { "ecdsa-sha2-nistp256": 65, "ecdsa-sha2-nistp384": 97, "ecdsa-sha2-nistp521": 133 }[type];
    const sameCurve = curve?.value.toString("latin1") === type.slice("ecdsa-sha2-".length);
    end = sameCurve && point && point.value.length === size && point.value[0] === 4 ? point.next : undefined;
  }
  if (end !== blob.length) return cut;
  return { key: `${type} ${data}` };
}

/** Host keys are pinned per node, by name, each a whole key of a type EL9 lets istio-lab verify. */
export function hostKeyRules(nodes: readonly Node[], hostKeys: Readonly<Record<string, string>> | undefined): ConfigIssue[] {
  const names = nodes.map((n) => n.name);
  return Object.entries(hostKeys ?? {}).flatMap(([name, line]) => {
    const key = `${clusterKey}.ssh.hostKeys.${name}`;
    if (!names.includes(name)) return [{ key, message: `names no node; cluster.nodes has ${names.join(", ")}` }];
    const decoded = decodeHostKey(line);
    return "problem" in decoded ? [{ key, message: decoded.problem }] : [];
  });
}

export function nodeRules(nodes: readonly Node[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = { name: new Map<string, number>(), ip: new Map<string, number>() };
  nodes.forEach((node, i) => {
    for (const field of ["name", "ip"] as const) {
      const first = seen[field].get(node[field]);
      if (first === undefined) seen[field].set(node[field], i);
      else issues.push({ key: `${clusterKey}.nodes[${i}].${field}`, message: `"${node[field]}" is already used by nodes[${first}]` });
    }
  });
  const controlPlanes = nodes.filter((n) => n.role === "control-plane").length;
  if (controlPlanes !== 1) {
    issues.push({
      key: `${clusterKey}.nodes`,
      message: `needs exactly one node with role control-plane (found ${controlPlanes}); kubeadm init runs on it and the others join`,
    });
  }
  return issues;
}

/** The lab network is the control-plane node's address with the configured prefix length. */
export function labNetwork(nodes: readonly Node[], network: Pick<Network, "prefixLength">): Range | undefined {
  const controlPlane = nodes.find((n) => n.role === "control-plane");
  return controlPlane && rangeOf(controlPlane.ip, network.prefixLength);
}

export function networkRules(nodes: readonly Node[], network: Network): ConfigIssue[] {
  const range = labNetwork(nodes, network);
  if (!range) return [];
  const cidr = formatRange(range);
  // The first and last address of the network name it and broadcast to it: no host may take them.
  // Both sides are dotted-quad decimal (the schema refuses other forms), so equal text is the same address.
  const reserved = (ip: string) =>
    ip === range.network ? `the network address of ${cidr}` : ip === range.broadcast ? `the broadcast address of ${cidr}` : undefined;
  const issues: ConfigIssue[] = nodes.flatMap((node, i) => {
    const key = `${clusterKey}.nodes[${i}].ip`;
    if (!contains(range, node.ip)) return [{ key, message: `${node.ip} is outside the lab network ${cidr} (network.prefixLength ${network.prefixLength})` }];
    const what = reserved(node.ip);
    return what ? [{ key, message: `${node.ip} is ${what}; a node needs a host address` }] : [];
  });
  if (!contains(range, network.gateway)) {
    issues.push({ key: `${clusterKey}.network.gateway`, message: `${network.gateway} is outside the lab network ${cidr}` });
  } else if (reserved(network.gateway)) {
    issues.push({ key: `${clusterKey}.network.gateway`, message: `${network.gateway} is ${reserved(network.gateway)}; the gateway needs a host address` });
  }
  const gatewayNode = nodes.findIndex((n) => n.ip === network.gateway);
  if (gatewayNode >= 0) {
    issues.push({ key: `${clusterKey}.network.gateway`, message: `${network.gateway} is the address of nodes[${gatewayNode}]` });
  }
  return issues;
}

/** Pod, service and node networks must be disjoint, or routing between them breaks. */
export function cidrRules(podCidr: string, serviceCidr: string, nodes: readonly Node[], network: Network): ConfigIssue[] {
  const ranges: { key: string; label: string; range: Range }[] = [];
  for (const [field, text] of [["podCidr", podCidr], ["serviceCidr", serviceCidr]] as const) {
    const parsed = parseCidr(text);
    if (parsed) ranges.push({ key: `${clusterKey}.${field}`, label: `${field} ${text}`, range: rangeOf(parsed.address, parsed.prefixLength) });
  }
  const lab = labNetwork(nodes, network);
  if (lab) ranges.push({ key: `${clusterKey}.network`, label: `the node network ${formatRange(lab)}`, range: lab });
  const issues: ConfigIssue[] = [];
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (overlaps(a.range, b.range)) issues.push({ key: a.key, message: `${a.label} overlaps ${b.label}` });
    }),
  );
  return issues;
}

/**
 * kubeadm gives every node a /24 of the pod CIDR (kube-controller-manager's node-cidr-mask-size),
 * and kube-apiserver refuses a service range of more than 20 bits; kubeadm puts cluster DNS at the
 * service range's 10th address.
 */
export const nodePodPrefixLength = 24;
export const serviceCidrPrefixRange = { min: 12, max: 28 };

export function cidrSizeRules(podCidr: string, serviceCidr: string, nodeCount: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pod = parseCidr(podCidr);
  if (pod) {
    const needed = nodePodPrefixLength - Math.ceil(Math.log2(Math.max(nodeCount, 1)));
    if (pod.prefixLength > needed || pod.prefixLength < nodePodPrefixLength - 16) {
      issues.push({
        key: `${clusterKey}.podCidr`,
        message: `prefix length /${pod.prefixLength} does not fit: every node gets a /${nodePodPrefixLength} of the pod CIDR, so ${nodeCount} node${nodeCount === 1 ? "" : "s"} need a prefix length between /${nodePodPrefixLength - 16} and /${needed}`,
      });
    }
  }
  const service = parseCidr(serviceCidr);
  if (service && (service.prefixLength < serviceCidrPrefixRange.min || service.prefixLength > serviceCidrPrefixRange.max)) {
    issues.push({
      key: `${clusterKey}.serviceCidr`,
      message: `prefix length /${service.prefixLength} does not fit: kube-apiserver takes a service range of /${serviceCidrPrefixRange.min} to /${serviceCidrPrefixRange.max} (at most 20 bits, with room for cluster DNS at its 10th address)`,
    });
  }
  return issues;
}

export function osRules(os: string, kubernetesVersion: string): ConfigIssue[] {
  if (os === "centos7" && minorOf(kubernetesVersion) >= firstKubernetesMinorWithoutCgroupV1) {
    return [
      {
        key: `${clusterKey}.os`,
        message: `centos7 has only cgroup v1, and the kubelet refuses cgroup v1 from Kubernetes 1.${firstKubernetesMinorWithoutCgroupV1} on (kubernetesVersion is ${kubernetesVersion}); use rocky9, alma9 or centos-stream9, or Kubernetes 1.${firstKubernetesMinorWithoutCgroupV1 - 1}`,
      },
    ];
  }
  return [];
}

export function vsphereSizeRules(vsphere: Vsphere): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (vsphere.cpus < controlPlaneMinimum.cpus) {
    issues.push({ key: `${clusterKey}.vsphere.cpus`, message: `must be at least ${controlPlaneMinimum.cpus}: kubeadm preflight refuses a control plane with fewer CPUs` });
  }
  if (vsphere.memoryMb < controlPlaneMinimum.memoryMb) {
    issues.push({ key: `${clusterKey}.vsphere.memoryMb`, message: `must be at least ${controlPlaneMinimum.memoryMb}: kubeadm preflight refuses a control plane with less memory` });
  }
  return issues;
}

/** Checks the Istio release against the table of supported Kubernetes minors. */
export function istioRules(mesh: Mesh, kubernetesVersion: string | undefined): ConfigIssue[] {
  const istioMinor = mesh.istioVersion.split(".").slice(0, 2).join(".");
  const support = istioKubernetesSupport[istioMinor];
  if (!support) {
    return [
      {
        key: "istio-lab:mesh.istioVersion",
        message: `Istio ${istioMinor} is not supported by istio-lab; choose a ${Object.keys(istioKubernetesSupport).join(", ")} release`,
      },
    ];
  }
  if (kubernetesVersion === undefined) return [];
  const minor = minorOf(kubernetesVersion);
  if (kubernetesVersion.startsWith("1.") && minor >= support.min && minor <= support.max) return [];
  return [
    {
      key: "istio-lab:cluster.kubernetesVersion",
      message: `Kubernetes ${kubernetesVersion} is outside what Istio ${mesh.istioVersion} (istio-lab:mesh.istioVersion) supports: 1.${support.min} to 1.${support.max}`,
    },
  ];
}

export function meshOptionRules(mesh: Mesh): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (mesh.ingress.httpNodePort !== undefined && mesh.ingress.serviceType === "ClusterIP") {
    issues.push({ key: "istio-lab:mesh.ingress.httpNodePort", message: "needs ingress.serviceType NodePort or LoadBalancer; a ClusterIP Service has no node port" });
  }
  // Kiali's graphs and Grafana's dashboards are Prometheus queries (Istio's values-kiali.yaml and
  // values-grafana.yaml point both at it); without it they stay empty.
  for (const addon of ["kiali", "grafana"] as const) {
    if (mesh.addons.includes(addon) && !mesh.addons.includes("prometheus")) {
      issues.push({ key: "istio-lab:mesh.addons", message: `${addon} reads its metrics from prometheus: add prometheus, or leave ${addon} out` });
    }
  }
  if (mesh.kiali.auth === "anonymous" && mesh.dashboards.serviceType === "NodePort") {
    issues.push({
      key: "istio-lab:mesh.kiali.auth",
      message: "anonymous Kiali must not be published on a NodePort (dashboards.serviceType): anyone on the network would administer the mesh; use auth token or dashboards ClusterIP",
    });
  }
  return issues;
}

/**
 * The gate runs where Pulumi runs, so it needs a gateway it can reach without a port-forward:
 * a node port of a cluster istio-lab built, or an address the stack gives.
 */
export function verifyRules(verify: Verify, source: string, mesh: Mesh): ConfigIssue[] {
  if (!verify.gate || verify.gatewayUrl) return [];
  if (source === "kubeconfig") {
    return [
      {
        key: "istio-lab:verify.gatewayUrl",
        message: "is required for the gate on source kubeconfig: istio-lab does not know a node address of a cluster it did not build (e.g. http://$(minikube ip):31380)",
      },
    ];
  }
  if (mesh.ingress.serviceType === "ClusterIP") {
    return [{ key: "istio-lab:verify.gatewayUrl", message: "is required for the gate when mesh.ingress.serviceType is ClusterIP: the gateway has no node port to reach" }];
  }
  return [];
}

/** kind and k3d reach the gateway through its node port, mapped to a port on 127.0.0.1. */
export function localClusterRules(source: string, mesh: Mesh): ConfigIssue[] {
  if (!(localClusterSources as readonly string[]).includes(source) || mesh.ingress.serviceType !== "ClusterIP") return [];
  return [{ key: "istio-lab:mesh.ingress.serviceType", message: `must be NodePort on source ${source}: the cluster maps the gateway's node port to cluster.hostPort on 127.0.0.1` }];
}
