import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { istioNamespace } from "./istio-namespace";
import { logicalName } from "../logical-name";

/**
 * Every request traced to Jaeger, as the demo profile's 100 % sampling did. In istiod's root
 * namespace with neither selector nor targetRefs, it applies to every Envoy istiod configures: the
 * sidecars, the gateways and, in ambient mode, the waypoints (istio/istio pilot/pkg/model/
 * telemetry.go applicableTelemetries: the root namespace's namespace-wide Telemetry first, for any
 * proxy). ztunnel exports no spans (istio/ztunnel has no OpenTelemetry exporter; the traceparent of
 * its HBONE CONNECT only names the connection in its logs, src/proxy/outbound.rs), so in ambient a
 * trace has the ingress gateway's span and a span from each waypoint the request crosses.
 */
export function meshTracing(opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    logicalName("Telemetry", istioNamespace, "mesh-default"),
    {
      apiVersion: "telemetry.istio.io/v1",
      kind: "Telemetry",
      metadata: { name: "mesh-default", namespace: istioNamespace },
      spec: { tracing: [{ providers: [{ name: "jaeger" }], randomSamplingPercentage: 100 }] },
    },
    opts,
  );
}
