// Bookinfo, its gateway and its DestinationRules: the base of every Bookinfo scenario.
import type { TrafficPolicy } from "../istio-resources";
import type { ProductPageProbe } from "./probes";
import type { ScenarioSpec } from "./scenario-spec";
import { compose, type Part } from "./compose";
import { destinationRule, gateway, ingressGatewaySelector, virtualService } from "./builders";
import { answersNeeded } from "./statistics";

export const bookinfoApp: Part = {
  workloads: [{ app: "details" }, { app: "ratings" }, { app: "reviews" }, { app: "productpage" }],
};

/**
 * samples/bookinfo/networking/bookinfo-gateway.yaml, but on port 80: the Helm gateway's Service maps
 * 80 to 80, so upstream's 8080 (meant for istioctl's 80->8080 gateway) would have no listener.
 */
export const bookinfoGateway: Part = {
  resources: [
    gateway("bookinfo-gateway", {
      selector: ingressGatewaySelector,
      servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }],
    }),
    virtualService("bookinfo", {
      hosts: ["*"],
      gateways: ["bookinfo-gateway"],
      http: [
        {
          match: [
            { uri: { exact: "/productpage" } },
            { uri: { prefix: "/static" } },
            { uri: { exact: "/login" } },
            { uri: { exact: "/logout" } },
            { uri: { prefix: "/api/v1/products" } },
          ],
          route: [{ destination: { host: "productpage", port: { number: 9080 } } }],
        },
      ],
    }),
  ],
};

/**
 * The subsets of destination-rule-all.yaml whose versions istio-lab deploys. ratings v2, v2-mysql,
 * v2-mysql-vm and details v2 need databases or VMs the lab does not run; a subset nothing selects
 * only invites a route that 503s.
 */
export const bookinfoSubsets = { productpage: ["v1"], reviews: ["v1", "v2", "v3"], ratings: ["v1"], details: ["v1"] } as const;

/** destination-rule-all.yaml, or with a traffic policy on each (destination-rule-all-mtls.yaml). */
export const bookinfoDestinationRules = (trafficPolicy?: TrafficPolicy): Part => ({
  resources: Object.entries(bookinfoSubsets).map(([host, versions]) =>
    destinationRule(host, {
      host,
      ...(trafficPolicy && { trafficPolicy }),
      subsets: versions.map((v) => ({ name: v, labels: { version: v } })),
    }),
  ),
});

/** The title every productpage answer carries. */
export const bookstoreTitle = "<title>Simple Bookstore App</title>";
export const reviewsUnavailable = "Sorry, product reviews are currently unavailable for this book.";
export const ratingsUnavailable = "Ratings service is currently unavailable";

/** Page loads through the ingress gateway, anonymous unless a user is given; all answered 200. */
/**
 * What a page shows when every call behind productpage was answered (Istio 1.31's Bookinfo source:
 * samples/bookinfo/src/productpage/templates/productpage.html shows "Book Details" only when details
 * answered 200, else "Error fetching product details", and "Book Reviews" only when reviews did,
 * else "Error fetching product reviews"; reviews v2/v3 put "Ratings service is currently
 * unavailable" in a review whose ratings call failed (reviews-application LibertyRestEndpoint.java);
 * PublisherA is the details service's own data (samples/bookinfo/src/details/details.rb)).
 */
export const everyCallAnswered: Pick<ProductPageProbe, "contains" | "lacks"> = {
  contains: ["Book Details", "PublisherA", "Book Reviews"],
  lacks: ["Error fetching product details", "Error fetching product reviews", "Ratings service is currently unavailable"],
};

export const pageLoads = (probe: Partial<Omit<ProductPageProbe, "kind">> = {}): ProductPageProbe => ({
  kind: "productpage",
  status: 200,
  requests: 20,
  ...probe,
});

/**
 * Page loads judged by their reviews shares, as many as tell the shares from the nearest wrong ones
 * (a version getting none, all on one, the previous step) at the stated rates (statistics.ts).
 */
export const splitLoads = (reviews: NonNullable<ProductPageProbe["reviews"]>, probe: Partial<Omit<ProductPageProbe, "kind">> = {}) =>
  pageLoads({ requests: answersNeeded(reviews, probe.previous), reviews, ...probe });

export const bookinfo: ScenarioSpec = {
  description: "Bookinfo behind the ingress gateway, with DestinationRules for every deployed subset",
  ...compose(bookinfoApp, bookinfoGateway, bookinfoDestinationRules()),
  // With no VirtualService, reviews balances over its three versions.
  probes: [splitLoads({ v1: 33, v2: 33, v3: 33 }, { contains: [bookstoreTitle] })],
};
