// The VirtualMachine for one node: a full (or linked) clone of the template with the template's hardware
// (guest id, firmware, SCSI type, NIC type, disk provisioning), sized by config, and the node's
// name and static address applied by vSphere guest customization.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type MachineClusterConfig } from "../../config";
import { fullCloneDiskGb, type Node, type Vsphere } from "../../config/schema";
import type { GetVirtualMachineResult, VirtualMachineArgs, VirtualMachineDisk } from "./binding";

export interface VmPlacement {
  resourcePoolId: pulumi.Input<string>;
  datastoreId: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  template: pulumi.Output<GetVirtualMachineResult>;
}

/**
 * The node's disk: the template's first disk with its provisioning. A full clone grows it to
 * diskGb and cannot shrink it. A linked clone writes to a child of the snapshot's disk, which the
 * provider accepts only at the source's exact size, thin_provisioned and eagerly_scrub
 * (terraform-provider-vsphere virtualdevice/virtual_machine_disk_subresource.go,
 * DiskCloneValidateOperation): it keeps the template's disk, and a diskGb that differs is refused.
 */
export function templateDisk(template: Pick<GetVirtualMachineResult, "disks">, vsphere: Pick<Vsphere, "diskGb" | "linkedClone">): VirtualMachineDisk {
  const first = template.disks?.[0];
  const provisioning = { thinProvisioned: first?.thinProvisioned ?? true, eagerlyScrub: first?.eagerlyScrub ?? false };
  if (vsphere.linkedClone) {
    if (!first) throw diskError("istio-lab:cluster.vsphere.linkedClone", "the template has no disk for a linked clone to share");
    if (vsphere.diskGb !== undefined && vsphere.diskGb !== first.size) {
      throw diskError("istio-lab:cluster.vsphere.diskGb", `is ${vsphere.diskGb}, but a linked clone keeps the template's ${first.size} GB disk; leave diskGb unset or set linkedClone to false`);
    }
    return { label: "disk0", size: first.size, ...provisioning };
  }
  const diskGb = vsphere.diskGb ?? fullCloneDiskGb;
  if (first && first.size > diskGb) {
    const value = vsphere.diskGb === undefined ? `unset, so ${diskGb} (the default)` : `${diskGb}`;
    throw diskError("istio-lab:cluster.vsphere.diskGb", `is ${value}, smaller than the template's ${first.size} GB disk; a clone cannot shrink it: set it to ${first.size} or more`);
  }
  return { label: "disk0", size: diskGb, ...provisioning };
}

/**
 * Known only once the template is looked up, yet a configuration problem: no stack trace. It is
 * thrown inside the VM's `disks` input, whose serializer writes `error serializing property
 * "disks": ` over an error's message; a ConfigError keeps its own, naming the key (errors.ts).
 */
const diskError = (key: string, message: string) => new ConfigError([{ key, message }]);

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
    disks: [template.apply((t) => templateDisk(t, vsphere))],
    enableDiskUuid: true,
    waitForGuestNetTimeout: 10,
    annotation: `istio-lab node ${node.name} (${node.role})`,
    clone: {
      templateUuid: template.id,
      // Only when asked for: a change under `clone` replaces every VM, so a full clone's inputs
      // stay as they were before the option existed.
      ...(vsphere.linkedClone ? { linkedClone: true } : {}),
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
