// What a scenario puts on the shared ingress gateway beyond its routes: a policy selecting the
// gateway's pods acts on every request they serve, whatever its host. A RequestAuthentication has
// no host to scope it by (istio/api security/v1 RequestAuthentication: a selector or targetRefs,
// and the Helm gateway is no Gateway API Gateway to target), so jwt-routing's answers 401
// on a forged token for every lab's host. Both sides of a platform refuse the pair: the platform
// stack while lab stack files beside its own name it (analyzer.ts, through parseStackConfig), and a
// lab stack whose platform publishes such a policy (components/platform.ts gatewayPolicyIssues).
import type { ConfigIssue } from "../config/errors";
import type { SiblingLab } from "../config/sibling-labs";
import type { ScenarioName } from "../../catalog/scenarios/names";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { selects } from "../../catalog/istio-resources";
import { ingressGateway } from "../mesh/ingress-gateway";

/**
 * The objects a scenario puts in the shared gateway's namespace selecting the ingress gateway's
 * pods (jwt-routing's RequestAuthentication): they act on every request the gateway serves.
 */
export function gatewayPolicies(spec: ScenarioSpec): string[] {
  return spec.resources
    .filter((r) => r.inGatewayNamespace && r.kind !== "Gateway")
    .filter((r) => {
      const spec = r.spec as { selector?: { matchLabels?: Record<string, string> }; workloadSelector?: { labels?: Record<string, string> } };
      const selector = spec.selector?.matchLabels ?? spec.workloadSelector?.labels;
      return selects(selector, ingressGateway.podLabels);
    })
    .map((r) => `${r.kind}/${r.name}`);
}

/**
 * A platform stack's scenario that puts a policy on the shared gateway, refused while lab stacks
 * name the platform. It sees the lab stack files beside the platform's own only
 * (config/sibling-labs.ts readSiblingLabs); a lab elsewhere refuses the platform at its next run.
 */
export function platformGatewayPolicyIssues(scenario: ScenarioName, spec: ScenarioSpec, labs: readonly SiblingLab[]): ConfigIssue[] {
  const policies = gatewayPolicies(spec);
  if (policies.length === 0 || labs.length === 0) return [];
  const names = labs.map((l) => `${l.stack} (Pulumi.${l.stack}.yaml)`).join(", ");
  return [
    {
      key: "istio-lab:scenario",
      message:
        `${scenario} puts ${policies.join(", ")} on the shared gateway, where it acts on every lab's host too (a request with an invalid token answers 401 whatever its host), and lab stack${labs.length === 1 ? "" : "s"} ${names} run${labs.length === 1 ? "s" : ""} on this platform; ` +
        `choose another scenario for this stack, or first destroy ${labs.length === 1 ? "that lab" : "those labs"} (\`pulumi destroy --stack <lab>\`) and remove ${labs.length === 1 ? "its stack file" : "their stack files"}, or point ${labs.length === 1 ? "it" : "them"} at another platform`,
    },
  ];
}
