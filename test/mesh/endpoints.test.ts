// Where each addon answers is written once (components/mesh/addons/endpoints.ts); these tests read
// the rendered objects and outputs, not that table, so a port changed in one place only is caught.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderFile, resource, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";

const release = (r: Rendered, name: string) => resource(r, "kubernetes:helm.sh/v3:Release", `HelmRelease/istio-system/${name}`).inputs.values as any;
const service = (r: Rendered, name: string) => resource(r, "kubernetes:core/v1:Service", `Service/istio-system/${name}`).inputs as any;

/** Each addon's Service as installed: its name and ports, read from the chart values or the object. */
function installedServices(r: Rendered): Record<string, number[]> {
  const kiali = release(r, "kiali");
  const prometheus = release(r, "prometheus");
  const grafana = release(r, "grafana");
  const tracing = service(r, "tracing");
  return {
    // kiali-server names its Service deployment.instance_name and listens on server.port, 20001
    // unless set (its values.yaml).
    [kiali.deployment.instance_name]: [kiali.server?.port ?? 20001],
    [prometheus.server.fullnameOverride]: [prometheus.server.service.servicePort],
    // The grafana chart names its Service after the release.
    grafana: [grafana.service.port],
    [tracing.metadata.name]: tracing.spec.ports.map((p: { port: number }) => p.port),
  };
}

describe("addon endpoints agree across values, objects and outputs", () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await renderFile("Pulumi.local.yaml");
  });

  it("every dashboard port-forward reaches a port of a Service the mesh installs", () => {
    const services = installedServices(r);
    const dashboards = r.outputs.dashboards as Record<string, { portForward: string; url: string }>;
    expect(Object.keys(dashboards).sort()).toEqual(["grafana", "jaeger", "kiali", "prometheus"]);
    for (const [addon, { portForward, url }] of Object.entries(dashboards)) {
      const [, svc, local, remote] = /svc\/(\S+) (\d+):(\d+)$/.exec(portForward)!;
      expect(services[svc], `${addon}: ${portForward}`).toContain(Number(remote));
      expect(url, addon).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${local}(/|$)`));
    }
  });

  it("Grafana's Prometheus data source names the Prometheus Service and its port", () => {
    const [source] = release(r, "grafana").datasources["datasources.yaml"].datasources;
    const prometheus = release(r, "prometheus").server;
    expect(source.url).toBe(`http://${prometheus.fullnameOverride}:${prometheus.service.servicePort}`);
  });

  it("Kiali reads Prometheus, Grafana and Jaeger at ports their Services have; traces over gRPC at the gRPC port", () => {
    const services = installedServices(r);
    const external = release(r, "kiali").external_services;
    const port = (url: string) => {
      const [, host, p] = /^http:\/\/([^.:/]+)[^:]*:(\d+)/.exec(url)!;
      return { host, port: Number(p) };
    };
    for (const url of [external.prometheus.url, external.grafana.internal_url, external.tracing.internal_url]) {
      const { host, port: p } = port(url);
      expect(services[host], url).toContain(p);
    }
    const grpc = service(r, "tracing").spec.ports.find((p: { name: string }) => p.name === "grpc-query");
    expect(external.tracing.use_grpc).toBe(true);
    expect(port(external.tracing.internal_url).port).toBe(grpc.port);
  });

  it("istiod sends spans to a port of the Jaeger collector's Service", () => {
    const [provider] = release(r, "istiod").meshConfig.extensionProviders;
    const collector = service(r, "jaeger-collector");
    expect(provider.opentelemetry.service).toBe(`${collector.metadata.name}.istio-system.svc.cluster.local`);
    expect(collector.spec.ports.map((p: { port: number }) => p.port)).toContain(provider.opentelemetry.port);
  });
});

describe("Grafana's Prometheus data source as Istio's addon values set it", () => {
  it("queries at the 15 s step Prometheus scrapes at (manifests/addons/values-grafana.yaml), so no panel shows gaps", async () => {
    const upstream = parse(fs.readFileSync(upstreamFile("istio-1.31/addons/values-grafana.yaml"), "utf8")) as any;
    const theirs = upstream.datasources["datasources.yaml"].datasources.find((d: { type: string }) => d.type === "prometheus");
    const rendered = await renderFile("Pulumi.local.yaml");
    const ours = release(rendered, "grafana").datasources["datasources.yaml"].datasources.find((d: { type: string }) => d.type === "prometheus");
    expect(ours.jsonData.timeInterval).toBe(theirs.jsonData.timeInterval);
    expect(ours.url).toBe(theirs.url);
    expect(release(rendered, "prometheus").server.global.scrape_interval).toBe(theirs.jsonData.timeInterval);
  });
});
