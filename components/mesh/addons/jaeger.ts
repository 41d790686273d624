import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { mirrored } from "../../images";
import { jaegerImage } from "../../../catalog/versions";
import { istioNamespace } from "../istio-namespace";
import { addonEndpoints, jaegerCollector, jaegerQuery } from "./endpoints";
import type { AddonSettings } from "./settings";
import { logicalName } from "../../logical-name";

const labels = { app: "jaeger" };
const config = fs.readFileSync(path.join(__dirname, "jaeger-config.yaml"), "utf8");

/**
 * Services under the names Istio's tooling expects: `tracing` (80 -> UI 16686) for
 * `istioctl dashboard jaeger`, `zipkin` 9411, and `jaeger-collector` with OTLP 4317 for istiod's
 * `jaeger` extension provider.
 */
const services: { name: string; ports: k8s.types.input.core.v1.ServicePort[]; dashboard: boolean }[] = [
  {
    name: addonEndpoints.jaeger.service,
    dashboard: true,
    ports: [
      { name: "http-query", port: addonEndpoints.jaeger.port, targetPort: jaegerQuery.uiPort },
      { name: "grpc-query", port: jaegerQuery.grpcPort, targetPort: jaegerQuery.grpcPort },
    ],
  },
  { name: "zipkin", dashboard: false, ports: [{ name: "http-query", port: 9411, targetPort: 9411 }] },
  {
    name: "jaeger-collector",
    dashboard: false,
    ports: [
      { name: "jaeger-collector-http", port: 14268, targetPort: 14268 },
      { name: "jaeger-collector-grpc", port: 14250, targetPort: 14250 },
      { name: "http-zipkin", port: 9411, targetPort: 9411 },
      { name: "grpc-otel", port: jaegerCollector.otlpGrpcPort, targetPort: jaegerCollector.otlpGrpcPort },
      { name: "http-otel", port: 4318, targetPort: 4318 },
    ],
  },
];

/**
 * Jaeger v2 as samples/addons/jaeger.yaml runs it. Istio ships it as a plain manifest, not a chart,
 * so it is written here as typed objects, which lets the image mirror apply and the schemas check
 * it. It is an addon of the mesh, not a sample workload, so the workloads renderer does not draw it.
 */
export function jaeger({ imageRegistry, serviceType }: AddonSettings, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const metadata = (name: string) => ({ name, namespace: istioNamespace, labels });
  const configMap = new k8s.core.v1.ConfigMap(logicalName("ConfigMap", istioNamespace, "jaeger"), { metadata: metadata("jaeger"), data: { "config.yaml": config } }, opts);
  const deployment = new k8s.apps.v1.Deployment(
    logicalName("Deployment", istioNamespace, "jaeger"),
    {
      metadata: metadata("jaeger"),
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels: { ...labels, "sidecar.istio.io/inject": "false" },
            annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "8888" },
          },
          spec: {
            containers: [
              {
                name: "jaeger",
                image: mirrored(jaegerImage, imageRegistry),
                args: ["--config", "/jaeger-configuration/config.yaml"],
                livenessProbe: { httpGet: { path: "/status", port: 13133 } },
                readinessProbe: { httpGet: { path: "/status", port: 13133 } },
                resources: { requests: { cpu: "10m" } },
                volumeMounts: [
                  { name: "data", mountPath: "/badger" },
                  { name: "jaeger-configuration", mountPath: "/jaeger-configuration" },
                ],
              },
            ],
            volumes: [
              { name: "data", emptyDir: {} },
              { name: "jaeger-configuration", configMap: { name: configMap.metadata.name } },
            ],
          },
        },
      },
    },
    opts,
  );
  return [
    configMap,
    deployment,
    ...services.map(
      (s) =>
        new k8s.core.v1.Service(
          logicalName("Service", istioNamespace, s.name),
          {
            metadata: metadata(s.name),
            spec: {
              type: s.dashboard ? serviceType : "ClusterIP",
              selector: labels,
              // The UI's port at its pinned node port, so the dashboard's URL is known.
              ports: s.dashboard && serviceType === "NodePort" ? s.ports.map((p) => (p.port === addonEndpoints.jaeger.port ? { ...p, nodePort: addonEndpoints.jaeger.nodePort } : p)) : s.ports,
            },
          },
          opts,
        ),
    ),
  ];
}
