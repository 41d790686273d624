// istio-lab:mesh (ingress, addons, dashboards) and istio-lab:apps (namespace, image registry).
import { describe, expect, it } from "vitest";
import { expectProblem, parse, build, problems } from "./build";

describe("mesh ingress", () => {
  it("refuses httpNodePort with a ClusterIP ingress", () => {
    expectProblem(
      problems("kubeconfig", { mesh: { ingress: { serviceType: "ClusterIP", httpNodePort: 30080 } } }),
      "istio-lab:mesh.ingress.httpNodePort",
      "needs ingress.serviceType NodePort or LoadBalancer",
      "a ClusterIP Service has no node port",
    );
  });

  it.each(["NodePort", "LoadBalancer"])("accepts httpNodePort with %s", (serviceType) => {
    expect(problems("kubeconfig", { mesh: { ingress: { serviceType, httpNodePort: 30080 } } })).toEqual([]);
  });

  it("accepts a ClusterIP ingress without a node port", () => {
    expect(problems("kubeconfig", { mesh: { ingress: { serviceType: "ClusterIP" } } })).toEqual([]);
  });

  it("refuses an unknown service type", () => {
    expectProblem(problems("kubeconfig", { mesh: { ingress: { serviceType: "ExternalName" } } }), "istio-lab:mesh.ingress.serviceType", 'must be one of "NodePort", "LoadBalancer", "ClusterIP"');
  });

  it("defaults to sidecar mode, NodePort, all addons, token Kiali, ClusterIP dashboards and no Gateway API CRDs", () => {
    expect(parse(build("kubeconfig")).mesh).toEqual({
      mode: "sidecar",
      istioVersion: "1.31.1",
      ingress: { serviceType: "NodePort", labDomain: "istio-lab.test" },
      addons: ["kiali", "prometheus", "grafana", "jaeger"],
      kiali: { auth: "token" },
      dashboards: { serviceType: "ClusterIP" },
      gatewayApi: false,
    });
  });
});

describe("Kiali and dashboards", () => {
  it("refuses anonymous Kiali on a NodePort", () => {
    expectProblem(
      problems("kubeconfig", { mesh: { kiali: { auth: "anonymous" }, dashboards: { serviceType: "NodePort" } } }),
      "istio-lab:mesh.kiali.auth",
      "anonymous Kiali must not be published on a NodePort",
      "use auth token or dashboards ClusterIP",
    );
  });

  it.each([
    ["anonymous", "ClusterIP"],
    ["token", "NodePort"],
    ["token", "ClusterIP"],
  ])("accepts %s Kiali with %s dashboards", (auth, serviceType) => {
    expect(problems("kubeconfig", { mesh: { kiali: { auth }, dashboards: { serviceType } } })).toEqual([]);
  });
});

describe("addons", () => {
  it("refuses an unknown addon, naming the known ones", () => {
    expectProblem(problems("kubeconfig", { mesh: { addons: ["kiali", "zipkin"] } }), "istio-lab:mesh.addons[1]", 'must be one of "kiali", "prometheus", "grafana", "jaeger"');
  });

  it("refuses an addon listed twice", () => {
    expectProblem(problems("kubeconfig", { mesh: { addons: ["kiali", "prometheus", "kiali"] } }), "istio-lab:mesh.addons", "lists an addon twice");
  });

  it.each([[["kiali", "prometheus"]], [[]], [["jaeger"]]])("accepts %j", (addons) => {
    expect(problems("kubeconfig", { mesh: { addons } })).toEqual([]);
  });

  it("refuses a chart repository that is not a URL", () => {
    expectProblem(problems("kubeconfig", { mesh: { chartRepository: "charts.example.com" } }), "istio-lab:mesh.chartRepository", "must be a chart repository URL");
  });

  it("accepts a chart repository URL", () => {
    expect(problems("kubeconfig", { mesh: { chartRepository: "https://charts.example.com/istio" } })).toEqual([]);
  });
});

describe("apps namespace", () => {
  it.each(["default", "istio-system", "istio-ingress", "kube-system", "kube-public", "kube-node-lease", "kube-flannel"])("refuses the reserved namespace %s", (namespace) => {
    expectProblem(problems("kubeconfig", { apps: { namespace } }), "istio-lab:apps.namespace", "must be a namespace of its own, not one of default, istio-system");
  });

  it.each(["Bookinfo", "book_info", "-apps"])("refuses %j, not a DNS-1123 label", (namespace) => {
    expectProblem(problems("kubeconfig", { apps: { namespace } }), "istio-lab:apps.namespace", "must be a DNS-1123 label");
  });

  it.each(["bookinfo", "lab-apps", "istio-lab"])("accepts %s", (namespace) => {
    expect(parse(build("kubeconfig", { apps: { namespace } })).apps.namespace).toBe(namespace);
  });
});

describe("apps image registry", () => {
  it.each(["https://mirror.example.com", "Mirror.example.com", "mirror.example.com/", "mirror example.com", "mirror.example.com:port", "-mirror.example.com"])(
    "refuses %j",
    (imageRegistry) => {
      expectProblem(problems("kubeconfig", { apps: { imageRegistry } }), "istio-lab:apps.imageRegistry", "must be a registry host and optional path", "without https://");
    },
  );

  it.each(["mirror.example.com:5000/lab", "registry.local", "localhost:5000", "docker.io/istio", "registry.cn-hangzhou.aliyuncs.com/istio_lab"])("accepts %j", (imageRegistry) => {
    expect(problems("kubeconfig", { apps: { imageRegistry } })).toEqual([]);
  });
});
