// Values for Istio's own charts, equivalent to `istioctl install --set profile=demo` where it matters.
import { istioHub } from "../versions";
import type { LabConfig } from "../config";

export const istioNamespace = "istio-system";
/** The gateway release name gives its pods `istio: ingressgateway`, the selector every sample uses. */
export const ingressGatewayRelease = "istio-ingressgateway";
export const jaegerCollector = `jaeger-collector.${istioNamespace}.svc.cluster.local`;

export function istiodValues(imageRegistry: string | undefined): Record<string, unknown> {
  return {
    global: { hub: imageRegistry ?? istioHub },
    pilot: { autoscaleEnabled: false },
    meshConfig: {
      accessLogFile: "/dev/stdout",
      enableTracing: true,
      // Tracing goes through the Telemetry API; an empty legacy block keeps the old zipkin tracer off.
      defaultConfig: { tracing: {} },
      extensionProviders: [{ name: "jaeger", opentelemetry: { service: jaegerCollector, port: 4317 } }],
    },
  };
}

/** Service ports as the chart's defaults, with the HTTP node port pinned so the lab URL is stable. */
export function gatewayValues(mesh: LabConfig["mesh"]): Record<string, unknown> {
  const { serviceType, httpNodePort } = mesh.ingress;
  const withNodePort = serviceType !== "ClusterIP";
  return {
    service: {
      type: serviceType,
      ports: [
        { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
        { name: "http2", port: 80, protocol: "TCP", targetPort: 80, ...(withNodePort ? { nodePort: httpNodePort ?? defaultHttpNodePort } : {}) },
        { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
      ],
    },
    autoscaling: { enabled: false },
  };
}

/** The NodePort the demo profile used for http2, familiar from the tutorials. */
export const defaultHttpNodePort = 31380;
