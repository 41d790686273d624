// Accessing external services (tasks/traffic-management/egress/egress-control): with the outbound
// traffic policy REGISTRY_ONLY, a pod reaches only hosts the registry knows, and a ServiceEntry adds
// one. One deviation: the policy is a Sidecar of the app namespace instead of the mesh-wide
// meshConfig.outboundTrafficPolicy, so that switching to this scenario changes no mesh setting and
// no other namespace (a Sidecar's outboundTrafficPolicy overrides the mesh's for its workloads).
import { destinationRule, gateway, serviceEntry, sidecar, virtualService } from "./builders";
import { compose } from "./compose";
import type { ScenarioSpec } from "./scenario-spec";
import { clusterIpGatewayAnnotations, managedGatewayName, type GatewayApiResource } from "../gateway-api-resources";

export const egressServiceEntry: ScenarioSpec = {
  description: "REGISTRY_ONLY for the app namespace and a ServiceEntry for httpbin.org: it answers, other hosts do not (egress-control task)",
  ...compose({
    workloads: [{ app: "curl" }],
    resources: [
      sidecar("default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } }),
      // The task's httpbin-ext.
      serviceEntry("httpbin-ext", { hosts: ["httpbin.org"], ports: [{ number: 80, name: "http", protocol: "HTTP" }], resolution: "DNS", location: "MESH_EXTERNAL" }),
    ],
  }),
  // Needs the lab's nodes to reach the internet. A host the registry does not know goes to Istio's
  // BlackHoleCluster, which answers plain HTTP with 502.
  probes: [
    { kind: "call", from: "curl", url: "http://httpbin.org/headers", status: 200 },
    { kind: "call", from: "curl", url: "http://www.google.com/", status: 502 },
  ],
};

// TLS origination (tasks/traffic-management/egress/egress-tls-origination), in the task's current
// form: the application sends plain HTTP to edition.cnn.com:80; the VirtualService routes port 80
// to the host's 443 through the subset tls-origination, whose DestinationRule makes the sidecar
// speak TLS there. Without it the site answers 301 to https://.
const cnn = "edition.cnn.com";
const politics = `http://${cnn}/politics`;
const tlsOrigination = "tls-origination";

export const egressTlsOrigination: ScenarioSpec = {
  description: "the sidecar originates TLS for plain HTTP to edition.cnn.com: 200 at once instead of a 301 to https, sent on to the site's 443 (egress-tls-origination task)",
  ...compose({
    workloads: [{ app: "curl" }],
    resources: [
      serviceEntry("edition-cnn-com", {
        hosts: [cnn],
        ports: [
          { number: 80, name: "http-port", protocol: "HTTP" },
          { number: 443, name: "https-port", protocol: "HTTPS" },
        ],
        resolution: "DNS",
      }),
      virtualService("edition-cnn-com", {
        hosts: [cnn],
        http: [{ match: [{ port: 80 }], route: [{ destination: { host: cnn, subset: tlsOrigination, port: { number: 443 } } }] }],
      }),
      destinationRule("edition-cnn-com", {
        host: cnn,
        subsets: [{ name: tlsOrigination, trafficPolicy: { loadBalancer: { simple: "ROUND_ROBIN" }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: "SIMPLE" } }] } }],
      }),
    ],
  }),
  // The task's two requests, without following redirects: the first answer is the one that tells,
  // and the client's own sidecar logs where it sent the request on (outbound|443|tls-origination|...:
  // the site's 443 through the subset that speaks TLS). Needs the lab's nodes to reach the internet.
  probes: [
    { kind: "call", from: "curl", url: politics, status: 200, upstream: `outbound|443|${tlsOrigination}|${cnn}` },
    { kind: "call", from: "curl", url: `https://${cnn}/politics`, status: 200 },
  ],
};

// Egress gateway for HTTP traffic (tasks/traffic-management/egress/egress-gateway): the sidecars
// send edition.cnn.com's port 80 to the egress gateway, and the gateway sends it on to the site.
// The site still answers 301 to https://; what shows the path is the gateway's access log. The
// gateway's host is written as the task writes it; the analyzer checks it against the gateway the
// mesh installs.
const egressGatewayHost = "istio-egressgateway.istio-system.svc.cluster.local";
export const egressGatewayHttp: ScenarioSpec = {
  description: "HTTP to edition.cnn.com leaves the mesh through the egress gateway, which logs it (egress-gateway task, HTTP)",
  ...compose({
    workloads: [{ app: "curl" }],
    resources: [
      serviceEntry("cnn", {
        hosts: [cnn],
        ports: [
          { number: 80, name: "http-port", protocol: "HTTP" },
          { number: 443, name: "https", protocol: "HTTPS" },
        ],
        resolution: "DNS",
      }),
      gateway("istio-egressgateway", { selector: { istio: "egressgateway" }, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: [cnn] }] }),
      destinationRule("egressgateway-for-cnn", { host: egressGatewayHost, subsets: [{ name: "cnn" }] }),
      virtualService("direct-cnn-through-egress-gateway", {
        hosts: [cnn],
        gateways: ["istio-egressgateway", "mesh"],
        http: [
          { match: [{ gateways: ["mesh"], port: 80 }], route: [{ destination: { host: egressGatewayHost, subset: "cnn", port: { number: 80 } }, weight: 100 }] },
          { match: [{ gateways: ["istio-egressgateway"], port: 80 }], route: [{ destination: { host: cnn, port: { number: 80 } }, weight: 100 }] },
        ],
      }),
    ],
  }),
  egressGateway: true,
  // Needs the lab's nodes to reach the internet.
  probes: [{ kind: "egress", from: "curl", url: politics, status: 301 }],
};

/**
 * The egress-gateway task's Gateway API form for HTTP (snip_egress_gateway_for_http_traffic_4 and
 * _6): the same ServiceEntry; a Gateway `cnn-egress-gateway` of class istio in the app namespace,
 * for which istiod deploys a gateway of its own (no `addresses`: Istio's automated deployment, a
 * ClusterIP Service as the task's annotation asks), instead of the mesh's istio-egressgateway; an
 * HTTPRoute on the ServiceEntry that sends the sidecars' edition.cnn.com to that gateway's Service
 * (`<gateway>-istio`, gateway-api-resources.ts managedGatewayName), and one on the Gateway that sends
 * it on to the site (a `Hostname` backend, Istio's extension). The mesh installs no egress gateway;
 * verify reads the log of the Deployment istiod made, in the app namespace.
 */
const cnnEgressGateway = { name: "cnn-egress-gateway", spec: { gatewayClassName: "istio" as const } };
const egressGatewayHttpRoutes: GatewayApiResource[] = [
  {
    kind: "Gateway",
    name: cnnEgressGateway.name,
    annotations: { ...clusterIpGatewayAnnotations },
    spec: { ...cnnEgressGateway.spec, listeners: [{ name: "http", hostname: cnn, port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } }] },
  },
  {
    kind: "HTTPRoute",
    name: "direct-cnn-to-egress-gateway",
    spec: { parentRefs: [{ kind: "ServiceEntry", group: "networking.istio.io", name: "cnn" }], rules: [{ backendRefs: [{ name: managedGatewayName(cnnEgressGateway), port: 80 }] }] },
  },
  {
    kind: "HTTPRoute",
    name: "forward-cnn-from-egress-gateway",
    spec: { parentRefs: [{ name: cnnEgressGateway.name }], hostnames: [cnn], rules: [{ backendRefs: [{ kind: "Hostname", group: "networking.istio.io", name: cnn, port: 80 }] }] },
  },
];

export function egressGatewayHttpInGatewayApi(): ScenarioSpec {
  // The Gateway deploys its own gateway: the mesh's egress gateway is not installed for it.
  const spec: ScenarioSpec = { ...egressGatewayHttp };
  delete spec.egressGateway;
  return {
    ...spec,
    resources: spec.resources.filter((r) => r.kind === "ServiceEntry"),
    gatewayApi: { resources: egressGatewayHttpRoutes, versionServices: [] },
    probes: spec.probes.map((p) => (p.kind === "egress" ? { ...p, gatewayDeployment: managedGatewayName(cnnEgressGateway) } : p)),
  };
}
