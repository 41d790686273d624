// The node pipeline both machine sources share: order, parallelism, secrets, fresh join commands.
import { describe, expect, it } from "vitest";
import { planUpdate } from "../../tools/lib/plan";
import { renderStack, type Rendered } from "../harness";
import { command, commandType, commands, hostsStack, optionsOf, renderCluster, vsphereStack, type RenderedCluster } from "./render-cluster";

const joinLine = "kubeadm join 192.168.56.11:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234";
const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: admin\n  user: {client-key-data: SECRETKEYDATA}\n";
const nodes = ["linux-node1", "linux-node2", "linux-node3"];
const workers = ["linux-node2", "linux-node3"];
const stdout = { ...Object.fromEntries(workers.map((w) => [`${w}-join-command`, `${joinLine}\n`])), "control-plane-kubeconfig": kubeconfig };

const sources: [string, Record<string, unknown>][] = [
  ["vsphere", vsphereStack],
  ["hosts", hostsStack()],
];

/** Every resource name `name` waits for, directly or through other commands' dependsOn. */
function ancestors(rendered: RenderedCluster, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => {
    for (const dep of commands(rendered).find((c) => c.name === n)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return seen;
}

describe.each(sources)("source %s", (_source, stack) => {
  it("prepares each node in order: first contact, OS, Kubernetes packages, containerd", async () => {
    const rendered = await renderCluster(stack, { stdout });
    for (const node of nodes) {
      expect(command(rendered, `${node}-os`).dependsOn).toEqual([`${node}-access`]);
      expect(command(rendered, `${node}-kubernetes`).dependsOn).toEqual([`${node}-os`]);
      expect(command(rendered, `${node}-containerd`).dependsOn).toEqual([`${node}-kubernetes`]);
    }
  });

  it("prepares nodes in parallel and joins the workers in parallel", async () => {
    const rendered = await renderCluster(stack, { stdout });
    for (const node of nodes) {
      const others = nodes.filter((n) => n !== node);
      for (const step of ["access", "os", "kubernetes", "containerd"]) {
        const waitsFor = [...ancestors(rendered, `${node}-${step}`)];
        expect(waitsFor.filter((dep) => others.some((o) => dep.startsWith(`${o}-`))), `${node}-${step}`).toEqual([]);
      }
    }
    for (const worker of workers) {
      const waitsFor = ancestors(rendered, `${worker}-join`);
      for (const other of workers.filter((w) => w !== worker)) expect(waitsFor.has(`${other}-join`)).toBe(false);
    }
  });

  it("inits after the control plane is prepared, joins after init, checks after every join and Flannel", async () => {
    const rendered = await renderCluster(stack, { stdout });
    expect(command(rendered, "control-plane-init").dependsOn).toEqual(["linux-node1-containerd"]);
    expect(command(rendered, "control-plane-kubeconfig").dependsOn).toEqual(["control-plane-init"]);
    expect(command(rendered, "flannel-apply").dependsOn).toEqual(["control-plane-init"]);
    for (const worker of workers) {
      // Minted once the worker is prepared, right before its join: the token lives 30 min.
      expect(command(rendered, `${worker}-join-command`).dependsOn).toEqual(["control-plane-init", `${worker}-containerd`]);
      expect(command(rendered, `${worker}-join`).dependsOn).toEqual([`${worker}-containerd`, "control-plane-init"]);
    }
    expect(command(rendered, "smoke-check").dependsOn).toEqual(["linux-node2-join", "linux-node3-join", "flannel-apply"]);
    // The provider's kubeconfig waits for the API server and Flannel, not for the joins or the smoke
    // check (the mesh's charts install while the workers join), and holds each node's first step, so
    // that destroy deletes the Kubernetes objects before any node's reset.
    expect(rendered.kubeconfigDependsOn).toEqual(expect.arrayContaining(["control-plane-kubeconfig", "flannel-apply", ...nodes.map((n) => `${n}-access`)]));
    expect(rendered.kubeconfigDependsOn.filter((name) => /-join|smoke/.test(name))).toEqual([]);
  });

  it("mints each worker's join command on the control plane, with the very triggers of its join", async () => {
    const rendered = await renderCluster(stack, { stdout });
    for (const worker of workers) {
      const mint = command(rendered, `${worker}-join-command`);
      const join = command(rendered, `${worker}-join`);
      expect(mint.inputs.triggers).toEqual(join.inputs.triggers);
      // The worker's machine and the control plane's init: a join is due when either is new.
      expect(join.inputs.triggers).toEqual(expect.arrayContaining(["control-plane-init-id"]));
      expect(mint.inputs.create).toContain("kubeadm token create");
      // A retry whose token has expired names the mint step's URN (kubeadm-join.sh expired_token).
      expect(String(join.inputs.create).split(" bash -c ")[0]).toMatch(new RegExp(`MINT_URN='urn:pulumi:[^' ]+\\$command:remote:Command::${worker}-join-command'`));
    }
    // Nothing is minted on a deployment that joins nothing: the same stack twice plans nothing.
    const again = await renderCluster(stack, { stdout });
    expect(planUpdate(rendered, again)).toMatchObject({ create: [], update: [], replace: [], delete: [] });
  });

  it("keeps the key, the join command and the kubeconfig secret and out of the logs", async () => {
    const rendered = await renderCluster(stack, { stdout });
    for (const c of commands(rendered)) {
      expect(c.inputs.connection, c.name).toBe("[secret]");
      expect(c.inputs.addPreviousOutputInEnv, c.name).toBe(false);
    }
    for (const name of [...workers.map((w) => `${w}-join-command`), "control-plane-kubeconfig"]) {
      expect(command(rendered, name).inputs.logging).toBe("none");
      expect(optionsOf(rendered, commandType, name).additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
    }
    for (const worker of workers) expect(command(rendered, `${worker}-join`).inputs.stdin).toBe("[secret]");
    expect(rendered.kubeconfigIsSecret).toBe(true);
    expect(rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")?.inputs.kubeconfig).toBe("[secret]");
    const everything = JSON.stringify(rendered.resources);
    for (const leak of ["abcdef.0123456789abcdef", "SECRETKEYDATA", "PRIVATE KEY", "placeholder for the secret"]) {
      expect(everything).not.toContain(leak);
    }
  });

  it("bounds the long steps with timeouts", async () => {
    const rendered = await renderCluster(stack, { stdout });
    for (const c of commands(rendered)) {
      expect(optionsOf(rendered, commandType, c.name).customTimeouts?.create, c.name).toMatch(/^\d+m$/);
    }
    expect(optionsOf(rendered, commandType, "control-plane-init").customTimeouts).toMatchObject({ create: "30m", update: "30m" });
  });

  it("passes kubeadm a v1beta4 configuration on stdin and Flannel the pod CIDR", async () => {
    const rendered = await renderCluster(stack, { stdout });
    const init = command(rendered, "control-plane-init").inputs.stdin as string;
    expect(init).toContain("apiVersion: kubeadm.k8s.io/v1beta4");
    expect(init).toContain("advertiseAddress: 192.168.56.11");
    expect(command(rendered, "flannel-apply").inputs.stdin).toContain('"Network": "10.2.0.0/16"');
    expect(command(rendered, "linux-node2-kubernetes").inputs.create).toContain("K8S_VERSION=1.36.4 NODE_IP=192.168.56.12");
  });
});

describe("the admin kubeconfig", () => {
  it("is a stack output the render prints as [secret]", async () => {
    const rendered = await renderStack(hostsStack());
    expect(rendered.outputs.kubeconfig).toBe("[secret]");
    expect(rendered.outputs.clusterSource).toBe("hosts");
  });

  it("is refused when the control plane returns something that is not a kubeconfig", async () => {
    const { checkedKubeconfig } = await import("../../components/cluster/kubeadm/kubeadm-cluster");
    expect(() => checkedKubeconfig("", "linux-node1")).toThrow(/empty or not a kubeconfig/);
    expect(checkedKubeconfig(kubeconfig, "linux-node1")).toBe(kubeconfig);
  });
});

describe("pulling the lab's images while the control plane forms", () => {
  const lab = (extra: Record<string, unknown> = {}) => renderStack({ ...hostsStack(), ...extra });

  it("pulls the mesh's and every sample's images on each node, beside the bring-up rather than on its path", async () => {
    const rendered = await lab();
    for (const node of nodes) {
      const pull = command(rendered, `${node}-images`);
      expect(pull.dependsOn).toEqual([`${node}-containerd`]);
      const images = String(pull.inputs.create);
      for (const image of ["registry.istio.io/release/pilot:1.31.1", "registry.istio.io/release/proxyv2:1.31.1", "quay.io/kiali/kiali:v2.27", "docker.io/mccutchen/go-httpbin:v2.15.0"]) {
        expect(images).toContain(image);
      }
      expect(images).toContain("examples-bookinfo-reviews-v3");
    }
    // Nothing waits for a pull: the kubelet pulls whatever is missing when a pod needs it.
    expect(rendered.resources.filter((r) => r.dependsOn.some((d) => d.endsWith("-images"))).map((r) => r.name)).toEqual([]);
  });

  it("pulls through the mirror, and a scenario switch leaves the pull steps alone", async () => {
    const mirrored = String(command(await lab({ "istio-lab:apps": { imageRegistry: "mirror.lab:5000/istio" } }), "linux-node2-images").inputs.create);
    expect(mirrored).toContain("mirror.lab:5000/istio/pilot:1.31.1");
    expect(mirrored).toContain("mirror.lab:5000/istio/kiali:v2.27");
    expect(mirrored).not.toMatch(/registry\.istio\.io|docker\.io|quay\.io/);
    const pulls = (r: Rendered) => commands(r).filter((c) => c.name.endsWith("-images")).map((c) => c.inputs);
    expect(pulls(await lab({ "istio-lab:scenario": "mirroring" }))).toEqual(pulls(await lab()));
  });
});
