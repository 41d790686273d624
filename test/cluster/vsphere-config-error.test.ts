// A configuration problem found only once vCenter answers (the template's disk against diskGb and
// linkedClone) reaches the user as every other configuration problem does, naming the key: not
// wrapped in the SDK's `error serializing property "disks": ...`, which the SDK's serializer
// (@pulumi/pulumi runtime/rpc.js serializeFilteredProperties) writes over the message of an error
// thrown while it awaits a resource's inputs, and which is where vm-spec.ts's check runs.
import * as pulumi from "@pulumi/pulumi";
import { serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import type { GetVirtualMachineResult } from "../../components/cluster/vsphere/binding";
import { virtualMachineArgs } from "../../components/cluster/vsphere/vm-spec";
import { ConfigError, type MachineClusterConfig } from "../../components/config";
import { tutorialNodes, type Vsphere } from "../../components/config/schema";
import { template } from "./render-cluster";

const vsphere: Vsphere = { datacenter: "Datacenter", computeCluster: "Cluster", datastore: "datastore1", network: "VM Network", template: "rocky9-template", cpus: 2, memoryMb: 4096, linkedClone: false };
const config = { network: { prefixLength: 24, gateway: "192.168.56.1", dns: ["192.168.56.1"], domain: "example.com" } } as MachineClusterConfig;

/**
 * An Output's promises that the serializer does not await (is the value known, is it secret)
 * reject with its error too; the Pulumi runtime reports one error once however many promises carry
 * it (run.ts's uncaught handler), a test handles them itself.
 */
function handled(output: unknown): void {
  const o = output as { isKnown: Promise<unknown>; isSecret: Promise<unknown> };
  for (const p of [o.isKnown, o.isSecret]) p.catch(() => undefined);
}

/** The VM's inputs as the SDK serializes them for the engine, with the template vCenter answered. */
async function serializedVm(fields: Partial<Vsphere>, diskGb: number): Promise<unknown> {
  const answered: GetVirtualMachineResult = { ...template, disks: [{ ...template.disks[0], size: diskGb }] };
  const args = virtualMachineArgs(tutorialNodes[0], config, { ...vsphere, ...fields }, { resourcePoolId: "rp", datastoreId: "ds", networkId: "net", template: pulumi.output(answered) });
  (args.disks as unknown[]).forEach(handled);
  try {
    await serializeProperties("linux-node1", { disks: args.disks });
  } catch (error) {
    return error;
  }
  throw new Error("expected the template's disk to be refused");
}

describe("a template disk that does not fit the config, as the SDK serializes the VM", () => {
  it("fails naming istio-lab:cluster.vsphere.diskGb, its message as the program wrote it", async () => {
    const error = await serializedVm({}, 60);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "istio-lab: 1 configuration problem; nothing was created:\n" +
        "  - istio-lab:cluster.vsphere.diskGb: is unset, so 40 (the default), smaller than the template's 60 GB disk; a clone cannot shrink it: set it to 60 or more",
    );
  });

  it("fails naming diskGb for a linked clone whose diskGb differs from the template's disk", async () => {
    const error = await serializedVm({ linkedClone: true, diskGb: 40 }, 20);
    expect((error as ConfigError).issues).toEqual([
      { key: "istio-lab:cluster.vsphere.diskGb", message: "is 40, but a linked clone keeps the template's 20 GB disk; leave diskGb unset or set linkedClone to false" },
    ]);
    expect((error as Error).message).not.toMatch(/serializ/);
  });

  it("serializes a disk that fits", async () => {
    const answered: GetVirtualMachineResult = { ...template, disks: [{ ...template.disks[0], size: 20 }] };
    const args = virtualMachineArgs(tutorialNodes[0], config, vsphere, { resourcePoolId: "rp", datastoreId: "ds", networkId: "net", template: pulumi.output(answered) });
    expect(await serializeProperties("linux-node1", { disks: args.disks })).toMatchObject({ disks: [{ label: "disk0", size: 40 }] });
  });
});
