// What `pulumi up` would do when a stack switches from one rendering to another, judged from
// rendered inputs: resources are matched by type and logical name, as their URNs are.
import { isDeepStrictEqual } from "node:util";
import type { Rendered, RenderedResource } from "./mock-engine";

export interface SwitchPlan {
  create: RenderedResource[];
  update: RenderedResource[];
  delete: RenderedResource[];
}

const key = (r: RenderedResource) => `${r.type}::${r.parent}::${r.name}`;

export function switchPlan(from: Rendered, to: Rendered): SwitchPlan {
  const before = new Map(from.resources.map((r) => [key(r), r]));
  const after = new Map(to.resources.map((r) => [key(r), r]));
  return {
    create: to.resources.filter((r) => !before.has(key(r))),
    update: to.resources.filter((r) => {
      const old = before.get(key(r));
      return old !== undefined && !isDeepStrictEqual(old.inputs, r.inputs);
    }),
    delete: from.resources.filter((r) => !after.has(key(r))),
  };
}

/** The layer a resource belongs to: the name of its ancestor directly under the Lab component. */
export function layerOf(rendered: Rendered, resource: RenderedResource): string {
  const byName = new Map(rendered.resources.map((r) => [r.name, r]));
  let current: RenderedResource | undefined = resource;
  while (current && current.parent !== null) {
    const parent = byName.get(current.parent);
    if (parent?.type === "istio-lab:index:Lab") return current.name;
    current = parent;
  }
  return "stack";
}

/** Changes a scenario switch makes outside the workloads and scenario layers; a lab wants none. */
export function changesOutsideScenario(from: Rendered, to: Rendered): RenderedResource[] {
  const plan = switchPlan(from, to);
  const scenarioLayers = new Set(["workloads", "scenario"]);
  return [
    ...plan.create.map((r) => ({ r, in: to })),
    ...plan.update.map((r) => ({ r, in: to })),
    ...plan.delete.map((r) => ({ r, in: from })),
  ]
    .filter(({ r, in: rendered }) => !scenarioLayers.has(layerOf(rendered, r)))
    .map(({ r }) => r);
}
