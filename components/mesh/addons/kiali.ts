import type * as pulumi from "@pulumi/pulumi";
import { mirrored } from "../../images";
import { addonCharts } from "../../../catalog/versions";
import { addonEndpoints, grafanaAdminSecret, inClusterUrl, jaegerQuery, localUrl } from "./endpoints";
import type { AddonSettings } from "./settings";

/**
 * Kiali wired to the in-cluster Prometheus, Grafana and Jaeger of this lab, as Istio's
 * manifests/addons/values-kiali.yaml has it (no NetworkPolicy, images pulled if not present), in
 * the keys the kiali-server 2.27.0 chart reads (kiali/helm-charts kiali-server/values.yaml): every
 * top-level value but `kiali_route_url` becomes Kiali's own config (templates/configmap.yaml), so
 * no key is passed that neither the chart nor Kiali knows.
 */
export function kialiValues({ mesh, imageRegistry, addons, serviceType }: AddonSettings): Record<string, unknown> {
  const image = mirrored(addonCharts.kiali.image, imageRegistry);
  return {
    auth: { strategy: mesh.kiali.auth },
    deployment: {
      // Names the Deployment, Service and ServiceAccount (the chart's fullname): the ServiceAccount
      // whose token logs in, and `istioctl dashboard kiali`, say `kiali`.
      instance_name: addonEndpoints.kiali.service,
      cluster_wide_access: true,
      image_name: image.slice(0, image.lastIndexOf(":")),
      image_version: image.slice(image.lastIndexOf(":") + 1),
      image_pull_policy: "IfNotPresent",
      // The chart's `hasKey deployment.ingress "enabled"` (values-kiali.yaml's `ingress_enabled` is
      // a key the chart does not read).
      ingress: { enabled: false },
      network_policy: { enabled: false },
      pod_labels: { "sidecar.istio.io/inject": "false" },
      service_type: serviceType,
    },
    server: { web_root: addonEndpoints.kiali.path, ...(serviceType === "NodePort" && { node_port: addonEndpoints.kiali.nodePort }) },
    external_services: {
      prometheus: { url: inClusterUrl("prometheus") },
      grafana: {
        enabled: addons.has("grafana"),
        internal_url: inClusterUrl("grafana"),
        external_url: localUrl("grafana"),
        // Grafana's anonymous access is off, so Kiali signs in as its admin, read from the chart's
        // Secret: the kiali-server chart mounts a `secret:<name>:<key>` credential into the pod
        // (templates/_helpers.tpl, kiali-server.credential-secrets).
        auth: {
          type: "basic",
          username: `secret:${grafanaAdminSecret.name}:${grafanaAdminSecret.userKey}`,
          password: `secret:${grafanaAdminSecret.name}:${grafanaAdminSecret.passwordKey}`,
        },
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

/**
 * What Kiali's release waits for: istiod, and in ambient mode the ztunnel release (Helm waits for
 * its DaemonSet). Kiali 2.27 takes a cluster for ambient when it finds a DaemonSet labelled
 * `app.kubernetes.io/name: ztunnel` (kiali/kiali v2.27.0 cache/cache.go IsAmbientEnabled) and keeps
 * that answer for kiali_internal.cache_expiration.ambient_check, 10 minutes by default
 * (config/config.go): started before ztunnel, it would show the namespace's workloads as outside
 * the mesh, and no ztunnel or waypoint, for up to 10 minutes. It needs no ambient setting of its
 * own: samples/addons/kiali.yaml, rendered from the same chart, has none, and its ClusterRole lets
 * it list DaemonSets and read the Gateway API's objects (waypoints) everywhere.
 */
export function kialiAfter(istiod: pulumi.Resource, ztunnel: pulumi.Resource | undefined): pulumi.Resource[] {
  return ztunnel ? [ztunnel] : [istiod];
}
