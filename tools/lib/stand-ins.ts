// What providers would compute, so that a render shows realistic values where the program reads
// an output: a vCenter answering lookups, the control plane answering the commands whose output
// the program consumes. Everything else echoes its inputs.

/** Outputs a provider computes for a resource, beyond echoing its inputs. */
export type ComputedOutputs = (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

export interface StandIns {
  outputs?: ComputedOutputs;
  /** Invoke results by token. */
  invokes?: Record<string, Record<string, unknown>>;
}

/** A Rocky 9 template as vCenter describes it. */
export const vsphereTemplate = {
  id: "4217a1f8-template-uuid",
  guestId: "rhel9_64Guest",
  scsiType: "pvscsi",
  firmware: "efi",
  disks: [{ label: "Hard disk 1", size: 20, thinProvisioned: true, eagerlyScrub: false, unitNumber: 0 }],
  networkInterfaceTypes: ["vmxnet3"],
};

export const getVirtualMachineToken = "vsphere:index/getVirtualMachine:getVirtualMachine";

/**
 * The template as a render assumes it, and what it assumed. vCenter is not there to say how big the
 * template's disk is, and the program refuses a diskGb against it (components/cluster/vsphere/
 * vm-spec.ts templateDisk): a linked clone keeps exactly the template's disk, a full clone cannot
 * shrink it. So the render takes the disk the stack's own diskGb implies, and says so, instead of
 * refusing the stack against a disk it made up; `pulumi preview` reads the real template.
 */
export function assumedTemplate(values: Readonly<Record<string, string>>): { template: typeof vsphereTemplate; assumption?: string } {
  let cluster: { source?: unknown; vsphere?: { template?: unknown; diskGb?: unknown; linkedClone?: unknown } } | undefined;
  try {
    cluster = JSON.parse(values["istio-lab:cluster"] ?? "null") as typeof cluster;
  } catch {
    return { template: vsphereTemplate };
  }
  if (cluster?.source !== "vsphere" || !cluster.vsphere) return { template: vsphereTemplate };
  const { template: name, diskGb, linkedClone } = cluster.vsphere;
  const given = typeof diskGb === "number" && Number.isInteger(diskGb) && diskGb > 0 ? diskGb : undefined;
  const standIn = vsphereTemplate.disks[0].size;
  const which = `the template ${typeof name === "string" ? name : ""}`.trimEnd();
  const withDisk = (size: number) => ({ ...vsphereTemplate, disks: [{ ...vsphereTemplate.disks[0], size }] });
  if (linkedClone === true) {
    const size = given ?? standIn;
    return {
      template: withDisk(size),
      assumption: `${which}'s disk was assumed to be ${size} GB${given === undefined ? "" : " (cluster.vsphere.diskGb)"}: a render cannot ask vCenter, and a linked clone keeps the template's disk; pulumi preview reads the real one and refuses a diskGb that differs`,
    };
  }
  if (given !== undefined && given < standIn) {
    return {
      template: withDisk(given),
      assumption: `${which}'s disk was assumed to be ${given} GB (cluster.vsphere.diskGb): a render cannot ask vCenter; pulumi preview reads the real one and refuses a diskGb smaller than it`,
    };
  }
  return { template: vsphereTemplate };
}

export const vsphereLookups: Record<string, Record<string, unknown>> = {
  "vsphere:index/getDatacenter:getDatacenter": { id: "datacenter-3" },
  "vsphere:index/getComputeCluster:getComputeCluster": { id: "domain-c8", resourcePoolId: "resgroup-9" },
  "vsphere:index/getDatastore:getDatastore": { id: "datastore-12" },
  "vsphere:index/getNetwork:getNetwork": { id: "network-14", type: "Network" },
  [getVirtualMachineToken]: vsphereTemplate,
};

/** A cluster's kubeconfig as its maker prints it, with a stand-in CA of that cluster. */
function standInKubeconfig(what: string, clusterOf: unknown): string {
  const ca = Buffer.from(`-----BEGIN CERTIFICATE-----\nstand-in CA of ${JSON.stringify(clusterOf)}\n-----END CERTIFICATE-----\n`).toString("base64");
  return `apiVersion: v1\nkind: Config\n# stand-in for ${what}\nclusters:\n- name: lab\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority-data: ${ca}\n`;
}

/**
 * A kubeconfig file as a user's machine has one (source kubeconfig's path): a kind cluster, its
 * context current. The render reads it where the program would read the real file.
 */
export const standInKubeconfigFile = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: kind-kind",
  "contexts:",
  "- name: kind-kind",
  "  context: { cluster: kind-kind, user: kind-kind }",
  "clusters:",
  "- name: kind-kind",
  "  cluster:",
  "    server: https://127.0.0.1:40123",
  `    certificate-authority-data: ${Buffer.from("stand-in CA of kind-kind").toString("base64")}`,
  "users:",
  "- name: kind-kind",
  "  user: {}",
  "",
].join("\n");

/** The files a render's machine has: the stand-in kubeconfig at every path. */
export const standInFiles = (): string => standInKubeconfigFile;

/** Stand-in answers of the remote commands whose stdout the program reads, by name suffix. */
const commandOutputs: Record<string, (inputs: Record<string, unknown>) => string> = {
  // read-kubeconfig.sh; its first trigger is the control plane's machine.
  "-kubeconfig": (inputs) => standInKubeconfig("/etc/kubernetes/admin.conf", (inputs.triggers as unknown[] | undefined)?.[0]),
  "-join-command": () => "kubeadm join 192.168.56.11:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0000\n",
  // A node's host key read at first contact (components/cluster/nodes/host-key.ts).
  "-host-key": () => "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ root@stand-in\n",
};

/** What the tls provider computes: PEM blocks, stand-ins named after the resource. */
const pem = (what: string, name: string) => `-----BEGIN ${what}-----\nstand-in for ${name}\n-----END ${what}-----\n`;
const tlsOutputs: Record<string, (name: string) => Record<string, string>> = {
  "tls:index/privateKey:PrivateKey": (name) => ({ privateKeyPem: pem("PRIVATE KEY", name), publicKeyPem: pem("PUBLIC KEY", name) }),
  "tls:index/selfSignedCert:SelfSignedCert": (name) => ({ certPem: pem("CERTIFICATE", name) }),
  "tls:index/certRequest:CertRequest": (name) => ({ certRequestPem: pem("CERTIFICATE REQUEST", name) }),
  "tls:index/locallySignedCert:LocallySignedCert": (name) => ({ certPem: pem("CERTIFICATE", name) }),
};

export const defaultStandIns: StandIns = {
  invokes: vsphereLookups,
  outputs: (type, name, inputs) => {
    if (tlsOutputs[type]) return tlsOutputs[type](name);
    // local-cluster.sh prints the kubeconfig of the kind or k3d cluster it made; its triggers are the cluster's shape.
    if (type === "command:local:Command" && /-(kind|k3d)$/.test(name)) return { stdout: standInKubeconfig("`kind get kubeconfig`", inputs.triggers), stderr: "" };
    // The uid the API server gives a Secret, which a Deployment reading env from it carries (components/workloads/app-objects.ts envSecretAnnotation).
    if (type === "kubernetes:core/v1:Secret") return { metadata: { ...(inputs.metadata as object), uid: `uid-of-${name}` } };
    if (type !== "command:remote:Command") return {};
    const suffix = Object.keys(commandOutputs).find((s) => name.endsWith(s));
    return { stdout: suffix ? commandOutputs[suffix](inputs) : "", stderr: "" };
  },
};
