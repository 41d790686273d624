// Accessing external services (tasks/traffic-management/egress/egress-control): with the outbound
// traffic policy REGISTRY_ONLY, a pod reaches only hosts the registry knows, and a ServiceEntry adds
// one. One deviation: the policy is a Sidecar of the app namespace instead of the mesh-wide
// meshConfig.outboundTrafficPolicy, so that switching to this scenario changes no mesh setting and
// no other namespace (a Sidecar's outboundTrafficPolicy overrides the mesh's for its workloads).
import { serviceEntry, sidecar } from "./builders";
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
