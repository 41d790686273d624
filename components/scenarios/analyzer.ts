import type { ConfigIssue } from "../config/errors";
import { resolveScenario } from "../../stacks/catalog";
import type { ScenarioName } from "../../stacks/names";
import { selectApps } from "../workloads/catalog";
import { checkMesh } from "./mesh-rules";
import { meshView, type Finding } from "./mesh-view";
import type { ScenarioSpec } from "./spec";

/**
 * Checks the chosen scenario's Istio resources against its workloads before anything is
 * registered. The config layer calls it once the options have passed their schema.
 */
export function analyzeScenario(scenario: ScenarioName, options: unknown): ConfigIssue[] {
  const spec = resolveScenario(scenario, options);
  return toConfigIssues(scenario, spec, checkMesh(meshView(spec.resources, selectApps(spec.workloads))));
}

/** Findings as config issues: on `istio-lab:scenario`, or on the option the finding's field came from. */
export function toConfigIssues(scenario: ScenarioName, spec: ScenarioSpec, findings: readonly Finding[]): ConfigIssue[] {
  return findings.map((finding) => {
    const source = spec.fromOptions?.find((o) => o.resource === finding.resource && finding.field.startsWith(o.field));
    return {
      key: source ? `istio-lab:scenarioOptions.${source.option}` : "istio-lab:scenario",
      message: `scenario ${scenario}: ${finding.resource} ${finding.field}: ${finding.message}`,
    };
  });
}
