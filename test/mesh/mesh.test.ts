import * as fs from "node:fs";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { kubernetesObjects, localCluster, ofType, renderStack, resource, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";
import { validateObject } from "../validate";

const release = "kubernetes:helm.sh/v3:Release";
const istioRepo = "https://istio-release.storage.googleapis.com/charts";
const values = (r: Rendered, name: string) => resource(r, release, `HelmRelease/istio-system/${name}`).inputs.values as Record<string, any>;
const lab = (mesh: Record<string, unknown> = {}, apps: Record<string, unknown> = {}) =>
  renderStack({ "istio-lab:cluster": localCluster, "istio-lab:mesh": mesh, "istio-lab:apps": apps });

describe("the default mesh", () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await lab();
  });

  it("installs Istio 1.31.1 from its chart repository as base, istiod and the ingress gateway", () => {
    for (const [name, chart] of [["istio-base", "base"], ["istiod", "istiod"], ["istio-ingressgateway", "gateway"]]) {
      expect(resource(r, release, `HelmRelease/istio-system/${name}`).inputs).toMatchObject({
        name,
        chart,
        version: "1.31.1",
        namespace: "istio-system",
        repositoryOpts: { repo: istioRepo },
      });
    }
  });

  it("orders namespace -> base -> istiod -> {gateway, app namespace -> workloads, scenario}", () => {
    const after = (type: string, name: string) => resource(r, type, name).dependsOn;
    expect(after(release, "HelmRelease/istio-system/istio-base")).toEqual(["Namespace/istio-system"]);
    expect(after(release, "HelmRelease/istio-system/istiod")).toEqual(["HelmRelease/istio-system/istio-base"]);
    expect(after(release, "HelmRelease/istio-system/istio-ingressgateway")).toEqual(["HelmRelease/istio-system/istiod"]);
    // Injection needs istiod's webhook, not the gateway; Istio objects need their Services, not rollouts.
    expect(after("kubernetes:core/v1:Namespace", "Namespace/bookinfo")).toEqual(["HelmRelease/istio-system/istiod"]);
    expect(after("istio-lab:workloads:Workloads", "workloads")).toEqual(["Namespace/bookinfo"]);
    expect(after("istio-lab:scenarios:Scenario", "scenario")).toEqual(["Namespace/bookinfo"]);
    expect(after("kubernetes:telemetry.istio.io/v1:Telemetry", "Telemetry/istio-system/mesh-default")).toEqual(["HelmRelease/istio-system/istiod"]);
    expect(after(release, "HelmRelease/istio-system/kiali")).toEqual(["HelmRelease/istio-system/istiod"]);
    expect(after(release, "HelmRelease/istio-system/grafana")).toEqual(["Namespace/istio-system"]);
  });

  it("labels the app namespace for sidecar injection", () => {
    expect(resource(r, "kubernetes:core/v1:Namespace", "Namespace/bookinfo").inputs.metadata).toEqual({
      name: "bookinfo",
      labels: { "istio-injection": "enabled" },
    });
  });

  it("configures istiod as the demo profile: access logs, Jaeger over OTLP, registry.istio.io images", () => {
    expect(values(r, "istiod")).toEqual({
      profile: "demo",
      global: { hub: "registry.istio.io/release" },
      pilot: { autoscaleEnabled: false },
      meshConfig: {
        accessLogFile: "/dev/stdout",
        enableTracing: true,
        defaultConfig: { tracing: {} },
        extensionProviders: [{ name: "jaeger", opentelemetry: { service: "jaeger-collector.istio-system.svc.cluster.local", port: 4317 } }],
      },
    });
    const telemetry = resource(r, "kubernetes:telemetry.istio.io/v1:Telemetry", "Telemetry/istio-system/mesh-default");
    expect(telemetry.inputs.spec).toEqual({ tracing: [{ providers: [{ name: "jaeger" }], randomSamplingPercentage: 100 }] });
  });

  it("publishes the gateway on NodePort 31380 and waits for it", () => {
    const gateway = resource(r, release, "HelmRelease/istio-system/istio-ingressgateway").inputs;
    expect(gateway).toMatchObject({ skipAwait: false, atomic: true, timeout: 600 });
    const service = (gateway.values as any).service;
    expect(service.type).toBe("NodePort");
    expect(service.ports).toContainEqual({ name: "http2", port: 80, protocol: "TCP", targetPort: 80, nodePort: 31380 });
  });

  it("installs the four addons at the versions Istio 1.31 ships, with the service names istioctl expects", () => {
    expect(resource(r, release, "HelmRelease/istio-system/kiali").inputs).toMatchObject({ chart: "kiali-server", version: "2.27.0", repositoryOpts: { repo: "https://kiali.org/helm-charts" } });
    expect(resource(r, release, "HelmRelease/istio-system/prometheus").inputs).toMatchObject({ chart: "prometheus", version: "28.13.0", repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" } });
    expect(resource(r, release, "HelmRelease/istio-system/grafana").inputs).toMatchObject({ chart: "grafana", version: "9.2.2", repositoryOpts: { repo: "https://grafana.github.io/helm-charts" } });
    expect(values(r, "prometheus").server).toMatchObject({ fullnameOverride: "prometheus", service: { servicePort: 9090, type: "ClusterIP" } });
    expect(values(r, "grafana").service).toEqual({ port: 3000, type: "ClusterIP" });
    expect(values(r, "kiali")).toMatchObject({ deployment: { instance_name: "kiali", service_type: "ClusterIP" } });
    const tracing = resource(r, "kubernetes:core/v1:Service", "Service/istio-system/tracing").inputs.spec as any;
    expect(tracing.ports).toContainEqual({ name: "http-query", port: 80, targetPort: 16686 });
    const collector = resource(r, "kubernetes:core/v1:Service", "Service/istio-system/jaeger-collector").inputs.spec as any;
    expect(collector.ports).toContainEqual({ name: "grpc-otel", port: 4317, targetPort: 4317 });
    expect(resource(r, "kubernetes:core/v1:Service", "Service/istio-system/zipkin").inputs.spec).toMatchObject({ ports: [{ port: 9411 }] });
  });

  it("wires Kiali to Prometheus, Grafana and Jaeger and requires a token to log in", () => {
    expect(values(r, "kiali")).toMatchObject({
      auth: { strategy: "token" },
      external_services: {
        prometheus: { url: "http://prometheus.istio-system:9090" },
        grafana: { enabled: true, internal_url: "http://grafana.istio-system:3000" },
        tracing: { enabled: true, provider: "jaeger", internal_url: "http://tracing.istio-system:16685/jaeger" },
      },
    });
  });

  it("signs Kiali in to Grafana with the admin credentials of Grafana's own Secret, the one the stack output names", () => {
    const grafana = values(r, "kiali").external_services.grafana;
    expect(grafana.auth).toEqual({ type: "basic", username: "secret:grafana:admin-user", password: "secret:grafana:admin-password" });
    // The same Secret and key the stack output tells a person to read.
    const [, secret, key] = /get secret (\S+) -o jsonpath='\{\.data\.([\w-]+)\}'/.exec(r.outputs.grafanaLogin as string)!;
    expect(grafana.auth.password).toBe(`secret:${secret}:${key}`);
  });

  it("gives Kiali and Prometheus the settings of Istio's values files, in keys the kiali-server 2.27.0 chart reads", () => {
    const upstream = (file: string) => parse(fs.readFileSync(upstreamFile(`istio-1.31/addons/${file}`), "utf8"));
    const kiali = values(r, "kiali");
    const upstreamKiali = upstream("values-kiali.yaml");
    expect(kiali.deployment.network_policy).toEqual(upstreamKiali.deployment.network_policy);
    expect(kiali.deployment.image_pull_policy).toBe(upstreamKiali.deployment.image_pull_policy);
    expect(kiali.deployment.pod_labels).toEqual(upstreamKiali.deployment.pod_labels);
    // kiali/helm-charts v2.27.0 kiali-server/values.yaml: every top-level value but kiali_route_url
    // becomes Kiali's config (templates/configmap.yaml), so an unknown one reaches Kiali itself.
    const chartTopLevel = ["skipResources", "kiali_route_url", "additional_display_details", "auth", "chat_ai", "clustering", "deployment", "external_services", "identity", "kiali_feature_flags", "login_token", "server"];
    const chartDeployment = ["additional_pod_containers_yaml", "additional_pod_init_containers_yaml", "additional_service_yaml", "affinity", "cluster_wide_access", "configmap_annotations", "discovery_selectors", "custom_envs", "custom_secrets", "dns", "extra_labels", "host_aliases", "hpa", "image_digest", "image_name", "image_pull_policy", "image_pull_secrets", "image_version", "ingress", "instance_name", "logger", "network_policy", "node_selector", "pod_annotations", "pod_disruption_budget", "pod_labels", "priority_class_name", "probes", "remote_cluster_resources_only", "replicas", "resources", "secret_name", "security_context", "service_annotations", "service_type", "strategy", "tls_config", "tolerations", "topology_spread_constraints", "version_label", "view_only_mode"];
    expect(Object.keys(kiali).filter((k) => !chartTopLevel.includes(k))).toEqual([]);
    expect(Object.keys(kiali.deployment).filter((k) => !chartDeployment.includes(k))).toEqual([]);
    const upstreamPrometheus = upstream("values-prometheus.yaml").server;
    expect(values(r, "prometheus").server.readinessProbeInitialDelay).toBe(upstreamPrometheus.readinessProbeInitialDelay);
    expect(values(r, "grafana").datasources["datasources.yaml"].datasources[0].jsonData).toEqual({ timeInterval: upstream("values-grafana.yaml").datasources["datasources.yaml"].datasources[0].jsonData.timeInterval });
  });

  it("gives Grafana Istio's dashboards for the installed release and no anonymous admin", () => {
    const grafana = values(r, "grafana");
    expect(grafana["grafana.ini"]).toEqual({ "auth.anonymous": { enabled: false } });
    expect(Object.keys(grafana.dashboards.istio).sort()).toEqual(["istio-control-plane", "istio-mesh", "istio-performance", "istio-service", "istio-workload"]);
    expect(grafana.dashboards.istio["istio-mesh"].url).toBe(
      "https://raw.githubusercontent.com/istio/istio/1.31.1/manifests/addons/dashboards/istio-mesh-dashboard.gen.json",
    );
  });

  it("renders only objects the Kubernetes and Istio schemas accept", async () => {
    const objects = kubernetesObjects(r);
    expect(objects.length).toBeGreaterThan(5);
    for (const object of objects) await validateObject(object.inputs);
  });
});

describe("the egress gateway", () => {
  it("is installed only for a scenario that sends traffic through it: the gateway chart as istio-egressgateway, ClusterIP, after istiod", async () => {
    expect((await lab()).resources.some((x) => x.name === "HelmRelease/istio-system/istio-egressgateway")).toBe(false);
    const r = await renderStack({ "istio-lab:cluster": localCluster, "istio-lab:scenario": "egress-gateway", "istio-lab:verify": { gate: true, gatewayUrl: "http://127.0.0.1:8080" } });
    const egress = resource(r, release, "HelmRelease/istio-system/istio-egressgateway");
    expect(egress.inputs).toMatchObject({ name: "istio-egressgateway", chart: "gateway", version: "1.31.1", namespace: "istio-system", repositoryOpts: { repo: istioRepo } });
    expect(egress.dependsOn).toEqual(["HelmRelease/istio-system/istiod"]);
    // The chart's own defaults for the ports (values.yaml), and no way in from outside the cluster.
    expect((egress.inputs.values as Record<string, any>).service).toEqual({
      type: "ClusterIP",
      ports: [
        { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
        { name: "http2", port: 80, protocol: "TCP", targetPort: 80 },
        { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
      ],
    });
    // verify's first egress call needs the gateway's pods.
    expect(resource(r, "command:local:Command", "verify-run").dependsOn).toContain("HelmRelease/istio-system/istio-egressgateway");
  });
});

describe("mesh options", () => {
  it("takes the ingress NodePort from config, and none for a ClusterIP gateway", async () => {
    const custom = values(await lab({ ingress: { httpNodePort: 30080 } }), "istio-ingressgateway");
    expect(custom.service.ports).toContainEqual(expect.objectContaining({ name: "http2", nodePort: 30080 }));
    const internal = values(await lab({ ingress: { serviceType: "ClusterIP" } }), "istio-ingressgateway");
    expect(internal.service.type).toBe("ClusterIP");
    expect(internal.service.ports.every((p: Record<string, unknown>) => !("nodePort" in p))).toBe(true);
  });

  it("does not wait for a LoadBalancer address that bare VMs never get", async () => {
    const r = await lab({ ingress: { serviceType: "LoadBalancer" } });
    expect(resource(r, release, "HelmRelease/istio-system/istio-ingressgateway").inputs).toMatchObject({ skipAwait: true, atomic: false });
  });

  it("installs only the chosen addons, and tracing only with Jaeger", async () => {
    const r = await lab({ addons: ["prometheus", "kiali"] });
    expect(ofType(r, release).map((x) => x.name).sort()).toEqual([
      "HelmRelease/istio-system/istio-base",
      "HelmRelease/istio-system/istio-ingressgateway",
      "HelmRelease/istio-system/istiod",
      "HelmRelease/istio-system/kiali",
      "HelmRelease/istio-system/prometheus",
    ]);
    expect(ofType(r, "kubernetes:telemetry.istio.io/v1:Telemetry")).toEqual([]);
    expect(ofType(r, "kubernetes:apps/v1:Deployment").filter((d) => d.name.startsWith("Deployment/istio-system/"))).toEqual([]);
    expect(values(r, "kiali").external_services).toMatchObject({ grafana: { enabled: false }, tracing: { enabled: false } });
    expect(r.outputs.dashboards).toEqual({
      prometheus: { portForward: "kubectl -n istio-system port-forward --address 127.0.0.1 svc/prometheus 9090:9090", url: "http://127.0.0.1:9090" },
      kiali: { portForward: "kubectl -n istio-system port-forward --address 127.0.0.1 svc/kiali 20001:20001", url: "http://127.0.0.1:20001/kiali" },
    });
  });

  it("lets Kiali run anonymously only when asked", async () => {
    expect(values(await lab({ kiali: { auth: "anonymous" } }), "kiali").auth).toEqual({ strategy: "anonymous" });
  });

  it("publishes the dashboards on NodePorts when asked", async () => {
    const r = await lab({ dashboards: { serviceType: "NodePort" } });
    expect(values(r, "kiali").deployment.service_type).toBe("NodePort");
    expect(values(r, "grafana").service.type).toBe("NodePort");
    expect(values(r, "prometheus").server.service.type).toBe("NodePort");
    expect((resource(r, "kubernetes:core/v1:Service", "Service/istio-system/tracing").inputs.spec as any).type).toBe("NodePort");
  });

  it("points every image and chart at the mirror", async () => {
    const r = await lab({ chartRepository: "https://charts.mirror.example.com/lab" }, { imageRegistry: "mirror.example.com/lab" });
    for (const chart of ofType(r, release)) expect(chart.inputs.repositoryOpts).toEqual({ repo: "https://charts.mirror.example.com/lab" });
    const mesh = r.resources.filter((x) => x.name.includes("istio-system"));
    const text = JSON.stringify(mesh.map((x) => x.inputs));
    expect(text).not.toMatch(/docker\.io|quay\.io|ghcr\.io|registry\.istio\.io/);
    expect(values(r, "istiod").global.hub).toBe("mirror.example.com/lab");
    expect(values(r, "kiali").deployment).toMatchObject({ image_name: "mirror.example.com/lab/kiali", image_version: "v2.27" });
    expect(values(r, "grafana").image).toEqual({ registry: "mirror.example.com", repository: "lab/grafana", tag: "12.0.1" });
    expect(values(r, "prometheus").server.image).toEqual({ repository: "mirror.example.com/lab/prometheus", tag: "v3.10.0" });
    expect(values(r, "prometheus").configmapReload.prometheus.image).toEqual({ repository: "mirror.example.com/lab/prometheus-config-reloader", tag: "v0.89.0" });
    const jaeger = resource(r, "kubernetes:apps/v1:Deployment", "Deployment/istio-system/jaeger").inputs as any;
    expect(jaeger.spec.template.spec.containers[0].image).toBe("mirror.example.com/lab/jaeger:2.17.0");
  });

  it("pins the Istio charts to the configured release", async () => {
    const r = await lab({ istioVersion: "1.30.5" });
    for (const name of ["istio-base", "istiod", "istio-ingressgateway"]) {
      expect(resource(r, release, `HelmRelease/istio-system/${name}`).inputs.version).toBe("1.30.5");
    }
  });
});
