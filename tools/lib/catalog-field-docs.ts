// Descriptions and examples of the fields whose zod schemas live in catalog/ (your own services,
// the custom scenario's routes and policies, canary's and sticky-sessions' options), which carry
// none of their own: config-reference.ts sets them on the JSON Schema made from those schemas, by
// path, so that schema/stack-config.schema.json and docs/configuration.md describe them as they do
// the fields of components/config/schema.ts. reference.test.ts holds that every field of the
// schema has a description and every path here names a field.
//
// A path is relative to its root: `.field` steps into an object, `[]` into a list's entries,
// `<name>` into a map's entries (the word in angle brackets is how the docs name the entry), and
// every form of a one-of is read at the same path.

export interface FieldDoc {
  description: string;
  examples?: unknown[];
}

const duration = (what: string, example: string) => ({ description: `${what}, a duration such as 500ms, 2s or 1m.`, examples: [example] });
const percent = (what: string, example: number) => ({ description: `${what}, 0 to 100.`, examples: [example] });

/** `istio-lab:apps.custom`, catalog/apps/custom.ts. */
export const customServiceDocs: Record<string, FieldDoc> = {
  "[]": {
    description: "One service.",
    examples: [{ name: "back", port: 8080, versions: [{ name: "v1", image: "registry.example.com/seed/back:1.0.0" }], expose: { paths: ["/api"] }, marker: { header: "x-version" } }],
  },
  "[].name": { description: "The Service's name, its `app` label, and the host the routes name.", examples: ["back"] },
  "[].port": { description: "The port the Service and every version's container listen on.", examples: [8080] },
  "[].protocol": { description: "How Istio treats the port (it names it so): http, grpc, or tcp (routes see no paths or headers)." },
  "[].versions": { description: "The versions, each a Deployment `<name>-<version>`; the subsets routes and weights name." },
  "[].versions[].name": { description: "The `version` label, which the DestinationRule's subsets select on.", examples: ["v1"] },
  "[].versions[].image": { description: "The container image; apps.imageRegistry rewrites it like every other.", examples: ["registry.example.com/seed/back:1.0.0"] },
  "[].versions[].env": { description: "Environment variables of the container.", examples: [{ SPRING_PROFILES_ACTIVE: "lab" }] },
  "[].versions[].env.<NAME>": { description: "One variable's value.", examples: ["lab"] },
  "[].versions[].args": { description: "The container's arguments.", examples: [["--port", "8080"]] },
  "[].versions[].resources": { description: "What the container requests (its sidecar adds the mesh's)." },
  "[].versions[].resources.cpu": { description: "CPU request, a Kubernetes quantity.", examples: ["100m"] },
  "[].versions[].resources.memory": { description: "Memory request, a Kubernetes quantity.", examples: ["256Mi"] },
  "[].versions[].readinessPath": { description: "An HTTP path that answers 200 once the version is ready.", examples: ["/actuator/health"] },
  "[].expose": { description: "Serve the service on the ingress gateway (not for tcp)." },
  "[].expose.paths": { description: "The path prefixes the gateway serves it on; the longest are matched first across services.", examples: [["/api"]] },
  "[].marker": { description: "How `npm run verify` tells the versions apart in an answer through the gateway." },
  "[].marker.header": { description: "A response header whose value is the version.", examples: ["x-version"] },
  "[].marker.body": { description: "A regular expression whose first group captures the version in the body.", examples: ['"version":"(v\\d+)"'] },
};

/** `istio-lab:scenarioOptions` of scenario custom, catalog/scenarios/custom.ts. */
export const customOptionDocs: Record<string, FieldDoc> = {
  ".routes": {
    description: "The routes, in order: each belongs to one service, whose VirtualService takes them as its rules, in this order (and the gateway's, under the service's paths).",
    examples: [[{ service: "back", weights: { v1: 90, v2: 10 } }]],
  },
  ".routes[].service": { description: "The service of apps.custom this route is for.", examples: ["back"] },
  ".routes[].match": { description: "Which requests the route takes; unset, all that an earlier route did not." },
  ".routes[].match.headers": { description: "Header name (lower case) -> the exact value it must have; every one must match.", examples: [{ "end-user": "jason" }] },
  ".routes[].match.headers.<header>": { description: "The exact value.", examples: ["jason"] },
  ".routes[].match.uriPrefix": { description: "A prefix the request's path must start with; on the gateway it replaces the service's own paths.", examples: ["/api/v2"] },
  ".routes[].weights": { description: "Version -> percent of the route's requests, summing to 100; unset, the Service spreads them over every version's pods.", examples: [{ v1: 90, v2: 10 }] },
  ".routes[].weights.<version>": percent("The percent of requests this version gets", 90),
  ".routes[].mirror": { description: "Copies the route's requests to a version, whose answers are dropped.", examples: [{ version: "v3" }] },
  ".routes[].mirror.version": { description: "The version that gets the copies.", examples: ["v3"] },
  ".routes[].mirror.percent": percent("The percent of requests copied", 100),
  ".routes[].fault": { description: "Faults injected into the route's requests (then the analyzer refuses retries on it)." },
  ".routes[].fault.delay": { description: "Delays requests before they are sent on.", examples: [{ fixedDelay: "7s", percent: 100 }] },
  ".routes[].fault.delay.fixedDelay": duration("How long each delayed request waits", "7s"),
  ".routes[].fault.delay.percent": percent("The percent of requests delayed", 100),
  ".routes[].fault.abort": { description: "Answers requests with an error status instead of sending them on.", examples: [{ httpStatus: 500, percent: 10 }] },
  ".routes[].fault.abort.httpStatus": { description: "The status answered, 200 to 599.", examples: [500] },
  ".routes[].fault.abort.percent": percent("The percent of requests aborted", 10),
  ".routes[].timeout": duration("How long the route waits for an answer before it answers 504", "2s"),
  ".routes[].retries": { description: "Retries of a failed request.", examples: [{ attempts: 3, perTryTimeout: "2s", retryOn: "5xx,connect-failure" }] },
  ".routes[].retries.attempts": { description: "How many times, 0 to 10 (0 turns Istio's default retries off).", examples: [3] },
  ".routes[].retries.perTryTimeout": duration("The timeout of each attempt", "2s"),
  ".routes[].retries.retryOn": { description: "Istio's retry conditions, comma-separated.", examples: ["5xx,connect-failure"] },
  ".policies": { description: "Service -> its traffic policy (the DestinationRule's trafficPolicy); the service must be in apps.custom.", examples: [{ back: { connectionPool: { maxConnections: 1 } } }] },
  ".policies.<service>": { description: "One service's policy." },
  ".policies.<service>.connectionPool": { description: "Connection limits towards the service (circuit breaking)." },
  ".policies.<service>.connectionPool.maxConnections": { description: "At most this many TCP connections to it.", examples: [1] },
  ".policies.<service>.connectionPool.http1MaxPendingRequests": { description: "At most this many requests waiting for a connection.", examples: [1] },
  ".policies.<service>.connectionPool.maxRequestsPerConnection": { description: "At most this many requests per connection before it is closed.", examples: [1] },
  ".policies.<service>.outlierDetection": { description: "Ejects a pod that keeps failing from the load balancing pool." },
  ".policies.<service>.outlierDetection.consecutive5xxErrors": { description: "Eject after this many 5xx answers in a row.", examples: [1] },
  ".policies.<service>.outlierDetection.interval": duration("How often pods are checked", "1s"),
  ".policies.<service>.outlierDetection.baseEjectionTime": duration("How long the first ejection lasts", "3m"),
  ".policies.<service>.outlierDetection.maxEjectionPercent": percent("At most this percent of pods ejected at once", 100),
  ".policies.<service>.consistentHash": {
    description: "Sticky sessions: the same key reaches the same pod. One of { header }, { cookie, ttl }, { sourceIp: true }, { query }.",
    examples: [{ header: "end-user" }],
  },
  ".policies.<service>.consistentHash.header": { description: "Hash on this request header.", examples: ["end-user"] },
  ".policies.<service>.consistentHash.cookie": { description: "Hash on this cookie (Envoy sets it when absent).", examples: ["session"] },
  ".policies.<service>.consistentHash.ttl": duration("With cookie: the cookie's lifetime", "1h"),
  ".policies.<service>.consistentHash.sourceIp": { description: "Hash on the client's address.", examples: [true] },
  ".policies.<service>.consistentHash.query": { description: "Hash on this query parameter.", examples: ["user"] },
};

/** `istio-lab:scenarioOptions` of scenario canary, catalog/scenarios/options.ts. */
export const canaryOptionDocs: Record<string, FieldDoc> = {
  ".weights": { description: "Percent of reviews' requests per version, whole numbers summing to 100; name at least one.", examples: [{ v1: 80, v2: 20 }] },
  ".weights.v1": percent("reviews v1's share (no stars)", 80),
  ".weights.v2": percent("reviews v2's share (black stars)", 20),
  ".weights.v3": percent("reviews v3's share (red stars)", 0),
};

/** `istio-lab:scenarioOptions` of scenario sticky-sessions, catalog/scenarios/options.ts. */
export const stickyOptionDocs: Record<string, FieldDoc> = {
  ".hashBy": { description: "What reviews' consistent hash keys on: a header, a cookie, the client's address or a query parameter." },
  ".name": { description: "The header, cookie or query parameter; required unless hashBy is sourceIp.", examples: ["end-user"] },
  ".ttl": duration("With hashBy cookie: the cookie's lifetime", "1h"),
};

/** How the docs name the entries of the maps of components/config/schema.ts. */
export const mapEntryNames: Record<string, string> = {
  "cluster.ssh.hostKeys": "<node>",
};
