// Every Kubernetes resource must reach the lab's own cluster. Without an explicit provider the
// engine hands it to the default provider, which deploys to whatever cluster the current
// kubeconfig context names: the mesh would land on someone else's cluster.
import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { renderConfig } from "../../tools/lib/mock-engine";
import { readStackFileForRender, stackConfig } from "../../tools/lib/stack-file";
import { ciphertext } from "../harness";

const stacks = [
  ["local", readStackFileForRender("Pulumi.local.yaml").config],
  ["dev", readStackFileForRender("Pulumi.dev.yaml").config],
  ["hosts", stackConfig("hosts", { "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" }, "istio-lab:scenario": "mirroring" })],
] as const;

describe.each(stacks)("stack %s", (_name, config) => {
  it("sends every Kubernetes resource and Helm release through the lab's cluster provider", async () => {
    const rendered = await renderConfig(config);
    const kubernetes = rendered.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(20);
    expect(kubernetes.filter((r) => r.provider !== "cluster-kubernetes").map((r) => `${r.name} -> ${r.provider}`)).toEqual([]);
  });

  it("names the cluster by the stack, and lets destroy drop the objects of a cluster that is gone", async () => {
    const provider = (await renderConfig(config)).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.clusterIdentifier).toBe(`istio-lab-${config.stack}`);
    // Provider inputs travel as text (the SDK JSON-encodes every non-string provider input).
    expect(provider.inputs.deleteUnreachable).toBe("true");
  });
});

describe("state that does not depend on the machine", () => {
  it("hands the provider the kubeconfig path as written, which it expands itself, and no home folder anywhere", async () => {
    const rendered = await renderConfig(stacks[0][1]);
    const provider = rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.kubeconfig).toBe("~/.kube/config");
    expect(JSON.stringify(rendered.resources)).not.toContain(os.homedir());
  });
});
