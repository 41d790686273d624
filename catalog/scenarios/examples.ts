// Each scenario with example input: its options' example (or none), and for scenario custom the
// seed's services. The diagrams, the bench and the tests that walk the whole catalog use it.
import { seedServices } from "../apps/seed";
import { resolveScenario } from "./index";
import type { ScenarioName } from "./names";
import { scenarioOptionSchemas } from "./options";
import type { ScenarioSpec } from "./scenario-spec";

export const exampleOptions = (name: ScenarioName): unknown => scenarioOptionSchemas[name]?.example;

/** The stack config a scenario's example needs besides istio-lab:scenario. */
export function exampleConfig(name: ScenarioName): Record<string, unknown> {
  const options = exampleOptions(name);
  return {
    ...(options !== undefined && { "istio-lab:scenarioOptions": options }),
    ...(name === "custom" && { "istio-lab:apps": { custom: seedServices } }),
  };
}

export function exampleScenario(name: ScenarioName): ScenarioSpec {
  return resolveScenario(name, exampleOptions(name), name === "custom" ? seedServices : []);
}
