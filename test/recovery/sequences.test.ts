// Each recipe of docs/recovery.md as a sequence of Pulumi commands on the offline engine model
// (tools/lib/plan.ts, engine-destroy.ts): a render stands for the state a `pulumi up` left, a
// `state delete` takes resources out of it, and the next command's plan says what reaches which
// cluster. A recipe passes only where every step does what the page says.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planDestroy } from "../../tools/lib/engine-destroy";
import { platformReferences, renderConfig, renderProgram, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { planDeployment } from "../../tools/lib/plan";
import { readProject } from "../../tools/lib/cli-config";
import { readStackFileForRender, type StackConfig } from "../../tools/lib/stack-file";
import { kubeconfigFile, labCluster, otherCluster } from "../cluster/kubeconfigs";
import { renderStackConfig } from "../harness";

const root = path.resolve(__dirname, "../..");
const stackFile = (stack: string) => readStackFileForRender(path.join(root, `Pulumi.${stack}.yaml`)).config;
const withValues = (config: StackConfig, values: Record<string, string>): StackConfig => ({ ...config, values: { ...config.values, ...values } });
const empty = (state: Rendered): Rendered => ({ ...state, resources: [], outputs: {}, secretOutputs: [] });
const isKubernetesObject = (r: RenderedResource) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:yaml/v2:ConfigFile";
const unreachable = (env: Record<string, string> = {}) => ({ reachable: false, env });

describe("a kind cluster deleted by hand: pulumi up --replace of its command (recipe local-cluster-deleted)", () => {
  it("makes the cluster anew and every object in it, sending no delete to the cluster that is gone", async () => {
    const state = await renderStackConfig(stackFile("local"));
    const plan = planDeployment(state, state, { replace: ["cluster-kind"] });
    const objects = state.resources.filter(isKubernetesObject);
    expect(objects.length).toBeGreaterThan(20);
    // Every object is replaced with the command that makes the cluster, its delete skipped.
    expect(plan.replace.map((r) => r.resource.name)).toEqual(expect.arrayContaining(objects.map((r) => r.name)));
    const sent = plan.steps.filter((s) => s.delete && !s.delete.skipped && s.delete.provider?.name === "cluster-kubernetes");
    expect(sent.map((s) => s.resource.name)).toEqual([]);
    // The command goes first (delete-before-replace: its name is fixed), then is made anew.
    const command = plan.steps.filter((s) => s.resource.name === "cluster-kind").map((s) => s.op);
    expect(command).toEqual(["delete-replaced", "create-replacement"]);
  });

  it("would send those deletes to the gone cluster on an engine before pulumi/pulumi #23818, which requiredPulumiVersion rules out", async () => {
    const state = await renderStackConfig(stackFile("local"));
    const plan = planDeployment(state, state, { replace: ["cluster-kind"], deletedWithCascade: false });
    expect(plan.steps.filter((s) => s.delete && !s.delete.skipped && s.delete.provider?.name === "cluster-kubernetes").length).toBeGreaterThan(20);
    expect(readProject(parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"))).requiredPulumiVersion).toBe(">=3.260.0");
  });
});

describe("a cluster that is gone, source kubeconfig (recipe cluster-gone)", () => {
  it("cannot be destroyed: Helm releases refuse to delete on an unreachable cluster whatever PULUMI_K8S_DELETE_UNREACHABLE says", async () => {
    const state = await renderStackConfig(stackFile("existing"));
    const failing = planDestroy(state, unreachable({ PULUMI_K8S_DELETE_UNREACHABLE: "true" })).failures.map((s) => s.resource.type);
    expect(failing.length).toBeGreaterThan(0);
    expect([...new Set(failing)]).toEqual(["kubernetes:helm.sh/v3:Release"]);
  });

  it("forgets the state (state delete --all), then `up` only creates: nothing is sent to the gone cluster", async () => {
    const state = await renderStackConfig(stackFile("existing"));
    const plan = planDeployment(empty(state), state);
    expect(plan.steps.every((s) => s.op === "create")).toBe(true);
    expect(plan.steps.length).toBe(state.resources.length);
  });
});

describe("a platform rebuilt under its labs (recipe platform-rebuilt)", () => {
  const lab = path.join(root, "Pulumi.lab-template.yaml");
  const renderLab = async () => {
    const config = withValues(readStackFileForRender(lab).config, { "istio-lab:platform": "local" });
    return renderConfig(config, renderProgram(), undefined, { stackReferences: await platformReferences(path.join(root, "Pulumi.lab.yaml"), config) });
  };

  it("destroys the lab from its state with PULUMI_K8S_DELETE_UNREACHABLE=true: its old provider sets no deleteUnreachable of its own", async () => {
    const state = await renderLab();
    expect(state.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs).not.toHaveProperty("deleteUnreachable");
    expect(planDestroy(state, unreachable({ PULUMI_K8S_DELETE_UNREACHABLE: "true" })).failures).toEqual([]);
    // Without the variable, the same destroy fails on every object.
    expect(planDestroy(state, unreachable()).failures.length).toBeGreaterThan(5);
    // Then `up` from the empty state only creates.
    expect(planDeployment(empty(state), state).steps.every((s) => s.op === "create")).toBe(true);
  });
});

describe("a host that is gone (recipe host-gone)", () => {
  it("leaves no delete that dials that node once its reset step is out of the state", async () => {
    const state = await renderStackConfig({ ...stackFile("local"), stack: "lab", values: { ...stackFile("local").values, "istio-lab:cluster": JSON.stringify({ source: "hosts" }), "istio-lab:sshPrivateKey": "key" }, secretKeys: new Set(["istio-lab:sshPrivateKey"]) });
    const reset = "linux-node2-reset";
    expect(state.resources.some((r) => r.name === reset)).toBe(true);
    // state delete --target-dependents: the step and whatever depends on it.
    const gone = new Set([reset]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of state.resources) if (!gone.has(r.name) && r.dependsOn.some((d) => gone.has(d))) grew = gone.add(r.name).size > 0;
    }
    const remaining = { ...state, resources: state.resources.filter((r) => !gone.has(r.name)) };
    const dialing = planDestroy(remaining).steps.filter((s) => !s.delete.skipped && s.resource.type === "command:remote:Command" && s.resource.inputs.delete !== undefined);
    expect(dialing.filter((s) => s.resource.name.startsWith("linux-node2")).map((s) => s.resource.name)).toEqual([]);
  });
});

describe("a VM deleted by hand (recipe vm-deleted)", () => {
  it("leaves a destroy that sends nothing to that VM or to the cluster once the VM is out of the state", async () => {
    const state = await renderStackConfig(stackFile("dev"));
    for (const node of ["linux-node1", "linux-node2"]) {
      // state delete --target-dependents: the VM and whatever depends on it, through dependsOn,
      // deletedWith, its parent or its provider (pulumi/pulumi pkg/resource/graph/dependency_graph.go
      // OnlyDependsOn; the render records no property dependency, so this drops less than the CLI).
      const gone = new Set([node]);
      const on = (r: RenderedResource) => [...r.dependsOn, ...(r.options.deletedWith ? [r.options.deletedWith] : []), ...(r.parent ? [r.parent] : []), ...(r.provider ? [r.provider] : [])];
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of state.resources) if (!gone.has(r.name) && on(r).some((d) => gone.has(d))) grew = gone.add(r.name).size > 0;
      }
      const remaining = { ...state, resources: state.resources.filter((r) => !gone.has(r.name)) };
      const plan = planDestroy(remaining, { reachable: false });
      expect(plan.failures.map((s) => s.resource.name), node).toEqual([]);
      expect(remaining.resources.some((r) => r.type === "vsphere:index/virtualMachine:VirtualMachine" && r.name === node)).toBe(false);
    }
  });
});

describe("a destroy interrupted halfway (recipe destroy-interrupted)", () => {
  it("completes when run again, wherever it stopped", async () => {
    for (const stack of ["local", "existing"]) {
      const state = await renderStackConfig(stackFile(stack));
      const order = planDestroy(state).steps.map((s) => s.resource);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: order.length }), (done) => {
          const left = new Set(order.slice(done));
          const rerun = planDestroy({ ...state, resources: state.resources.filter((r) => left.has(r)) });
          return rerun.failures.length === 0 && rerun.steps.length === left.size;
        }),
      );
    }
  });
});

describe("kubectl pointed elsewhere, source kubeconfig", () => {
  it("changes nothing: the stack keeps to the context it recorded", async () => {
    const recorded = { "cluster-pin": { context: "kind-lab", ...labCluster } };
    const before = await renderConfig(stackFile("existing"), renderProgram(), undefined, { readFile: () => kubeconfigFile("kind-lab", { "kind-lab": labCluster }), stashed: recorded });
    const after = await renderConfig(stackFile("existing"), renderProgram(), undefined, { readFile: () => kubeconfigFile("kind-other", { "kind-other": otherCluster, "kind-lab": labCluster }), stashed: recorded });
    const plan = planDeployment(before, after);
    expect(plan.steps).toEqual([]);
  });
});

describe("a stack from before the cluster's identity (recipe identifier-upgrade)", () => {
  const legacy = (state: Rendered): Rendered => ({
    ...state,
    resources: state.resources.map((r) => (r.type === "pulumi:providers:kubernetes" ? { ...r, inputs: { ...r.inputs, clusterIdentifier: `istio-lab-${state.stack}` } } : r)),
  });

  it("would recreate every object on the same cluster if upgraded in one run", async () => {
    const now = await renderStackConfig(stackFile("local"));
    const direct = planDeployment(legacy(now), now);
    expect(direct.replace.filter((r) => isKubernetesObject(r.resource) && !r.deleteBeforeReplace).length).toBeGreaterThan(20);
  });

  it("carries over in two runs, replacing nothing: the identifier removed, then added", async () => {
    const config = stackFile("local");
    const now = await renderStackConfig(config);
    const without = await renderStackConfig(withValues(config, { "istio-lab:identifierUpgrade": "true" }));
    expect(planDeployment(legacy(now), without).replace).toEqual([]);
    expect(planDeployment(without, now).replace).toEqual([]);
  });
});
