// The Workloads layer under the mock engine: exactly the applications each scenario needs, shaped
// as upstream's samples (research/istio.md sections 2 and 5), on the lab's image mirror if any.
import { describe, expect, it } from "vitest";
import { resource, type Rendered } from "../harness";
import { validateObject } from "../validate";
import { objectsOf, renderScenario, workloadObjects } from "../scenarios/render-scenario";

const bookinfoObjects = [
  "Deployment/details-v1",
  "Deployment/productpage-v1",
  "Deployment/ratings-v1",
  "Deployment/reviews-v1",
  "Deployment/reviews-v2",
  "Deployment/reviews-v3",
  "Service/details",
  "Service/productpage",
  "Service/ratings",
  "Service/reviews",
  "ServiceAccount/bookinfo-details",
  "ServiceAccount/bookinfo-productpage",
  "ServiceAccount/bookinfo-ratings",
  "ServiceAccount/bookinfo-reviews",
];
const curlObjects = ["Deployment/curl", "Service/curl", "ServiceAccount/curl"];
// One version alone is upstream's `httpbin` (catalog/apps/clients.ts).
const httpbinV1 = ["Deployment/httpbin", "Service/httpbin", "ServiceAccount/httpbin"];

const inputs = (r: Rendered, kind: string, name: string) => {
  const type = { Deployment: "kubernetes:apps/v1:Deployment", Service: "kubernetes:core/v1:Service", ServiceAccount: "kubernetes:core/v1:ServiceAccount" }[kind]!;
  return resource(r, type, `${kind}/bookinfo/${name}`).inputs as Record<string, any>;
};

describe("the workloads of each scenario", () => {
  it.each([
    ["bookinfo", bookinfoObjects],
    ["route-jason-v2", bookinfoObjects],
    ["mtls-strict", bookinfoObjects],
    ["sticky-sessions", [...bookinfoObjects, ...curlObjects].sort()],
    ["retries", [...httpbinV1, ...curlObjects].sort()],
    ["mirroring", ["Deployment/httpbin-v1", "Deployment/httpbin-v2", "Service/httpbin", "ServiceAccount/httpbin", ...curlObjects].sort()],
    ["circuit-breaking", [...httpbinV1, "Deployment/fortio-deploy", "Service/fortio"].sort()],
    ["ingress-httpbin", httpbinV1],
  ])("%s deploys exactly what it needs", async (scenario, expected) => {
    const r = await renderScenario(scenario);
    expect(workloadObjects(r)).toEqual(expected);
    for (const object of objectsOf(r, "workloads")) {
      expect(object.inputs.metadata).toMatchObject({ namespace: "bookinfo" });
      await validateObject(object.inputs);
    }
  });
});

describe("Bookinfo", () => {
  it("has one Service per app on 9080 named http, selecting the app", async () => {
    const r = await renderScenario("bookinfo");
    for (const app of ["details", "ratings", "reviews", "productpage"]) {
      expect(inputs(r, "Service", app)).toMatchObject({
        metadata: { name: app, namespace: "bookinfo", labels: { app, service: app } },
        spec: { selector: { app }, ports: [{ name: "http", port: 9080 }] },
      });
      expect(inputs(r, "Service", app).spec.ports[0].targetPort).toBeUndefined();
      expect(inputs(r, "ServiceAccount", `bookinfo-${app}`).metadata).toEqual({ name: `bookinfo-${app}`, namespace: "bookinfo", labels: { account: app } });
    }
  });

  it.each([
    ["details", "v1"],
    ["ratings", "v1"],
    ["reviews", "v1"],
    ["reviews", "v2"],
    ["reviews", "v3"],
    ["productpage", "v1"],
  ])("%s %s carries app and version labels and the upstream image", async (app, version) => {
    const r = await renderScenario("bookinfo");
    const d = inputs(r, "Deployment", `${app}-${version}`);
    const labels = { app, version };
    expect(d.metadata.labels).toEqual(labels);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector.matchLabels).toEqual(labels);
    expect(d.spec.template.metadata.labels).toEqual(labels);
    expect(d.spec.template.spec.serviceAccountName).toBe(`bookinfo-${app}`);
    const [container] = d.spec.template.spec.containers;
    expect(container).toMatchObject({
      name: app,
      image: `registry.istio.io/release/examples-bookinfo-${app}-${version}:1.20.3`,
      imagePullPolicy: "IfNotPresent",
      ports: [{ containerPort: 9080 }],
    });
    expect(resource(r, "kubernetes:apps/v1:Deployment", `Deployment/bookinfo/${app}-${version}`).dependsOn).toEqual([`ServiceAccount/bookinfo/bookinfo-${app}`]);
  });

  it("gives reviews LOG_DIR and its two scratch volumes", async () => {
    const r = await renderScenario("bookinfo");
    for (const version of ["v1", "v2", "v3"]) {
      const pod = inputs(r, "Deployment", `reviews-${version}`).spec.template.spec;
      expect(pod.containers[0].env).toEqual([{ name: "LOG_DIR", value: "/tmp/logs" }]);
      expect(pod.containers[0].volumeMounts).toEqual([
        { name: "tmp", mountPath: "/tmp" },
        { name: "wlp-output", mountPath: "/opt/ibm/wlp/output" },
      ]);
      expect(pod.volumes).toEqual([
        { name: "tmp", emptyDir: {} },
        { name: "wlp-output", emptyDir: {} },
      ]);
    }
  });

  it("gives productpage its scratch /tmp and the Prometheus scrape annotations", async () => {
    const r = await renderScenario("bookinfo");
    const template = inputs(r, "Deployment", "productpage-v1").spec.template;
    expect(template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9080", "prometheus.io/path": "/metrics" });
    expect(template.spec.containers[0].volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(template.spec.volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
    expect(template.spec.containers[0].env).toBeUndefined();
    expect(inputs(r, "Deployment", "details-v1").spec.template.spec.volumes).toBeUndefined();
  });
});

describe("httpbin, curl and fortio", () => {
  it("runs go-httpbin v1 and v2 on 8080 behind Service port 8000", async () => {
    const r = await renderScenario("mirroring");
    expect(inputs(r, "Service", "httpbin").spec).toEqual({ selector: { app: "httpbin" }, ports: [{ name: "http", port: 8000, targetPort: 8080 }] });
    for (const version of ["v1", "v2"]) {
      const d = inputs(r, "Deployment", `httpbin-${version}`);
      expect(d.spec.template.metadata.labels).toEqual({ app: "httpbin", version });
      expect(d.spec.template.spec.serviceAccountName).toBe("httpbin");
      expect(d.spec.template.spec.containers).toEqual([
        { name: "httpbin", image: "docker.io/mccutchen/go-httpbin:v2.15.0", imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 8080 }] },
      ]);
    }
  });

  it("runs curl as upstream's samples/curl: sleeping, unversioned, with its optional secret", async () => {
    const r = await renderScenario("mirroring");
    const d = inputs(r, "Deployment", "curl");
    expect(d.spec.selector.matchLabels).toEqual({ app: "curl" });
    expect(d.spec.template.spec).toEqual({
      serviceAccountName: "curl",
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: "curl",
          image: "docker.io/curlimages/curl:8.16.0",
          imagePullPolicy: "IfNotPresent",
          command: ["/bin/sleep", "infinity"],
          volumeMounts: [{ name: "secret-volume", mountPath: "/etc/curl/tls" }],
        },
      ],
      volumes: [{ name: "secret-volume", secret: { secretName: "curl-secret", optional: true } }],
    });
    expect(inputs(r, "Service", "curl").spec.ports).toEqual([{ name: "http", port: 80 }]);
  });

  it("runs fortio on the default account, pulling Always, with the proxy stats it reads", async () => {
    const r = await renderScenario("circuit-breaking");
    const d = inputs(r, "Deployment", "fortio-deploy");
    expect(d.spec.template.spec.serviceAccountName).toBeUndefined();
    expect(d.spec.template.metadata.labels).toEqual({ app: "fortio" });
    expect(d.spec.template.metadata.annotations["proxy.istio.io/config"]).toContain('- "cluster.outbound"');
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      image: "docker.io/fortio/fortio:latest_release",
      imagePullPolicy: "Always",
      ports: [
        { containerPort: 8080, name: "http-fortio" },
        { containerPort: 8079, name: "grpc-ping" },
      ],
    });
    expect(inputs(r, "Service", "fortio").spec).toEqual({ selector: { app: "fortio" }, ports: [{ name: "http", port: 8080 }] });
    expect(resource(r, "kubernetes:apps/v1:Deployment", "Deployment/bookinfo/fortio-deploy").dependsOn).toEqual([]);
  });
});

describe("an image mirror", () => {
  it("rewrites every sample image to istio-lab:apps.imageRegistry, keeping name and tag", async () => {
    const registry = "mirror.example.com:5000/lab";
    const images = async (scenario: string) => {
      const r = await renderScenario(scenario, undefined, { "istio-lab:apps": { imageRegistry: registry } });
      return objectsOf(r, "workloads")
        .filter((o) => o.inputs.kind === "Deployment")
        .map((o) => (o.inputs as any).spec.template.spec.containers[0].image as string);
    };
    expect((await images("bookinfo")).sort()).toEqual(
      ["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"].map((n) => `${registry}/examples-bookinfo-${n}:1.20.3`),
    );
    expect((await images("mirroring")).sort()).toEqual([`${registry}/curl:8.16.0`, `${registry}/go-httpbin:v2.15.0`, `${registry}/go-httpbin:v2.15.0`]);
    expect(await images("circuit-breaking")).toContain(`${registry}/fortio:latest_release`);
  });
});

describe("another app namespace", () => {
  it("puts every workload and Istio object in it", async () => {
    const r = await renderScenario("mirroring", undefined, { "istio-lab:apps": { namespace: "mesh-lab" } });
    const objects = [...objectsOf(r, "workloads"), ...objectsOf(r, "scenario")];
    expect(objects.length).toBe(9);
    for (const object of objects) expect((object.inputs.metadata as { namespace: string }).namespace).toBe("mesh-lab");
  });

  it("names the logical resources after it", async () => {
    const rendered = await renderScenario("mirroring", undefined, { "istio-lab:apps": { namespace: "mesh-lab" } });
    const r = { ...rendered, resources: [...objectsOf(rendered, "workloads"), ...objectsOf(rendered, "scenario")] };
    expect(r.resources.filter((x) => x.type.startsWith("kubernetes:")).map((x) => x.name).sort()).toEqual([
      "Deployment/mesh-lab/curl",
      "Deployment/mesh-lab/httpbin-v1",
      "Deployment/mesh-lab/httpbin-v2",
      "DestinationRule/mesh-lab/httpbin",
      "Service/mesh-lab/curl",
      "Service/mesh-lab/httpbin",
      "ServiceAccount/mesh-lab/curl",
      "ServiceAccount/mesh-lab/httpbin",
      "VirtualService/mesh-lab/httpbin",
    ]);
  });
});
