import type { ConfigIssue } from "../config/errors";
import type { ScenarioName } from "../../stacks/names";

/**
 * Checks the chosen scenario's Istio resources against its workloads before anything is
 * registered (filled in by the scenarios layer).
 */
export function analyzeScenario(_scenario: ScenarioName, _options: unknown): ConfigIssue[] {
  return [];
}
