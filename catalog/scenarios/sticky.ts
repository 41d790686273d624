// Session affinity: reviews balanced by a consistent hash (DestinationRule loadBalancer.consistentHash).
import type { ConsistentHash, IstioResource } from "../istio-resources";
import type { HashKey } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { bookinfo } from "./bookinfo";
import { compose } from "./compose";
import type { StickySessionOptions } from "./options";

/** The header, cookie or query parameter; the option schema requires it for every hashBy but sourceIp. */
function keyName(options: StickySessionOptions): string {
  if (!options.name) throw new Error(`sticky-sessions: hashBy ${options.hashBy} needs a name`);
  return options.name;
}

/** The hash key of each `hashBy`, in istio/api's field names. */
export function consistentHash(options: StickySessionOptions): ConsistentHash {
  switch (options.hashBy) {
    case "header":
      return { httpHeaderName: keyName(options) };
    case "cookie":
      // With a ttl Envoy sets the cookie when it is missing; "0s" makes it a session cookie.
      return { httpCookie: { name: keyName(options), ...(options.ttl && { ttl: options.ttl }) } };
    case "sourceIp":
      return { useSourceIp: true };
    case "query":
      return { httpQueryParameterName: keyName(options) };
  }
}

function hashKey(options: StickySessionOptions): HashKey {
  switch (options.hashBy) {
    case "header":
      return { header: keyName(options) };
    case "cookie":
      return { cookie: keyName(options) };
    case "sourceIp":
      return { sourceIp: true };
    case "query":
      return { query: keyName(options) };
  }
}

/**
 * Bookinfo's reviews DestinationRule with a consistent hash, and no reviews VirtualService: the
 * hash then picks among all reviews pods, so one key keeps one version. A weighted route would pick
 * the subset before the hash runs (istio #9764), which is why none is here. The probe calls reviews
 * from curl, because productpage forwards neither query parameters nor its caller's address.
 */
export const stickySessions = (options: StickySessionOptions): ScenarioSpec => {
  const sticky = (resource: IstioResource): IstioResource =>
    resource.kind === "DestinationRule" && resource.name === "reviews"
      ? { ...resource, spec: { ...resource.spec, trafficPolicy: { loadBalancer: { consistentHash: consistentHash(options) } } } }
      : resource;
  const base = compose(bookinfo, { workloads: [{ app: "curl" }] });
  return {
    description: `Bookinfo with reviews pinned by a consistent hash on ${options.hashBy}${options.name ? ` ${options.name}` : ""} (no istio.io task has it: a DestinationRule's consistentHash)`,
    workloads: base.workloads,
    resources: base.resources.map(sticky),
    probes: [{ kind: "sticky", from: "curl", url: "http://reviews:9080/reviews/0", key: hashKey(options), requestsPerKey: 10, keys: 5 }],
    fromOptions: [{ resource: "DestinationRule/reviews", field: "spec.trafficPolicy.loadBalancer", option: "hashBy" }],
  };
};
