import { mirrored } from "../../images";
import { addonCharts } from "../../../catalog/versions";
import { addonEndpoints, inClusterUrl, jaegerQuery, localUrl } from "./endpoints";
import type { AddonSettings } from "./settings";

/** Kiali wired to the in-cluster Prometheus, Grafana and Jaeger of this lab. */
export function kialiValues({ mesh, imageRegistry, addons, serviceType }: AddonSettings): Record<string, unknown> {
  const image = mirrored(addonCharts.kiali.image, imageRegistry);
  return {
    // The Service, the ServiceAccount whose token logs in, and `istioctl dashboard kiali` all say `kiali`.
    nameOverride: addonEndpoints.kiali.service,
    fullnameOverride: addonEndpoints.kiali.service,
    auth: { strategy: mesh.kiali.auth },
    deployment: {
      cluster_wide_access: true,
      image_name: image.slice(0, image.lastIndexOf(":")),
      image_version: image.slice(image.lastIndexOf(":") + 1),
      ingress: { enabled: false },
      pod_labels: { "sidecar.istio.io/inject": "false" },
      service_type: serviceType,
    },
    server: { web_root: addonEndpoints.kiali.path },
    external_services: {
      prometheus: { url: inClusterUrl("prometheus") },
      grafana: {
        enabled: addons.has("grafana"),
        internal_url: inClusterUrl("grafana"),
        external_url: localUrl("grafana"),
      },
      tracing: {
        enabled: addons.has("jaeger"),
        provider: "jaeger",
        // Traces through Jaeger's gRPC query port, which the `tracing` Service also exposes.
        use_grpc: true,
        internal_url: inClusterUrl("jaeger", jaegerQuery.grpcPort),
        external_url: localUrl("jaeger"),
      },
    },
  };
}
