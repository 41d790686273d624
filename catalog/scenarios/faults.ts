// Fault injection (tasks/traffic-management/fault-injection): on top of route-jason-v2.
import type { HTTPFaultInjection } from "../istio-resources";
import type { ScenarioSpec } from "./scenario-spec";
import { pageLoads, reviewsUnavailable } from "./bookinfo";
import { compose, type Part } from "./compose";
import { jason, toSubset, virtualService } from "./builders";
import { routeJasonV2 } from "./routing";

/** virtual-service-ratings-test-{delay,abort}.yaml: the fault for jason only, everyone else untouched. */
const ratingsFaultForJason = (fault: HTTPFaultInjection): Part => ({
  resources: [
    virtualService("ratings", {
      hosts: ["ratings"],
      http: [{ match: [jason], fault, route: [toSubset("ratings", "v1")] }, { route: [toSubset("ratings", "v1")] }],
    }),
  ],
});

export const ratingsDelayForJason = ratingsFaultForJason({ delay: { percentage: { value: 100 }, fixedDelay: "7s" } });
export const ratingsAbortForJason = ratingsFaultForJason({ abort: { percentage: { value: 100 }, httpStatus: 500 } });

export const faultDelay: ScenarioSpec = {
  description: "route-jason-v2 plus a 7 s ratings delay for jason (virtual-service-ratings-test-delay.yaml)",
  ...compose(routeJasonV2, ratingsDelayForJason),
  probes: [
    pageLoads({ reviews: { v1: 100 }, latencySeconds: { max: 2 } }),
    // productpage gives up on reviews after 3 s and one retry, before reviews v2's 10 s: about 6 s.
    pageLoads({ user: "jason", latencySeconds: { min: 5, max: 8 }, contains: [reviewsUnavailable] }),
  ],
};

export const faultAbort: ScenarioSpec = {
  description: "route-jason-v2 plus HTTP 500 from ratings for jason (virtual-service-ratings-test-abort.yaml)",
  ...compose(routeJasonV2, ratingsAbortForJason),
  probes: [
    pageLoads({ reviews: { v1: 100 } }),
    pageLoads({ user: "jason", latencySeconds: { max: 2 }, contains: ["Ratings service is currently unavailable"] }),
  ],
};
