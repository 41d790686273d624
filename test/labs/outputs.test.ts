// A platform stack's outputs fit its lab: Bookinfo's page only where Bookinfo runs, the exposed
// httpbin paths with their Host header, logins only for installed addons, and the node-port URLs
// of NodePort dashboards, each at the node port its Service really has.
import { describe, expect, it } from "vitest";
import { ciphertext, localCluster, renderStack, resource, type Rendered } from "../harness";

const lab = (scenario: string, mesh: Record<string, unknown> = {}) => renderStack({ "istio-lab:cluster": localCluster, "istio-lab:scenario": scenario, "istio-lab:mesh": mesh });

describe("the outputs of a platform's own lab", () => {
  it("Bookinfo: the page's URL and its curl line", async () => {
    const { outputs } = await lab("route-jason-v2");
    expect(outputs.productPageUrl).toBe("http://127.0.0.1:8080/productpage");
    expect(outputs.curl).toEqual(["curl -s http://127.0.0.1:8080/productpage"]);
  });

  it("ingress-httpbin: no product page, the exposed paths with the Gateway's host", async () => {
    const { outputs } = await lab("ingress-httpbin");
    expect(outputs.productPageUrl).toBeUndefined();
    expect(outputs.curl).toEqual(["curl -s -H 'Host: httpbin.example.com' http://127.0.0.1:8080/status/200", "curl -s -H 'Host: httpbin.example.com' http://127.0.0.1:8080/delay/1"]);
  });

  it("jwt-routing: the request the route answers, with the token that carries group1", async () => {
    const { groupsToken } = await import("../../catalog/scenarios/jwt-samples");
    const { outputs } = await lab("jwt-routing");
    expect(outputs.curl).toEqual([`curl -s -H 'authorization: Bearer ${groupsToken}' http://127.0.0.1:8080/headers`]);
  });

  it("a scenario inside the mesh: neither", async () => {
    const { outputs } = await lab("mirroring");
    expect(outputs).not.toHaveProperty("productPageUrl");
    expect(outputs).not.toHaveProperty("curl");
  });

  it("logins and dashboards only for the addons installed", async () => {
    const { outputs } = await lab("bookinfo", { addons: ["prometheus"] });
    expect(Object.keys(outputs.dashboards as object)).toEqual(["prometheus"]);
    expect(outputs).not.toHaveProperty("kialiLogin");
    expect(outputs).not.toHaveProperty("grafanaLogin");
    const all = (await lab("bookinfo")).outputs;
    expect(all.kialiLogin).toBe("paste the token from: kubectl -n istio-system create token kiali");
    expect(all.grafanaLogin).toMatch(/^admin, password: kubectl -n istio-system get secret grafana/);
  });
});

describe("NodePort dashboards on machines istio-lab built", () => {
  const hosts = () =>
    renderStack({ "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" }, "istio-lab:mesh": { dashboards: { serviceType: "NodePort" } } });

  /** Each dashboard's node port as its chart or object will have it. */
  function installedNodePorts(r: Rendered): Record<string, number> {
    const values = (name: string) => resource(r, "kubernetes:helm.sh/v3:Release", `HelmRelease/istio-system/${name}`).inputs.values as any;
    const tracing = resource(r, "kubernetes:core/v1:Service", "Service/istio-system/tracing").inputs.spec as any;
    return {
      // kiali-server templates/service.yaml: nodePort from server.node_port when service_type is NodePort.
      kiali: values("kiali").deployment.service_type === "NodePort" ? values("kiali").server.node_port : undefined,
      prometheus: values("prometheus").server.service.nodePort,
      grafana: values("grafana").service.nodePort,
      jaeger: tracing.ports.find((p: { name: string }) => p.name === "http-query").nodePort,
    };
  }

  it("gives each dashboard's URL on the control plane at the node port its Service has", async () => {
    const r = await hosts();
    const ports = installedNodePorts(r);
    const dashboards = r.outputs.dashboards as Record<string, { url: string }>;
    for (const [addon, { url }] of Object.entries(dashboards)) {
      expect(url, addon).toMatch(new RegExp(`^http://192\\.168\\.56\\.11:${ports[addon]}(/|$)`));
    }
    expect(new Set(Object.values(ports)).size).toBe(4);
    expect(Object.values(ports).every((p) => p >= 30000 && p <= 32767 && p !== 31380)).toBe(true);
  });

  it("keeps the port-forward URLs where the dashboards stay ClusterIP", async () => {
    const r = await renderStack({ "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" } });
    expect((r.outputs.dashboards as Record<string, { url: string }>).kiali.url).toBe("http://127.0.0.1:20001/kiali");
  });
});
