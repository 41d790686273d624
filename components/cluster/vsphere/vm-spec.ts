// The VirtualMachine for one node: a full clone of the template with the template's hardware
// (guest id, firmware, SCSI type, NIC type, disk provisioning), sized by config, and the node's
// name and static address applied by vSphere guest customization.
import * as pulumi from "@pulumi/pulumi";
import type { MachineClusterConfig } from "../../config";
import type { Node, Vsphere } from "../../config/schema";
import type { GetVirtualMachineResult, VirtualMachineArgs, VirtualMachineDisk } from "./binding";

export interface VmPlacement {
  resourcePoolId: pulumi.Input<string>;
  datastoreId: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  template: pulumi.Output<GetVirtualMachineResult>;
}

/** The template's first disk, grown to diskGb. A clone cannot shrink a disk, so that is refused. */
export function templateDisk(template: Pick<GetVirtualMachineResult, "disks">, diskGb: number): VirtualMachineDisk {
  const first = template.disks?.[0];
  if (first && first.size > diskGb) {
    throw new Error(`istio-lab:cluster.vsphere.diskGb is ${diskGb}, smaller than the template's ${first.size} GB disk; a clone cannot shrink it`);
  }
  return { label: "disk0", size: diskGb, thinProvisioned: first?.thinProvisioned ?? true, eagerlyScrub: first?.eagerlyScrub ?? false };
}

export function virtualMachineArgs(node: Node, config: MachineClusterConfig, vsphere: Vsphere, placement: VmPlacement): VirtualMachineArgs {
  const { template } = placement;
  const { network } = config;
  return {
    name: node.name,
    resourcePoolId: placement.resourcePoolId,
    datastoreId: placement.datastoreId,
    folder: vsphere.folder,
    numCpus: vsphere.cpus,
    memory: vsphere.memoryMb,
    guestId: template.guestId,
    firmware: template.firmware,
    scsiType: template.scsiType,
    networkInterfaces: [{ networkId: placement.networkId, adapterType: template.apply((t) => t.networkInterfaceTypes?.[0] ?? "vmxnet3") }],
    disks: [template.apply((t) => templateDisk(t, vsphere.diskGb))],
    enableDiskUuid: true,
    waitForGuestNetTimeout: 10,
    annotation: `istio-lab node ${node.name} (${node.role})`,
    clone: {
      templateUuid: template.id,
      customize: {
        linuxOptions: { hostName: node.name, domain: network.domain },
        networkInterfaces: [{ ipv4Address: node.ip, ipv4Netmask: network.prefixLength }],
        ipv4Gateway: network.gateway,
        dnsServerLists: network.dns,
        dnsSuffixLists: [network.domain],
        timeout: 20,
      },
    },
  };
}
