import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { istioNamespace } from "./istio-namespace";
import { logicalName } from "../logical-name";

/** Every request traced to Jaeger, as the demo profile's 100 % sampling did. */
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
