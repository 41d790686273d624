// How a person reaches the lab: URLs and commands for the stack outputs.
import type { LabConfig } from "../config";
import { defaultHttpNodePort, ingressGatewayRelease, istioNamespace } from "./istio";
import type { AddonName } from "./addons/settings";

/** Local port and Service port of each dashboard, as `istioctl dashboard` uses them. */
const dashboardPorts: Record<AddonName, { service: string; port: number; remotePort: number; path: string }> = {
  kiali: { service: "kiali", port: 20001, remotePort: 20001, path: "/kiali" },
  prometheus: { service: "prometheus", port: 9090, remotePort: 9090, path: "" },
  grafana: { service: "grafana", port: 3000, remotePort: 3000, path: "" },
  jaeger: { service: "tracing", port: 16686, remotePort: 80, path: "/jaeger" },
};

export interface Access {
  gatewayUrl: string;
  productPageUrl: string;
  /** Present when the gateway is only reachable through a port-forward. */
  gatewayPortForward?: string;
  dashboards: Record<string, { portForward: string; url: string }>;
  kialiLogin: string;
  grafanaLogin?: string;
}

/**
 * Port-forwards bind to 127.0.0.1 only, so the dashboards never leave the operator's machine.
 * With a node address (clusters istio-lab built) the gateway URL uses the NodePort directly.
 */
export function access(mesh: LabConfig["mesh"], nodeAddress: string | undefined): Access {
  const { serviceType, httpNodePort } = mesh.ingress;
  const direct = nodeAddress !== undefined && serviceType !== "ClusterIP";
  const gatewayUrl = direct ? `http://${nodeAddress}:${httpNodePort ?? defaultHttpNodePort}` : "http://127.0.0.1:8080";
  const forward = (service: string, local: number, remote: number) =>
    `kubectl -n ${istioNamespace} port-forward --address 127.0.0.1 svc/${service} ${local}:${remote}`;
  return {
    gatewayUrl,
    productPageUrl: `${gatewayUrl}/productpage`,
    ...(direct ? {} : { gatewayPortForward: forward(ingressGatewayRelease, 8080, 80) }),
    dashboards: Object.fromEntries(
      mesh.addons.map((addon) => {
        const d = dashboardPorts[addon];
        return [addon, { portForward: forward(d.service, d.port, d.remotePort), url: `http://127.0.0.1:${d.port}${d.path}` }];
      }),
    ),
    kialiLogin:
      mesh.kiali.auth === "token"
        ? `paste the token from: kubectl -n ${istioNamespace} create token kiali`
        : "anonymous: no login (istio-lab:mesh.kiali.auth)",
    ...(mesh.addons.includes("grafana")
      ? { grafanaLogin: `admin, password: kubectl -n ${istioNamespace} get secret grafana -o jsonpath='{.data.admin-password}' | base64 -d` }
      : {}),
  };
}
