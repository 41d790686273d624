// Request authentication with JWT (tasks/security/authorization/authz-jwt) on httpbin: a
// RequestAuthentication that trusts Istio's sample issuer and an AuthorizationPolicy that requires
// its token. One deviation: the JWKS is inline (`jwks`) instead of the task's `jwksUri` on
// raw.githubusercontent.com, so istiod fetches nothing and an offline lab works.
import { authorizationPolicy, requestAuthentication } from "./builders";
import { compose } from "./compose";
import { demoToken, sampleIssuer, sampleJwks } from "./jwt-samples";
import type { ScenarioSpec } from "./scenario-spec";

const httpbinOnly = { matchLabels: { app: "httpbin" } };
const url = "http://httpbin:8000/headers";

export const jwtAuth: ScenarioSpec = {
  description: "httpbin accepts only requests with a valid token of Istio's sample issuer: none 403, invalid 401 (tasks/security/authorization/authz-jwt)",
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1"] }, { app: "curl" }],
    resources: [
      requestAuthentication("jwt-example", { selector: httpbinOnly, jwtRules: [{ issuer: sampleIssuer, jwks: sampleJwks }] }),
      authorizationPolicy("require-jwt", { selector: httpbinOnly, action: "ALLOW", rules: [{ from: [{ source: { requestPrincipals: [`${sampleIssuer}/${sampleIssuer}`] } }] }] }),
    ],
  }),
  probes: [
    { kind: "call", from: "curl", url, headers: { authorization: "Bearer invalidToken" }, status: 401 },
    { kind: "call", from: "curl", url, status: 403 },
    { kind: "call", from: "curl", url, headers: { authorization: `Bearer ${demoToken}` }, status: 200 },
  ],
};
