// Circuit breaking (tasks/traffic-management/circuit-breaking): httpbin and the fortio load generator.
import type { ScenarioSpec } from "./scenario-spec";
import { compose } from "./compose";
import { destinationRule } from "./builders";

const url = "http://httpbin:8000/get";

export const circuitBreaking: ScenarioSpec = {
  description: "httpbin behind a DestinationRule allowing one connection and one pending request",
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1"] }, { app: "fortio" }],
    resources: [
      destinationRule("httpbin", {
        host: "httpbin",
        trafficPolicy: {
          connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
          outlierDetection: { consecutive5xxErrors: 1, interval: "1s", baseEjectionTime: "3m", maxEjectionPercent: 100 },
        },
      }),
    ],
  }),
  // The task's numbers are illustrative (the proxy allows some leeway): one connection always gets
  // through, three overflow often.
  probes: [
    { kind: "load", from: "fortio-deploy", url, connections: 1, requests: 20, statusShares: { 200: { min: 100 } } },
    { kind: "load", from: "fortio-deploy", url, connections: 3, requests: 30, statusShares: { 503: { min: 10 } } },
  ],
};
