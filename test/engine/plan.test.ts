// What the real engine would do on the next `pulumi up`, judged by tools/lib/plan.ts from two
// renders: replacements follow the providers' rules, replaced resources with a fixed identity are
// deleted first, and an unchanged lab plans nothing.
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { renderConfig, renderProgram, type Program, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { changedPaths, planDeployment, planUpdate, providerReplaces, replacementHazards, scenarioSwitches, underPath, type PlanStep } from "../../tools/lib/plan";
import { defaultStandIns, vsphereLookups, vsphereTemplate } from "../../tools/lib/stand-ins";
import { readStackFileForRender, stackConfig } from "../../tools/lib/stack-file";
import { ciphertext, renderStackConfig } from "../harness";

const dev = readStackFileForRender("Pulumi.dev.yaml").config;
const local = readStackFileForRender("Pulumi.local.yaml").config;
const hosts = stackConfig("hosts", { "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" } });

/** A stack's config with one top-level object key changed. */
function edit(config: typeof dev, key: string, change: (value: Record<string, any>) => void): typeof dev {
  const value = JSON.parse(config.values[key] ?? "{}") as Record<string, any>;
  change(value);
  return { ...config, values: { ...config.values, [key]: JSON.stringify(value) } };
}

const names = (list: { resource: RenderedResource }[]) => list.map((c) => c.resource.name).sort();

/** One stack per cluster source. */
const everySource = [
  ["dev (vsphere)", dev],
  ["hosts", hosts],
  ["local (kubeconfig)", local],
] as const;

describe("an unchanged lab previews no change", () => {
  it.each(everySource)("%s: two deployments with different run ids give every resource the same inputs", async (_name, config) => {
    const first = await renderConfig(config, renderProgram("run-1"));
    const second = await renderConfig(config, renderProgram("run-2"));
    expect(planUpdate(first, second)).toEqual({ create: [], update: [], replace: [], delete: [] });
  });

  it("the opt-in verify gate is the one step every deployment runs again", async () => {
    const gated = edit(local, "istio-lab:verify", (v) => Object.assign(v, { gate: true, gatewayUrl: "http://127.0.0.1:8080" }));
    const plan = planUpdate(await renderConfig(gated, renderProgram("run-1")), await renderConfig(gated, renderProgram("run-2")));
    expect(names(plan.replace)).toEqual(["verify-run"]);
    expect([plan.create, plan.update, plan.delete]).toEqual([[], [], []]);
  });
});

describe("replacements", () => {
  it("no resource with a fixed identity is created before its old self is gone", async () => {
    for (const config of [dev, hosts, local]) expect(replacementHazards(await renderStackConfig(config))).toEqual([]);
  });

  it("every VM is deleted before its replacement and ignores its template's UUID", async () => {
    const rendered = await renderStackConfig(dev);
    const vms = rendered.resources.filter((r) => r.type === "vsphere:index/virtualMachine:VirtualMachine");
    expect(vms).toHaveLength(3);
    for (const vm of vms) expect(vm.options).toMatchObject({ deleteBeforeReplace: true, ignoreChanges: ["clone.templateUuid"] });
    // A VM without them is a hazard the rule names.
    const careless: Rendered = { ...rendered, resources: rendered.resources.map((r) => (r === vms[0] ? { ...r, options: { ...r.options, deleteBeforeReplace: undefined } } : r)) };
    expect(replacementHazards(careless)).toEqual([expect.stringMatching(/^linux-node1: a replaced VM must be deleted first/)]);
  });

  it("a rebuilt template (same name, new UUID) replaces nothing", async () => {
    const rebuilt = { ...defaultStandIns, invokes: { ...vsphereLookups, "vsphere:index/getVirtualMachine:getVirtualMachine": { ...vsphereTemplate, id: "4217-new-template-uuid" } } };
    const plan = planUpdate(await renderStackConfig(dev), await renderConfig(dev, renderProgram(), rebuilt));
    expect(plan).toEqual({ create: [], update: [], replace: [], delete: [] });
  });

  /** The VMs a plan replaces; a change under clone replaces every dev VM, each deleted first. */
  const replacedVms = (plan: ReturnType<typeof planUpdate>) => plan.replace.filter((r) => r.resource.type === "vsphere:index/virtualMachine:VirtualMachine");
  const everyVmDeletedFirst = ["linux-node1", "linux-node2", "linux-node3"].map((name) => [name, true]);

  it("a change under clone replaces every VM, deleting each first, and with it each node's steps", async () => {
    const renamed = edit(dev, "istio-lab:cluster", (c) => (c.network.domain = "lab.example.org"));
    const plan = planUpdate(await renderStackConfig(dev), await renderStackConfig(renamed));
    const vms = replacedVms(plan);
    expect(vms.map((r) => [r.resource.name, r.deleteBeforeReplace])).toEqual(everyVmDeletedFirst);
    expect(vms[0].because).toContain("clone.customize.linuxOptions.domain");
    // The new VM's id is new, so every step keyed on it runs again, the joins included.
    expect(names(plan.replace)).toEqual(expect.arrayContaining(["linux-node1-access", "control-plane-init", "linux-node2-join-command", "linux-node2-join"]));
  });

  it("turning linked clones off replaces every VM (a change under clone), as the README warns", async () => {
    const full = edit(dev, "istio-lab:cluster", (c) => {
      c.vsphere.linkedClone = false;
    });
    const vms = replacedVms(planUpdate(await renderStackConfig(dev), await renderStackConfig(full)));
    expect(vms.map((r) => [r.resource.name, r.deleteBeforeReplace])).toEqual(everyVmDeletedFirst);
    expect(vms[0].because).toContain("clone.linkedClone");
  });

  it("a node's new address replaces its VM, which the provider alone would only update", async () => {
    const moved = edit(dev, "istio-lab:cluster", (c) => (c.nodes[2].ip = "192.168.56.14"));
    const plan = planUpdate(await renderStackConfig(dev), await renderStackConfig(moved));
    const vm = plan.replace.find((r) => r.resource.name === "linux-node3");
    expect(vm).toMatchObject({ because: ["clone.customize.networkInterfaces[0].ipv4Address"], deleteBeforeReplace: true });
    expect(names(plan.replace)).toEqual(expect.arrayContaining(["linux-node3-access", "linux-node3-join"]));
  });

  it("more CPUs update the VM in place", async () => {
    const bigger = edit(dev, "istio-lab:cluster", (c) => (c.vsphere.cpus = 4));
    const plan = planUpdate(await renderStackConfig(dev), await renderStackConfig(bigger));
    expect(plan.replace).toEqual([]);
    expect(plan.update.map((u) => [u.resource.name, u.paths])).toEqual([
      ["linux-node1", ["numCpus"]],
      ["linux-node2", ["numCpus"]],
      ["linux-node3", ["numCpus"]],
    ]);
  });

  it("a new control plane makes every worker join again; a new worker joins alone", async () => {
    const movedControlPlane = edit(hosts, "istio-lab:cluster", (c) => (c.nodes = [
      { name: "linux-node1", ip: "192.168.56.21", role: "control-plane" },
      { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
      { name: "linux-node3", ip: "192.168.56.13", role: "worker" },
    ]));
    const before = await renderStackConfig(hosts);
    const joins = (plan: ReturnType<typeof planUpdate>) => names(plan.replace).filter((n) => n.includes("join"));
    const rebuilt = planUpdate(before, await renderStackConfig(movedControlPlane));
    expect(joins(rebuilt)).toEqual(["linux-node2-join", "linux-node2-join-command", "linux-node3-join", "linux-node3-join-command"]);
    // A new control plane is a new cluster (a new CA): the provider is replaced, and with it every
    // object, so the new cluster gets its mesh and lab again (components/cluster/identity.ts).
    expect(rebuilt.replace.find((r) => r.resource.name === "cluster-kubernetes")?.because).toEqual(["clusterIdentifier"]);
    expect(rebuilt.replace.find((r) => r.resource.name === "HelmRelease/istio-system/istiod")?.because).toEqual(["(provider replaced)"]);
    const movedWorker = edit(hosts, "istio-lab:cluster", (c) => (c.nodes = [
      { name: "linux-node1", ip: "192.168.56.11", role: "control-plane" },
      { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
      { name: "linux-node3", ip: "192.168.56.23", role: "worker" },
    ]));
    const plan = planUpdate(before, await renderStackConfig(movedWorker));
    expect(joins(plan)).toEqual(["linux-node3-join", "linux-node3-join-command"]);
    // The old host is reset before the new one is set up; the cluster (its CA) stays, and so does the mesh.
    expect(plan.replace.find((r) => r.resource.name === "linux-node3-reset")?.deleteBeforeReplace).toBe(true);
    expect(names(plan.replace).filter((n) => n.startsWith("HelmRelease") || n === "cluster-kubernetes")).toEqual([]);
  });
});

describe("the replace rules", () => {
  it("finds changed leaf paths and matches Pulumi property paths", () => {
    expect(changedPaths({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 3] } })).toEqual(["a.c[1]"]);
    expect(changedPaths({ a: 1 }, { a: 1, b: 2 })).toEqual(["b"]);
    expect(underPath("triggers[0]", "triggers[*]")).toBe(true);
    expect(underPath("spec.selector.matchLabels.app", "spec.selector")).toBe(true);
    expect(underPath("spec.template", "spec.selector")).toBe(false);
  });

  it("replaces Kubernetes objects only for a new name, namespace or immutable field", () => {
    const deployment = { type: "kubernetes:apps/v1:Deployment", inputs: { kind: "Deployment" } } as unknown as RenderedResource;
    expect(providerReplaces(deployment, ["spec.template.spec.containers[0].image"])).toEqual([]);
    expect(providerReplaces(deployment, ["spec.selector.matchLabels.version"])).toEqual(["spec.selector.matchLabels.version"]);
    const release = { type: "kubernetes:helm.sh/v3:Release", inputs: {} } as unknown as RenderedResource;
    expect(providerReplaces(release, ["version", "values.pilot"])).toEqual([]);
    const provider = { type: "pulumi:providers:kubernetes", inputs: { clusterIdentifier: "x" } } as unknown as RenderedResource;
    expect(providerReplaces(provider, ["kubeconfig"])).toEqual([]);
    expect(providerReplaces(provider, ["clusterIdentifier"])).toEqual(["clusterIdentifier"]);
    // Given the old provider, DiffConfig itself: an identifier added replaces nothing.
    const unnamed = { type: "pulumi:providers:kubernetes", inputs: { kubeconfig: "k" } } as unknown as RenderedResource;
    expect(providerReplaces({ ...unnamed, inputs: { kubeconfig: "k", clusterIdentifier: "x" } }, ["clusterIdentifier"], unnamed)).toEqual([]);
  });
});

describe("a replaced provider and the order of its dependents' steps", () => {
  const movedControlPlane = edit(hosts, "istio-lab:cluster", (c) => (c.nodes = [
    { name: "linux-node1", ip: "192.168.56.21", role: "control-plane" },
    { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
    { name: "linux-node3", ip: "192.168.56.13", role: "worker" },
  ]));
  const at = (steps: PlanStep[], op: PlanStep["op"], name: string) => steps.findIndex((s) => s.op === op && s.resource.name === name);
  const isObject = (r: RenderedResource) => r.type.startsWith("kubernetes:");

  it("creates every object anew on the new cluster, then deletes the old ones at the end through the OLD provider, configured from the old inputs", async () => {
    const plan = planDeployment(await renderStackConfig(hosts), await renderStackConfig(movedControlPlane));
    const objects = plan.replace.filter((r) => isObject(r.resource));
    expect(objects.length).toBeGreaterThan(20);
    const lastCreate = Math.max(...plan.steps.map((s, i) => (s.op === "create-replacement" ? i : -1)));
    for (const { resource, deleteBeforeReplace } of objects) {
      expect(deleteBeforeReplace, resource.name).toBe(false);
      expect(at(plan.steps, "delete-replaced", resource.name), resource.name).toBeGreaterThan(lastCreate);
      const deleted = plan.steps[at(plan.steps, "delete-replaced", resource.name)];
      expect(deleted.delete?.provider).toEqual({ name: "cluster-kubernetes", inputs: { kubeconfig: "[secret]", clusterIdentifier: "istio-lab-hosts-192.168.56.11" } });
    }
    expect(plan.replace.find((r) => r.resource.name === "cluster-kubernetes")?.resource.inputs.clusterIdentifier).toBe("istio-lab-hosts-192.168.56.21");
    // The old control plane is reset first (its reset deletes before its replacement): every delete
    // above then goes to a cluster that is gone, which only deleteUnreachable lets through. (Only the
    // new address's first contact, which reads its host key and deletes nothing, may come before.)
    expect(plan.steps.find((s) => s.op.startsWith("delete"))).toMatchObject({ op: "delete-replaced", resource: { name: "linux-node1-reset" } });
    expect(plan.steps.slice(0, at(plan.steps, "delete-replaced", "linux-node1-reset")).map((s) => s.resource.name)).toEqual(["linux-node1-host-key"]);
  });

  it("with the cluster's maker replaced and deleted first (`pulumi up --replace` of a kind cluster), deletes every object before it, each delete skipped (deletedWith), and creates them after it", async () => {
    const state = await renderStackConfig(local);
    const plan = planDeployment(state, state, { replace: ["cluster-kind"] });
    const root = at(plan.steps, "delete-replaced", "cluster-kind");
    // The step that loaded the lab's images into the old cluster's nodes (components/cluster/local)
    // goes with it, deleting nothing (no delete command), and loads them into the new one.
    const loaded = plan.steps.slice(0, root).filter((s) => s.resource.name === "cluster-kind-images" || s.resource.name === "cluster-kind-istio-images");
    expect(loaded).toMatchObject([0, 1].map(() => ({ op: "delete-replaced", before: "cluster-kind", delete: {} })));
    const first = plan.steps.slice(0, root).filter((s) => !loaded.includes(s));
    expect(first.map((s) => s.resource.name).sort()).toEqual(state.resources.filter((r) => isObject(r) || r.name === "cluster-kubernetes").map((r) => r.name).sort());
    for (const s of first) expect(s).toMatchObject({ op: "delete-replaced", before: "cluster-kind", delete: { skipped: isObject(s.resource) ? "deletedWith" : "provider resource" } });
    expect(plan.steps[root + 1]).toMatchObject({ op: "create-replacement", resource: { name: "cluster-kind" } });
    expect(plan.steps.slice(root + 1).every((s) => s.op === "create-replacement")).toBe(true);
    // Recreated at its registration because the chain deleted it (ContinueStepsFromDiff), under no replace key.
    expect(plan.replace.find((r) => r.resource.name === "HelmRelease/istio-system/istiod")).toMatchObject({ replaceKeys: [], deleteBeforeReplace: true });
    // An engine before pulumi/pulumi #23818 did not mark the cluster deleted: every object's delete
    // went, through the old provider, to the cluster about to go.
    const before = planDeployment(state, state, { replace: ["cluster-kind"], deletedWithCascade: false });
    const sent = before.steps.filter((s) => s.op === "delete-replaced" && isObject(s.resource));
    expect(sent.length).toBe(first.length - 1);
    for (const s of sent) expect(s.delete).toEqual({ provider: { name: "cluster-kubernetes", inputs: { kubeconfig: "[secret]", clusterIdentifier: "istio-lab-local-cluster-kind-id" } } });
  });

  it("replaces a provider, and its objects, only as DiffConfig says: not for another context while the clusterIdentifier stays", async () => {
    const file = ["apiVersion: v1", "kind: Config", "current-context: a", "contexts:", "- { name: a, context: { cluster: one } }", "- { name: b, context: { cluster: two } }", "clusters:", "- { name: one, cluster: { server: 'https://10.0.0.1' } }", "- { name: two, cluster: { server: 'https://10.0.0.2' } }"].join("\n");
    const readFile = (path: string) => (path === "~/.kube/config" ? file : undefined);
    const onProvider = (inputs: k8s.ProviderArgs): Program => () => {
      const provider = new k8s.Provider("p", { kubeconfig: "~/.kube/config", ...inputs });
      new k8s.core.v1.Namespace("ns", { metadata: { name: "ns" } }, { provider });
      return {};
    };
    const plan = async (a: k8s.ProviderArgs, b: k8s.ProviderArgs) => planDeployment(await renderConfig(dev, onProvider(a)), await renderConfig(dev, onProvider(b)), { readFile });
    const kept = await plan({ context: "a", clusterIdentifier: "lab" }, { context: "b", clusterIdentifier: "lab" });
    expect([kept.update.map((u) => u.resource.name), kept.replace]).toEqual([["p"], []]);
    const moved = await plan({ context: "a" }, { context: "b" });
    expect(moved.replace.map((r) => [r.resource.name, r.because])).toEqual([["p", ["context"]], ["ns", ["(provider replaced)"]]]);
    expect(moved.steps.map((s) => `${s.op} ${s.resource.name}`)).toEqual(["create-replacement p", "create-replacement ns", "delete-replaced ns", "delete-replaced p"]);
    expect(moved.steps[2].delete?.provider?.inputs).toMatchObject({ context: "a" });
  });
});

describe("a preview of a new stack", () => {
  it.each(everySource)("%s registers the same resources with every provider output unknown", async (_name, config) => {
    const update = await renderStackConfig(config);
    const preview = await renderConfig(config, renderProgram(), undefined, { preview: true });
    const ids = (r: Rendered) => r.resources.map((x) => `${x.type} ${x.name}`);
    expect(ids(preview)).toEqual(ids(update));
  });
});

describe("steps that were components keep their URNs", () => {
  // The old URN is the step's parent, then the old component's type, then the step's own type and
  // name. (The mock engine abbreviates a parent's type chain, so only this tail is compared.)
  const wasUnder = (parentType: string, component: string, type: string, name: string) =>
    new RegExp(`\\$${parentType}\\$${component}\\$${type}::${name}$`.replaceAll(".", "\\."));

  it("each aliases the URN it had under its old component", async () => {
    const rendered = await renderStackConfig(dev);
    const aliases = (name: string) => rendered.resources.find((r) => r.name === name)?.options.aliases ?? [];
    const kubeadm = "istio-lab:cluster:KubeadmCluster";
    expect(aliases("smoke-check")).toEqual([expect.stringMatching(wasUnder(kubeadm, "istio-lab:cluster:SmokeCheck", "command:remote:Command", "smoke-check"))]);
    expect(aliases("flannel-apply")).toEqual([expect.stringMatching(wasUnder(kubeadm, "istio-lab:cluster:Flannel", "command:remote:Command", "flannel-apply"))]);
    expect(aliases("linux-node2-join")).toEqual([expect.stringMatching(wasUnder(kubeadm, "istio-lab:cluster:WorkerJoin", "command:remote:Command", "linux-node2-join"))]);
    const gated = edit(local, "istio-lab:verify", (v) => Object.assign(v, { gate: true, gatewayUrl: "http://127.0.0.1:8080" }));
    const verify = (await renderStackConfig(gated)).resources.find((r) => r.name === "verify-run");
    expect(verify?.options.aliases).toEqual([expect.stringMatching(wasUnder("istio-lab:index:Lab", "istio-lab:scenarios:VerifyGate", "command:local:Command", "verify-run"))]);
  });
});

describe("the scenario switch check", () => {
  it("finds no change outside the workloads and scenario layers between two scenarios, and would find one", async () => {
    const mirroring = await renderStackConfig({ ...local, values: { ...local.values, "istio-lab:scenario": "mirroring" } });
    const bookinfo = await renderStackConfig(local);
    expect(scenarioSwitches(new Map([["bookinfo", bookinfo], ["mirroring", mirroring]])).map((row) => row.outside)).toEqual([[], []]);
    // The same switch, had it also touched istiod's values.
    const touched: Rendered = {
      ...mirroring,
      resources: mirroring.resources.map((r) => (r.name === "HelmRelease/istio-system/istiod" ? { ...r, inputs: { ...r.inputs, timeout: 601 } } : r)),
    };
    const rows = scenarioSwitches(new Map([["bookinfo", bookinfo], ["mirroring", touched]]));
    expect(rows.map((row) => row.outside.map((r) => r.name))).toEqual([["HelmRelease/istio-system/istiod"], ["HelmRelease/istio-system/istiod"]]);
  });

  it("lets a switch create and delete the egress gateway with the scenario that needs it, and nothing else outside the layers", async () => {
    const bookinfo = await renderStackConfig(local);
    const egress = await renderStackConfig({ ...local, values: { ...local.values, "istio-lab:scenario": "egress-gateway" } });
    const rows = scenarioSwitches(new Map([["bookinfo", bookinfo], ["egress-gateway", egress]]));
    expect(rows.map((row) => row.outside)).toEqual([[], []]);
    expect(rows[0].plan.create.map((r) => r.name)).toContain("HelmRelease/istio-system/istio-egressgateway");
    expect(rows[1].plan.delete.map((r) => r.name)).toContain("HelmRelease/istio-system/istio-egressgateway");
    // An update of its release still counts.
    const touched: Rendered = {
      ...egress,
      resources: egress.resources.map((r) => (r.name === "HelmRelease/istio-system/istio-egressgateway" ? { ...r, inputs: { ...r.inputs, timeout: 601 } } : r)),
    };
    expect(scenarioSwitches(new Map([["egress-gateway", egress], ["touched", touched]]))[0].outside.map((r) => r.name)).toEqual(["HelmRelease/istio-system/istio-egressgateway"]);
  });
});
