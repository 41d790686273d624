// Pure pieces of the cluster layer: kubeadm and Flannel renderers, command text, connection, VM disk.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { parseAllDocuments } from "yaml";
import { readHostKeyCommand } from "../../components/cluster/nodes/host-key";
import { describe, expect, it } from "vitest";
import { flannelManifest, flannelObjects } from "../../components/cluster/flannel/manifest";
import { initConfiguration } from "../../components/cluster/kubeadm/config";
import { nodeConnection } from "../../components/cluster/nodes/connection";
import { nodeScript, scriptCommand, scriptsDir, type ScriptName } from "../../components/cluster/nodes/scripts";
import { shellQuote } from "../../components/shell";
import { templateDisk } from "../../components/cluster/vsphere/vm-spec";
import { ConfigError } from "../../components/config";
import { runPrepareTemplate } from "../../tools/lib/prepare-template-cli";
import { renderStack } from "../harness";
import { upstreamFile } from "../upstream-files";
import { hostsStack } from "./render-cluster";

const cp = { name: "linux-node1", ip: "192.168.56.11", role: "control-plane" as const };
const init = (schedulableControlPlane = false) =>
  parseAllDocuments(
    initConfiguration({ controlPlane: cp, domain: "example.com", kubernetesVersion: "1.36.4", podCidr: "10.2.0.0/16", serviceCidr: "10.1.0.0/16", schedulableControlPlane }),
  ).map((d) => d.toJS());

describe("kubeadm init configuration", () => {
  it("is v1beta4 with the advertise address, endpoint, subnets, version and node-ip as a name/value list", () => {
    const [initDoc, clusterDoc, kubelet] = init();
    expect(initDoc).toEqual({
      apiVersion: "kubeadm.k8s.io/v1beta4",
      kind: "InitConfiguration",
      // kubeadm init's own token, which nobody uses, lives 15 min instead of kubeadm's 24 h.
      bootstrapTokens: [{ ttl: "15m0s", description: "made by kubeadm init; istio-lab joins use their own" }],
      localAPIEndpoint: { advertiseAddress: "192.168.56.11", bindPort: 6443 },
      nodeRegistration: { name: "linux-node1", criSocket: "unix:///run/containerd/containerd.sock", kubeletExtraArgs: [{ name: "node-ip", value: "192.168.56.11" }] },
    });
    expect(clusterDoc).toMatchObject({
      apiVersion: "kubeadm.k8s.io/v1beta4",
      kind: "ClusterConfiguration",
      kubernetesVersion: "v1.36.4",
      controlPlaneEndpoint: "192.168.56.11:6443",
      networking: { podSubnet: "10.2.0.0/16", serviceSubnet: "10.1.0.0/16" },
      apiServer: { certSANs: ["192.168.56.11", "linux-node1", "linux-node1.example.com"] },
    });
    expect(kubelet).toEqual({ apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd" });
  });

  it("drops the control-plane taint only for a cluster without workers", () => {
    expect(init(false)[0].nodeRegistration.taints).toBeUndefined();
    expect(init(true)[0].nodeRegistration.taints).toEqual([]);
  });
});

/** Container name -> image of every init container and container of a DaemonSet pod spec. */
const imagesOf = (pod: { initContainers?: { name: string; image: string }[]; containers: { name: string; image: string }[] }) =>
  Object.fromEntries([...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c.image]));

describe("Flannel manifest", () => {
  it("hands out the pod CIDR, runs the images of the release's kube-flannel.yml and uses the default interface unless told", () => {
    const objects = flannelObjects({ podCidr: "10.2.0.0/16" }) as { kind: string; data?: Record<string, string>; spec?: any }[];
    expect(objects.map((o) => o.kind)).toEqual(["Namespace", "ClusterRole", "ClusterRoleBinding", "ServiceAccount", "ConfigMap", "DaemonSet"]);
    const netConf = JSON.parse(objects[4].data!["net-conf.json"]);
    expect(netConf).toEqual({ Network: "10.2.0.0/16", EnableNFTables: false, Backend: { Type: "vxlan" } });
    const pod = objects[5].spec.template.spec;
    const upstream = parseAllDocuments(fs.readFileSync(upstreamFile("flannel-v0.28.9/kube-flannel.yml"), "utf8"))
      .map((d) => d.toJS())
      .find((o) => o?.kind === "DaemonSet");
    expect(imagesOf(pod)).toEqual(imagesOf(upstream.spec.template.spec));
    expect(pod.containers[0].args).toEqual(["--ip-masq", "--kube-subnet-mgr", "--healthz-port=8081"]);
  });

  it("passes --iface when the network names one, and parses as YAML documents", () => {
    const docs = parseAllDocuments(flannelManifest({ podCidr: "10.244.0.0/16", iface: "ens192" })).map((d) => d.toJS());
    expect(docs).toHaveLength(6);
    expect(docs[5].spec.template.spec.containers[0].args).toContain("--iface=ens192");
  });
});

describe("command text", () => {
  it("passes parameters as VAR=value prefixes that survive quotes and spaces", () => {
    const script = { name: "echo-vars" as ScriptName, text: `printf '%s|' "$A" "$B" "$0"`, hash: "x" };
    const text = scriptCommand(script, { A: "it's a 'test'", B: "x=1 y=$HOME" }, "root");
    expect(execFileSync("bash", ["-c", text], { encoding: "utf8" })).toBe(`it's a 'test'|x=1 y=$HOME|echo-vars|`);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it("uses passwordless sudo for a non-root user and refuses a parameter that is not a shell name", () => {
    const script = nodeScript("read-kubeconfig");
    expect(scriptCommand(script, {}, "rocky")).toMatch(/^sudo -n env bash -c '/);
    expect(() => scriptCommand(script, { "bad-name": "x" }, "root")).toThrow(/not an upper-case shell variable/);
  });

  it("sends lib.sh in front of every script, and every script file is one the program or prepare-template runs", async () => {
    // The scripts a machine lab and a kind lab run, read from their rendered commands, and those
    // `npm run prepare-template` sends: each ends in `bash -c '<text>' <name>` (the local
    // cluster's and its images' with their action after the name).
    const rendered = [await renderStack(hostsStack()), await renderStack({ "istio-lab:cluster": { source: "kind" } })];
    const template: string[] = [];
    await runPrepareTemplate(["Pulumi.dev.yaml", "192.168.56.50"], { out: () => {}, err: () => {} }, async (_target, text) => (template.push(text), 0));
    const texts = [
      ...rendered.flatMap((r) => r.resources.filter((c) => c.type.startsWith("command:"))).flatMap((c) => [c.inputs.create, c.inputs.delete]),
      ...template,
    ].filter((t): t is string => typeof t === "string" && t !== readHostKeyCommand);
    const used = [...new Set(texts.map((t) => t.replace(/ (create|delete|pull|load)$/, "").split(" ").at(-1)!))].sort();
    const files = fs.readdirSync(scriptsDir).filter((f) => f.endsWith(".sh") && f !== "lib.sh").map((f) => f.slice(0, -3)).sort();
    expect(used).toEqual(files);
    const lib = fs.readFileSync(`${scriptsDir}/lib.sh`, "utf8");
    for (const name of used as ScriptName[]) {
      const script = nodeScript(name);
      expect(script.text.startsWith(lib), name).toBe(true);
      expect(script.text).toContain("set -euo pipefail");
      expect(script.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe("SSH connection", () => {
  it("has exactly the schema's keys and waits long enough for a booting VM", () => {
    const connection = nodeConnection("192.168.56.11", { user: "rocky", port: 2222 }, "key" as never);
    expect(Object.keys(connection).sort()).toEqual(["dialErrorLimit", "host", "perDialTimeout", "port", "privateKey", "user"]);
    expect(connection).toMatchObject({ host: "192.168.56.11", user: "rocky", port: 2222, privateKey: "key" });
    // The provider's default of 10 dials gives up after about 16 s, long before a cloned VM boots.
    expect(connection.dialErrorLimit).toBeGreaterThanOrEqual(60);
  });
});

describe("VM disk", () => {
  const fullClone = { linkedClone: false };
  const linked = { linkedClone: true };
  const disk = (size: number) => [{ label: "Hard disk 1", size, thinProvisioned: false, eagerlyScrub: true, unitNumber: 0 }];

  it("grows the template's first disk to diskGb (40 GB unless set) and keeps its provisioning", () => {
    expect(templateDisk({ disks: disk(20) }, { ...fullClone, diskGb: 60 })).toEqual({ label: "disk0", size: 60, thinProvisioned: false, eagerlyScrub: true });
    expect(templateDisk({ disks: disk(20) }, fullClone)).toMatchObject({ size: 40 });
  });

  it("refuses a diskGb smaller than the template's disk, naming the key, without a stack trace", () => {
    expect(() => templateDisk({ disks: disk(60) }, { ...fullClone, diskGb: 40 })).toThrow(
      /istio-lab:cluster\.vsphere\.diskGb: is 40, smaller than the template's 60 GB disk/,
    );
    expect(() => templateDisk({ disks: disk(60) }, fullClone)).toThrow(ConfigError);
    expect(() => templateDisk({ disks: disk(60) }, fullClone)).toThrow(/diskGb: is unset, so 40 \(the default\), smaller than the template's 60 GB disk; .* set it to 60 or more/);
  });

  // terraform-provider-vsphere's DiskCloneValidateOperation: a linked clone's disk must have the
  // source's exact size, thin_provisioned and eagerly_scrub.
  it("keeps the template's disk exactly for a linked clone, and refuses a diskGb that differs", () => {
    expect(templateDisk({ disks: disk(20) }, linked)).toEqual({ label: "disk0", size: 20, thinProvisioned: false, eagerlyScrub: true });
    expect(templateDisk({ disks: disk(20) }, { ...linked, diskGb: 20 })).toMatchObject({ size: 20 });
    expect(() => templateDisk({ disks: disk(20) }, { ...linked, diskGb: 40 })).toThrow(
      /istio-lab:cluster\.vsphere\.diskGb: is 40, but a linked clone keeps the template's 20 GB disk/,
    );
    expect(() => templateDisk({ disks: [] }, linked)).toThrow(/istio-lab:cluster\.vsphere\.linkedClone: the template has no disk/);
  });
});
