// Fault injection (tasks/traffic-management/fault-injection): on top of route-jason-v2.
import type { HTTPFaultInjection } from "../istio-resources";
import type { ScenarioSpec } from "./scenario-spec";
import { pageLoads, ratingsUnavailable, reviewsUnavailable } from "./bookinfo";
import { compose, type Part } from "./compose";
import { jason, routeAllTo, toSubset, virtualService } from "./builders";
import { routeAllV1, routeJasonV2 } from "./routing";
import { answersNeeded } from "./statistics";

/** virtual-service-ratings-test-{delay,abort}.yaml: the fault for jason only, everyone else untouched. */
const ratingsFaultForJason = (fault: HTTPFaultInjection): Part => ({
  resources: [
    virtualService("ratings", {
      hosts: ["ratings"],
      http: [{ match: [jason], fault, route: [toSubset("ratings", "v1")] }, { route: [toSubset("ratings", "v1")] }],
    }),
  ],
});

/** The same fault on every ratings call, with reviews v2 (which calls ratings) for everyone. */
const ratingsFaultForEveryone = (fault: HTTPFaultInjection): Part => ({
  resources: [routeAllTo("reviews", "v2"), virtualService("ratings", { hosts: ["ratings"], http: [{ fault, route: [toSubset("ratings", "v1")] }] })],
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
    pageLoads({ user: "jason", latencySeconds: { max: 2 }, contains: [ratingsUnavailable] }),
  ],
};

/**
 * The fault-injection task's abort for everyone, as a share: 30 % of ratings calls answer HTTP 500
 * (the seeds' "70 % OK, 30 % HTTP 500"), so about 30 % of the pages show ratings unavailable.
 */
export const faultAbortPercent: ScenarioSpec = {
  description: "reviews v2 for everyone, and HTTP 500 from 30 % of ratings calls (no istio.io task has it: the fault-injection task aborts for jason only, every call)",
  ...compose(routeAllV1, ratingsFaultForEveryone({ abort: { percentage: { value: 30 }, httpStatus: 500 } })),
  // As many pages as tell 30 % from no fault and from a fault on every call.
  probes: [pageLoads({ requests: answersNeeded({ with: 30, without: 70 }), reviews: { v2: 100 }, containsShare: { text: ratingsUnavailable, percent: 30 } })],
};

/** The task's delay for everyone: a 10 s ratings delay outlasts productpage's 3 s timeout to reviews and its one retry. */
export const faultDelayAll: ScenarioSpec = {
  description: "reviews v2 for everyone, and a 10 s delay on every ratings call (no istio.io task has it: the fault-injection task delays jason only)",
  ...compose(routeAllV1, ratingsFaultForEveryone({ delay: { percentage: { value: 100 }, fixedDelay: "10s" } })),
  probes: [pageLoads({ latencySeconds: { min: 5, max: 8 }, contains: [reviewsUnavailable] })],
};
