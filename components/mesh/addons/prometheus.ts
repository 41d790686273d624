import { mirrored } from "../../images";
import { addonCharts, prometheusConfigReloaderImage as reloader } from "../../../catalog/versions";
import { addonEndpoints } from "./endpoints";
import { imageParts, type AddonSettings } from "./settings";

/** Istio's values-prometheus.yaml: the server alone, on port 9090, named `prometheus`. */
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
