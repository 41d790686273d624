import { mirrored } from "../../images";
import { addonCharts } from "../../versions";
import type { AddonSettings } from "./settings";

/** Kiali wired to the in-cluster Prometheus, Grafana and Jaeger of this lab. */
export function kialiValues({ mesh, imageRegistry, addons, serviceType }: AddonSettings): Record<string, unknown> {
  const image = mirrored(addonCharts.kiali.image, imageRegistry);
  return {
    // The Service, the ServiceAccount whose token logs in, and `istioctl dashboard kiali` all say `kiali`.
    nameOverride: "kiali",
    fullnameOverride: "kiali",
    auth: { strategy: mesh.kiali.auth },
    deployment: {
      cluster_wide_access: true,
      image_name: image.slice(0, image.lastIndexOf(":")),
      image_version: image.slice(image.lastIndexOf(":") + 1),
      ingress: { enabled: false },
      pod_labels: { "sidecar.istio.io/inject": "false" },
      service_type: serviceType,
    },
    server: { web_root: "/kiali" },
    external_services: {
      prometheus: { url: "http://prometheus.istio-system:9090" },
      grafana: {
        enabled: addons.has("grafana"),
        internal_url: "http://grafana.istio-system:3000",
        external_url: "http://127.0.0.1:3000",
      },
      tracing: {
        enabled: addons.has("jaeger"),
        provider: "jaeger",
        use_grpc: true,
        internal_url: "http://tracing.istio-system:16685/jaeger",
        external_url: "http://127.0.0.1:16686/jaeger",
      },
    },
  };
}
