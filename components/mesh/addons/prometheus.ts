import { mirrored } from "../../images";
import { addonCharts, prometheusConfigReloaderImage as reloader } from "../../../catalog/versions";
import { addonEndpoints } from "./endpoints";
import { imageParts, type AddonSettings } from "./settings";

/**
 * Istio's values-prometheus.yaml: the server alone, on port 9090, named `prometheus`. The chart's
 * own scrape jobs stay, the ones samples/addons/prometheus.yaml was rendered with; in ambient mode
 * its `kubernetes-pods` job, which keeps every pod annotated `prometheus.io/scrape: "true"` and
 * scrapes the pod's IP on `prometheus.io/port`, takes
 * - each ztunnel, annotated so by its chart on port 15020 (charts/ztunnel/values.yaml podAnnotations;
 *   ztunnel serves `/metrics` there as well as `/stats/prometheus`, istio/ztunnel src/metrics/server.rs):
 *   the L4 metrics, istio_tcp_* by source and destination workload;
 * - each waypoint, which istiod's template annotates with port 15020 and path /stats/prometheus
 *   (istio/istio manifests/charts/istio-control/istio-discovery/files/waypoint.yaml): the L7 metrics,
 *   istio_requests_total with `reporter="waypoint"`.
 * Both are outside ambient capture (`istio.io/dataplane-mode: none` on their pods), so Prometheus,
 * itself outside the mesh, scrapes them in plain HTTP. test/mesh/addons-ambient.test.ts runs the
 * upstream job's relabelling on a ztunnel pod.
 */
export function prometheusValues({ imageRegistry, serviceType }: AddonSettings): Record<string, unknown> {
  const image = imageParts(mirrored(addonCharts.prometheus.image, imageRegistry));
  const reloaderImage = imageParts(mirrored(reloader, imageRegistry));
  return {
    alertmanager: { enabled: false },
    "prometheus-pushgateway": { enabled: false },
    "kube-state-metrics": { enabled: false },
    "prometheus-node-exporter": { enabled: false },
    configmapReload: {
      prometheus: { image: { repository: `${reloaderImage.registry}/${reloaderImage.repository}`, tag: reloaderImage.tag } },
    },
    server: {
      fullnameOverride: addonEndpoints.prometheus.service,
      image: { repository: `${image.registry}/${image.repository}`, tag: image.tag },
      podLabels: { "sidecar.istio.io/inject": "false" },
      persistentVolume: { enabled: false },
      // Ready as soon as it answers, as values-prometheus.yaml has it (the chart waits 30 s).
      readinessProbeInitialDelay: 0,
      service: { servicePort: addonEndpoints.prometheus.port, type: serviceType, ...(serviceType === "NodePort" && { nodePort: addonEndpoints.prometheus.nodePort }) },
      global: { scrape_interval: "15s" },
    },
  };
}
