// Where each addon answers, written once: the addon's own values (its Service port), the other
// addons that call it (Kiali, Grafana's data source) and the stack outputs (port-forwards, URLs)
// all read this table. Ports and paths as `istioctl dashboard <name>` uses them.
import { istioNamespace } from "../istio-namespace";
import type { AddonName } from "./settings";

export interface Endpoint {
  /** The Service's name in istio-system. */
  service: string;
  /** The Service port the UI answers on. */
  port: number;
  /** The port a port-forward serves it on at 127.0.0.1 (`istioctl dashboard`'s choice). */
  localPort: number;
  /** The UI's path prefix. */
  path: string;
  /** The node port of the UI's Service port when mesh.dashboards.serviceType is NodePort: pinned, so its URL is known. */
  nodePort: number;
}

export const addonEndpoints: Readonly<Record<AddonName, Endpoint>> = {
  kiali: { service: "kiali", port: 20001, localPort: 20001, path: "/kiali", nodePort: 32001 },
  prometheus: { service: "prometheus", port: 9090, localPort: 9090, path: "", nodePort: 32090 },
  grafana: { service: "grafana", port: 3000, localPort: 3000, path: "", nodePort: 32030 },
  // Jaeger's `tracing` Service maps 80 to the query UI on 16686, as samples/addons/jaeger.yaml does.
  jaeger: { service: "tracing", port: 80, localPort: 16686, path: "/jaeger", nodePort: 32686 },
};

/**
 * The Grafana chart's admin credentials: a Secret named after the release (its Service), with the
 * chart's default keys (grafana/helm-charts values.yaml admin.userKey, admin.passwordKey).
 */
export const grafanaAdminSecret = { name: addonEndpoints.grafana.service, userKey: "admin-user", passwordKey: "admin-password" } as const;

/** Jaeger's query API over gRPC (Kiali reads traces through it) and its UI port behind `tracing:80`. */
export const jaegerQuery = { grpcPort: 16685, uiPort: 16686 };

/** Where istiod's `jaeger` extension provider sends spans: the collector's OTLP gRPC port. */
export const jaegerCollector = { host: `jaeger-collector.${istioNamespace}.svc.cluster.local`, otlpGrpcPort: 4317 };

/** The addon's URL from inside the cluster. */
export const inClusterUrl = (addon: AddonName, port = addonEndpoints[addon].port): string =>
  `http://${addonEndpoints[addon].service}.${istioNamespace}:${port}${addonEndpoints[addon].path}`;

/** The addon's URL at its pinned node port on a node's address. */
export const nodePortUrl = (addon: AddonName, nodeAddress: string): string => `http://${nodeAddress}:${addonEndpoints[addon].nodePort}${addonEndpoints[addon].path}`;

/** The addon's URL on the operator's machine through its port-forward. */
export const localUrl = (addon: AddonName): string => `http://127.0.0.1:${addonEndpoints[addon].localPort}${addonEndpoints[addon].path}`;
