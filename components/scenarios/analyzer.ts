import type { ConfigIssue } from "../config/errors";
import type { ScenarioContext } from "../config/parse";
import { platformGatewayPolicyIssues } from "./gateway-policies";
import type { ScenarioName } from "../../catalog/scenarios/names";
import { selectApps } from "../../catalog/apps";
import { checkMesh } from "./mesh-rules";
import { checkAmbient } from "./ambient-rules";
import { meshView, type Finding } from "./mesh-view";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";

/**
 * Checks the chosen scenario's Istio resources against its workloads before anything is
 * registered. The config layer calls it (handed in by the program) once the options have passed
 * their schema. On a platform stack that lab stacks name, a policy on the shared gateway is refused
 * too (gateway-policies.ts); in ambient mode, what no waypoint or ztunnel would apply (ambient-rules.ts).
 */
export function analyzeScenario(scenario: ScenarioName, spec: ScenarioSpec, context: ScenarioContext = {}): ConfigIssue[] {
  const view = meshView(spec.resources, [...selectApps(spec.workloads), ...(spec.apps ?? [])], spec);
  return [
    ...toConfigIssues(scenario, spec, checkMesh(view)),
    // In ambient mode, what only a waypoint (or nothing) would apply (ambient-rules.ts).
    ...(context.meshMode === "ambient" ? toConfigIssues(scenario, spec, checkAmbient(view, spec.waypoint)) : []),
    ...platformGatewayPolicyIssues(scenario, spec, context.labsOnPlatform ?? []),
  ];
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
