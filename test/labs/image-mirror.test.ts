// One mirror for every image (istio-lab:apps.imageRegistry): every image a lab on machines
// istio-lab builds would pull, read from everything the program registers (objects, Helm values,
// node commands and their stdin), comes from the mirror, and so does verify's own client.
import { describe, expect, it } from "vitest";
import { readStackFileForRender } from "../../tools/lib/stack-file";
import { renderConfig, type Rendered } from "../../tools/lib/mock-engine";
import { resolveTarget } from "../../tools/verify/stack";
import { parseVerifyArgs } from "../../tools/verify/args";

const mirror = "mirror.example.com/lab";
const upstreamRegistries = /\b(docker\.io|registry\.istio\.io|ghcr\.io|quay\.io|registry\.k8s\.io|gcr\.io|k8s\.gcr\.io)\//g;

async function mirroredDev(): Promise<Rendered> {
  const { config } = readStackFileForRender("Pulumi.dev.yaml");
  const apps = { ...JSON.parse(config.values["istio-lab:apps"] ?? "{}"), imageRegistry: mirror };
  return renderConfig({ ...config, values: { ...config.values, "istio-lab:apps": JSON.stringify(apps), "istio-lab:scenario": "mtls-strict" } });
}

describe("a vSphere lab with apps.imageRegistry", () => {
  it("names no upstream registry anywhere: objects, chart values, node commands and their stdin", async () => {
    const rendered = await mirroredDev();
    const text = JSON.stringify(rendered.resources.map((r) => r.inputs));
    expect([...new Set(text.match(upstreamRegistries) ?? [])]).toEqual([]);
  });

  it("pulls each kind of image through it: the nodes', kubeadm's, Flannel's, Istio's, the addons' and the samples'", async () => {
    const rendered = await mirroredDev();
    const text = JSON.stringify(rendered.resources.map((r) => r.inputs));
    const pulled = new Set([...text.matchAll(/mirror\.example\.com\/lab\/([a-z0-9._-]+):/g)].map((m) => m[1]));
    for (const image of ["flannel", "flannel-cni-plugin", "pilot", "proxyv2", "kiali", "prometheus", "prometheus-config-reloader", "grafana", "jaeger", "curl", "examples-bookinfo-productpage-v1"]) {
      expect(pulled, image).toContain(image);
    }
    // kubeadm's control plane, kube-proxy and CoreDNS, and the containerd sandbox image it names.
    expect(text).toContain(`imageRepository: ${mirror}`);
    expect(text).toContain(`IMAGE_REPOSITORY=${mirror} `);
    // Istio's own images come from its hub, the gateway's through istiod's injection template.
    const istiod = rendered.resources.find((r) => r.name === "HelmRelease/istio-system/istiod")!;
    expect((istiod.inputs.values as { global: { hub: string } }).global.hub).toBe(mirror);
  });

  it("tells npm run verify the mirror, whose plain-text mTLS client then comes from it", async () => {
    const rendered = await mirroredDev();
    expect(rendered.outputs.imageRegistry).toBe(mirror);
    const outputs = { scenario: "mtls-strict", appNamespace: "bookinfo", gatewayUrl: "http://192.168.56.11:31380", imageRegistry: mirror };
    const run = async (_cmd: string, args: readonly string[]) => (args.includes("output") ? JSON.stringify(outputs) : "{}");
    const target = await resolveTarget(parseVerifyArgs(["--stack", "dev"]), run as never, {});
    expect(target.plaintextImage).toBe(`${mirror}/curl:8.16.0`);
    const flagged = await resolveTarget(parseVerifyArgs(["--stack", "dev", "--plaintext-image", "other.example.com/curl:1"]), run as never, {});
    expect(flagged.plaintextImage).toBe("other.example.com/curl:1");
  });
});
