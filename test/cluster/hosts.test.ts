import { describe, expect, it } from "vitest";
import { renderConfig, renderProgram } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { defaultStandIns } from "../../tools/lib/stand-ins";
import { reveal } from "../harness";
import { readHostKeyCommand, recordedHostKey } from "../../components/cluster/nodes/host-key";
import { command, commands, hostsStack, renderCluster, vmType } from "./render-cluster";

describe("source hosts", () => {
  it("runs the node pipeline on the given machines, with no VM and no vCenter lookup", async () => {
    const rendered = await renderCluster(hostsStack());
    expect(rendered.resources.filter((r) => r.type === vmType)).toEqual([]);
    expect(rendered.invokes.filter((i) => i.token.startsWith("vsphere:"))).toEqual([]);
    expect(command(rendered, "linux-node1-access").dependsOn).toEqual(["linux-node1-reset"]);
    expect(command(rendered, "linux-node1-os").inputs.create).toContain("VMXNET3_WORKAROUND=0");
  });

  it("resets each machine on destroy from a step of its own: no create, replaced only by its address (old one first), deleted after every other step of the node", async () => {
    const rendered = await renderCluster(hostsStack());
    for (const node of ["linux-node1", "linux-node2", "linux-node3"]) {
      const reset = command(rendered, `${node}-reset`);
      expect(reset.inputs.create).toBeUndefined();
      expect(reset.inputs.delete).toEqual(expect.stringContaining("kubeadm reset -f"));
      expect(reset.inputs.delete).toMatch(/ reset-node$/);
      expect(reset.inputs.triggers).toEqual([nodeIp(node)]);
      expect(reset.options.deleteBeforeReplace).toBe(true);
      // The node's first step waits for it, so a destroy deletes (runs) it last.
      expect(command(rendered, `${node}-access`).dependsOn).toContain(`${node}-reset`);
    }
    // Any other step with a delete would reset a node whenever its script changes.
    expect(commands(rendered).filter((c) => c.inputs.delete !== undefined).map((c) => c.name)).toEqual(["linux-node1-reset", "linux-node2-reset", "linux-node3-reset"]);
  });

  it("gives up on a host that is gone within about a minute when it resets, not after the minutes a booting VM gets", async () => {
    const seen = await connections(hostsStack());
    const bound = (c: Record<string, unknown> | undefined) => Number(c?.dialErrorLimit) * Number(c?.perDialTimeout) + (Number(c?.dialErrorLimit) - 1) * 5;
    // pulumi-command dials up to dialErrorLimit times, each up to perDialTimeout, backing off to 5 s apart.
    expect(bound(seen.get("linux-node2-reset"))).toBeLessThanOrEqual(75);
    expect(bound(seen.get("linux-node2-access"))).toBeGreaterThan(600);
  });

  it("lets the node steps use nodes of a cluster istio-lab did not build only with cluster.adopt, and keeps every step's text as it was without it", async () => {
    const adopting = await renderCluster(hostsStack({ adopt: true }));
    const plain = await renderCluster(hostsStack());
    const decides = ["linux-node1-os", "linux-node1-kubernetes", "linux-node1-containerd", "control-plane-init", "linux-node2-join"];
    // The parameters: what comes before the script text.
    const params = (rendered: typeof plain, name: string) => String(command(rendered, name).inputs.create).split(" bash -c ")[0];
    for (const name of decides) {
      expect(params(adopting, name).split(" "), name).toContain("ADOPT=1");
      expect(params(plain, name), name).not.toContain("ADOPT");
    }
  });

  it("passes init and join the node's name, which their message uses to name its preparation steps to replace (lib.sh require_prepared)", async () => {
    const rendered = await renderCluster(hostsStack({ adopt: true }));
    const params = (name: string) => String(command(rendered, name).inputs.create).split(" bash -c ")[0].split(" ");
    for (const [step, node] of [["control-plane-init", "linux-node1"], ["linux-node2-join", "linux-node2"]] as const) {
      expect(params(step), step).toContain(`NODE_NAME=${node}`);
      // The steps the message names as <node>-os, <node>-kubernetes, <node>-containerd.
      for (const prep of ["os", "kubernetes", "containerd"]) expect(command(rendered, `${node}-${prep}`).inputs.create).toMatch(/^env /);
    }
  });

  it("goes through passwordless sudo for a non-root SSH user and dials the configured port", async () => {
    const rendered = await renderCluster(hostsStack({ ssh: { user: "rocky", port: 2222 } }));
    // The first contact reads a world-readable file, as the user itself.
    for (const c of commands(rendered).filter((x) => x.inputs.create !== undefined && !x.name.endsWith("-host-key"))) expect(c.inputs.create, c.name).toMatch(/^sudo -n env /);
    expect(command(rendered, "linux-node1-reset").inputs.delete).toMatch(/^sudo -n env /);
  });

  it("uses the configured nodes, network interface and Kubernetes version", async () => {
    const rendered = await renderCluster(
      hostsStack({
        kubernetesVersion: "1.36.5",
        podCidr: "10.244.0.0/16",
        nodes: [
          { name: "cp", ip: "10.0.0.10", role: "control-plane" },
          { name: "w1", ip: "10.0.0.11", role: "worker" },
        ],
        network: { gateway: "10.0.0.1", iface: "ens224" },
      }),
    );
    expect(commands(rendered).map((c) => c.name)).toContain("w1-join");
    expect(command(rendered, "flannel-apply").inputs.stdin).toContain("--iface=ens224");
    expect(command(rendered, "flannel-apply").inputs.stdin).toContain('"Network": "10.244.0.0/16"');
    expect(command(rendered, "cp-os").inputs.create).toContain("LAB_HOSTS='cp=10.0.0.10 w1=10.0.0.11'");
    expect(command(rendered, "smoke-check").inputs.create).toContain("EXPECTED_NODES='cp=10.0.0.10 w1=10.0.0.11'");
    expect(command(rendered, "control-plane-init").inputs.stdin).toContain("kubernetesVersion: v1.36.5");
  });
});

/** Each remote command's connection as the engine receives it (a secret in the render, as it holds the key). */
async function connections(stack: Record<string, unknown>): Promise<Map<string, Record<string, unknown>>> {
  const seen = new Map<string, Record<string, unknown>>();
  await renderConfig(stackConfig("test", stack), renderProgram(), {
    ...defaultStandIns,
    outputs: (type, name, inputs) => {
      if (type === "command:remote:Command") seen.set(name, reveal(inputs.connection) as Record<string, unknown>);
      return defaultStandIns.outputs!(type, name, inputs);
    },
  });
  return seen;
}

function nodeIp(node: string): string {
  return { "linux-node1": "192.168.56.11", "linux-node2": "192.168.56.12", "linux-node3": "192.168.56.13" }[node] ?? "";
}

describe("SSH host keys", () => {
  // The stand-in node's key read at first contact (tools/lib/stand-ins.ts), and another one.
  const recorded = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk4RzgdI6FEPK7Ke0dWudDAE1oChZ9jZNbdEPXx7VIJ";
  const ecdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBG7Cl0Yrnjh6Xa9H1zHYsF5RoUbAUAoukm43DWDF8j4my1IXBdqsrHA049YnUGX2Blf94xmuYJFbN9mt5dzY4Ik=";
  // A node's steps, but its first contact and the join command minted for it on the control plane.
  const stepsOf = (seen: Map<string, Record<string, unknown>>, node: string) =>
    [...seen.keys()].filter((name) => name.startsWith(`${node}-`) && ![`${node}-host-key`, `${node}-join-command`].includes(name));

  it("checks a key pinned up front on every step of its node, its comment dropped, with no first contact unchecked", async () => {
    const seen = await connections(hostsStack({ ssh: { hostKeys: { "linux-node2": `${ecdsa} root@linux-node2` } } }));
    expect(seen.has("linux-node2-host-key")).toBe(false);
    expect(stepsOf(seen, "linux-node2")).toEqual(expect.arrayContaining(["linux-node2-reset", "linux-node2-access", "linux-node2-os", "linux-node2-join"]));
    for (const step of stepsOf(seen, "linux-node2")) expect(seen.get(step)?.hostKey, step).toBe(ecdsa);
  });

  it("records the key of a node pinned nowhere at first contact, and checks it on every other step of that node", async () => {
    const rendered = await renderCluster(hostsStack());
    const first = command(rendered, "linux-node3-host-key");
    expect(first.inputs.create).toBe(readHostKeyCommand);
    expect(first.inputs.triggers).toEqual([nodeIp("linux-node3")]);
    expect(first.inputs.delete).toBeUndefined();
    expect(first.options.ignoreChanges).toEqual(["connection"]);
    const seen = await connections(hostsStack());
    expect(seen.get("linux-node3-host-key")).not.toHaveProperty("hostKey");
    for (const step of stepsOf(seen, "linux-node3")) expect(seen.get(step)?.hostKey, step).toBe(recorded);
    // The steps on the control plane check its key.
    for (const step of ["control-plane-init", "control-plane-kubeconfig", "flannel-apply", "smoke-check", "linux-node2-join-command"]) expect(seen.get(step)?.hostKey, step).toBe(recorded);
    // Every connection but a first contact checks a key.
    expect([...seen].filter(([, c]) => typeof c.hostKey !== "string").map(([name]) => name)).toEqual(["linux-node1-host-key", "linux-node2-host-key", "linux-node3-host-key"]);
  });

  it("pinning later the key that was recorded changes no step's connection, so no step runs again", async () => {
    const before = await connections(hostsStack());
    const after = await connections(hostsStack({ ssh: { hostKeys: { "linux-node3": `${recorded} pinned-later@example` } } }));
    for (const step of stepsOf(before, "linux-node3")) expect(after.get(step), step).toEqual(before.get(step));
  });

  it("stops at a first contact whose answer is no whole key of a type it can check", () => {
    expect(recordedHostKey(`${recorded} root@n3\n`, "n3")).toBe(recorded);
    expect(recordedHostKey(undefined, "n3")).toBeUndefined();
    expect(() => recordedHostKey(recorded.slice(0, -6), "n3")).toThrow(/the host key n3 gave at first contact .* is not a whole ssh-ed25519 key/);
    expect(() => recordedHostKey("", "n3")).toThrow(/n3 gave at first contact/);
  });
});
