// Request routing (tasks/traffic-management/request-routing).
import type { ScenarioSpec } from "./scenario-spec";
import { bookinfo, pageLoads } from "./bookinfo";
import { compose, type Part } from "./compose";
import { jason, routeAllTo, toSubset, virtualService } from "./builders";

/** virtual-service-all-v1.yaml. */
export const allV1: Part = {
  resources: ["productpage", "reviews", "ratings", "details"].map((host) => routeAllTo(host, "v1")),
};

/** virtual-service-reviews-test-v2.yaml: jason sees v2 (black stars), everyone else v1. */
export const reviewsJasonV2: Part = {
  resources: [virtualService("reviews", { hosts: ["reviews"], http: [{ match: [jason], route: [toSubset("reviews", "v2")] }, { route: [toSubset("reviews", "v1")] }] })],
};

export const routeAllV1: ScenarioSpec = {
  description: "Every Bookinfo service routed to v1 (virtual-service-all-v1.yaml)",
  ...compose(bookinfo, allV1),
  probes: [pageLoads({ reviews: { v1: 100 } }), pageLoads({ user: "jason", reviews: { v1: 100 } })],
};

export const routeJasonV2: ScenarioSpec = {
  description: "All v1, but reviews v2 for the user jason (virtual-service-reviews-test-v2.yaml)",
  ...compose(routeAllV1, reviewsJasonV2),
  probes: [pageLoads({ reviews: { v1: 100 } }), pageLoads({ user: "jason", reviews: { v2: 100 } })],
};
