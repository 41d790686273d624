// Sources kind and k3d: the cluster made by one local command, its kubeconfig a secret, everything
// in it deleted with it, the gateway on 127.0.0.1:hostPort, and what the machine lacks said first.
import { describe, expect, it } from "vitest";
import { parseStackConfig, type ConfigIssue } from "../../components/config";
import { localClusterNodeImages } from "../../catalog/versions";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { renderConfig, type Rendered } from "../../tools/lib/mock-engine";
import { planUpdate } from "../../tools/lib/plan";
import { stackConfig } from "../../tools/lib/stack-file";
import { raw } from "../config/build";

const kind = { "istio-lab:cluster": { source: "kind" }, "istio-lab:scenario": "bookinfo" };
const render = (config: Record<string, unknown>, onPath?: (tool: string) => boolean) => renderConfig(stackConfig("local", config), undefined, undefined, { onPath });
const rendered = render(kind);
const byType = (r: Rendered, type: string) => r.resources.filter((x) => x.type === type);

function issuesOf(config: Record<string, unknown>, onPath: (tool: string) => boolean = () => true, stack = "local"): ConfigIssue[] {
  try {
    parseStackConfig({ ...raw(config), stack, onPath }, analyzeScenario);
    return [];
  } catch (error) {
    return (error as { issues: ConfigIssue[] }).issues;
  }
}

describe("source kind", () => {
  it("is one local command that creates the cluster from local-cluster.sh and deletes it on destroy", async () => {
    const [cluster] = byType(await rendered, "command:local:Command");
    expect(cluster.name).toBe("cluster-kind");
    expect(cluster.inputs.create).toMatch(/^bash -c '#!\/usr\/bin\/env bash\n[\s\S]*local-cluster\.sh ACTION[\s\S]*' local-cluster create$/);
    expect(cluster.inputs.delete).toMatch(/' local-cluster delete$/);
    expect(cluster.inputs.environment).toEqual({
      TOOL: "kind",
      CLUSTER_NAME: "istio-lab-local",
      WORKERS: "2",
      HOST_PORT: "8000",
      NODE_PORT: "31380",
      NODE_IMAGE: localClusterNodeImages.kind,
    });
    // A new shape is a new cluster; its fixed name means the old one goes first.
    expect([...(cluster.inputs.triggers as string[])].sort()).toEqual(Object.values(cluster.inputs.environment as object).sort());
    expect(cluster.options).toMatchObject({ deleteBeforeReplace: true, additionalSecretOutputs: ["stdout"] });
    expect(cluster.inputs).toMatchObject({ logging: "stderr", addPreviousOutputInEnv: false });
  });

  it("hands its kubeconfig to the provider and the outputs as a secret only", async () => {
    const r = await rendered;
    const [provider] = byType(r, "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(r.secretOutputs).toContain("kubeconfig");
    expect(JSON.stringify(r)).not.toContain("stand-in for `kind get kubeconfig`");
  });

  it("names the cluster to the provider by the command that made it, so a rebuilt cluster replaces every object in it, and nothing else does", async () => {
    const r = await rendered;
    const [provider] = byType(r, "pulumi:providers:kubernetes");
    // The mock engine's id of cluster-kind is "cluster-kind-id"; pulumi-command gives each create a new one.
    expect(provider.inputs.clusterIdentifier).toBe("istio-lab-local-cluster-kind-id");
    expect((r.outputs.labPlatform as { clusterIdentifier: string }).clusterIdentifier).toBe(provider.inputs.clusterIdentifier);
    // A new shape is a new cluster (a new command id): the provider and every object go with it.
    const plan = planUpdate(r, await render({ ...kind, "istio-lab:cluster": { source: "kind", workers: 1 } }));
    expect(plan.replace.find((c) => c.resource.name === "cluster-kubernetes")?.because).toEqual(["clusterIdentifier"]);
    expect(plan.replace.find((c) => c.resource.name === "HelmRelease/istio-system/istiod")?.because).toEqual(["(provider replaced)"]);
    // A change of the script alone re-runs the create, which keeps the cluster: nothing else moves.
    const same = planUpdate(r, await render(kind));
    expect(same.replace).toEqual([]);
  });

  it("deletes every Kubernetes object with the cluster, so a destroy makes no call to a cluster that is going", async () => {
    const r = await rendered;
    const objects = r.resources.filter((x) => x.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) expect(object.options.deletedWith, object.name).toBe("cluster-kind");
  });

  it("serves the gateway's node port on 127.0.0.1:hostPort, the port the cluster publishes", async () => {
    const r = await render({ ...kind, "istio-lab:cluster": { source: "kind", hostPort: 9080 }, "istio-lab:mesh": { ingress: { httpNodePort: 30000 } } });
    expect(r.outputs.gatewayUrl).toBe("http://127.0.0.1:9080");
    expect(r.outputs.gatewayPortForward).toBeUndefined();
    const [cluster] = byType(r, "command:local:Command");
    expect(cluster.inputs.environment).toMatchObject({ HOST_PORT: "9080", NODE_PORT: "30000" });
    const gateway = byType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.name === "istio-ingressgateway")!;
    const ports = (gateway.inputs.values as { service: { ports: { name: string; nodePort?: number }[] } }).service.ports;
    expect(ports.find((p) => p.name === "http2")?.nodePort).toBe(30000);
  });

  it("replaces the cluster, old one first, when its shape changes, and only updates it (create runs again, keeping it) when its script does", async () => {
    const before = await rendered;
    const after = await render({ ...kind, "istio-lab:cluster": { source: "kind", workers: 1 } });
    const plan = planUpdate(before, after);
    expect(plan.replace.map((c) => [c.resource.name, c.because, c.deleteBeforeReplace])).toContainEqual(["cluster-kind", ["triggers[2]"], true]);
  });
});

describe("source kind in a real pulumi up", () => {
  it("starts with the cluster: every Kubernetes step waits for the command that makes it (its kubeconfig)", async () => {
    const { criticalPath } = await import("../../tools/lib/critical-path");
    const path = criticalPath(await rendered);
    expect(path.steps.slice(0, 2).map((s) => s.resource.name)).toEqual(["cluster-kind", "cluster-kubernetes"]);
    expect(path.minutes).toBeCloseTo(5.95, 9);
  });
});

describe("source k3d", () => {
  it("runs local-cluster.sh with k3d and its pinned k3s image", async () => {
    const r = await render({ ...kind, "istio-lab:cluster": { source: "k3d", name: "class", workers: 3 } });
    const [cluster] = byType(r, "command:local:Command");
    expect(cluster.name).toBe("cluster-k3d");
    expect(cluster.inputs.environment).toMatchObject({ TOOL: "k3d", CLUSTER_NAME: "class", WORKERS: "3", NODE_IMAGE: localClusterNodeImages.k3d });
  });
});

describe("a local source's mistakes", () => {
  it("says what the machine lacks before anything is created, and where to get it", async () => {
    expect(issuesOf(kind, (tool) => tool === "podman")).toEqual([
      { key: "istio-lab:cluster.source", message: "kind needs kind on this machine's PATH, and none was found: install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)" },
    ]);
    expect(issuesOf({ ...kind, "istio-lab:cluster": { source: "k3d" } }, (tool) => tool === "k3d")).toEqual([
      { key: "istio-lab:cluster.source", message: "k3d needs docker on this machine's PATH, and none was found: install Docker (https://docs.docker.com/get-docker/)" },
    ]);
    // The program itself refuses, so nothing but the stack is registered.
    let error: unknown;
    const r = await renderConfig(stackConfig("local", kind), async (host) => {
      try {
        return await (await import("../../components/program")).istioLab("offline-render", host);
      } catch (caught) {
        error = caught;
        return {};
      }
    }, undefined, { onPath: () => false });
    expect(String(error)).toContain("istio-lab:cluster.source: kind needs docker or podman or nerdctl on this machine's PATH");
    expect(r.resources.map((x) => x.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("refuses the fields of other sources, and its own on other sources", () => {
    expect(issuesOf({ ...kind, "istio-lab:cluster": { source: "kind", podCidr: "10.2.0.0/16", kubeconfig: "~/.kube/config" } })).toEqual([
      { key: "istio-lab:cluster.kubeconfig", message: "only applies to source kubeconfig, not kind" },
      { key: "istio-lab:cluster.podCidr", message: "describes machines istio-lab builds; it does not apply to source kind" },
    ]);
    expect(issuesOf({ ...kind, "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config", workers: 2 } })).toEqual([
      { key: "istio-lab:cluster.workers", message: "describes a kind or k3d cluster istio-lab creates; it does not apply to source kubeconfig" },
    ]);
  });

  it("needs a NodePort gateway, and a cluster name when the stack's name is not one", () => {
    expect(issuesOf({ ...kind, "istio-lab:mesh": { ingress: { serviceType: "ClusterIP" } } })).toEqual([
      { key: "istio-lab:mesh.ingress.serviceType", message: "must be NodePort on source kind: the cluster maps the gateway's node port to cluster.hostPort on 127.0.0.1" },
    ]);
    expect(issuesOf(kind, undefined, "Dev_Lab")).toEqual([
      { key: "istio-lab:cluster.name", message: `is needed: "istio-lab-Dev_Lab" (from the stack's name) is not a cluster name kind takes; set one of lower-case letters, digits and '-'` },
    ]);
    expect(issuesOf({ ...kind, "istio-lab:cluster": { source: "kind", workers: 9, hostPort: 0 } }).map((i) => i.key)).toEqual(["istio-lab:cluster.workers", "istio-lab:cluster.hostPort"]);
  });
});

describe("onPath", () => {
  it("finds an executable file in a folder of PATH, as a shell would, and nothing else", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { onPath } = await import("../../components/config/read");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-path-"));
    fs.writeFileSync(path.join(dir, "kind"), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "k3d"), "not executable\n", { mode: 0o644 });
    fs.mkdirSync(path.join(dir, "docker"));
    expect(onPath("kind", ["/nonexistent", dir].join(path.delimiter))).toBe(true);
    expect(onPath("k3d", dir)).toBe(false);
    expect(onPath("docker", dir)).toBe(false);
    expect(onPath("kind", "/nonexistent")).toBe(false);
  });
});
