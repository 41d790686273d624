import { describe, expect, it } from "vitest";
import { renderConfig } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { renderFile } from "../harness";
import { command, optionsOf, renderCluster, template, vmType, vsphereStack } from "./render-cluster";

const tokens = {
  datacenter: "vsphere:index/getDatacenter:getDatacenter",
  computeCluster: "vsphere:index/getComputeCluster:getComputeCluster",
  datastore: "vsphere:index/getDatastore:getDatastore",
  network: "vsphere:index/getNetwork:getNetwork",
  template: "vsphere:index/getVirtualMachine:getVirtualMachine",
};

describe("source vsphere", () => {
  it("clones one VM per node with the template's hardware, the config's size and the node's address", async () => {
    const rendered = await renderCluster(vsphereStack);
    const vms = rendered.resources.filter((r) => r.type === vmType);
    expect(vms.map((vm) => vm.name)).toEqual(["linux-node1", "linux-node2", "linux-node3"]);
    expect(vms[0].inputs).toEqual({
      name: "linux-node1",
      resourcePoolId: "resgroup-9",
      datastoreId: "datastore-12",
      folder: "istio-lab",
      numCpus: 2,
      memory: 4096,
      guestId: template.guestId,
      firmware: template.firmware,
      scsiType: template.scsiType,
      networkInterfaces: [{ networkId: "network-14", adapterType: "vmxnet3" }],
      disks: [{ label: "disk0", size: 40, thinProvisioned: true, eagerlyScrub: false }],
      enableDiskUuid: true,
      waitForGuestNetTimeout: 10,
      annotation: "istio-lab node linux-node1 (control-plane)",
      clone: {
        templateUuid: template.id,
        customize: {
          linuxOptions: { hostName: "linux-node1", domain: "example.com" },
          networkInterfaces: [{ ipv4Address: "192.168.56.11", ipv4Netmask: 24 }],
          ipv4Gateway: "192.168.56.1",
          dnsServerLists: ["192.168.56.1"],
          dnsSuffixLists: ["example.com"],
          timeout: 20,
        },
      },
    });
    expect(vms[2].inputs).toMatchObject({ clone: { customize: { networkInterfaces: [{ ipv4Address: "192.168.56.13" }] } } });
  });

  it("takes thin provisioning and the NIC type from the template", async () => {
    const rendered = await renderCluster(vsphereStack, {
      lookups: { [tokens.template]: { ...template, disks: [{ ...template.disks[0], thinProvisioned: false }], networkInterfaceTypes: ["e1000e"] } },
    });
    const vm = rendered.resources.find((r) => r.type === vmType && r.name === "linux-node2");
    expect(vm?.inputs).toMatchObject({ disks: [{ thinProvisioned: false }], networkInterfaces: [{ adapterType: "e1000e" }] });
  });

  it("links each clone to the template's snapshot when linkedClone is set, with the template's disk as it is", async () => {
    const linked = { ...vsphereStack, "istio-lab:cluster": { source: "vsphere", vsphere: { ...(vsphereStack["istio-lab:cluster"] as any).vsphere, linkedClone: true } } };
    const rendered = await renderCluster(linked);
    const vms = rendered.resources.filter((r) => r.type === vmType);
    expect(vms).toHaveLength(3);
    for (const vm of vms) {
      expect(vm.inputs.clone, vm.name).toMatchObject({ templateUuid: template.id, linkedClone: true });
      expect(vm.inputs.disks, vm.name).toEqual([{ label: "disk0", size: template.disks[0].size, thinProvisioned: true, eagerlyScrub: false }]);
    }
    // A full clone sends no linkedClone at all: its `clone` inputs, which replace a VM when they change, stay as they were.
    const full = (await renderCluster(vsphereStack)).resources.filter((r) => r.type === vmType);
    expect(full.map((vm) => "linkedClone" in (vm.inputs.clone as object))).toEqual([false, false, false]);
  });

  // The plugin version on every invoke and VM is checked against pulumi-vsphere 4.17.0's schema in
  // test/upstream/schemas.test.ts.
  it("looks vCenter up with the provider's exact tokens, each in the datacenter found, and gives a VM 40 minutes", async () => {
    const rendered = await renderCluster(vsphereStack);
    const byToken = Object.fromEntries(rendered.invokes.map((i) => [i.token, i.inputs]));
    expect(byToken).toEqual({
      [tokens.datacenter]: { name: "Datacenter" },
      [tokens.computeCluster]: { name: "Cluster", datacenterId: "datacenter-3" },
      [tokens.datastore]: { name: "datastore1", datacenterId: "datacenter-3" },
      [tokens.network]: { name: "VM Network", datacenterId: "datacenter-3" },
      [tokens.template]: { name: "rocky9-template", datacenterId: "datacenter-3" },
    });
    expect(rendered.invokes.filter((i) => i.token.startsWith("vsphere:"))).toHaveLength(5);
    for (const vm of rendered.resources.filter((r) => r.type === vmType)) {
      expect(optionsOf(rendered, vmType, vm.name).customTimeouts).toMatchObject({ create: "40m" });
    }
  });

  it("creates the VMs in parallel: no VM depends on another", async () => {
    const rendered = await renderCluster(vsphereStack);
    for (const vm of rendered.resources.filter((r) => r.type === vmType)) {
      expect(vm.dependsOn, vm.name).toEqual([]);
      expect(vm.parent).toBe("cluster-vsphere");
    }
  });

  it("dials each node only after its VM exists, and runs every step again on a new VM", async () => {
    const rendered = await renderCluster(vsphereStack);
    for (const node of ["linux-node1", "linux-node2", "linux-node3"]) {
      expect(command(rendered, `${node}-access`).dependsOn).toEqual([node]);
      for (const step of ["access", "os", "kubernetes", "containerd"]) {
        expect((command(rendered, `${node}-${step}`).inputs.triggers as unknown[])[0], `${node}-${step}`).toBe(`${node}-id`);
      }
    }
    expect((command(rendered, "control-plane-init").inputs.triggers as unknown[])[0]).toBe("linux-node1-id");
    expect((command(rendered, "linux-node3-join").inputs.triggers as unknown[])[0]).toBe("linux-node3-id");
  });

  it("pulls the images of the Flannel it applies first on every node, then the lab's, so a joining node starts Flannel at once", async () => {
    const rendered = await renderFile("Pulumi.dev.yaml");
    const manifest = rendered.resources.find((r) => r.name === "flannel-apply")!.inputs.stdin as string;
    const flannelImages = [...new Set([...manifest.matchAll(/image: (\S+)/g)].map((m) => m[1]))];
    expect(flannelImages).toHaveLength(2);
    for (const node of ["linux-node1", "linux-node2", "linux-node3"]) {
      const images = (command(rendered, `${node}-images`).inputs.create as string).match(/IMAGES='([^']*)'/)![1].split(" ");
      expect(images.slice(0, 2).sort(), node).toEqual(flannelImages.sort());
      expect(images.length, node).toBeGreaterThan(10);
    }
  });

  it("turns the vmxnet3 checksum workaround on, and leaves destroy to the VM deletion", async () => {
    const rendered = await renderCluster(vsphereStack);
    expect(command(rendered, "linux-node2-os").inputs.create).toContain("VMXNET3_WORKAROUND=1");
    expect(command(rendered, "linux-node2-access").inputs.delete).toBeUndefined();
  });

  it("wires the whole lab: the mesh deploys through the provider of the built cluster", async () => {
    const rendered = await renderCluster(vsphereStack, { wholeLab: true, stdout: { "control-plane-kubeconfig": "apiVersion: v1\nclusters: []\n" } });
    const provider = rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    // The stack's name and the control plane's VM (its mock id): a new VM is a new cluster.
    expect(provider?.inputs).toMatchObject({ clusterIdentifier: "istio-lab-test-linux-node1-id", kubeconfig: "[secret]" });
    expect(rendered.resources.filter((r) => r.type === vmType)).toHaveLength(3);
    expect(rendered.resources.some((r) => r.type === "istio-lab:mesh:Mesh")).toBe(true);
    expect(rendered.outputs).toMatchObject({ clusterSource: "vsphere" });
  });
});

describe("a vSphere node renamed", () => {
  const stack = (workerName: string) =>
    stackConfig("dev", {
      ...vsphereStack,
      "istio-lab:cluster": {
        ...(vsphereStack["istio-lab:cluster"] as Record<string, unknown>),
        nodes: [{ name: "linux-node1", ip: "192.168.56.11", role: "control-plane" }, { name: workerName, ip: "192.168.56.12", role: "worker" }],
      },
    });
  const stashed = { "vm-at-192.168.56.11": { name: "linux-node1" }, "vm-at-192.168.56.12": { name: "linux-node2" } };
  const failure = (config: ReturnType<typeof stack>, records: Record<string, unknown>) =>
    renderConfig(config, undefined, undefined, { stashed: records }).then(
      () => undefined,
      (e: Error) => e.message,
    );

  it("records which node's VM holds each static address at its first deployment, and goes on while the names stay", async () => {
    const first = await renderConfig(stack("linux-node2"));
    expect(first.resources.filter((r) => r.name.startsWith("vm-at-")).map((r) => [r.name, r.inputs.input])).toEqual([
      ["vm-at-192.168.56.11", { name: "linux-node1" }],
      ["vm-at-192.168.56.12", { name: "linux-node2" }],
    ]);
    expect(await failure(stack("linux-node2"), stashed)).toBeUndefined();
  });

  it("stops before anything is created when a node's new name would put a second VM on its address, naming the key and the two runs", async () => {
    // The engine would create linux-node9's VM on 192.168.56.12 and delete linux-node2's only after it.
    expect(await failure(stack("linux-node9"), stashed)).toMatch(
      /^istio-lab: 1 configuration problem; nothing was created:\n {2}- istio-lab:cluster\.nodes\[1\]\.name: is linux-node9, but this stack's VM at 192\.168\.56\.12 is linux-node2: .*take linux-node2 out of cluster\.nodes and `pulumi up`.*then add linux-node9 and `pulumi up`/,
    );
    // The first run of the two drops the address's record with the node; the second records the new name.
    expect(await failure(stack("linux-node9"), { "vm-at-192.168.56.11": { name: "linux-node1" } })).toBeUndefined();
  });
});
