// Local rate limiting (tasks/policy-enforcement/rate-limit, "Local rate limit"): Envoy's
// local_ratelimit filter on productpage's inbound sidecar, 4 requests a minute.
import { envoyFilter } from "./builders";
import { bookinfo } from "./bookinfo";
import { compose } from "./compose";
import type { ScenarioSpec } from "./scenario-spec";

/** The task's token bucket: 4 requests, refilled every minute (istio.io's current task; it was 10). */
export const rateLimit = { maxTokens: 4, fillSeconds: 60 };

/** The header the filter adds to each answer it limits. */
const limitedHeader = { name: "x-local-rate-limit", value: "true" };

/**
 * The task's EnvoyFilter. Two deviations: it sits in the app namespace instead of istio-system,
 * so that it reaches only this lab's productpage (a filter in the root namespace applies to the
 * selected workloads of every namespace); and the listener match carries `context: SIDECAR_INBOUND`
 * and today's filter name `envoy.filters.network.http_connection_manager`, as the task's current
 * translations give it, for the older alias `envoy.http_connection_manager`.
 */
const productpageRateLimit = envoyFilter("filter-local-ratelimit-svc", {
  workloadSelector: { labels: { app: "productpage" } },
  configPatches: [
    {
      applyTo: "HTTP_FILTER",
      match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
      patch: {
        operation: "INSERT_BEFORE",
        value: {
          name: "envoy.filters.http.local_ratelimit",
          typed_config: {
            "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
            type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
            value: {
              stat_prefix: "http_local_rate_limiter",
              token_bucket: { max_tokens: rateLimit.maxTokens, tokens_per_fill: rateLimit.maxTokens, fill_interval: `${rateLimit.fillSeconds}s` },
              filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } },
              filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } },
              response_headers_to_add: [{ append: false, header: { key: limitedHeader.name, value: limitedHeader.value } }],
            },
          },
        },
      },
    },
  ],
});

const url = "http://productpage:9080/productpage";

export const rateLimitLocal: ScenarioSpec = {
  description: "Envoy's local rate limit on productpage, 4 requests a minute; above it HTTP 429 with x-local-rate-limit: true (tasks/policy-enforcement/rate-limit)",
  ...compose(bookinfo, { workloads: [{ app: "curl" }], resources: [productpageRateLimit] }),
  // The task's five requests: a full bucket's four answered, the fifth limited.
  probes: [
    {
      kind: "limited",
      from: "curl",
      url,
      bucket: { maxTokens: rateLimit.maxTokens, fillSeconds: rateLimit.fillSeconds },
      expected: [...Array<number>(rateLimit.maxTokens).fill(200), 429],
      header: limitedHeader,
    },
  ],
};
