// A data-plane switch (istio-lab:mesh.mode) converges the lab's pods: every Deployment's pod template
// names the data plane it was made for (components/workloads/app-objects.ts dataPlaneAnnotation), in
// ambient only, so a switch updates each Deployment in place and nothing else of the workloads, and
// pulumi-kubernetes rolls them out after the namespace's new labels, the order of istio.io's
// migration guide (docs/ambient/migrate/enable-ambient-mode: label, remove injection, restart).
import { describe, expect, it } from "vitest";
import { dataPlaneAnnotation } from "../../components/workloads/app-objects";
import { platformReferences, renderConfig, renderProgram, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { planUpdate, type UpdatePlan } from "../../tools/lib/plan";
import { readStackFileForRender, type StackConfig } from "../../tools/lib/stack-file";
import { renderFile, renderStackConfig } from "../harness";

const deploymentType = "kubernetes:apps/v1:Deployment";
const deployments = (r: Rendered) => r.resources.filter((x) => x.type === deploymentType);
/** The lab's own Deployments: the Workloads component's children (the addons' Jaeger is the mesh's, outside it). */
const workloadDeployments = (r: Rendered) => deployments(r).filter((x) => x.parent === "workloads");
const templateAnnotations = (d: RenderedResource) => ((d.inputs as any).spec.template.metadata.annotations ?? {}) as Record<string, unknown>;

/** A Deployment's inputs with the data-plane annotation added to its pod template. */
function withDataPlane(d: RenderedResource, mode: string): unknown {
  const inputs = structuredClone(d.inputs) as any;
  inputs.spec.template.metadata.annotations = { ...inputs.spec.template.metadata.annotations, [dataPlaneAnnotation]: mode };
  return inputs;
}

function withMode(config: StackConfig, mode: string): StackConfig {
  const mesh = JSON.parse(config.values["istio-lab:mesh"] ?? "{}") as Record<string, unknown>;
  return { ...config, values: { ...config.values, "istio-lab:mesh": JSON.stringify({ ...mesh, mode }) } };
}

/** What a plan does to Deployments, and that each update is the pod template's annotations alone. */
function deploymentChanges(plan: UpdatePlan): { updated: string[]; replaced: string[]; paths: string[] } {
  const updated = plan.update.filter((u) => u.resource.type === deploymentType);
  return {
    updated: updated.map((u) => u.resource.name).sort(),
    replaced: plan.replace.filter((r) => r.resource.type === deploymentType).map((r) => r.resource.name),
    paths: [...new Set(updated.flatMap((u) => u.paths.map((p) => (p.startsWith("spec.template.metadata.annotations") ? "spec.template.metadata.annotations" : p))))],
  };
}

describe("the data plane a Deployment's pods were made for", () => {
  it("is named by no pod template of a sidecar stack, so it renders as before the mode existed", async () => {
    const sidecar = await renderFile("Pulumi.local.yaml");
    expect(workloadDeployments(sidecar).length).toBeGreaterThan(0);
    for (const d of deployments(sidecar)) expect(Object.keys(templateAnnotations(d)), d.name).not.toContain(dataPlaneAnnotation);
  });

  it("is named by every pod template of the lab in ambient, each otherwise as in sidecar mode; the mesh's own Jaeger keeps its template", async () => {
    const local = readStackFileForRender("Pulumi.local.yaml").config;
    const [sidecar, ambient] = [await renderStackConfig(local), await renderStackConfig(withMode(local, "ambient"))];
    const before = new Map(workloadDeployments(sidecar).map((d) => [d.name, d]));
    expect(workloadDeployments(ambient).map((d) => d.name)).toEqual([...before.keys()]);
    for (const d of workloadDeployments(ambient)) expect(d.inputs, d.name).toEqual(withDataPlane(before.get(d.name)!, "ambient"));
    const others = deployments(ambient).filter((d) => d.parent !== "workloads");
    expect(others.map((d) => d.name)).toEqual(["Deployment/istio-system/jaeger"]);
    for (const d of others) expect(d.inputs).toEqual(deployments(sidecar).find((x) => x.name === d.name)!.inputs);
  });
});

describe("switching a stack's data plane (Pulumi.local.yaml)", () => {
  it("updates every Deployment of the lab in place, in its pod template's annotations alone, both ways, after the namespace's labels", async () => {
    const local = readStackFileForRender("Pulumi.local.yaml").config;
    const [sidecar, ambient] = [await renderStackConfig(local), await renderStackConfig(withMode(local, "ambient"))];
    const lab = workloadDeployments(sidecar).map((d) => d.name).sort();
    for (const plan of [planUpdate(sidecar, ambient), planUpdate(ambient, sidecar)]) {
      expect(deploymentChanges(plan)).toEqual({ updated: lab, replaced: [], paths: ["spec.template.metadata.annotations"] });
    }
    // The Deployments are the Workloads component's, which waits for the namespace: relabelled first.
    expect(ambient.resources.find((x) => x.name === "workloads")!.dependsOn).toEqual(["Namespace/bookinfo"]);
  });
});

describe("a lab stack when its platform switches (Pulumi.lab-template.yaml, scenario bookinfo)", () => {
  it("relabels its namespace and updates every one of its Deployments, nothing else", async () => {
    const file = "Pulumi.lab-template.yaml";
    const config = readStackFileForRender(file).config;
    const onBookinfo = { ...config, values: { ...config.values, "istio-lab:scenario": "bookinfo" } };
    const [name, platform] = Object.entries(await platformReferences(file, config))[0];
    const on = (meshMode: string) =>
      renderConfig(onBookinfo, renderProgram(), undefined, {
        stackReferences: { [name]: { ...platform, outputs: { ...platform.outputs, labPlatform: { ...(platform.outputs.labPlatform as object), meshMode } } } },
      });
    const [sidecar, ambient] = [await on("sidecar"), await on("ambient")];
    const plan = planUpdate(sidecar, ambient);
    const lab = workloadDeployments(sidecar).map((d) => d.name).sort();
    expect(lab.length).toBeGreaterThan(0);
    expect(deploymentChanges(plan)).toEqual({ updated: lab, replaced: [], paths: ["spec.template.metadata.annotations"] });
    expect(plan.update.filter((u) => u.resource.type !== deploymentType).map((u) => u.resource.name)).toEqual([expect.stringMatching(/^Namespace\//)]);
    expect([plan.create, plan.replace, plan.delete].map((l) => l.length)).toEqual([0, 0, 0]);
  });
});
