// What `pulumi destroy` and `pulumi refresh` do from a stack's state alone (tools/lib/engine-destroy.ts):
// neither runs the program, so each delete or read goes through the provider configuration the state
// holds, and on an unreachable cluster the Kubernetes provider's own rules decide what fails.
import { describe, expect, it } from "vitest";
import { planDestroy, planRefresh, type DestroyPlan } from "../../tools/lib/engine-destroy";
import { helmReleaseType } from "../../tools/lib/engine-kubernetes";
import { readStackFileForRender } from "../../tools/lib/stack-file";
import { renderStackConfig } from "../harness";

const local = readStackFileForRender("Pulumi.local.yaml").config;
const existing = readStackFileForRender("Pulumi.existing.yaml").config;
const dev = readStackFileForRender("Pulumi.dev.yaml").config;
const withCluster = (config: typeof existing, extra: Record<string, unknown>) => ({
  ...config,
  values: { ...config.values, "istio-lab:cluster": JSON.stringify({ ...JSON.parse(config.values["istio-lab:cluster"]), ...extra }) },
});

const unreachable = { reachable: false };
const withVariable = { reachable: false, env: { PULUMI_K8S_DELETE_UNREACHABLE: "true" } };
const kubernetesSteps = (plan: DestroyPlan) => plan.steps.filter((s) => s.resource.type.startsWith("kubernetes:"));
const names = (steps: DestroyPlan["steps"]) => steps.map((s) => s.resource.name).sort();

describe("destroy of a cluster istio-lab made: every object goes with the cluster", () => {
  it.each([
    ["local (kind)", local, "cluster-kind"],
    ["dev (vSphere)", dev, "linux-node1"],
  ])("%s: no Kubernetes delete is sent, so an unreachable cluster fails nothing", async (_name, config, owner) => {
    const state = await renderStackConfig(config);
    for (const cluster of [{ reachable: true }, unreachable, withVariable]) {
      const plan = planDestroy(state, cluster);
      expect(plan.failures).toEqual([]);
      const objects = kubernetesSteps(plan);
      expect(objects.length).toBeGreaterThan(20);
      expect(objects.filter((s) => s.delete.skipped !== "deletedWith" || s.delete.with !== owner).map((s) => s.resource.name)).toEqual([]);
    }
    const ownerStep = planDestroy(state).steps.find((s) => s.resource.name === owner && s.resource.type !== "istio-lab:cluster:Node");
    expect(ownerStep?.delete).toEqual({});
  });
});

describe("destroy of a cluster istio-lab did not make (source kubeconfig)", () => {
  it("sends every object's delete through the provider the state holds: the kubeconfig path and the context recorded at the first deployment", async () => {
    const plan = planDestroy(await renderStackConfig(existing));
    const objects = kubernetesSteps(plan);
    expect(objects.length).toBeGreaterThan(20);
    for (const step of objects) {
      expect(step.delete).toEqual({ provider: { name: "cluster-kubernetes", inputs: { kubeconfig: "~/.kube/config", context: "kind-kind", clusterIdentifier: "istio-lab-existing" } } });
      expect(step.result?.outcome).toBe("done");
    }
    expect(plan.failures).toEqual([]);
  });

  it("on an unreachable cluster fails every delete; PULUMI_K8S_DELETE_UNREACHABLE=true drops the objects from state, but never a Helm Release", async () => {
    const state = await renderStackConfig(existing);
    const objects = kubernetesSteps(planDestroy(state));
    const releases = objects.filter((s) => s.resource.type === helmReleaseType);
    expect(releases.length).toBeGreaterThan(2);
    expect(names(planDestroy(state, unreachable).failures)).toEqual(names(objects));
    const withEnv = planDestroy(state, withVariable);
    expect(names(withEnv.failures)).toEqual(names(releases));
    expect(withEnv.failures[0].fails).toMatch(/^can't delete Helm Release with unreachable cluster/);
    expect(kubernetesSteps(withEnv).filter((s) => s.resource.type !== helmReleaseType).map((s) => s.result?.outcome)).toEqual(
      objects.filter((s) => s.resource.type !== helmReleaseType).map(() => "dropped from state"),
    );
  });

  it("reads deleteUnreachable from the state's provider, where an explicit false beats the variable, and not from the stack's config now", async () => {
    const keptFalse = planDestroy(await renderStackConfig(withCluster(existing, { deleteUnreachable: false })), withVariable);
    expect(keptFalse.failures.length).toBe(kubernetesSteps(keptFalse).length);
    const keptTrue = planDestroy(await renderStackConfig(withCluster(existing, { deleteUnreachable: true })), unreachable);
    expect(keptTrue.failures.every((s) => s.resource.type === helmReleaseType)).toBe(true);
    // Set in the config after the last `pulumi up`: the state still has no such input, and destroy
    // runs no program, so the config's value reaches no provider.
    const state = await renderStackConfig(existing);
    expect(planDestroy(state, unreachable).failures.length).toBe(kubernetesSteps(planDestroy(state)).length);
  });
});

describe("refresh", () => {
  it("on an unreachable cluster fails every Kubernetes read, or with deleteUnreachable drops every object, Helm Releases too, from state", async () => {
    const state = await renderStackConfig(existing);
    const kubernetes = (steps: ReturnType<typeof planRefresh>) => steps.filter((s) => s.resource.type.startsWith("kubernetes:"));
    expect(new Set(kubernetes(planRefresh(state, unreachable)).map((s) => s.result?.outcome))).toEqual(new Set(["fails"]));
    const dropped = kubernetes(planRefresh(state, withVariable));
    expect(new Set(dropped.map((s) => s.result?.outcome))).toEqual(new Set(["dropped from state"]));
    expect(dropped.some((s) => s.resource.type === helmReleaseType)).toBe(true);
    expect(dropped[0].provider).toEqual({ name: "cluster-kubernetes", inputs: expect.objectContaining({ context: "kind-kind" }) });
  });
});
