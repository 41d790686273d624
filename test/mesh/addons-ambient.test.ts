// Kiali, Prometheus, Grafana and Jaeger in ambient mode, held to Istio 1.31's own addon manifests
// (samples/addons, rendered by manifests/addons/gen.sh from the charts and values istio-lab pins) and
// the ztunnel chart's values: Prometheus keeps the chart's scrape jobs, whose kubernetes-pods job
// takes ztunnel by the annotations its chart gives it; Grafana adds the ztunnel dashboard upstream
// ships; Kiali, which needs no setting of its own, starts after ztunnel; the mesh-wide Telemetry that
// sends spans to Jaeger reaches waypoints.
import * as fs from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ambientDashboards, istioDashboards } from "../../components/mesh/addons/grafana";
import { jaegerCollector } from "../../components/mesh/addons/endpoints";
import { renderStack, resource, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";

const release = "kubernetes:helm.sh/v3:Release";
const releaseOf = (r: Rendered, name: string) => resource(r, release, `HelmRelease/istio-system/${name}`);
const valuesOf = (r: Rendered, name: string) => releaseOf(r, name).inputs.values as Record<string, any>;
const render = (mode: "sidecar" | "ambient") => renderStack({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode } });

const text = (file: string) => fs.readFileSync(upstreamFile(`istio-1.31/${file}`), "utf8");
/** The objects of a samples/addons manifest. */
const manifest = (name: string) => parseAllDocuments(text(`samples/addons/${name}.yaml`)).map((d) => d.toJS() as Record<string, any>).filter(Boolean);
const ztunnelChartValues = () => (parse(text("charts/ztunnel/values.yaml")) as Record<string, any>)._internal_defaults_do_not_set;

type Labels = Record<string, string>;
interface RelabelRule {
  action?: string;
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
}

/**
 * Prometheus's relabelling as its documentation defines it (configuration, <relabel_config>):
 * source labels joined by `;`, the regex anchored at both ends, `replacement` `$1` by default; keep,
 * drop, replace and labelmap, the actions samples/addons/prometheus.yaml's jobs use. Returns the
 * target's labels, or undefined when a rule drops it.
 */
function relabel(meta: Labels, rules: RelabelRule[]): Labels | undefined {
  let labels: Labels = { ...meta };
  for (const rule of rules) {
    const action = rule.action ?? "replace";
    const regex = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
    const value = (rule.source_labels ?? []).map((l) => labels[l] ?? "").join(rule.separator ?? ";");
    const replacement = (rule.replacement ?? "$1").replace(/\$\{?(\d+)\}?/g, "$$$1");
    if (action === "keep" && !regex.test(value)) return undefined;
    if (action === "drop" && regex.test(value)) return undefined;
    if (action === "replace" && regex.test(value)) {
      const result = value.replace(regex, replacement);
      if (result === "") delete labels[rule.target_label!];
      else labels[rule.target_label!] = result;
    }
    if (action === "labelmap") {
      const mapped: Labels = {};
      for (const [name, v] of Object.entries(labels)) if (regex.test(name)) mapped[name.replace(regex, replacement)] = v;
      labels = { ...labels, ...mapped };
    }
  }
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__meta_")));
}

/** A pod as Prometheus's pod discovery describes it (kubernetes_sd_config, role pod). */
function podMeta(pod: { name: string; namespace: string; ip: string; labels: Labels; annotations: Labels }): Labels {
  const clean = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, "_");
  return {
    __address__: `${pod.ip}:80`,
    __metrics_path__: "/metrics",
    __scheme__: "http",
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_phase: "Running",
    __meta_kubernetes_pod_node_name: "node-1",
    ...Object.fromEntries(Object.entries(pod.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${clean(k)}`, v])),
    ...Object.fromEntries(Object.entries(pod.annotations).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${clean(k)}`, v])),
  };
}

describe("Prometheus in ambient mode", () => {
  let ambient: Rendered;
  beforeAll(async () => {
    ambient = await render("ambient");
  });

  it("keeps the chart's scrape jobs: every value istio-lab gives is one Istio's values-prometheus.yaml gives", () => {
    const upstream = parse(text("addons/values-prometheus.yaml")) as Record<string, any>;
    const lab = valuesOf(ambient, "prometheus");
    expect(Object.keys(lab).filter((k) => !(k in upstream))).toEqual([]);
    expect(Object.keys(lab.server).filter((k) => !(k in upstream.server))).toEqual([]);
  });

  it("scrapes each ztunnel on its chart's metrics port through the kubernetes-pods job, labelled as the ztunnel dashboard selects it", () => {
    // The lab leaves ztunnel's pod annotations to its chart (charts/ztunnel/values.yaml podAnnotations).
    expect(valuesOf(ambient, "ztunnel")).not.toHaveProperty("podAnnotations");
    const annotations = ztunnelChartValues().podAnnotations as Labels;
    const config = manifest("prometheus").find((o) => o.kind === "ConfigMap" && o.metadata.name === "prometheus")!;
    const jobs = (parse(config.data["prometheus.yml"]) as { scrape_configs: { job_name: string; relabel_configs?: RelabelRule[] }[] }).scrape_configs;
    // The DaemonSet's name and its pods' `app: ztunnel` label are the chart template's
    // (charts/ztunnel/templates/daemonset.yaml, not among the stored files).
    const pod = podMeta({ name: "ztunnel-x7k2p", namespace: "istio-system", ip: "10.244.1.7", labels: { app: "ztunnel" }, annotations });
    const targets = jobs.map((job) => [job.job_name, relabel(pod, job.relabel_configs ?? [])] as const).filter(([, t]) => t !== undefined);
    expect(targets.map(([job]) => job)).toContain("kubernetes-pods");
    const target = targets.find(([job]) => job === "kubernetes-pods")![1]!;
    expect(target.__address__).toBe(`10.244.1.7:${annotations["prometheus.io/port"]}`);
    // The dashboard Grafana installs in ambient selects ztunnel's series by these labels.
    const dashboard = grafanaDashboards().get("ztunnel-dashboard.json")!;
    const matchers = [...dashboard.matchAll(/\b(pod|app)(=~?)\\?"([^"\\]+)\\?"/g)].map(([, label, op, value]) => ({ label, op, value }));
    expect(matchers.length).toBeGreaterThan(0);
    for (const { label, op, value } of matchers) {
      expect(op === "=" ? target[label] === value : new RegExp(`^(?:${value})$`).test(target[label] ?? ""), `${label}${op}"${value}"`).toBe(true);
    }
  });
});

/** Istio's dashboards as samples/addons/grafana.yaml ships them: each ConfigMap key and its JSON. */
function grafanaDashboards(): Map<string, string> {
  const maps = manifest("grafana").filter((o) => o.kind === "ConfigMap" && /grafana-dashboards$/.test(o.metadata.name));
  return new Map(maps.flatMap((m) => Object.entries(m.data as Labels)));
}

/** The ConfigMap key gen.sh gives a dashboard file (manifests/addons/gen.sh: `pilot-dashboard.json=...pilot-dashboard.gen.json`). */
const configMapKey = (file: string) => file.replace(/\.gen\.json$/, ".json");

describe("Grafana in ambient mode", () => {
  it("adds Istio's ztunnel dashboard, which samples/addons/grafana.yaml ships, to the sidecar mode's; only the WASM extension dashboard stays out", async () => {
    const [sidecar, ambient] = [await render("sidecar"), await render("ambient")];
    const files = (r: Rendered) => Object.values(valuesOf(r, "grafana").dashboards.istio as Record<string, { url: string }>).map((d) => d.url.split("/").pop()!);
    const upstream = [...grafanaDashboards().keys()].sort();
    expect(files(ambient).map(configMapKey).every((k) => upstream.includes(k))).toBe(true);
    expect(upstream.filter((k) => !files(ambient).map(configMapKey).includes(k))).toEqual(["istio-extension-dashboard.json"]);
    expect(files(sidecar).sort()).toEqual(Object.values(istioDashboards).sort());
    expect(files(ambient).filter((f) => !files(sidecar).includes(f))).toEqual(Object.values(ambientDashboards));
    expect(JSON.parse(grafanaDashboards().get("ztunnel-dashboard.json")!).title).toBe("Istio Ztunnel Dashboard");
    expect(valuesOf(ambient, "grafana").dashboards.istio["istio-ztunnel"]).toEqual({
      url: "https://raw.githubusercontent.com/istio/istio/1.31.1/manifests/addons/dashboards/ztunnel-dashboard.gen.json",
      datasource: "Prometheus",
    });
  });
});

describe("Kiali in ambient mode", () => {
  it("starts after ztunnel, so its first ambient check finds the DaemonSet; in sidecar mode after istiod as before", async () => {
    expect(releaseOf(await render("ambient"), "kiali").dependsOn).toEqual(["HelmRelease/istio-system/ztunnel"]);
    expect(releaseOf(await render("sidecar"), "kiali").dependsOn).toEqual(["HelmRelease/istio-system/istiod"]);
  });

  it("needs no setting of its own: samples/addons/kiali.yaml has none, its ClusterRole reads DaemonSets and waypoints everywhere, and it sees every namespace", async () => {
    const objects = manifest("kiali");
    const config = parse(objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "kiali")!.data["config.yaml"]) as Record<string, any>;
    expect(JSON.stringify(config)).not.toMatch(/ambient|ztunnel|waypoint/i);
    const rules = objects.find((o) => o.kind === "ClusterRole" && o.metadata.name === "kiali")!.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const grants = (group: string, resource: string, verb: string) => rules.some((r) => r.apiGroups.includes(group) && (r.resources.includes(resource) || r.resources.includes("*")) && r.verbs.includes(verb));
    for (const verb of ["list", "watch"]) {
      expect(grants("apps", "daemonsets", verb)).toBe(true);
      expect(grants("gateway.networking.k8s.io", "gateways", verb)).toBe(true);
    }
    const lab = valuesOf(await render("ambient"), "kiali");
    expect(lab.deployment.cluster_wide_access).toBe(config.deployment.cluster_wide_access);
    expect(JSON.stringify(lab)).not.toMatch(/ambient|ztunnel|waypoint/i);
  });
});

describe("Jaeger in ambient mode", () => {
  it("gets the waypoints' spans: the Telemetry is mesh-wide (the root namespace, no selector or targetRefs) and names the provider istiod's ambient mesh config defines", async () => {
    const ambient = await render("ambient");
    const telemetry = resource(ambient, "kubernetes:telemetry.istio.io/v1:Telemetry", "Telemetry/istio-system/mesh-default").inputs as Record<string, any>;
    // istiod's root namespace is its own unless meshConfig.rootNamespace says otherwise (charts/istio-control/istio-discovery/values.yaml).
    const istiod = valuesOf(ambient, "istiod");
    expect(istiod.meshConfig).not.toHaveProperty("rootNamespace");
    expect(telemetry.metadata.namespace).toBe((parse(text("charts/istio-control/istio-discovery/values.yaml")) as any)._internal_defaults_do_not_set.global.istioNamespace);
    expect(telemetry.spec).not.toHaveProperty("selector");
    expect(telemetry.spec).not.toHaveProperty("targetRefs");
    const providers = (telemetry.spec.tracing as { providers: { name: string }[] }[]).flatMap((t) => t.providers.map((p) => p.name));
    const defined = istiod.meshConfig.extensionProviders as { name: string; opentelemetry: { service: string; port: number } }[];
    for (const name of providers) expect(defined.find((p) => p.name === name)?.opentelemetry).toEqual({ service: jaegerCollector.host, port: jaegerCollector.otlpGrpcPort });
    const collector = resource(ambient, "kubernetes:core/v1:Service", "Service/istio-system/jaeger-collector").inputs.spec as { ports: { port: number }[] };
    expect(collector.ports.map((p) => p.port)).toContain(jaegerCollector.otlpGrpcPort);
  });
});
