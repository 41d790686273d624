// Request authentication with JWT (tasks/security/authorization/authz-jwt) on httpbin: a
// RequestAuthentication that trusts Istio's sample issuer and an AuthorizationPolicy that requires
// its token. One deviation: the JWKS is inline (`jwks`) instead of the task's `jwksUri` on
// raw.githubusercontent.com, so istiod fetches nothing and an offline lab works.
import { authorizationPolicy, gateway, ingressGatewaySelector, requestAuthentication, virtualService } from "./builders";
import { compose } from "./compose";
import { demoToken, groupsToken, sampleIssuer, sampleJwks } from "./jwt-samples";
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

// JWT claim based routing (tasks/security/authentication/jwt-route): the ingress gateway validates
// the token and routes /headers to httpbin only when its `groups` claim holds group1. Claims can be
// matched at a gateway only, so the RequestAuthentication selects the gateway's pods from the
// gateway's namespace (the task's ingress-jwt in istio-system). The Gateway is
// samples/httpbin/httpbin-gateway.yaml's; the VirtualService is the task's, which replaces the sample's.
const headers = "/headers";

export const jwtRouting: ScenarioSpec = {
  description: "the ingress gateway validates JWTs and routes /headers to httpbin only for a token whose groups claim holds group1 (jwt-route task)",
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1"] }],
    resources: [
      gateway("httpbin-gateway", { selector: ingressGatewaySelector, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }] }),
      { ...requestAuthentication("ingress-jwt", { selector: { matchLabels: ingressGatewaySelector }, jwtRules: [{ issuer: sampleIssuer, jwks: sampleJwks }] }), inGatewayNamespace: true },
      virtualService("httpbin", {
        hosts: ["*"],
        gateways: ["httpbin-gateway"],
        http: [
          {
            match: [{ uri: { prefix: headers }, headers: { "@request.auth.claims.groups": { exact: "group1" } } }],
            route: [{ destination: { port: { number: 8000 }, host: "httpbin" } }],
          },
        ],
      }),
    ],
  }),
  // The task's four requests, in its order.
  probes: [
    { kind: "ingress", path: headers, status: 404 },
    { kind: "ingress", path: headers, headers: { authorization: "Bearer some.invalid.token" }, sending: "an invalid token", status: 401 },
    { kind: "ingress", path: headers, headers: { authorization: `Bearer ${groupsToken}` }, sending: "a token with groups [group1, group2]", status: 200 },
    { kind: "ingress", path: headers, headers: { authorization: `Bearer ${demoToken}` }, sending: "a token without groups", status: 404 },
  ],
};
