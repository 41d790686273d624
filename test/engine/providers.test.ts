// Every Kubernetes resource must reach the lab's own cluster. Without an explicit provider the
// engine hands it to the default provider, which deploys to whatever cluster the current
// kubeconfig context names: the mesh would land on someone else's cluster.
import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { renderConfig } from "../../tools/lib/mock-engine";
import { readStackFileForRender, stackConfig } from "../../tools/lib/stack-file";
import { ciphertext, configErrors, renderStackConfig } from "../harness";

const stacks = [
  ["existing", readStackFileForRender("Pulumi.existing.yaml").config],
  ["dev", readStackFileForRender("Pulumi.dev.yaml").config],
  ["hosts", stackConfig("hosts", { "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" }, "istio-lab:scenario": "mirroring" })],
  ["local", readStackFileForRender("Pulumi.local.yaml").config],
] as const;

/** A cluster istio-lab makes is also named by what makes it anew (components/cluster/identity.ts). */
const identifier = (stack: string, source: string) => ({ kubeconfig: `istio-lab-${stack}`, kind: `istio-lab-${stack}-cluster-kind-id`, vsphere: `istio-lab-${stack}-linux-node1-id`, hosts: `istio-lab-${stack}-192.168.56.11` })[source];

describe.each(stacks)("stack %s", (_name, config) => {
  it("sends every Kubernetes resource and Helm release through the lab's cluster provider", async () => {
    const rendered = await renderStackConfig(config);
    const kubernetes = rendered.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(20);
    expect(kubernetes.filter((r) => r.provider !== "cluster-kubernetes").map((r) => `${r.name} -> ${r.provider}`)).toEqual([]);
  });

  it("names the cluster by the stack, and leaves deleteUnreachable to PULUMI_K8S_DELETE_UNREACHABLE unless the stack sets it", async () => {
    const provider = (await renderStackConfig(config)).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.clusterIdentifier).toBe(identifier(config.stack, JSON.parse(config.values["istio-lab:cluster"]).source));
    // An explicit input, false included, would override the variable (pulumi-kubernetes provider.go Configure).
    expect(provider.inputs).not.toHaveProperty("deleteUnreachable");
  });
});

describe("state that does not depend on the machine", () => {
  it("hands the provider the kubeconfig path as written, which it expands itself, and no home folder anywhere", async () => {
    const rendered = await renderStackConfig(stacks[0][1]);
    const provider = rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.kubeconfig).toBe("~/.kube/config");
    expect(JSON.stringify(rendered.resources)).not.toContain(os.homedir());
  });
});

describe("destroy and an unreachable cluster", () => {
  const provider = (r: Awaited<ReturnType<typeof renderConfig>>) => r.resources.find((x) => x.type === "pulumi:providers:kubernetes")!;
  const withCluster = (config: (typeof stacks)[number][1], extra: Record<string, unknown>) => {
    const cluster = { ...JSON.parse(config.values["istio-lab:cluster"]), ...extra };
    return { ...config, values: { ...config.values, "istio-lab:cluster": JSON.stringify(cluster) } };
  };

  it("deletes every Kubernetes object of a vSphere lab with its control plane's VM, so destroy never needs the cluster", async () => {
    const kubernetes = (await renderStackConfig(stacks[1][1])).resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect([...new Set(kubernetes.map((r) => r.options.deletedWith))]).toEqual(["linux-node1"]);
  });

  it("deletes the objects one by one where the cluster may outlive the lab (hosts, kubeconfig)", async () => {
    for (const config of [stacks[0][1], stacks[2][1]]) {
      expect((await renderStackConfig(config)).resources.filter((r) => r.options.deletedWith !== undefined)).toEqual([]);
    }
  });

  it("drops an unreachable cluster's objects from state only when cluster.deleteUnreachable says so", async () => {
    // Provider inputs travel as text (the SDK JSON-encodes every non-string provider input).
    expect(provider(await renderStackConfig(withCluster(stacks[2][1], { deleteUnreachable: true }))).inputs.deleteUnreachable).toBe("true");
    expect(provider(await renderStackConfig(withCluster(stacks[2][1], { deleteUnreachable: false }))).inputs.deleteUnreachable).toBe("false");
  });

  it("sends every run, and a destroy (configured from the state), through the context the stack first deployed through", async () => {
    // The stand-in kubeconfig's current context is kind-kind: recorded when the stack has no record, named or not.
    expect(provider(await renderStackConfig(withCluster(stacks[0][1], { context: "kind-kind" }))).inputs.context).toBe("kind-kind");
    expect(provider(await renderStackConfig(stacks[0][1])).inputs.context).toBe("kind-kind");
  });
});

describe("a stack deployed before the cluster's identity (istio-lab:identifierUpgrade, docs/recovery.md)", () => {
  const withUpgrade = (config: (typeof stacks)[number][1], value: string) => ({ ...config, values: { ...config.values, "istio-lab:identifierUpgrade": value } });

  it("goes one run without the provider's clusterIdentifier, which pulumi-kubernetes does not replace a provider for", async () => {
    for (const [, config] of stacks) {
      const provider = (await renderStackConfig(withUpgrade(config, "true"))).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
      expect(provider.inputs).not.toHaveProperty("clusterIdentifier");
      expect((await renderStackConfig(withUpgrade(config, "false"))).resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs).toHaveProperty("clusterIdentifier");
    }
  });

  it("takes true or false only, naming the key", async () => {
    expect(await configErrors({ "istio-lab:cluster": { source: "kind" }, "istio-lab:identifierUpgrade": "yes" })).toEqual(["istio-lab:identifierUpgrade: must be true or false"]);
  });
});
