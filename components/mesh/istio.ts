// Values for Istio's own charts, equivalent to `istioctl install --set profile=demo` where it matters.
import { istioHub } from "../../catalog/versions";
import { jaegerCollector } from "./addons/endpoints";

/**
 * The tutorials install Istio with `istioctl install --set profile=demo`; each of Istio's charts
 * takes the same profile as a value (its files/profile-demo.yaml, from manifests/helm-profiles/
 * demo.yaml): requests sized for a lab (istiod 10m/100Mi, every sidecar 10m/40Mi, not 500m/2Gi and
 * 100m/128Mi) and 100 % trace sampling. Values the program sets win over the profile's.
 */
export const istioProfile = "demo";

export function istiodValues(imageRegistry: string | undefined): Record<string, unknown> {
  return {
    profile: istioProfile,
    global: { hub: imageRegistry ?? istioHub },
    pilot: { autoscaleEnabled: false },
    meshConfig: {
      accessLogFile: "/dev/stdout",
      enableTracing: true,
      // Tracing goes through the Telemetry API; an empty legacy block keeps the old zipkin tracer off.
      defaultConfig: { tracing: {} },
      extensionProviders: [{ name: "jaeger", opentelemetry: { service: jaegerCollector.host, port: jaegerCollector.otlpGrpcPort } }],
    },
  };
}

