// Accessing external services (tasks/traffic-management/egress/egress-control): with the outbound
// traffic policy REGISTRY_ONLY, a pod reaches only hosts the registry knows, and a ServiceEntry adds
// one. One deviation: the policy is a Sidecar of the app namespace instead of the mesh-wide
// meshConfig.outboundTrafficPolicy, so that switching to this scenario changes no mesh setting and
// no other namespace (a Sidecar's outboundTrafficPolicy overrides the mesh's for its workloads).
import { destinationRule, serviceEntry, sidecar } from "./builders";
import { compose } from "./compose";
import type { ScenarioSpec } from "./scenario-spec";

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

// TLS origination (tasks/traffic-management/egress/egress-tls-origination): the application sends
// plain HTTP to edition.cnn.com:80, the ServiceEntry sends port 80 to the host's port 443 and the
// DestinationRule makes the sidecar speak TLS there. Without it the site answers 301 to https://.
const cnn = "edition.cnn.com";
const politics = `http://${cnn}/politics`;

export const egressTlsOrigination: ScenarioSpec = {
  description: "the sidecar originates TLS for plain HTTP to edition.cnn.com: 200 at once instead of a 301 to https (egress-tls-origination task)",
  ...compose({
    workloads: [{ app: "curl" }],
    resources: [
      serviceEntry("edition-cnn-com", {
        hosts: [cnn],
        ports: [
          { number: 80, name: "http-port", protocol: "HTTP", targetPort: 443 },
          { number: 443, name: "https-port", protocol: "HTTPS" },
        ],
        resolution: "DNS",
      }),
      destinationRule("edition-cnn-com", { host: cnn, trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "SIMPLE" } }] } }),
    ],
  }),
  // The task's two requests, without following redirects: the first answer is the one that tells.
  // Needs the lab's nodes to reach the internet.
  probes: [
    { kind: "call", from: "curl", url: politics, status: 200 },
    { kind: "call", from: "curl", url: `https://${cnn}/politics`, status: 200 },
  ],
};
