// The subset of the Kubernetes Gateway API (gateway.networking.k8s.io, v1.6.0) the catalog renders
// for `istio-lab:scenarioOptions.api: gateway-api`, with the API's field names, so that the
// analyzer can read it and the CRDs' own schemas can check it (test/validate.ts).

/** A listener of a Gateway: what port and protocol, for which routes. */
export interface Listener {
  name: string;
  port: number;
  protocol: "HTTP" | "TCP";
  hostname?: string;
  allowedRoutes: { namespaces?: { from: "Same" | "All" }; kinds?: { kind: "HTTPRoute" | "TCPRoute" }[] };
}

export interface GatewayApiGatewaySpec {
  gatewayClassName: "istio";
  /**
   * The Service of a gateway deployed beforehand (Istio's "manual deployment"): the mesh's
   * ingress gateway serves the listeners, instead of a gateway Istio would deploy per Gateway.
   */
  addresses?: { type: "Hostname"; value: string }[];
  listeners: Listener[];
}

/** A Gateway of the scenario by name (`sectionName`: one listener), or a Service for mesh traffic (GAMMA). */
export type ParentRef = { name: string; sectionName?: string } | { group: ""; kind: "Service"; name: string; port: number };

export interface BackendRef {
  name: string;
  port: number;
  weight?: number;
}

export interface HTTPRouteMatch {
  path?: { type: "Exact" | "PathPrefix" | "RegularExpression"; value: string };
  headers?: { type?: "RegularExpression"; name: string; value: string }[];
}

export interface HTTPRouteRule {
  matches?: HTTPRouteMatch[];
  filters?: { type: "RequestMirror"; requestMirror: { backendRef: { name: string; port: number }; percent?: number } }[];
  backendRefs: BackendRef[];
  /** Gateway API durations: whole numbers of h, m, s or ms (GEP-2257), "500ms" where Istio writes 0.5s. */
  timeouts?: { request: string };
}

export interface HTTPRouteSpec {
  parentRefs: ParentRef[];
  hostnames?: string[];
  rules: HTTPRouteRule[];
}

export interface TCPRouteSpec {
  parentRefs: ParentRef[];
  rules: { backendRefs: BackendRef[] }[];
}

export type GatewayApiResource =
  | { kind: "Gateway"; name: string; spec: GatewayApiGatewaySpec }
  | { kind: "HTTPRoute"; name: string; spec: HTTPRouteSpec }
  | { kind: "TCPRoute"; name: string; spec: TCPRouteSpec };

/** A route of the Gateway API form: what sends traffic to backends. */
export type GatewayApiRoute = Extract<GatewayApiResource, { kind: "HTTPRoute" | "TCPRoute" }>;

/** Every backend a route sends to, mirrors included, with its field path: what the route waits for and what the analyzer checks. */
export function backendsOf(route: GatewayApiRoute): { field: string; ref: { name: string; port: number } }[] {
  return route.spec.rules.flatMap((rule, i) => [
    ...rule.backendRefs.map((ref, j) => ({ field: `spec.rules[${i}].backendRefs[${j}]`, ref })),
    ...("filters" in rule ? (rule.filters ?? []) : []).map((f, j) => ({ field: `spec.rules[${i}].filters[${j}].requestMirror.backendRef`, ref: f.requestMirror.backendRef })),
  ]);
}

/**
 * TCPRoute is v1: Istio 1.31's samples/tcp-echo/gateway-api still write v1alpha2, which the v1.6.0
 * standard-channel CRD the mesh installs lists as `served: false` (gateway.networking.k8s.io_tcproutes.yaml).
 */
export const gatewayApiVersions: Record<GatewayApiResource["kind"], string> = {
  Gateway: "gateway.networking.k8s.io/v1",
  HTTPRoute: "gateway.networking.k8s.io/v1",
  TCPRoute: "gateway.networking.k8s.io/v1",
};

/**
 * A Service per version (samples/bookinfo/platform/kube/bookinfo-versions.yaml: `reviews-v1` and so
 * on), what a route's backendRef names where Istio's routes name a DestinationRule subset.
 */
export interface VersionService {
  name: string;
  /** The app whose Service's ports it publishes. */
  app: string;
  selector: Record<string, string>;
}
