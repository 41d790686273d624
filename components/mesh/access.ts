// How a person reaches the lab: URLs and commands for the stack outputs.
import type { LabConfig } from "../config";
import { addonEndpoints, grafanaAdminSecret, localUrl, nodePortUrl } from "./addons/endpoints";
import type { NodePortEntry } from "../cluster/cluster";
import { gatewayAccess, portForward } from "./ingress-gateway";
import { istioNamespace } from "./istio-namespace";

export interface Access {
  gatewayUrl: string;
  /** Present when the gateway is only reachable through a port-forward. */
  gatewayPortForward?: string;
  dashboards: Record<string, { portForward: string; url: string }>;
  /** Present when Kiali is installed. */
  kialiLogin?: string;
  /** Present when Grafana is installed. */
  grafanaLogin?: string;
}

/** Where this machine reaches the cluster's node ports (Cluster.gatewayEntry, Cluster.nodeAddress). */
export interface NodeReach {
  gatewayEntry?: NodePortEntry;
  /** A node's address on which every node port answers (machines istio-lab built). */
  nodeAddress?: string;
}

/**
 * Port-forwards bind to 127.0.0.1 only, so the dashboards never leave the operator's machine;
 * NodePort dashboards (mesh.dashboards.serviceType) answer at their pinned node ports on a node
 * istio-lab built. Where the cluster says how to reach the gateway's node port, the gateway URL
 * uses it directly.
 */
export function access(mesh: LabConfig["mesh"], { gatewayEntry, nodeAddress }: NodeReach): Access {
  const gateway = gatewayAccess(mesh, gatewayEntry);
  const onNodes = mesh.dashboards.serviceType === "NodePort" && nodeAddress !== undefined;
  return {
    ...gateway,
    dashboards: Object.fromEntries(
      mesh.addons.map((addon) => {
        const endpoint = addonEndpoints[addon];
        return [addon, { portForward: portForward(endpoint.service, endpoint.localPort, endpoint.port), url: onNodes ? nodePortUrl(addon, nodeAddress) : localUrl(addon) }];
      }),
    ),
    ...(mesh.addons.includes("kiali") && {
      kialiLogin: mesh.kiali.auth === "token" ? `paste the token from: kubectl -n ${istioNamespace} create token kiali` : "anonymous: no login (istio-lab:mesh.kiali.auth)",
    }),
    ...(mesh.addons.includes("grafana")
      ? {
          grafanaLogin: `admin, password: kubectl -n ${istioNamespace} get secret ${grafanaAdminSecret.name} -o jsonpath='{.data.${grafanaAdminSecret.passwordKey}}' | base64 -d`,
        }
      : {}),
  };
}
