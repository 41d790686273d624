// The subset of the Kubernetes Gateway API (gateway.networking.k8s.io, v1.6.0) the catalog renders
// for `istio-lab:scenarioOptions.api: gateway-api`, with the API's field names, so that the
// analyzer can read it and the CRDs' own schemas can check it (test/validate.ts).

/**
 * A listener of a Gateway: what port and protocol, for which routes. An HTTPS listener terminates
 * TLS with the Secret it names (in the Gateway's namespace); Istio turns `options`'
 * `gateway.istio.io/tls-terminate-mode: MUTUAL` into a MUTUAL server whose credential is that Secret
 * (istio 1.31 pilot/pkg/config/kube/gateway/conversion.go buildTLS), so its ca.crt is the CA a
 * client certificate must chain to, as for an Istio Gateway's credentialName.
 */
export interface Listener {
  name: string;
  port: number;
  protocol: "HTTP" | "HTTPS" | "TCP";
  hostname?: string;
  tls?: { mode: "Terminate"; certificateRefs: { name: string }[]; options?: Record<string, string> };
  allowedRoutes: {
    /** `Selector`: the namespaces whose `kubernetes.io/metadata.name` label the selector names (the app namespace, as namespaceToken). */
    namespaces?: { from: "Same" | "All" } | { from: "Selector"; selector: { matchLabels: Record<string, string> } };
    kinds?: { kind: "HTTPRoute" | "TCPRoute" }[];
  };
}

export interface GatewayApiGatewaySpec {
  gatewayClassName: "istio";
  /**
   * The Service of a gateway deployed beforehand (Istio's "manual deployment"): the mesh's
   * ingress gateway serves the listeners. Without it istiod deploys a gateway for the Gateway
   * ("automated deployment", gatewaycommon/gateway_utils.go IsManaged), a Deployment and Service
   * named `<name>-istio` in the Gateway's namespace (managedGatewayName).
   */
  addresses?: { type: "Hostname"; value: string }[];
  listeners: Listener[];
}

/** The namespace the mesh's gateways run in, written where an object names it (a route's parent in it); the renderer fills it in. */
export const gatewayNamespaceToken = "$(ISTIO_LAB_GATEWAY_NAMESPACE)";

/**
 * A Gateway of the scenario by name (`sectionName`: one listener; `namespace`: one in the gateway's
 * namespace, as gatewayNamespaceToken), a Service for mesh traffic (GAMMA), or a ServiceEntry for
 * traffic to its hosts (Istio's extension of GAMMA: the egress tasks' `kind: ServiceEntry` parent).
 */
export type ParentRef =
  | { name: string; namespace?: string; sectionName?: string }
  | { group: ""; kind: "Service"; name: string; port: number }
  | { group: "networking.istio.io"; kind: "ServiceEntry"; name: string };

/**
 * A Service of the scenario's namespace, or (`kind: Hostname`, Istio's extension) a host a
 * ServiceEntry of the scenario defines: the egress tasks' way to send a route on to the site.
 */
export type BackendRef = { name: string; port: number; weight?: number } | { group: "networking.istio.io"; kind: "Hostname"; name: string; port: number; weight?: number };

/**
 * The Deployment and Service istiod makes for a Gateway it deploys (class `istio`, no
 * `addresses`): `<name>-<class>` (istio 1.31 pilot/pkg/config/kube/gatewaycommon/gateway_utils.go
 * GetDefaultName, used by deploymentcontroller.go configureIstioGateway for DeploymentName and
 * ServiceAccount and by gateway/conversion.go extractGatewayServices for the Service's host).
 */
export const managedGatewayName = (gateway: { name: string; spec: { gatewayClassName: string } }): string => `${gateway.name}-${gateway.spec.gatewayClassName}`;

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
  | {
      kind: "Gateway";
      name: string;
      /** In the mesh's gateway namespace, as the secure-ingress task puts its Gateway (istio-system), instead of the app namespace. */
      inGatewayNamespace?: true;
      /** metadata.annotations: the task's own (`networking.istio.io/service-type` for a Gateway istiod deploys). */
      annotations?: Record<string, string>;
      spec: GatewayApiGatewaySpec;
    }
  | { kind: "HTTPRoute"; name: string; spec: HTTPRouteSpec }
  | { kind: "TCPRoute"; name: string; spec: TCPRouteSpec };

/**
 * A Gateway's annotations that make the Service istiod deploys for it a ClusterIP one (the annotation
 * the egress-gateway task writes on its Gateway), instead of the class's default LoadBalancer
 * (gatewaycommon/classinfo.go DefaultServiceType): catalog/scenarios/secure-ingress.ts says why.
 */
export const clusterIpGatewayAnnotations: Readonly<Record<string, string>> = { "networking.istio.io/service-type": "ClusterIP" };

/** A route of the Gateway API form: what sends traffic to backends. */
export type GatewayApiRoute = Extract<GatewayApiResource, { kind: "HTTPRoute" | "TCPRoute" }>;

/** Every backend a route sends to, mirrors included, with its field path: what the route waits for and what the analyzer checks. */
export function backendsOf(route: GatewayApiRoute): { field: string; ref: BackendRef }[] {
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
