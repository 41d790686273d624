// Renders the cluster layer for machine sources through the shared mock engine, with vCenter-like
// lookup answers and, where a test needs them, the stdout of remote commands.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster/cluster";
import { parseLabConfig } from "../../components/config";
import { Lab } from "../../components/lab";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { renderConfig, type Rendered, type RenderedResource, type SeenOptions } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { vsphereLookups, vsphereTemplate } from "../../tools/lib/stand-ins";
import { ciphertext, memoised } from "../harness";

export const template = vsphereTemplate;

export interface RenderedCluster extends Rendered {
  /** Names of the resources the Cluster's kubeconfig output waits for. */
  kubeconfigDependsOn: string[];
  /** Whether the Cluster's kubeconfig output is a secret. */
  kubeconfigIsSecret: boolean;
}

export const vsphereStack: Record<string, unknown> = {
  "vsphere:vsphereServer": "vcenter.lab.example.com",
  "vsphere:user": "administrator@vsphere.local",
  "vsphere:password": ciphertext,
  "istio-lab:sshPrivateKey": ciphertext,
  "istio-lab:cluster": {
    source: "vsphere",
    vsphere: { datacenter: "Datacenter", computeCluster: "Cluster", datastore: "datastore1", network: "VM Network", template: "rocky9-template", folder: "istio-lab" },
  },
};

export const hostsStack = (cluster: Record<string, unknown> = {}): Record<string, unknown> => ({
  "istio-lab:sshPrivateKey": ciphertext,
  "istio-lab:cluster": { source: "hosts", ...cluster },
});

export interface RenderOptions {
  /** Answers of remote commands, by resource name. */
  stdout?: Record<string, string>;
  /** Overrides of invoke results, by token. */
  lookups?: Record<string, Record<string, unknown>>;
  /** Build the whole Lab instead of the Cluster alone. */
  wholeLab?: boolean;
}

/** The cluster layer (or the whole lab) of a machine stack; renders are shared within a test file. */
export const renderCluster = memoised(renderClusterOnce) as (stack: Record<string, unknown>, options?: RenderOptions) => Promise<RenderedCluster>;

async function renderClusterOnce(stack: Record<string, unknown>, options: RenderOptions = {}): Promise<RenderedCluster> {
  const config = stackConfig("test", stack);
  let kubeconfigDependsOn: Promise<string[]> = Promise.resolve([]);
  let kubeconfigIsSecret: Promise<boolean> = Promise.resolve(false);
  const dependencies = (o: pulumi.Output<unknown> | undefined) =>
    o ? (o as unknown as { allResources(): Promise<Set<pulumi.Resource>> }).allResources().then((set) => [...set].map((r) => pulumi.resourceName(r))) : Promise.resolve([]);

  const program = () => {
    const lab = parseLabConfig(config, analyzeScenario);
    if (options.wholeLab) return new Lab("lab", { config: lab, clusterIdentifier: "istio-lab-test" }).outputs;
    const cluster = new Cluster("cluster", { config: lab.cluster, clusterIdentifier: "istio-lab-test", gatewayNodePort: 31380 });
    kubeconfigDependsOn = dependencies(cluster.kubeconfig);
    if (cluster.kubeconfig) kubeconfigIsSecret = (cluster.kubeconfig as unknown as { isSecret: Promise<boolean> }).isSecret;
    return { kubeconfig: cluster.kubeconfig };
  };
  const rendered = await renderConfig(config, program, {
    invokes: { ...vsphereLookups, ...options.lookups },
    outputs: (_type, name) => {
      const stdout = options.stdout?.[name];
      return stdout !== undefined ? { stdout, stderr: "" } : {};
    },
  });
  return { ...rendered, kubeconfigDependsOn: await kubeconfigDependsOn, kubeconfigIsSecret: await kubeconfigIsSecret };
}

export const commandType = "command:remote:Command";
export const vmType = "vsphere:index/virtualMachine:VirtualMachine";

export function optionsOf(rendered: Rendered, type: string, name: string): SeenOptions {
  const found = rendered.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no options recorded for ${type} ${name}`);
  return found.options;
}

export function commands(rendered: Rendered): RenderedResource[] {
  return rendered.resources.filter((r) => r.type === commandType);
}

export function command(rendered: Rendered, name: string): RenderedResource {
  const found = commands(rendered).find((r) => r.name === name);
  if (!found) throw new Error(`no command ${name}; rendered: ${commands(rendered).map((r) => r.name).join(", ")}`);
  return found;
}
