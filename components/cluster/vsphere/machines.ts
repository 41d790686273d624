import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import type { Vsphere } from "../../config/schema";
import type { Machine } from "../kubeadm/kubeadm-cluster";
import {
  getComputeClusterOutput,
  getDatacenterOutput,
  getDatastoreOutput,
  getNetworkOutput,
  getVirtualMachineOutput,
  VirtualMachine,
} from "./binding";
import { virtualMachineArgs } from "./vm-spec";

export interface VsphereMachinesArgs {
  config: MachineClusterConfig;
  vsphere: Vsphere;
}

/**
 * One VM per node, cloned from the template. The VMs share the lookups and nothing else, so
 * vCenter clones them in parallel. Destroy deletes them, and with them everything kubeadm did.
 */
export class VsphereMachines extends pulumi.ComponentResource {
  readonly vms: VirtualMachine[];
  readonly machines: Record<string, Machine>;

  constructor(name: string, args: VsphereMachinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:cluster:VsphereMachines", name, {}, opts);
    const { vsphere } = args;
    const on = { parent: this };
    const datacenter = getDatacenterOutput({ name: vsphere.datacenter }, on);
    const datacenterId = datacenter.id;
    const placement = {
      resourcePoolId: getComputeClusterOutput({ name: vsphere.computeCluster, datacenterId }, on).resourcePoolId,
      datastoreId: getDatastoreOutput({ name: vsphere.datastore, datacenterId }, on).id,
      networkId: getNetworkOutput({ name: vsphere.network, datacenterId }, on).id,
      template: getVirtualMachineOutput({ name: vsphere.template, datacenterId }, on),
    };
    this.vms = args.config.nodes.map(
      (node) =>
        new VirtualMachine(node.name, virtualMachineArgs(node, args.config, vsphere, placement), {
          parent: this,
          customTimeouts: { create: "40m", update: "40m", delete: "20m" },
          // Any change under `clone` replaces a VM (terraform-provider-vsphere
          // resourceVSphereVirtualMachineCustomizeDiff). The new one keeps the node's name and
          // static IP, which vCenter and the network give to one VM at a time: delete first.
          deleteBeforeReplace: true,
          // The template is looked up by name on every run; a template rebuilt under the same name
          // has a new UUID and must not replace running nodes. To move nodes onto a new template,
          // `pulumi up --replace` them.
          ignoreChanges: ["clone.templateUuid"],
          // The provider updates a changed customization address in place without customizing the
          // guest again (CustomizeDiff exempts clone.customize.network_interface from ForceNew): the
          // VM would keep its old address while the node steps move to the new one. A new address
          // is a new VM.
          replaceOnChanges: ["clone.customize.networkInterfaces"],
        }),
    );
    this.machines = Object.fromEntries(this.vms.map((vm, i) => [args.config.nodes[i].name, { machineId: vm.id, resource: vm }]));
    this.registerOutputs({ vms: this.vms.map((vm) => vm.id) });
  }
}
