// When the Kubernetes provider resource is replaced, and so every object on it: pulumi-kubernetes
// provider.go DiffConfig as read (tools/lib/engine-kubernetes.ts), and the provider's Configure
// for deleteUnreachable.
import { describe, expect, it } from "vitest";
import { deleteUnreachable, kubernetesDiffConfig, unknownValue } from "../../tools/lib/engine-kubernetes";

/** A kubeconfig file with contexts a and c on one cluster, b on another. */
const file = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: a",
  "contexts:",
  "- { name: a, context: { cluster: one, user: u } }",
  "- { name: b, context: { cluster: two, user: u } }",
  "- { name: c, context: { cluster: one, user: v } }",
  "clusters:",
  "- { name: one, cluster: { server: 'https://10.0.0.1:6443' } }",
  "- { name: two, cluster: { server: 'https://10.0.0.2:6443' } }",
  "users:",
  "- { name: u, user: {} }",
  "- { name: v, user: {} }",
].join("\n");
const readFile = (path: string) => (path === "~/.kube/config" ? file : undefined);
const replaces = (olds: Record<string, unknown>, news: Record<string, unknown>) => kubernetesDiffConfig(olds, news, readFile).replaces;
const kubeconfig = "~/.kube/config";

describe("DiffConfig with a clusterIdentifier", () => {
  it("replaces when the identifier changes, or becomes unknown", () => {
    expect(replaces({ kubeconfig, clusterIdentifier: "lab-1" }, { kubeconfig, clusterIdentifier: "lab-2" })).toEqual(["clusterIdentifier"]);
    expect(replaces({ kubeconfig, clusterIdentifier: "lab-1" }, { kubeconfig, clusterIdentifier: unknownValue })).toEqual(["clusterIdentifier"]);
    expect(replaces({ kubeconfig, clusterIdentifier: "lab-1" }, { kubeconfig: unknownValue, clusterIdentifier: "lab-2" })).toEqual(["clusterIdentifier", "kubeconfig"]);
  });

  it("does not replace when the identifier is added or removed, nor for the change that comes with it when it reaches the same cluster", () => {
    expect(replaces({ kubeconfig }, { kubeconfig, clusterIdentifier: "lab-1" })).toEqual([]);
    expect(replaces({ kubeconfig, clusterIdentifier: "lab-1" }, { kubeconfig })).toEqual([]);
    expect(kubernetesDiffConfig({ kubeconfig }, { kubeconfig, clusterIdentifier: "lab-1" }, readFile).changed).toEqual(["clusterIdentifier"]);
    // Added while the context moves to another cluster: the active-cluster rule still applies.
    expect(replaces({ kubeconfig, context: "a" }, { kubeconfig, context: "b", clusterIdentifier: "lab-1" })).toEqual(["context"]);
  });

  it("replaces nothing while the identifier stays, even for an unknown kubeconfig or context, or another cluster", () => {
    const id = { clusterIdentifier: "lab-1" };
    expect(replaces({ kubeconfig, ...id }, { kubeconfig: unknownValue, ...id })).toEqual([]);
    expect(replaces({ kubeconfig, context: "a", ...id }, { kubeconfig, context: unknownValue, ...id })).toEqual([]);
    expect(replaces({ kubeconfig, context: "a", ...id }, { kubeconfig, context: "b", ...id })).toEqual([]);
    expect(kubernetesDiffConfig({ kubeconfig, context: "a", ...id }, { kubeconfig, context: "b", ...id }, readFile).changed).toEqual(["context"]);
  });
});

describe("DiffConfig without a clusterIdentifier", () => {
  it("replaces for an unknown kubeconfig, context or cluster", () => {
    expect(replaces({ kubeconfig }, { kubeconfig: unknownValue })).toEqual(["kubeconfig"]);
    expect(replaces({ kubeconfig, context: "a" }, { kubeconfig, context: unknownValue })).toEqual(["context"]);
    expect(replaces({ kubeconfig, cluster: "one" }, { kubeconfig, cluster: unknownValue })).toEqual(["cluster"]);
  });

  it("replaces when the active cluster changes, and only then", () => {
    expect(replaces({ kubeconfig, context: "a" }, { kubeconfig, context: "b" })).toEqual(["context"]);
    // Another context on the same cluster, or the current context named: the same active cluster.
    expect(replaces({ kubeconfig, context: "a" }, { kubeconfig, context: "c" })).toEqual([]);
    expect(replaces({ kubeconfig }, { kubeconfig, context: "a" })).toEqual([]);
    expect(replaces({ kubeconfig }, { kubeconfig, cluster: "two" })).toEqual(["cluster"]);
    // A context the file does not have: no active cluster found on that side, so no replacement.
    expect(replaces({ kubeconfig, context: "a" }, { kubeconfig, context: "gone" })).toEqual([]);
  });

  it("replaces for a new render directory, and not for a mere provider option", () => {
    expect(replaces({ kubeconfig }, { kubeconfig, renderYamlToDirectory: "out" })).toEqual(["renderYamlToDirectory"]);
    expect(kubernetesDiffConfig({ kubeconfig }, { kubeconfig, deleteUnreachable: "true" }, readFile)).toEqual({ changed: ["deleteUnreachable"], replaces: [] });
    expect(kubernetesDiffConfig({ kubeconfig }, { kubeconfig }, readFile)).toEqual({ changed: [], replaces: [] });
  });
});

describe("deleteUnreachable as the provider's Configure decides it", () => {
  it.each([
    ["the input, over the variable", { deleteUnreachable: "false" }, { PULUMI_K8S_DELETE_UNREACHABLE: "true" }, false],
    ["the input alone", { deleteUnreachable: "true" }, {}, true],
    ["the input true, over a variable false", { deleteUnreachable: "true" }, { PULUMI_K8S_DELETE_UNREACHABLE: "false" }, true],
    ["the variable, without an input", {}, { PULUMI_K8S_DELETE_UNREACHABLE: "true" }, true],
    ["neither: false", {}, {}, false],
  ])("%s", (_what, inputs, env, expected) => {
    expect(deleteUnreachable(inputs, env)).toBe(expected);
  });
});
