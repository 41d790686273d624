// The pull request's offline render diff: two folders of `npm run render -- --json` documents in,
// a pulumi-preview-like summary out, by the harness's replace rules.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderDiff } from "../../tools/render-diff";
import { renderStack, type Rendered } from "../harness";

const local = { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" } };

/** A folder of renders as the JSON contract writes them (npm run render -- --json). */
function folder(renders: Record<string, Rendered>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-diff-"));
  for (const [stack, r] of Object.entries(renders)) {
    const resources = r.resources.map(({ type, name, parent, dependsOn, inputs, options, provider }) => ({ type, name, parent, dependsOn, inputs, options, provider }));
    fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify({ stack, resources }));
  }
  return dir;
}

describe("npm run render-diff", () => {
  it("counts what each stack would create, update, replace and delete, and lists each change", async () => {
    const bookinfo = await renderStack({ ...local, "istio-lab:scenario": "bookinfo" });
    const mirroring = await renderStack({ ...local, "istio-lab:scenario": "mirroring" });
    const otherRegistry = await renderStack({ ...local, "istio-lab:scenario": "bookinfo", "istio-lab:apps": { imageRegistry: "mirror.example.com/lab" } });
    const summary = renderDiff(folder({ local: bookinfo, same: bookinfo, gone: bookinfo, mirrored: bookinfo }), folder({ local: mirroring, same: bookinfo, added: bookinfo, mirrored: otherRegistry }));
    const rows = Object.fromEntries(
      summary
        .split("\n")
        .filter((l) => /^\| [a-z]/.test(l) && !l.startsWith("| stack"))
        .map((l) => l.split("|").map((c) => c.trim()).slice(1, 6))
        .map(([stack, ...counts]) => [stack, counts.map(Number)]),
    );
    const total = bookinfo.resources.length;
    expect(rows.same).toEqual([0, 0, 0, 0]);
    expect(rows.added).toEqual([total, 0, 0, 0]);
    expect(rows.gone).toEqual([0, 0, 0, total]);
    // A scenario switch replaces nothing; a new mirror updates images in place.
    expect(rows.local[2]).toBe(0);
    expect(rows.local[0] + rows.local[3]).toBeGreaterThan(0);
    expect(rows.mirrored[2]).toBe(0);
    expect(summary).toContain("- delete `kubernetes:apps/v1:Deployment` Deployment/bookinfo/reviews-v1");
    expect(summary).toMatch(/- update `kubernetes:apps\/v1:Deployment` Deployment\/bookinfo\/details-v1: spec\.template\.spec\.containers\[0\]\.image/);
    expect(summary).not.toContain("### same");
    // The switched (and the new) stack's scenario drawn as the head deploys it; no drawing where
    // only images changed, nor for a stack that is gone.
    expect([...summary.matchAll(/Traffic of (\w+) after this change/g)].map((m) => m[1])).toEqual(["added", "local"]);
    expect(summary.split("```mermaid").length - 1).toBe(2);
    expect(summary).toContain("Traffic of local after this change:\n\n```mermaid\nflowchart LR\n");
    // Without the stack's config, the render names no client: the mirror is drawn from the Service's in-mesh callers.
    expect(summary).toContain('cl_httpbin(["in-mesh clients of httpbin"])');
    expect(summary).toContain('cl_httpbin -.->|"mirror 100%"| wl_httpbin_v2');
  });

  it("draws a switch to the Gateway API form from its HTTPRoutes", async () => {
    const istio = await renderStack({ ...local, "istio-lab:scenario": "shift-90-10" });
    const gatewayApi = await renderStack({ ...local, "istio-lab:scenario": "shift-90-10", "istio-lab:scenarioOptions": { api: "gateway-api" } });
    const summary = renderDiff(folder({ local: istio }), folder({ local: gatewayApi }));
    expect(summary).toContain("- create `kubernetes:gateway.networking.k8s.io/v1:HTTPRoute` HTTPRoute/bookinfo/reviews");
    // productpage's call to reviews, split by the HTTPRoute whose parent is the reviews Service.
    expect(summary).toContain('wl_productpage_v1 -->|"90%"| wl_reviews_v1');
    expect(summary).toContain('wl_productpage_v1 -->|"10%"| wl_reviews_v2');
  });

  it("shows a replacement with the paths that force it", async () => {
    const before = await renderStack(local);
    const after = structuredClone(before);
    const details = after.resources.find((r) => r.name === "Deployment/bookinfo/details-v1")!;
    (details.inputs.metadata as { name: string }).name = "details-v9";
    const summary = renderDiff(folder({ local: before }), folder({ local: after }));
    expect(summary).toContain("| local | 0 | 0 | 1 | 0 |");
    expect(summary).toContain("- replace `kubernetes:apps/v1:Deployment` Deployment/bookinfo/details-v1 (metadata.name; deleted first)");
  });
});

describe("npm run render-diff on shipped stack files", () => {
  it("shows a node's new address on the dev stack as its VM replaced, deleted first, and the steps on it run again", async () => {
    const { readStackFileForRender } = await import("../../tools/lib/stack-file");
    const { renderConfig } = await import("../../tools/lib/mock-engine");
    const { config } = readStackFileForRender(path.resolve(__dirname, "../../Pulumi.dev.yaml"));
    const cluster = JSON.parse(config.values["istio-lab:cluster"]) as { nodes?: { name: string; ip: string; role: string }[] };
    const nodes = (cluster.nodes ?? [
      { name: "linux-node1", ip: "192.168.56.11", role: "control-plane" },
      { name: "linux-node2", ip: "192.168.56.12", role: "worker" },
      { name: "linux-node3", ip: "192.168.56.13", role: "worker" },
    ]).map((n) => (n.name === "linux-node3" ? { ...n, ip: "192.168.56.23" } : n));
    const moved = { ...config, values: { ...config.values, "istio-lab:cluster": JSON.stringify({ ...cluster, nodes }) } };
    const summary = renderDiff(folder({ dev: await renderConfig(config) }), folder({ dev: await renderConfig(moved) }));
    expect(summary).toMatch(/- replace `vsphere:index\/virtualMachine:VirtualMachine` linux-node3 \(clone\.customize\.networkInterfaces[^)]*; deleted first\)/);
    expect(summary).not.toMatch(/- replace `vsphere:index\/virtualMachine:VirtualMachine` linux-node[12]/);
    expect(summary).not.toContain("```mermaid");
  });
});
