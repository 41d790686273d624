// One cluster per stack (components/cluster/pin.ts): a stack on source kubeconfig keeps to the
// context it first deployed through and the cluster that context reached, whatever kubectl's
// current context says later; another cluster behind that context, or another context named, is
// refused before anything but the record is registered.
import { describe, expect, it } from "vitest";
import { observe, pinProblems } from "../../components/cluster/pin";
import { kubeconfigTargets } from "../../components/config/kubeconfig";
import { renderConfig, type RenderMode } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { ciphertext, configErrors, localCluster } from "../harness";
import { kubeconfigFile, labCluster, otherCluster, twoContexts } from "./kubeconfigs";

const targets = (text: string) => kubeconfigTargets(text)!;
const render = (cluster: Record<string, unknown>, mode: RenderMode) => renderConfig(stackConfig("test", { "istio-lab:cluster": { ...localCluster, ...cluster } }), undefined, undefined, mode);
const registered = (rendered: Awaited<ReturnType<typeof render>>, type: string) => rendered.resources.filter((r) => r.type === type);
const failure = (cluster: Record<string, unknown>, mode: RenderMode) =>
  render(cluster, mode).then(
    () => undefined,
    (error: Error) => error.message,
  );

describe("what a kubeconfig says", () => {
  it("names each context's API server and a digest of its cluster's CA, inline or from a file", () => {
    const inline = targets(twoContexts);
    expect(inline.currentContext).toBe("kind-kind");
    expect(inline.contexts["kind-lab"]).toEqual(labCluster);
    const fromFile = kubeconfigTargets("contexts: [{name: m, context: {cluster: m}}]\nclusters: [{name: m, cluster: {server: 'https://192.168.49.2:8443', certificate-authority: /home/u/.minikube/ca.crt}}]\n", (file) =>
      file === "/home/u/.minikube/ca.crt" ? "stand-in CA of kind-lab" : undefined,
    );
    expect(fromFile?.contexts.m).toEqual({ server: "https://192.168.49.2:8443", caDigest: labCluster.caDigest });
    expect(kubeconfigTargets("placeholder for the secret istio-lab:kubeconfig")).toBeUndefined();
  });
});

describe("the record and its rules", () => {
  const recorded = { context: "kind-lab", ...labCluster };

  it("records the named context, else the current one", () => {
    expect(observe(targets(twoContexts), "kind-lab")).toEqual(recorded);
    expect(observe(targets(twoContexts), undefined)?.context).toBe("kind-kind");
  });

  it("lets a stack go on through its context while that reaches the same cluster, whatever is current", () => {
    expect(pinProblems(recorded, targets(twoContexts), undefined, "~/.kube/config")).toEqual([]);
    expect(pinProblems(recorded, targets(twoContexts), "kind-lab", "~/.kube/config")).toEqual([]);
    // A minikube restart moves the API server to another port: the same CA is the same cluster.
    const moved = kubeconfigFile("kind-lab", { "kind-lab": { server: "https://127.0.0.1:49999" } });
    expect(pinProblems(recorded, targets(moved), undefined, "~/.kube/config")).toEqual([]);
  });

  it("refuses another context named, naming the key and how to move the lab on purpose", () => {
    expect(pinProblems(recorded, targets(twoContexts), "kind-kind", "~/.kube/config")).toEqual([
      { key: "istio-lab:cluster.context", message: expect.stringMatching(/^names "kind-kind", but this stack was deployed through context "kind-lab" \(https:\/\/127\.0\.0\.1:41000\) and keeps to it;.*`pulumi destroy`, then set the key and `pulumi up`/) },
    ]);
  });

  it("refuses a context that now reaches another cluster, and one that is gone", () => {
    const rebuilt = kubeconfigFile("kind-lab", { "kind-lab": { server: otherCluster.server, ca: "kind-other" } });
    expect(pinProblems(recorded, targets(rebuilt), undefined, "~/.kube/config")).toEqual([
      { key: "istio-lab:cluster.context", message: expect.stringContaining('"kind-lab" now reaches another cluster (https://127.0.0.1:42000, another CA) than the one this stack was deployed to (https://127.0.0.1:41000)') },
    ]);
    const gone = kubeconfigFile("kind-kind", { "kind-kind": { server: "https://127.0.0.1:40123" } });
    expect(pinProblems(recorded, targets(gone), undefined, "~/.kube/config")).toEqual([
      { key: "istio-lab:cluster.kubeconfig", message: expect.stringMatching(/^~\/\.kube\/config no longer has context "kind-lab".*docs\/recovery\.md \("A cluster that is gone"\)/) },
    ]);
  });
});

describe("a stack's runs", () => {
  it("records the cluster in a Stash that ignores later observations, and goes through the recorded context", async () => {
    // First deployment: kind-kind is current, so the stack keeps to kind-kind.
    const first = await render({}, { readFile: () => twoContexts });
    const [pin] = registered(first, "pulumi:index:Stash");
    expect(pin).toMatchObject({ name: "cluster-pin", parent: "istio-lab-test", options: { ignoreChanges: ["input"] } });
    expect(pin.inputs.input).toMatchObject({ context: "kind-kind", server: "https://127.0.0.1:40123" });
    // Later, the user switched kubectl to another cluster: the stack still goes through kind-lab, as recorded.
    const later = await render({}, { readFile: () => kubeconfigFile("kind-other", { "kind-other": otherCluster, "kind-lab": labCluster }), stashed: { "cluster-pin": { context: "kind-lab", ...labCluster } } });
    expect(registered(later, "pulumi:providers:kubernetes")[0].inputs.context).toBe("kind-lab");
  });

  it("tells npm run verify the file and the recorded context, as outputs", async () => {
    const later = await render({}, { readFile: () => twoContexts, stashed: { "cluster-pin": { context: "kind-lab", ...labCluster } } });
    expect(later.outputs).toMatchObject({ kubeconfigPath: "~/.kube/config", kubeContext: "kind-lab" });
    expect(later.outputs.labPlatform).toMatchObject({ kubeconfigPath: "~/.kube/config", context: "kind-lab" });
  });

  it("registers nothing but the record when the recorded context now reaches another cluster", async () => {
    const rebuilt = kubeconfigFile("kind-lab", { "kind-lab": { server: otherCluster.server, ca: "kind-other" } });
    expect(await failure({}, { readFile: () => rebuilt, stashed: { "cluster-pin": { context: "kind-lab", ...labCluster } } })).toMatch(
      /^istio-lab: 1 configuration problem; nothing was created:\n {2}- istio-lab:cluster\.context: "kind-lab" now reaches another cluster/,
    );
  });

  it("refuses a named context the kubeconfig lacks, and a kubeconfig that cannot be read, before anything", async () => {
    expect(await configErrors({ "istio-lab:cluster": { ...localCluster, context: "kind-gone" } })).toEqual([
      "istio-lab:cluster.context: names no context of ~/.kube/config with a cluster and server; its contexts: kind-kind",
    ]);
    expect(await failure({}, { readFile: () => undefined })).toMatch(/istio-lab:cluster\.kubeconfig: ~\/\.kube\/config cannot be read on this machine/);
  });
});

describe("a hosts lab's control plane", () => {
  const hosts = (ip: string) =>
    stackConfig("lab", {
      "istio-lab:sshPrivateKey": ciphertext,
      "istio-lab:cluster": { source: "hosts", nodes: [{ name: "linux-node1", ip, role: "control-plane" }, { name: "linux-node2", ip: "192.168.56.12", role: "worker" }] },
    });

  it("is recorded at the first deployment, and the stack goes on while it stays", async () => {
    const first = await renderConfig(hosts("192.168.56.11"));
    expect(first.resources.find((r) => r.name === "control-plane-pin")?.inputs.input).toEqual({ address: "192.168.56.11" });
    await expect(renderConfig(hosts("192.168.56.11"), undefined, undefined, { stashed: { "control-plane-pin": { address: "192.168.56.11" } } })).resolves.toBeDefined();
  });

  it("stops the stack before anything when it moves, naming the node's key and the way to move on purpose", async () => {
    const error = await renderConfig(hosts("192.168.56.21"), undefined, undefined, { stashed: { "control-plane-pin": { address: "192.168.56.11" } } }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/^istio-lab: 1 configuration problem; nothing was created:\n {2}- istio-lab:cluster\.nodes\[0\]\.ip: is 192\.168\.56\.21, but this stack built its cluster on the control plane at 192\.168\.56\.11;.*`pulumi destroy`, then `pulumi up`/);
  });
});
