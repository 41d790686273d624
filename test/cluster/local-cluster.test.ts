// Sources kind and k3d: the cluster made by one local command, its kubeconfig a secret, everything
// in it deleted with it, the gateway on 127.0.0.1:hostPort, and what the machine lacks said first.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStackConfig, type ConfigIssue } from "../../components/config";
import { localClusterNodeImages } from "../../catalog/versions";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { renderConfig, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { meshImages } from "../../components/mesh/mesh-images";
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
  it("is one local command that creates the cluster from local-cluster.sh, reads it back on an update and deletes it on destroy", async () => {
    const [cluster] = byType(await rendered, "command:local:Command");
    expect(cluster.name).toBe("cluster-kind");
    expect(cluster.inputs.create).toMatch(/^bash -c '#!\/usr\/bin\/env bash\n[\s\S]*local-cluster\.sh ACTION[\s\S]*' local-cluster create$/);
    // pulumi-command 1.2.1 runs `update` on a change of any input but the triggers, and `create`
    // only when there is none (local/commandController.go Update): create refuses a cluster it
    // did not make, so it must never run on a cluster in the state.
    expect(cluster.inputs.update).toBe(String(cluster.inputs.create).replace(/ create$/, " update"));
    expect(cluster.inputs.delete).toBe(String(cluster.inputs.create).replace(/ create$/, " delete"));
    expect(cluster.inputs.environment).toEqual({
      TOOL: "kind",
      CLUSTER_NAME: "istio-lab-local",
      WORKERS: "2",
      HOST_PORT: "8000",
      NODE_PORT: "31380",
      NODE_IMAGE: localClusterNodeImages.kind,
      ADOPT: "0",
      OWNER: "istio-lab/local",
    });
    // A new shape is a new cluster, and ADOPT says whose it is; its fixed name means the old one
    // goes first. The stack that made it (OWNER) is no trigger.
    // The cluster's shape, as earlier releases wrote it: an upgraded stack keeps its cluster (below).
    expect(cluster.inputs.triggers).toEqual(["kind", "istio-lab-local", "2", "8000", "31380", localClusterNodeImages.kind]);
    expect(cluster.options).toMatchObject({ deleteBeforeReplace: true, additionalSecretOutputs: ["stdout"] });
    expect(cluster.inputs).toMatchObject({ logging: "stderr", addPreviousOutputInEnv: false });
  });

  it("brings the lab's images into the nodes, Istio's own first and on their own: each group pulled on this machine beside the create, loaded once the cluster is there, nothing waiting for any", async () => {
    const r = await rendered;
    const [cluster, istioPull, istioLoad, pull, load] = byType(r, "command:local:Command");
    expect([istioPull.name, istioLoad.name, pull.name, load.name]).toEqual(["cluster-kind-istio-pull", "cluster-kind-istio-images", "cluster-kind-pull", "cluster-kind-images"]);
    const imagesOf = (step: RenderedResource) => String((step.inputs.environment as Record<string, string>).IMAGES).split(" ");
    // Istio's control plane and proxy (mesh-images.ts without the addons), then the addons' and samples'.
    expect(imagesOf(istioPull)).toEqual([expect.stringMatching(/\/pilot:1\.31\.1$/), expect.stringMatching(/\/proxyv2:1\.31\.1$/)]);
    const rest = imagesOf(pull);
    expect(rest).toEqual(expect.arrayContaining([expect.stringMatching(/examples-bookinfo-reviews-v1:/), expect.stringMatching(/kiali/)]));
    expect(rest.filter((image) => /\/(pilot|proxyv2):/.test(image))).toEqual([]);
    for (const [p, l, images] of [[istioPull, istioLoad, imagesOf(istioPull)], [pull, load, rest]] as const) {
      expect(p.inputs.create).toBe(String(cluster.inputs.create).replace(/ create$/, " pull"));
      expect(l.inputs.create).toBe(String(cluster.inputs.create).replace(/ create$/, " load"));
      expect(p.inputs.environment).toEqual({ TOOL: "kind", CLUSTER_NAME: "istio-lab-local", IMAGES: images.join(" ") });
      expect(l.inputs.environment).toEqual(p.inputs.environment);
      // No delete: the images go with the cluster; a new cluster (its id) loads them again.
      expect([p.inputs.delete, l.inputs.delete]).toEqual([undefined, undefined]);
      expect(p.inputs.triggers).toEqual([images.join(" ")]);
      expect(l.dependsOn).toEqual(["cluster-kind", p.name]);
      expect(l.inputs.triggers).toEqual(["cluster-kind-id", images.join(" ")]);
    }
    // Istio's pull waits for nothing; the rest's for Istio's, so the two never share the link.
    expect([istioPull.dependsOn, pull.dependsOn]).toEqual([[], ["cluster-kind-istio-pull"]]);
    // Nothing else waits for them: no other resource names them.
    const steps = [istioPull, istioLoad, pull, load];
    expect(r.resources.filter((x) => x.dependsOn.some((d) => /-pull$|-images$/.test(d)) && !steps.includes(x))).toEqual([]);
    expect(JSON.stringify(r.resources.map((x) => x.inputs))).not.toMatch(/cluster-kind(-istio)?-(images|pull)-id/);
  });

  it("loads ambient's Istio images (the distroless variants, the CNI agent, ztunnel) in Istio's group", async () => {
    const r = await render({ ...kind, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": "ingress-httpbin" });
    const istio = byType(r, "command:local:Command").find((x) => x.name === "cluster-kind-istio-pull")!;
    expect(String((istio.inputs.environment as Record<string, string>).IMAGES).split(" ")).toEqual(meshImages({ mode: "ambient", istioVersion: "1.31.1", addons: [] } as never, undefined));
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

  it("replaces the cluster, old one first, when its shape changes, and runs `update` (never `create`) on any other change", async () => {
    const before = await rendered;
    const after = await render({ ...kind, "istio-lab:cluster": { source: "kind", workers: 1 } });
    const plan = planUpdate(before, after);
    expect(plan.replace.map((c) => [c.resource.name, c.because, c.deleteBeforeReplace])).toContainEqual(["cluster-kind", ["triggers[2]"], true]);
    // An older script, or another stack name: an update, which pulumi-command runs as `update`.
    const [cluster] = byType(before, "command:local:Command");
    for (const inputs of [
      { create: "bash -c 'an older script' local-cluster create", update: undefined, delete: "bash -c 'an older script' local-cluster delete" },
      { environment: { ...(cluster.inputs.environment as object), OWNER: "istio-lab/renamed" } },
    ]) {
      const older = { ...before, resources: before.resources.map((r) => (r === cluster ? { ...r, inputs: { ...r.inputs, ...inputs } } : r)) };
      const change = planUpdate(older, before);
      expect(change.replace).toEqual([]);
      expect(change.update.map((c) => c.resource.name)).toEqual(["cluster-kind"]);
    }
  });

  it("uses a cluster of that name only with istio-lab:cluster.adopt, and a change of it changes whose the cluster is, not the cluster: an update", async () => {
    const adopted = await render({ ...kind, "istio-lab:cluster": { source: "kind", adopt: true } });
    const [cluster] = byType(adopted, "command:local:Command");
    expect(cluster.inputs.environment).toMatchObject({ ADOPT: "1" });
    const plan = planUpdate(await rendered, adopted);
    expect(plan.replace).toEqual([]);
    expect(plan.update.map((c) => c.resource.name)).toContain("cluster-kind");
  });

  it("keeps the cluster of a stack the previous release made: its command updates (the update step), never replaces", async () => {
    // The previous release's command: create and delete only, no ADOPT or OWNER, the same six triggers.
    const now = await rendered;
    const [cluster] = byType(now, "command:local:Command");
    const previousEnvironment = Object.fromEntries(Object.entries(cluster.inputs.environment as Record<string, string>).filter(([k]) => k !== "ADOPT" && k !== "OWNER"));
    const previous = {
      ...now,
      resources: now.resources.map((r) =>
        r === cluster ? { ...r, inputs: { ...r.inputs, update: undefined, create: "bash -c 'the previous script' local-cluster create", delete: "bash -c 'the previous script' local-cluster delete", environment: previousEnvironment } } : r,
      ),
    };
    const plan = planUpdate(previous, now);
    expect(plan.replace).toEqual([]);
    expect(plan.update.map((c) => c.resource.name)).toEqual(["cluster-kind"]);
  });
});

// The command as pulumi-command runs it (`/bin/sh -c`, the environment added to this process's,
// local/commandOutputs.go run), against the bats suite's stand-in for kind and k3d on PATH.
describe("the rendered command, run", () => {
  const fakeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-local-cluster-"));
  const bin = path.join(fakeRoot, "bin");
  fs.mkdirSync(bin);
  for (const tool of ["kind", "k3d"]) fs.symlinkSync(path.resolve(__dirname, "bats/stubs/fake"), path.join(bin, tool));
  afterAll(() => fs.rmSync(fakeRoot, { recursive: true, force: true }));

  function runner(cluster: { inputs: Record<string, unknown> }, name: string) {
    const dir = path.join(fakeRoot, name);
    fs.mkdirSync(path.join(dir, "state"), { recursive: true });
    const calls = path.join(dir, "calls.log");
    fs.writeFileSync(calls, "");
    const env = {
      ...process.env,
      ...(cluster.inputs.environment as Record<string, string>),
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      FAKE_STATE: path.join(dir, "state"),
      CALLS: calls,
      XDG_STATE_HOME: path.join(dir, "xdg"),
    };
    return {
      run: (action: "create" | "update" | "delete", extra: Record<string, string> = {}) =>
        spawnSync("/bin/sh", ["-c", String(cluster.inputs[action])], { env: { ...env, ...extra }, encoding: "utf8", timeout: 120_000 }),
      calls: () => fs.readFileSync(calls, "utf8").split("\n").filter(Boolean),
      clusters: (tool: string) => (fs.existsSync(path.join(dir, "state", `${tool}-clusters`)) ? fs.readFileSync(path.join(dir, "state", `${tool}-clusters`), "utf8") : ""),
      state: path.join(dir, "state"),
    };
  }

  it("kind: creates with a scratch kubeconfig, prints only the kubeconfig, reads it back on update, deletes with a scratch kubeconfig", async () => {
    const [cluster] = byType(await rendered, "command:local:Command");
    const fake = runner(cluster, "kind");
    const created = fake.run("create");
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toBe("apiVersion: v1 # kubeconfig of kind cluster istio-lab-local\n");
    const create = fake.calls().find((c) => c.startsWith("kind create cluster"));
    expect(create).toMatch(new RegExp(`^kind create cluster --name istio-lab-local --config \\S+ --kubeconfig (\\S+) --wait 5m --image ${localClusterNodeImages.kind.replace(/[.]/g, "\\.")}$`));
    const scratch = / --kubeconfig (\S+)/.exec(create!)![1];
    expect(fs.existsSync(scratch)).toBe(false);
    expect(fake.calls()[0]).toBe("kind get clusters");

    const updated = fake.run("update");
    expect(updated.status, updated.stderr).toBe(0);
    expect(updated.stdout).toBe(created.stdout);
    // A second create (a create run again after an interruption) takes up the stack's own cluster.
    expect(fake.run("create").status).toBe(0);
    expect(fake.calls().filter((c) => c.startsWith("kind create"))).toHaveLength(1);

    const deleted = fake.run("delete");
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(fake.calls().at(-1)).toMatch(/^kind delete cluster --name istio-lab-local --kubeconfig \S+$/);
    expect(fake.clusters("kind")).toBe("");
    // Gone: the update fails, pointing to the recovery recipe.
    const gone = fake.run("update");
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toContain("deleted outside Pulumi");
    expect(gone.stderr).toContain("docs/recovery.md");
  });

  it("kind: refuses a cluster of that name it did not make, unless adopt, and then never deletes it", async () => {
    const [cluster] = byType(await rendered, "command:local:Command");
    const fake = runner(cluster, "kind-adopt");
    fs.writeFileSync(path.join(fake.state, "kind-clusters"), "istio-lab-local\n");
    const refused = fake.run("create");
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("set istio-lab:cluster.adopt to true");
    expect(refused.stderr).toContain("set another istio-lab:cluster.name");

    const [adopting] = byType(await render({ ...kind, "istio-lab:cluster": { source: "kind", adopt: true } }), "command:local:Command");
    const adopt = runner(adopting, "kind-adopted");
    fs.writeFileSync(path.join(adopt.state, "kind-clusters"), "istio-lab-local\n");
    expect(adopt.run("create").stdout).toBe("apiVersion: v1 # kubeconfig of kind cluster istio-lab-local\n");
    const left = adopt.run("delete");
    expect(left.status).toBe(0);
    expect(left.stderr).toContain("istio-lab:cluster.adopt is set");
    expect(adopt.clusters("kind")).toBe("istio-lab-local\n");
    expect(adopt.calls().filter((c) => /create|delete/.test(c))).toEqual([]);
  });

  it("kind: a listing that fails is an error, not a cluster gone", async () => {
    const [cluster] = byType(await rendered, "command:local:Command");
    const fake = runner(cluster, "kind-down");
    fs.writeFileSync(path.join(fake.state, "kind-clusters"), "istio-lab-local\n");
    // kind v0.32.0 exits 1 when `docker ps` fails (providers/docker/provider.go ListClusters).
    const down = path.join(fakeRoot, "docker-down");
    fs.mkdirSync(down);
    fs.writeFileSync(path.join(down, "kind"), '#!/bin/sh\necho "$*" >>"$CALLS"\necho "ERROR: failed to list clusters: exit status 1" >&2\nexit 1\n', { mode: 0o755 });
    const deleted = fake.run("delete", { PATH: `${down}${path.delimiter}${process.env.PATH}` });
    expect(deleted.status).not.toBe(0);
    expect(deleted.stderr).not.toContain("already gone");
    expect(deleted.stderr).toContain("`kind get clusters` failed (exit 1): the container engine (Docker, Podman or nerdctl) may be stopped");
    expect(fake.calls()).toEqual(["get clusters"]);
    expect(fake.clusters("kind")).toBe("istio-lab-local\n");
  });

  it("k3d: creates without touching the default kubeconfig or its context, lists every cluster, deletes under a scratch KUBECONFIG", async () => {
    const [cluster] = byType(await render({ ...kind, "istio-lab:cluster": { source: "k3d" } }), "command:local:Command");
    const fake = runner(cluster, "k3d");
    const created = fake.run("create");
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toBe("apiVersion: v1 # kubeconfig of k3d cluster istio-lab-local\n");
    expect(fake.calls()).toContain("k3d cluster list --no-headers");
    expect(fake.calls().find((c) => c.startsWith("k3d cluster create"))).toContain(" --kubeconfig-update-default=false --kubeconfig-switch-context=false ");
    expect(fake.run("delete").status).toBe(0);
    expect(fake.calls().at(-1)).toBe("k3d cluster delete istio-lab-local");
    expect(fake.clusters("k3d")).toBe("");
    // k3d v5's delete has no flag to leave the default kubeconfig alone: it writes the one
    // KUBECONFIG names, which the script points at a scratch file.
    expect(String(cluster.inputs.delete)).toContain('KUBECONFIG="$scratch/kubeconfig" bounded "$DELETE_TIMEOUT" k3d cluster delete');
  });
});

describe("source kind in a real pulumi up", () => {
  it("starts with the cluster: every Kubernetes step waits for the command that makes it (its kubeconfig)", async () => {
    const { criticalPath } = await import("../../tools/lib/critical-path");
    const path = criticalPath(await rendered);
    expect(path.steps.slice(0, 2).map((s) => s.resource.name)).toEqual(["cluster-kind", "cluster-kubernetes"]);
    // kind, the namespace, istio-base, istiod (Istio's images loaded), the app namespace and account, reviews (its own image pulled).
    const { proxyv2PullMinutes } = await import("../../tools/lib/critical-path");
    expect(path.minutes).toBeCloseTo(2 + 0.05 + 0.3 + 0.7 + 0.05 + 0.05 + (2 - proxyv2PullMinutes), 9);
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
