// Traffic shifting (tasks/traffic-management/traffic-shifting) and the canary built from options.
import type { ReviewsVersion } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { splitLoads } from "./bookinfo";
import { compose, type Part } from "./compose";
import { toSubset, virtualService } from "./builders";
import type { CanaryOptions } from "./options";
import { routeAllV1 } from "./routing";

export type ReviewsWeights = Partial<Record<ReviewsVersion, number>>;

/**
 * virtual-service-reviews-<split>.yaml: one route over the subsets with a share. A lone subset gets
 * no weight, as in virtual-service-reviews-v3.yaml; subsets at 0 are left out.
 */
export function reviewsWeighted(weights: ReviewsWeights): Part {
  const shares = (["v1", "v2", "v3"] as const).flatMap((v) => (weights[v] ? [[v, weights[v]] as const] : []));
  const route = shares.map(([v, weight]) => toSubset("reviews", v, shares.length > 1 ? weight : undefined));
  return { resources: [virtualService("reviews", { hosts: ["reviews"], http: [{ route }] })] };
}

/** The task's steps: first all v1 (or `previous`), then the reviews split; the check refuses the step before. */
const shift = (file: string, weights: ReviewsWeights, previous: ReviewsWeights = { v1: 100 }): ScenarioSpec => ({
  description: `All v1, then reviews split ${Object.entries(weights).map(([v, w]) => `${v} ${w} %`).join(" / ")} (${file})`,
  ...compose(routeAllV1, reviewsWeighted(weights)),
  probes: [splitLoads(weights, { previous })],
});

export const shift50v3 = shift("virtual-service-reviews-50-v3.yaml", { v1: 50, v3: 50 });
// The traffic-shifting task's last step, after 50/50.
export const shiftV3 = shift("virtual-service-reviews-v3.yaml", { v3: 100 }, { v1: 50, v3: 50 });
export const shift90to10 = shift("virtual-service-reviews-90-10.yaml", { v1: 90, v2: 10 });
export const shift80to20 = shift("virtual-service-reviews-80-20.yaml", { v1: 80, v2: 20 });
export const shiftV2V3 = shift("virtual-service-reviews-v2-v3.yaml", { v2: 50, v3: 50 });

/** Any split of reviews, from `istio-lab:scenarioOptions.weights`. */
export const canary = (options: CanaryOptions): ScenarioSpec => ({
  ...shift("istio-lab:scenarioOptions.weights", options.weights),
  description: `All v1, then reviews split ${Object.entries(options.weights).map(([v, w]) => `${v} ${w} %`).join(" / ")} (no istio.io task has it: your weights, istio-lab:scenarioOptions.weights)`,
  fromOptions: [{ resource: "VirtualService/reviews", field: "spec.http[0].route", option: "weights" }],
});
