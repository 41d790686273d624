// The subset of Istio's networking.istio.io/v1 and security.istio.io/v1 APIs the catalog uses, with
// istio/api's field names, so scenarios are typed data and the analyzer can read them.

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  /** Only for requests through these of the VirtualService's gateways (`mesh`: the sidecars). */
  gateways?: string[];
  port?: number;
  uri?: StringMatch;
  /** A request header, or `@request.auth.claims.<claim>`: a claim of the JWT a gateway validated (jwt-route). */
  headers?: Record<string, StringMatch>;
}

export interface Destination {
  /** A Service of the scenario, by short name (`reviews`) or FQDN. */
  host: string;
  subset?: string;
  port?: { number: number };
}

export interface HTTPRouteDestination {
  destination: Destination;
  /** Integer percentage; Istio no longer checks that the weights of a route sum to 100, the analyzer does. */
  weight?: number;
}

export interface Percent {
  value: number;
}

export interface HTTPFaultInjection {
  delay?: { percentage: Percent; fixedDelay: string };
  abort?: { percentage: Percent; httpStatus: number };
}

export interface HTTPRetry {
  /** Retries, not requests: at most 1 + attempts requests reach the destination. */
  attempts: number;
  perTryTimeout?: string;
  retryOn?: string;
}

export interface HTTPRoute {
  match?: HTTPMatchRequest[];
  route: HTTPRouteDestination[];
  fault?: HTTPFaultInjection;
  timeout?: string;
  retries?: HTTPRetry;
  mirror?: Destination;
  mirrorPercentage?: Percent;
}

/** A TCP route (tcp-traffic-shifting): by the port a connection arrives on, to weighted destinations. */
export interface TCPRoute {
  match?: { port?: number }[];
  route: HTTPRouteDestination[];
}

/** A TLS route (ingress-sni-passthrough): by the SNI name of a connection it does not terminate. */
export interface TLSRoute {
  match: { port?: number; sniHosts: string[] }[];
  route: HTTPRouteDestination[];
}

export interface VirtualServiceSpec {
  hosts: string[];
  /** Gateways the routes are bound to; absent means the sidecars (`mesh`). */
  gateways?: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
  /** Namespaces that see it; absent means every namespace. */
  exportTo?: string[];
}

export interface ConsistentHash {
  httpHeaderName?: string;
  httpCookie?: { name: string; path?: string; ttl?: string };
  useSourceIp?: boolean;
  httpQueryParameterName?: string;
}

/**
 * Locality-aware load balancing (locality-load-balancing task): localities are `region/zone/subzone`,
 * `*` matching any. Istio applies it only with outlier detection on the same policy.
 */
export interface LocalityLbSetting {
  enabled: boolean;
  /** Where a region's traffic goes once its endpoints fail. */
  failover?: { from: string; to: string }[];
  /** How the traffic from a locality is split over localities, in percent. */
  distribute?: { from: string; to: Record<string, number> }[];
}

export interface TrafficPolicy {
  loadBalancer?: { simple?: "RANDOM" | "ROUND_ROBIN" | "LEAST_REQUEST" | "PASSTHROUGH"; consistentHash?: ConsistentHash; localityLbSetting?: LocalityLbSetting };
  connectionPool?: {
    tcp?: { maxConnections?: number };
    http?: { http1MaxPendingRequests?: number; maxRequestsPerConnection?: number };
  };
  outlierDetection?: { consecutive5xxErrors?: number; interval?: string; baseEjectionTime?: string; maxEjectionPercent?: number };
  tls?: ClientTls;
  /** Settings for one port of the host (egress-tls-origination: TLS on port 80 only). */
  portLevelSettings?: { port: { number: number }; tls?: ClientTls }[];
}

/** How the sidecar speaks TLS to the destination; SIMPLE to a host outside the mesh is TLS origination. */
export interface ClientTls {
  mode: "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";
}

export interface Subset {
  name: string;
  /** Absent: every endpoint of the host (the egress-gateway task's `cnn` subset of the gateway). */
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
  /** Namespaces that see it; absent means every namespace. */
  exportTo?: string[];
}

export interface GatewaySpec {
  selector: Record<string, string>;
  servers: {
    port: { number: number; name: string; protocol: "HTTP" | "HTTPS" | "HTTP2" | "GRPC" | "TCP" | "TLS" };
    hosts: string[];
    /** The gateway terminates TLS with the certificate of the Secret `credentialName` in its own namespace. */
    tls?: { mode: "SIMPLE" | "MUTUAL" | "PASSTHROUGH"; credentialName?: string };
  }[];
}

export interface PeerAuthenticationSpec {
  selector?: { matchLabels: Record<string, string> };
  mtls: { mode: "UNSET" | "DISABLE" | "PERMISSIVE" | "STRICT" };
}

/**
 * What a policy attaches to instead of a selector (istio/api type/v1beta1 PolicyTargetReference):
 * in ambient mode a waypoint applies only policies that name it or a Service bound to it
 * (Istio 1.31 pilot/pkg/model/policyattachment.go ShouldAttachPolicy; catalog/scenarios/waypoint.ts).
 */
export interface PolicyTargetReference {
  group: "" | "gateway.networking.k8s.io";
  kind: "Service" | "Gateway";
  name: string;
}

/**
 * The group a targetRef must carry for its kind, canonically: a Gateway's is gateway.networking.k8s.io,
 * a Service's the core group ("" or "core"), a ServiceEntry's networking.istio.io, a GatewayClass's
 * gateway.networking.k8s.io (Istio 1.31 pkg/config/schema/gvk resources.gen.go).
 */
export const targetRefGroups: Record<string, string> = { Gateway: "gateway.networking.k8s.io", Service: "core", ServiceEntry: "networking.istio.io", GatewayClass: "gateway.networking.k8s.io" };

/** A group as Istio compares it (pkg/config/model.go CanonicalGroup): "" is "core". */
const canonicalGroup = (group: string | undefined) => (group ? group : "core");

/**
 * Whether a targetRef names this kind in its kind's group, as Istio 1.31 matches one (pilot/pkg/model/
 * policyattachment.go matchesGroupKind compares CanonicalGroup(targetRef.group) with the kind's):
 * a Service ref with group "gateway.networking.k8s.io", or a Gateway ref with group "", names nothing.
 */
export const matchesGroupKind = (ref: { group?: string; kind: string }, kind: string): boolean => ref.kind === kind && canonicalGroup(ref.group) === targetRefGroups[kind];

/** security.istio.io/v1 AuthorizationPolicy, in the fields the authorization tasks use. */
export interface AuthorizationPolicySpec {
  /** Absent: every workload of the namespace. */
  selector?: { matchLabels: Record<string, string> };
  /** Ambient: the waypoint, or Services bound to it, that apply the policy (never with a selector). */
  targetRefs?: PolicyTargetReference[];
  action?: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
  rules?: {
    from?: { source: { principals?: string[]; requestPrincipals?: string[]; namespaces?: string[] } }[];
    to?: { operation: { methods?: string[]; paths?: string[]; ports?: string[] } }[];
    /** `values`: the key must hold one of them; `notValues`: none of them (authz-deny's x-token). */
    when?: { key: string; values?: string[]; notValues?: string[] }[];
  }[];
}

/** security.istio.io/v1 RequestAuthentication: which JWTs a workload accepts (a request with an invalid one is refused, 401). */
export interface RequestAuthenticationSpec {
  selector?: { matchLabels: Record<string, string> };
  targetRefs?: PolicyTargetReference[];
  jwtRules: { issuer: string; jwks?: string; jwksUri?: string; outputClaimToHeaders?: { header: string; claim: string }[] }[];
}

/** networking.istio.io/v1 ServiceEntry: a host outside the mesh added to its registry (egress tasks). */
export interface ServiceEntrySpec {
  hosts: string[];
  /** `targetPort`: where the host really listens, when not on `number` (egress-tls-origination sends port 80 to 443). */
  ports: { number: number; name: string; protocol: "HTTP" | "HTTPS" | "TLS" | "TCP" | "GRPC"; targetPort?: number }[];
  resolution: "NONE" | "STATIC" | "DNS";
  location?: "MESH_EXTERNAL" | "MESH_INTERNAL";
}

/** networking.istio.io/v1 Sidecar, here only for a namespace's outbound traffic policy. */
export interface SidecarSpec {
  outboundTrafficPolicy: { mode: "REGISTRY_ONLY" | "ALLOW_ANY" };
}

/** networking.istio.io/v1alpha3 EnvoyFilter: Envoy configuration patched onto selected workloads (rate limiting). */
export interface EnvoyFilterSpec {
  workloadSelector?: { labels: Record<string, string> };
  configPatches: Record<string, unknown>[];
}

/**
 * Stands for the app namespace inside a spec (an AuthorizationPolicy's principals name it), so the
 * catalog stays data for any namespace; the Scenario component writes the namespace in its place.
 */
export const namespaceToken = "$(ISTIO_LAB_NAMESPACE)";

/** The SPIFFE principal of a service account of the app namespace, as Istio's mTLS names workloads. */
export const principalOf = (serviceAccount: string) => `cluster.local/ns/${namespaceToken}/sa/${serviceAccount}`;

/**
 * Where an object of a scenario lives: the app namespace, or with `inGatewayNamespace` the ingress
 * gateway's own, for a policy that acts on the gateway's pods (a selector selects pods of its own
 * namespace only; jwt-route's RequestAuthentication). The gateway's namespace is the platform's, so
 * a lab stack may not run a scenario that writes there.
 */
export interface Placement {
  inGatewayNamespace?: true;
}

/** One Istio object of a scenario. */
export type IstioResource = (
  | { kind: "VirtualService"; name: string; spec: VirtualServiceSpec }
  | { kind: "DestinationRule"; name: string; spec: DestinationRuleSpec }
  | { kind: "Gateway"; name: string; spec: GatewaySpec }
  | { kind: "PeerAuthentication"; name: string; spec: PeerAuthenticationSpec }
  | { kind: "AuthorizationPolicy"; name: string; spec: AuthorizationPolicySpec }
  | { kind: "EnvoyFilter"; name: string; spec: EnvoyFilterSpec }
  | { kind: "RequestAuthentication"; name: string; spec: RequestAuthenticationSpec }
  | { kind: "ServiceEntry"; name: string; spec: ServiceEntrySpec }
  | { kind: "Sidecar"; name: string; spec: SidecarSpec }
) &
  Placement;

export type IstioKind = IstioResource["kind"];

export const apiVersions: Record<IstioKind, string> = {
  VirtualService: "networking.istio.io/v1",
  DestinationRule: "networking.istio.io/v1",
  Gateway: "networking.istio.io/v1",
  PeerAuthentication: "security.istio.io/v1",
  AuthorizationPolicy: "security.istio.io/v1",
  EnvoyFilter: "networking.istio.io/v1alpha3",
  RequestAuthentication: "security.istio.io/v1",
  ServiceEntry: "networking.istio.io/v1",
  Sidecar: "networking.istio.io/v1",
};

export type ResourceOf<K extends IstioKind> = Extract<IstioResource, { kind: K }>;

/**
 * Whether a label selector (a Gateway's selector, a policy's matchLabels, a Sidecar's
 * workloadSelector labels) selects a pod with these labels: each of its keys with its value there;
 * an empty or absent one selects every pod (istio/istio pkg/config/labels instance.go
 * Instance.SubsetOf). The one rule for it, in the catalog, the placement, the model and the
 * analyzer (which reads a Service's selector so too; the catalog writes none empty).
 */
export function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function ofKind<K extends IstioKind>(resources: readonly IstioResource[], kind: K): ResourceOf<K>[] {
  return resources.filter((r): r is ResourceOf<K> => r.kind === kind);
}

/** Every rule of a VirtualService, HTTP, TLS and TCP alike, with its field path (`spec.tcp[0]`). */
export function routeRules(spec: VirtualServiceSpec): { field: string; route: HTTPRouteDestination[]; http?: HTTPRoute }[] {
  return [
    ...(spec.http ?? []).map((http, i) => ({ field: `spec.http[${i}]`, route: http.route, http })),
    ...(spec.tls ?? []).map((tls, i) => ({ field: `spec.tls[${i}]`, route: tls.route })),
    ...(spec.tcp ?? []).map((tcp, i) => ({ field: `spec.tcp[${i}]`, route: tcp.route })),
  ];
}

/** `reviews`, `reviews.bookinfo` and `reviews.bookinfo.svc.cluster.local` all name Service reviews. */
export const serviceName = (host: string) => host.split(".")[0];

/** The subsets the DestinationRules among `resources` define for a host's Service. */
export function subsetsOf(resources: readonly IstioResource[], host: string): Subset[] {
  return ofKind(resources, "DestinationRule")
    .filter((dr) => serviceName(dr.spec.host) === serviceName(host))
    .flatMap((dr) => dr.spec.subsets ?? []);
}
