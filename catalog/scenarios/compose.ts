// Scenarios are built from parts: a composite reuses its parts instead of copying them.
import type { IstioResource } from "../istio-resources";
import type { ScenarioSpec } from "./scenario-spec";
import type { WorkloadNeed } from "../apps";

/** A piece of a scenario: some workloads, some Istio resources. A whole scenario is a part too. */
export interface Part {
  workloads?: readonly WorkloadNeed[];
  resources?: readonly IstioResource[];
}

const key = (r: IstioResource) => `${r.kind}/${r.name}`;

/**
 * The parts applied one after the other, as the upstream tasks apply files with kubectl: a later
 * resource of the same kind and name replaces the earlier one where it stood.
 */
export function compose(...parts: Part[]): Required<Pick<ScenarioSpec, "workloads" | "resources">> {
  const resources = new Map<string, IstioResource>();
  for (const part of parts) for (const resource of part.resources ?? []) resources.set(key(resource), resource);
  return { workloads: parts.flatMap((p) => p.workloads ?? []), resources: [...resources.values()] };
}
