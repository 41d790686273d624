// What a probe should observe once a scenario is applied: data for the `verify` tool, which sends
// the requests and compares. Percentages are of the probe's own requests.

export type ReviewsVersion = "v1" | "v2" | "v3";

/** Inclusive bounds; a missing bound is not checked. */
export interface Range {
  min?: number;
  max?: number;
}

/**
 * GET /productpage through the ingress gateway, logged in as `user` when given (productpage then
 * forwards `end-user: <user>` downstream). The reviews version of each answer shows in the page:
 * v1 no stars, v2 black stars, v3 red stars.
 */
export interface ProductPageProbe {
  kind: "productpage";
  user?: string;
  requests: number;
  status: number;
  /** Share of answers per reviews version, judged by exact binomial ranges (catalog/scenarios/statistics.ts). */
  reviews?: Partial<Record<ReviewsVersion, number>>;
  /** The reviews shares of the scenario's previous step, which the check must refuse (shift-v3 after 50-v3). */
  previous?: Partial<Record<ReviewsVersion, number>>;
  latencySeconds?: Range;
  /** Text every answer contains, e.g. the error a fault makes productpage show. */
  contains?: string[];
  /** Text a share of the answers contains (a percentage fault): `percent` of them, by the same exact ranges. */
  containsShare?: { text: string; percent: number };
  /** Text no answer contains: the error a failed call behind productpage shows. */
  lacks?: string[];
}

/** Requests from inside the mesh: `kubectl exec deploy/<from> -- ...`. */
export interface InMeshOrigin {
  from: "curl" | "fortio-deploy";
}

/**
 * One request through the ingress gateway with the given Host header, or without one (the gateway
 * URL's own host, as a task's `curl $INGRESS_HOST:$INGRESS_PORT` sends it) for a Gateway of any host.
 */
export interface IngressProbe {
  kind: "ingress";
  host?: string;
  path: string;
  /** More request headers (a bearer token). */
  headers?: Record<string, string>;
  /** How the report names what the headers carry ("a token with groups [group1, group2]"), instead of their values. */
  sending?: string;
  status: number;
}

/** Retries show in the destination's access log: one request in, 1 + attempts lines out. */
export interface RetriedProbe extends InMeshOrigin {
  kind: "retried";
  url: string;
  status: number;
  /** The Deployment whose log counts the requests. */
  loggedBy: string;
  requestsLogged: number;
}

/**
 * GETs of `path` through the ingress gateway, each answer's version read from a response header or
 * a body pattern (istio-lab:apps.custom[].marker): the share of each version, by exact binomial ranges.
 */
export interface VersionsProbe {
  kind: "versions";
  service: string;
  path: string;
  requests: number;
  marker: { header: string } | { body: string };
  /** Every version the service declares: an answer naming one of them counts. */
  versions: string[];
  /** Percent of answers per version. */
  expected: Record<string, number>;
  /** The shares of the scenario's previous step, which the check must refuse. */
  previous?: Record<string, number>;
}

/**
 * Connections to the ingress gateway's TCP `port` from a client inside the mesh (as the
 * tcp-traffic-shifting task sends them with nc): each echoed line starts with the answering
 * version's prefix; the share of each version, by exact binomial ranges.
 */
export interface TcpProbe extends InMeshOrigin {
  kind: "tcp";
  port: number;
  connections: number;
  /** The prefix each version answers with -> the version. */
  prefixes: Record<string, string>;
  expected: Record<string, number>;
  /** The shares of the scenario's previous step, which the check must refuse. */
  previous?: Record<string, number>;
}

/**
 * TCP connections from a client inside the mesh to a Service port, or to a pod's own address for a
 * port no Service publishes, and whether they are answered: what a TCP authorization policy allows.
 */
export interface ConnectProbe extends InMeshOrigin {
  kind: "connect";
  to: { service: string; port: number } | { pod: string; port: number };
  connections: number;
  answered: boolean;
}

/** One GET from inside the mesh and the status it must get: what an authorization policy allows or denies. */
export interface CallProbe extends InMeshOrigin {
  kind: "call";
  url: string;
  headers?: Record<string, string>;
  /** The status, or "none" where the call must get no HTTP answer at all (a refused TLS handshake). */
  status: number | "none";
  /**
   * Text the answer's body contains: the denial's own words ("RBAC: access denied" from Envoy's RBAC
   * filter), so a 403 from anything else (the app, another filter) does not pass for the policy.
   */
  body?: string;
  /**
   * HTTPS through the ingress gateway from inside the mesh: the URL's host and port reach the
   * gateway's Service (curl --connect-to), trusting the scenario's CA from the curl client's Secret,
   * and presenting its client certificate when `clientCert`. `service`: the Service of a gateway
   * istiod deployed for a Gateway API Gateway (its host), instead of the mesh's ingress gateway.
   */
  viaGateway?: { clientCert?: boolean; service?: string };
  /**
   * The upstream cluster the client's own sidecar logs for this call (Istio's default access log
   * format, %UPSTREAM_CLUSTER_RAW%): where the request went on, e.g. `outbound|443|tls-origination|
   * edition.cnn.com` for TLS the sidecar originated to the site's 443.
   */
  upstream?: string;
}

/**
 * One GET from inside the mesh to a host outside it, judged by its status, and seen in the access
 * log of the egress gateway it must leave through (egress-gateway task).
 */
export interface EgressProbe extends InMeshOrigin {
  kind: "egress";
  url: string;
  status: number;
  /**
   * The Deployment, in the app namespace, of the gateway istiod deployed for a Gateway API Gateway
   * (the task's `cnn-egress-gateway-istio`), whose log shows the call, instead of the mesh's egress gateway.
   */
  gatewayDeployment?: string;
}

/**
 * GETs from a client inside the mesh, each answer's version read from its body (`marker`, the first
 * group): the share of each version, by exact binomial ranges (locality load balancing: the helloworld
 * locality that answered).
 */
export interface SharesProbe extends InMeshOrigin {
  kind: "shares";
  url: string;
  requests: number;
  marker: { body: string };
  versions: readonly string[];
  expected: Record<string, number>;
  /** The shares of the scenario's previous step, which the check must refuse. */
  previous?: Record<string, number>;
}

/** A request answered by one Deployment and seen, as a discarded shadow copy, by the others. */
export interface MirroredProbe extends InMeshOrigin {
  kind: "mirrored";
  url: string;
  answeredBy: string;
  alsoLoggedBy: string[];
}

/**
 * `fortio load -c <connections> -qps 0 -n <requests>`: the share of each status code. The counts
 * carry meaning (a pool of one connection overflowed by three): --requests never changes them.
 */
export interface LoadProbe extends InMeshOrigin {
  kind: "load";
  url: string;
  connections: number;
  requests: number;
  statusShares: Partial<Record<number, Range>>;
}

/**
 * The local rate limit task's own check (snip_verify_local_rate_limit_1): GETs a second apart from
 * inside the mesh, 200 while the token bucket holds tokens, then 429 carrying the filter's header.
 * The bucket is made full first, so the sequence does not depend on what it held: requests back to
 * back until the first 429 (empty), then a fill interval and a second's wait (full again, whether
 * Envoy refills it whole at each interval or a token at a time). Every count here carries meaning.
 */
export interface LimitedProbe {
  kind: "limited";
  from: "curl";
  url: string;
  bucket: { maxTokens: number; fillSeconds: number };
  /** The statuses the task shows from a full bucket on, one request a second. */
  expected: number[];
  /** The header the filter adds to the requests it limits (response_headers_to_add). */
  header: { name: string; value: string };
}

/** What the consistent hash keys on, as the probe must send it. */
export type HashKey = { header: string } | { cookie: string } | { query: string } | { sourceIp: true };

/** Repeated requests with one key value all reach the same pod (reviews answers with its podname). */
export interface StickyProbe extends InMeshOrigin {
  kind: "sticky";
  url: string;
  key: HashKey;
  requestsPerKey: number;
  keys: number;
}

/**
 * Plaintext from a pod without a sidecar (verify starts one in the app namespace with the pod label
 * `sidecar.istio.io/inject: "false"`) is refused: curl exits 56 with status 000. From inside the
 * mesh the same request succeeds.
 */
export interface MtlsProbe {
  kind: "mtls";
  service: string;
  port: number;
  path: string;
  outsideMesh: "refused" | "accepted";
}

export type Probe = ProductPageProbe | IngressProbe | RetriedProbe | MirroredProbe | LoadProbe | StickyProbe | MtlsProbe | VersionsProbe | CallProbe | TcpProbe | ConnectProbe | EgressProbe | SharesProbe | LimitedProbe;

/** A request a person sends through the gateway to see the scenario: a host to name, where the Gateway binds one. */
export interface GatewayRequest {
  host?: string;
  path: string;
  headers?: Record<string, string>;
}

/**
 * The requests the scenario's own gateway probes send and expect answered: Bookinfo's page (its
 * Gateway serves any host), and each exposed path of a named host (ingress-httpbin).
 */
export function gatewayRequests(probes: readonly Probe[]): GatewayRequest[] {
  const requests = probes.flatMap((p): GatewayRequest[] =>
    p.kind === "productpage"
      ? [{ path: "/productpage" }]
      : p.kind === "versions"
        ? [{ path: p.path }]
        : p.kind === "ingress" && p.status === 200
          ? [{ ...(p.host && { host: p.host }), path: p.path, ...(p.headers && { headers: p.headers }) }]
          : [],
  );
  const key = (r: GatewayRequest) => JSON.stringify([r.host, r.path, r.headers]);
  return requests.filter((r, i) => requests.findIndex((o) => key(o) === key(r)) === i);
}

/** What a person types to send the requests through the gateway at gatewayUrl. */
export function curlLines(gatewayUrl: string, requests: readonly GatewayRequest[]): string[] {
  const headers = (r: GatewayRequest) => [...(r.host ? [["Host", r.host]] : []), ...Object.entries(r.headers ?? {})].map(([k, v]) => `-H '${k}: ${v}' `).join("");
  return requests.map((r) => `curl -s ${headers(r)}${gatewayUrl}${r.path}`);
}

const shares = (expected: Record<string, number | undefined>) =>
  Object.entries(expected)
    .filter(([, p]) => p !== undefined)
    .map(([v, p]) => `${v} ${p} %`)
    .join(", ");
const range = ({ min, max }: Range) => (min !== undefined && max !== undefined ? `${min}-${max} %` : min !== undefined ? `at least ${min} %` : `at most ${max} %`);
const via = (probe: InMeshOrigin) => `from ${probe.from}`;

/** What `npm run verify` checks for a probe, in one line (docs/scenarios.md lists them per scenario). */
export function probeExpectation(probe: Probe): string {
  switch (probe.kind) {
    case "productpage": {
      const who = probe.user ? `signed in as ${probe.user}` : "anonymous";
      const what = [
        `status ${probe.status}`,
        ...(probe.reviews ? [`reviews ${shares(probe.reviews)}`] : []),
        ...(probe.latencySeconds ? [`${probe.latencySeconds.min ?? 0}-${probe.latencySeconds.max ?? "any"} s each`] : []),
        ...(probe.contains ?? []).map((t) => `shows "${t}"`),
        ...(probe.containsShare ? [`"${probe.containsShare.text}" in ${probe.containsShare.percent} %`] : []),
        ...(probe.lacks ?? []).map((t) => `never "${t}"`),
      ];
      return `${probe.requests} product pages ${who}: ${what.join("; ")}`;
    }
    case "ingress":
      return `GET ${probe.path} through the gateway${probe.host ? ` for ${probe.host}` : ""}${probe.sending ? ` with ${probe.sending}` : ""}: ${probe.status}`;
    case "versions":
      return `${probe.requests} GETs of ${probe.path} through the gateway: ${shares(probe.expected)}`;
    case "retried":
      return `GET ${probe.url} ${via(probe)}: ${probe.status}, ${probe.requestsLogged} requests in ${probe.loggedBy}'s access log`;
    case "mirrored":
      return `GET ${probe.url} ${via(probe)}: answered by ${probe.answeredBy}, a copy logged by ${probe.alsoLoggedBy.join(", ")}`;
    case "load":
      return `fortio, ${probe.connections} connections, ${probe.requests} requests to ${probe.url}: ${Object.entries(probe.statusShares).map(([code, r]) => `${code} ${range(r!)}`).join(", ")}`;
    case "limited":
      return `GETs of ${probe.url} ${via(probe)} a second apart, once the bucket of ${probe.bucket.maxTokens} is emptied and full again (${probe.bucket.fillSeconds} s later): ${probe.expected.join(", ")}, each 429 with ${probe.header.name}: ${probe.header.value}`;
    case "sticky":
      return `${probe.keys} keys x ${probe.requestsPerKey} requests to ${probe.url} ${via(probe)}: each key always the same pod`;
    case "mtls":
      return `plain text to ${probe.service}:${probe.port}${probe.path} from outside the mesh: ${probe.outsideMesh}`;
    case "call":
      return `GET ${probe.url} ${via(probe)}${probe.viaGateway ? ` through the gateway${probe.viaGateway.clientCert ? " with a client certificate" : ""}` : ""}${Object.keys(probe.headers ?? {}).length ? ` with ${Object.keys(probe.headers!).join(", ")}` : ""}: ${probe.status === "none" ? "no answer" : probe.status}${probe.body ? ` "${probe.body}"` : ""}${probe.upstream ? `, sent on to ${probe.upstream} (the client's sidecar log)` : ""}`;
    case "tcp":
      return `${probe.connections} TCP connections to the gateway's port ${probe.port} ${via(probe)}: ${shares(probe.expected)}`;
    case "connect":
      return `${probe.connections} TCP connections to ${"service" in probe.to ? probe.to.service : `a ${probe.to.pod} pod`}:${probe.to.port} ${via(probe)}: ${probe.answered ? "answered" : "not answered"}`;
    case "egress":
      return `GET ${probe.url} ${via(probe)}: ${probe.status}, and in the egress gateway's access log`;
    case "shares":
      return `${probe.requests} GETs of ${probe.url} ${via(probe)}: answered by ${shares(probe.expected)}`;
  }
}
