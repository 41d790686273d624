// Timeouts and retries: route policies a probe can time or count.
import type { ScenarioSpec } from "./scenario-spec";
import { pageLoads, reviewsUnavailable } from "./bookinfo";
import { compose, type Part } from "./compose";
import { toSubset, virtualService } from "./builders";
import { routeAllV1 } from "./routing";

/**
 * tasks/traffic-management/request-timeouts: ratings answers after 2 s, reviews v2 waits 0.5 s for
 * it. The fault and the timeout sit on different services: on one route Istio drops the timeout.
 */
export const reviewsTimeoutRatingsDelay: Part = {
  resources: [
    virtualService("reviews", { hosts: ["reviews"], http: [{ route: [toSubset("reviews", "v2")], timeout: "0.5s" }] }),
    virtualService("ratings", {
      hosts: ["ratings"],
      http: [{ fault: { delay: { percentage: { value: 100 }, fixedDelay: "2s" } }, route: [toSubset("ratings", "v1")] }],
    }),
  ],
};

export const requestTimeout: ScenarioSpec = {
  description: "All v1, reviews v2 with a 0.5 s timeout, ratings delayed 2 s (tasks/traffic-management/request-timeouts)",
  ...compose(routeAllV1, reviewsTimeoutRatingsDelay),
  // productpage retries reviews once: the page answers in about 1 s, without reviews.
  probes: [pageLoads({ latencySeconds: { max: 2 }, contains: [reviewsUnavailable] })],
};

export const retryAttempts = 3;

/**
 * httpbin answers /status/503 with 503 every time, so every request is retried until the attempts
 * run out and httpbin's log shows 1 + attempts requests for one curl call. No fault here: Istio
 * turns retries off on a route that injects one.
 */
export const httpbinRetries: Part = {
  workloads: [{ app: "httpbin", versions: ["v1"] }, { app: "curl" }],
  resources: [
    virtualService("httpbin", {
      hosts: ["httpbin"],
      http: [{ route: [{ destination: { host: "httpbin" } }], retries: { attempts: retryAttempts, perTryTimeout: "2s", retryOn: "5xx" } }],
    }),
  ],
};

export const retries: ScenarioSpec = {
  description: `httpbin with ${retryAttempts} retries on 5xx: one 503 call arrives ${1 + retryAttempts} times (no istio.io task has it: a VirtualService's retries)`,
  ...compose(httpbinRetries),
  probes: [
    { kind: "retried", from: "curl", url: "http://httpbin:8000/status/503", status: 503, loggedBy: "httpbin", requestsLogged: 1 + retryAttempts },
    { kind: "retried", from: "curl", url: "http://httpbin:8000/status/200", status: 200, loggedBy: "httpbin", requestsLogged: 1 },
  ],
};
