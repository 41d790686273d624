import { mirrored } from "../../images";
import { addonCharts, curlImage } from "../../../catalog/versions";
import { addonEndpoints } from "./endpoints";
import { imageParts, type AddonSettings } from "./settings";

/**
 * Istio's dashboards, downloaded by the chart from the Istio release istio-lab installs, so they
 * always match its metrics. The file names are manifests/addons/dashboards in istio/istio.
 */
export const istioDashboards: Record<string, string> = {
  "istio-mesh": "istio-mesh-dashboard.gen.json",
  "istio-service": "istio-service-dashboard.json",
  "istio-workload": "istio-workload-dashboard.json",
  "istio-performance": "istio-performance-dashboard.json",
  "istio-control-plane": "pilot-dashboard.gen.json",
};

/**
 * What ambient mode adds: ztunnel's dashboard (versions, memory and CPU, connections, bytes, DNS,
 * xDS and the workload manager of each ztunnel), which Istio's samples/addons/grafana.yaml ships
 * in its istio-grafana-dashboards ConfigMap beside the control plane's. Its queries select
 * `pod=~"ztunnel-.*"` and `app="ztunnel"`, the labels Prometheus's kubernetes-pods job gives the
 * ztunnel pods it scrapes (prometheus.ts). Only in ambient, where ztunnel runs: a sidecar stack's
 * Grafana stays as it was.
 */
export const ambientDashboards: Record<string, string> = {
  "istio-ztunnel": "ztunnel-dashboard.gen.json",
};

/** The Istio dashboards Grafana downloads in a data-plane mode. */
function istioDashboardsIn(mode: AddonSettings["mesh"]["mode"]): Record<string, string> {
  return mode === "ambient" ? { ...istioDashboards, ...ambientDashboards } : istioDashboards;
}

/** Grafana on port 3000 with the Prometheus data source; a generated admin password, no anonymous admin. */
export function grafanaValues({ mesh, imageRegistry, serviceType }: AddonSettings): Record<string, unknown> {
  const chartImage = (image: string) => {
    const parts = imageParts(mirrored(image, imageRegistry));
    return { registry: parts.registry, repository: parts.repository, tag: parts.tag };
  };
  const source = `https://raw.githubusercontent.com/istio/istio/${mesh.istioVersion}/manifests/addons/dashboards`;
  return {
    image: chartImage(addonCharts.grafana.image),
    downloadDashboardsImage: chartImage(curlImage),
    initChownData: { enabled: false },
    rbac: { create: false, pspEnabled: false },
    testFramework: { enabled: false },
    podLabels: { app: "grafana", "sidecar.istio.io/inject": "false" },
    service: { port: addonEndpoints.grafana.port, type: serviceType, ...(serviceType === "NodePort" && { nodePort: addonEndpoints.grafana.nodePort }) },
    "grafana.ini": { "auth.anonymous": { enabled: false } },
    datasources: {
      "datasources.yaml": {
        apiVersion: 1,
        datasources: [
          { name: "Prometheus", type: "prometheus", url: `http://${addonEndpoints.prometheus.service}:${addonEndpoints.prometheus.port}`, access: "proxy", isDefault: true, jsonData: { timeInterval: "15s" } },
        ],
      },
    },
    dashboardProviders: {
      "dashboardproviders.yaml": {
        apiVersion: 1,
        providers: [{ name: "istio", orgId: 1, folder: "istio", type: "file", disableDeletion: false, options: { path: "/var/lib/grafana/dashboards/istio" } }],
      },
    },
    dashboards: {
      istio: Object.fromEntries(
        Object.entries(istioDashboardsIn(mesh.mode)).map(([name, file]) => [name, { url: `${source}/${file}`, datasource: "Prometheus" }]),
      ),
    },
  };
}
