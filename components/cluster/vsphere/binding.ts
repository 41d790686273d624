// A hand-written binding for the few parts of the vSphere provider istio-lab uses: npm does not
// serve @pulumi/vsphere. Type tokens and camelCase property names are those of the provider's
// schema (pulumi/pulumi-vsphere provider/cmd/pulumi-resource-vsphere/schema.json, v4.17.0), and
// every resource and invoke carries `version`, so the engine fetches that plugin.
import * as pulumi from "@pulumi/pulumi";
import { vsphereProviderVersion } from "../../../catalog/versions";

const pinned = <T extends pulumi.InvokeOptions | pulumi.CustomResourceOptions>(opts?: T): T =>
  ({ ...opts, version: vsphereProviderVersion }) as T;

export interface VirtualMachineNetworkInterface {
  networkId: pulumi.Input<string>;
  /** e1000, e1000e, sriov, vmxnet3 or vrdma. */
  adapterType?: pulumi.Input<string>;
}

export interface VirtualMachineDisk {
  label: pulumi.Input<string>;
  /** GB. */
  size?: pulumi.Input<number>;
  thinProvisioned?: pulumi.Input<boolean>;
  eagerlyScrub?: pulumi.Input<boolean>;
  unitNumber?: pulumi.Input<number>;
}

export interface VirtualMachineCloneCustomize {
  linuxOptions?: pulumi.Input<{ hostName: pulumi.Input<string>; domain: pulumi.Input<string>; timeZone?: pulumi.Input<string> }>;
  /** Matched to the VM's networkInterfaces by position. */
  networkInterfaces?: pulumi.Input<pulumi.Input<{ ipv4Address?: pulumi.Input<string>; ipv4Netmask?: pulumi.Input<number> }>[]>;
  ipv4Gateway?: pulumi.Input<string>;
  dnsServerLists?: pulumi.Input<pulumi.Input<string>[]>;
  dnsSuffixLists?: pulumi.Input<pulumi.Input<string>[]>;
  /** Minutes to wait for guest customization (default 10). */
  timeout?: pulumi.Input<number>;
}

export interface VirtualMachineClone {
  templateUuid: pulumi.Input<string>;
  linkedClone?: pulumi.Input<boolean>;
  /** Minutes (default 30). */
  timeout?: pulumi.Input<number>;
  customize?: pulumi.Input<VirtualMachineCloneCustomize>;
}

export interface VirtualMachineArgs {
  resourcePoolId: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  datastoreId?: pulumi.Input<string>;
  folder?: pulumi.Input<string>;
  numCpus?: pulumi.Input<number>;
  /** MB. */
  memory?: pulumi.Input<number>;
  guestId?: pulumi.Input<string>;
  /** bios or efi: must match the template. */
  firmware?: pulumi.Input<string | undefined>;
  /** lsilogic, lsilogic-sas or pvscsi: must match the template. */
  scsiType?: pulumi.Input<string>;
  networkInterfaces?: pulumi.Input<pulumi.Input<VirtualMachineNetworkInterface>[]>;
  disks?: pulumi.Input<pulumi.Input<VirtualMachineDisk>[]>;
  clone?: pulumi.Input<VirtualMachineClone>;
  enableDiskUuid?: pulumi.Input<boolean>;
  /** Minutes to wait for a routable guest address (default 5). */
  waitForGuestNetTimeout?: pulumi.Input<number>;
  annotation?: pulumi.Input<string>;
}

/** `vsphere.VirtualMachine`; its id is the VM's UUID. */
export class VirtualMachine extends pulumi.CustomResource {
  static readonly __pulumiType = "vsphere:index/virtualMachine:VirtualMachine";

  // `declare`: a class field would overwrite the outputs the base constructor installs.
  declare readonly name: pulumi.Output<string>;
  declare readonly uuid: pulumi.Output<string>;
  declare readonly moid: pulumi.Output<string>;
  declare readonly defaultIpAddress: pulumi.Output<string>;
  declare readonly guestIpAddresses: pulumi.Output<string[]>;
  declare readonly powerState: pulumi.Output<string>;

  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.CustomResourceOptions) {
    // Every key becomes an output on `this`, so the output-only ones are listed as undefined.
    const props = { ...args, name: args.name, uuid: undefined, moid: undefined, defaultIpAddress: undefined, guestIpAddresses: undefined, powerState: undefined };
    super(VirtualMachine.__pulumiType, name, props, pinned(opts));
  }
}

export interface GetDatacenterResult {
  id: string;
  name?: string;
}
export interface GetComputeClusterResult {
  id: string;
  name: string;
  resourcePoolId: string;
  datacenterId?: string;
}
export interface GetDatastoreResult {
  id: string;
  name: string;
}
export interface GetNetworkResult {
  id: string;
  name: string;
  type: string;
}
export interface GetVirtualMachineResult {
  /** The template's UUID: what clone.templateUuid takes. */
  id: string;
  guestId: string;
  scsiType: string;
  firmware?: string;
  disks: { label: string; size: number; thinProvisioned: boolean; eagerlyScrub: boolean; unitNumber: number }[];
  networkInterfaceTypes: string[];
}

type Lookup<A> = { [K in keyof A]: pulumi.Input<A[K]> };
const invoke = <A, R>(token: string) => (args: Lookup<A>, opts?: pulumi.InvokeOutputOptions) =>
  pulumi.runtime.invokeOutput<R>(token, args as pulumi.Inputs, pinned(opts));

export const getDatacenterOutput = invoke<{ name?: string }, GetDatacenterResult>("vsphere:index/getDatacenter:getDatacenter");
export const getComputeClusterOutput = invoke<{ name: string; datacenterId?: string }, GetComputeClusterResult>(
  "vsphere:index/getComputeCluster:getComputeCluster",
);
export const getDatastoreOutput = invoke<{ name: string; datacenterId?: string }, GetDatastoreResult>("vsphere:index/getDatastore:getDatastore");
export const getNetworkOutput = invoke<{ name: string; datacenterId?: string }, GetNetworkResult>("vsphere:index/getNetwork:getNetwork");
export const getVirtualMachineOutput = invoke<{ name: string; datacenterId?: string }, GetVirtualMachineResult>(
  "vsphere:index/getVirtualMachine:getVirtualMachine",
);
