// Authorization (tasks/security/authorization): AuthorizationPolicies on Bookinfo and httpbin, their
// YAML as the task pages give it, with the app namespace where they name `default` or `foo`.
import { authorizationPolicy } from "./builders";
import { bookinfo, everyCallAnswered, pageLoads } from "./bookinfo";
import { compose } from "./compose";
import { principalOf } from "../istio-resources";
import type { ScenarioSpec } from "./scenario-spec";

/** The body Envoy's RBAC filter answers a denied HTTP request with (403). */
export const rbacDenied = "RBAC: access denied";

/** Only the listed service account may GET the service (authz-http's details-, reviews-, ratings-viewer). */
const viewerOf = (app: string, from: string) =>
  authorizationPolicy(`${app}-viewer`, {
    selector: { matchLabels: { app } },
    action: "ALLOW",
    rules: [{ from: [{ source: { principals: [principalOf(from)] } }], to: [{ operation: { methods: ["GET"] } }] }],
  });

/**
 * authz-http's end state: allow-nothing for the namespace, then GET of productpage for anyone (the
 * gateway included), of details and reviews for productpage's account, of ratings for reviews'.
 */
export const authzHttp: ScenarioSpec = {
  description: "allow-nothing, then per-service ALLOW policies: the page works, other callers are denied (tasks/security/authorization/authz-http)",
  ...compose(bookinfo, {
    workloads: [{ app: "curl" }],
    resources: [
      authorizationPolicy("allow-nothing", {}),
      authorizationPolicy("productpage-viewer", { selector: { matchLabels: { app: "productpage" } }, action: "ALLOW", rules: [{ to: [{ operation: { methods: ["GET"] } }] }] }),
      viewerOf("details", "bookinfo-productpage"),
      viewerOf("reviews", "bookinfo-productpage"),
      viewerOf("ratings", "bookinfo-reviews"),
    ],
  }),
  probes: [
    // The task's end state: the page with details, reviews and (from reviews v2 and v3) ratings.
    pageLoads(everyCallAnswered),
    { kind: "call", from: "curl", url: "http://productpage:9080/productpage", status: 200 },
    { kind: "call", from: "curl", url: "http://details:9080/details/0", status: 403, body: rbacDenied },
    { kind: "call", from: "curl", url: "http://reviews:9080/reviews/0", status: 403, body: rbacDenied },
    { kind: "call", from: "curl", url: "http://ratings:9080/ratings/0", status: 403, body: rbacDenied },
  ],
};

/**
 * authz-deny's deny-method-get in its last form: GET to httpbin is denied unless x-token is admin
 * (`notValues: ["admin"]`). The task's first form (every GET denied) is a step towards it; its
 * allow-path-ip policy afterwards is a further lesson the lab does not apply.
 */
export const authzDeny: ScenarioSpec = {
  description: "an explicit DENY: httpbin refuses GET unless x-token is admin, with RBAC: access denied (tasks/security/authorization/authz-deny)",
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1"] }, { app: "curl" }],
    resources: [
      authorizationPolicy("deny-method-get", {
        selector: { matchLabels: { app: "httpbin" } },
        action: "DENY",
        rules: [{ to: [{ operation: { methods: ["GET"] } }], when: [{ key: "request.headers[x-token]", notValues: ["admin"] }] }],
      }),
    ],
  }),
  // The task's two calls after the policy: admin served, guest denied by the sidecar's RBAC filter.
  probes: [
    { kind: "call", from: "curl", url: "http://httpbin:8000/get", headers: { "x-token": "admin" }, status: 200 },
    { kind: "call", from: "curl", url: "http://httpbin:8000/get", headers: { "x-token": "guest" }, status: 403, body: rbacDenied },
  ],
};

/**
 * authz-tcp's tcp-policy: tcp-echo accepts connections on ports 9000 and 9001 only. Port 9002
 * listens but no Service publishes it, so the check reaches it at the pod's address, as the task
 * does. The task's tcp-echo.yaml is the one-version sample; the lab's tcp-echo v1 answers alike.
 */
export const authzTcp: ScenarioSpec = {
  description: "a TCP ALLOW policy: tcp-echo accepts ports 9000 and 9001, and refuses 9002 (tasks/security/authorization/authz-tcp)",
  ...compose({
    workloads: [{ app: "tcp-echo", versions: ["v1"] }, { app: "curl" }],
    resources: [authorizationPolicy("tcp-policy", { selector: { matchLabels: { app: "tcp-echo" } }, action: "ALLOW", rules: [{ to: [{ operation: { ports: ["9000", "9001"] } }] }] })],
  }),
  probes: [
    { kind: "connect", from: "curl", to: { service: "tcp-echo", port: 9000 }, connections: 3, answered: true },
    { kind: "connect", from: "curl", to: { service: "tcp-echo", port: 9001 }, connections: 3, answered: true },
    { kind: "connect", from: "curl", to: { pod: "tcp-echo-v1", port: 9002 }, connections: 3, answered: false },
  ],
};
