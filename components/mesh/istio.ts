// Values for Istio's own charts, equivalent to `istioctl install --set profile=demo` where it matters.
import { istioHub } from "../../catalog/versions";
import { jaegerCollector } from "./addons/endpoints";

export function istiodValues(imageRegistry: string | undefined): Record<string, unknown> {
  return {
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

