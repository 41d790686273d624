// Ingress (tasks/traffic-management/ingress/ingress-control): httpbin on one host, two paths.
import type { ScenarioSpec } from "./scenario-spec";
import { compose } from "./compose";
import { gateway, ingressGatewaySelector, virtualService } from "./builders";

const host = "httpbin.example.com";

export const ingressHttpbin: ScenarioSpec = {
  description: `httpbin behind the ingress gateway on host ${host}, /status and /delay only`,
  ...compose({
    workloads: [{ app: "httpbin", versions: ["v1"] }],
    resources: [
      gateway("httpbin-gateway", {
        selector: ingressGatewaySelector,
        servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: [host] }],
      }),
      virtualService("httpbin", {
        hosts: [host],
        gateways: ["httpbin-gateway"],
        http: [
          {
            match: [{ uri: { prefix: "/status" } }, { uri: { prefix: "/delay" } }],
            route: [{ destination: { host: "httpbin", port: { number: 8000 } } }],
          },
        ],
      }),
    ],
  }),
  probes: [
    { kind: "ingress", host, path: "/status/200", status: 200 },
    { kind: "ingress", host, path: "/delay/1", status: 200 },
    { kind: "ingress", host, path: "/headers", status: 404 },
    { kind: "ingress", host: "other.example.com", path: "/status/200", status: 404 },
  ],
};
