// What each cluster source needs and refuses, and how secrets are held.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { MachineClusterConfig } from "../../components/config";
import {
  build,
  expectNoProblemAt,
  expectProblem,
  kubeconfigContents,
  parse,
  problems,
  secret,
  sshKey,
  stackErrors,
  vsphereBlock,
  vspherePassword,
} from "./build";

const secretHint = (key: string) => `is a secret and was given as plain text; store it with \`pulumi config set --secret ${key}\``;

describe("source vsphere", () => {
  it("needs the cluster.vsphere block", () => {
    expectProblem(problems("vsphere", { cluster: { vsphere: undefined } }), "istio-lab:cluster.vsphere", "is required for source vsphere", "datacenter, computeCluster, datastore, network and template");
  });

  it.each(["datacenter", "computeCluster", "datastore", "network", "template"])("needs vsphere.%s", (field) => {
    expectProblem(problems("vsphere", { cluster: { vsphere: { [field]: undefined } } }), `istio-lab:cluster.vsphere.${field}`, "is required");
  });

  it.each(["vsphere:vsphereServer", "vsphere:user", "vsphere:password"])("needs the provider key %s", (providerKey) => {
    expectProblem(problems("vsphere", { [providerKey]: undefined }), providerKey, "is required for source vsphere", `pulumi config set ${providerKey === "vsphere:password" ? "--secret " : ""}${providerKey}`);
  });

  it("accepts the block and the provider keys", () => {
    const config = parse(build("vsphere"));
    expect(config.cluster).toMatchObject({ source: "vsphere", vsphere: { ...vsphereBlock, cpus: 2, memoryMb: 4096, linkedClone: false } });
    expect((config.cluster as { vsphere: object }).vsphere).not.toHaveProperty("diskGb");
  });

  it("reports the source's needs even when another cluster field is wrong", () => {
    const list = problems("vsphere", { cluster: { vsphere: undefined, podCidr: "10.2.0.1/16" }, sshPrivateKey: undefined, "vsphere:user": undefined });
    expectProblem(list, "istio-lab:cluster.podCidr", "has host bits set");
    expectProblem(list, "istio-lab:cluster.vsphere", "is required for source vsphere");
    expectProblem(list, "istio-lab:sshPrivateKey", "is required for source vsphere");
    expectProblem(list, "vsphere:user", "is required for source vsphere");
  });
});

describe("source hosts", () => {
  it("refuses the vsphere block", () => {
    expectProblem(problems("hosts", { cluster: { vsphere: vsphereBlock } }), "istio-lab:cluster.vsphere", "only applies to source vsphere");
  });

  it("refuses a kubeconfig path, secret or context", () => {
    const list = problems("hosts", { cluster: { kubeconfig: "~/.kube/config", context: "kind-lab" }, kubeconfig: secret(kubeconfigContents) });
    expectProblem(list, "istio-lab:cluster.kubeconfig", "only applies to source kubeconfig, not hosts");
    expectProblem(list, "istio-lab:cluster.context", "only applies to source kubeconfig, not hosts");
    expectProblem(list, "istio-lab:kubeconfig", "only applies to source kubeconfig, not hosts");
  });

  it("does not need the vsphere provider keys", () => {
    expect(problems("hosts")).toEqual([]);
  });

  it("resolves the defaults", () => {
    expect(parse(build("hosts")).cluster).toMatchObject({
      source: "hosts",
      kubernetesVersion: "1.36.4",
      os: "rocky9",
      podCidr: "10.2.0.0/16",
      serviceCidr: "10.1.0.0/16",
      network: { prefixLength: 24, gateway: "192.168.56.1", dns: ["192.168.56.1"], domain: "example.com" },
      ssh: { user: "root", port: 22 },
    });
  });
});

describe("sshPrivateKey", () => {
  it.each(["vsphere", "hosts"] as const)("is required for %s", (source) => {
    expectProblem(problems(source, { sshPrivateKey: undefined }), "istio-lab:sshPrivateKey", `is required for source ${source}`, "pulumi config set --secret istio-lab:sshPrivateKey");
  });

  it.each(["vsphere", "hosts"] as const)("is kept as a secret Output for %s", async (source) => {
    const cluster = parse(build(source)).cluster as MachineClusterConfig;
    expect(pulumi.Output.isInstance(cluster.sshPrivateKey)).toBe(true);
    expect(await pulumi.isSecret(cluster.sshPrivateKey)).toBe(true);
    expect(await new Promise((resolve) => cluster.sshPrivateKey.apply(resolve))).toBe(sshKey);
    expect(JSON.stringify(cluster)).not.toContain("OPENSSH");
  });

  it("is refused for source kubeconfig", () => {
    expectProblem(problems("kubeconfig", { sshPrivateKey: secret(sshKey) }), "istio-lab:sshPrivateKey", "is only used by sources vsphere and hosts");
  });
});

describe("secrets given as plain text", () => {
  it.each([
    ["istio-lab:sshPrivateKey", "hosts" as const, { sshPrivateKey: sshKey }],
    ["vsphere:password", "vsphere" as const, { "vsphere:password": vspherePassword }],
    ["istio-lab:kubeconfig", "kubeconfig" as const, { cluster: { kubeconfig: undefined }, kubeconfig: kubeconfigContents }],
  ])("refuses %s with the --secret hint", (key, source, override) => {
    const list = problems(source, override);
    expect(list).toEqual([{ key, message: secretHint(key) }]);
  });

  it("accepts them as secrets", () => {
    expect(problems("kubeconfig", { cluster: { kubeconfig: undefined }, kubeconfig: secret(kubeconfigContents) })).toEqual([]);
    expect(problems("vsphere")).toEqual([]);
  });

  it("refuses a plain-text secret in a stack", async () => {
    const errors = await stackErrors(build("kubeconfig", { cluster: { kubeconfig: undefined }, kubeconfig: kubeconfigContents }));
    expect(errors).toEqual([`istio-lab:kubeconfig: ${secretHint("istio-lab:kubeconfig")}`]);
  });
});

describe("source kubeconfig", () => {
  it("needs a kubeconfig path or secret", () => {
    expectProblem(problems("kubeconfig", { cluster: { kubeconfig: undefined } }), "istio-lab:cluster.kubeconfig", "is required for source kubeconfig", "the secret istio-lab:kubeconfig");
  });

  it("takes a path", () => {
    // What the file says now (its contexts, their servers and CAs) travels with it: the stack keeps to the context it first deployed through.
    expect(parse(build("kubeconfig")).cluster).toEqual({
      source: "kubeconfig",
      kubeconfig: { path: "~/.kube/config", targets: { currentContext: "kind-kind", contexts: { "kind-kind": { server: "https://127.0.0.1:40123", caDigest: expect.stringMatching(/^[0-9a-f]{64}$/) } } } },
    });
  });

  it("takes the secret, kept secret", async () => {
    const cluster = parse(build("kubeconfig", { cluster: { kubeconfig: undefined }, kubeconfig: secret(kubeconfigContents) })).cluster;
    expect(cluster.source).toBe("kubeconfig");
    const contents = cluster.source === "kubeconfig" && "contents" in cluster.kubeconfig ? cluster.kubeconfig.contents : undefined;
    expect(contents && (await pulumi.isSecret(contents))).toBe(true);
  });

  it("refuses both a path and the secret", () => {
    expectProblem(problems("kubeconfig", { kubeconfig: secret(kubeconfigContents) }), "istio-lab:kubeconfig", "and istio-lab:cluster.kubeconfig are both set; keep one");
  });

  // Every cluster key but source and kubeconfig describes machines istio-lab builds; each with a valid value.
  const machineValues: Record<string, unknown> = {
    kubernetesVersion: "1.36.4",
    os: "rocky9",
    podCidr: "10.2.0.0/16",
    serviceCidr: "10.1.0.0/16",
    nodes: [{ name: "linux-node1", ip: "192.168.56.11", role: "control-plane" }],
    network: { prefixLength: 24 },
    ssh: { user: "root" },
    vsphere: vsphereBlock,
  };

  it.each(Object.keys(machineValues))("refuses the VM-only key %s", (field) => {
    const list = problems("kubeconfig", { cluster: { [field]: machineValues[field] } });
    expect(list).toEqual([{ key: `istio-lab:cluster.${field}`, message: "describes machines istio-lab builds; it does not apply to source kubeconfig" }]);
  });

  it("refuses a VM-only key that is also malformed", () => {
    const list = problems("kubeconfig", { cluster: { podCidr: "10.2.0.1/16" } });
    expectProblem(list, "istio-lab:cluster.podCidr", "has host bits set");
    expectProblem(list, "istio-lab:cluster.podCidr", "does not apply to source kubeconfig");
  });

  it("accepts neither VM-only keys nor sshPrivateKey", () => {
    expect(problems("kubeconfig")).toEqual([]);
  });
});

describe("secret values never appear in messages", () => {
  const secrets = [sshKey, vspherePassword, kubeconfigContents, "my-private-scenario"];
  const messy = {
    scenario: secret("my-private-scenario"),
    sshPrivateKey: sshKey,
    "vsphere:password": vspherePassword,
    kubeconfig: secret(kubeconfigContents),
    cluster: { kubeconfig: "~/.kube/config", podCidr: "10.2.0.1/16", ssh: { port: 0 } },
  };

  it("in the issues of a config full of mistakes", () => {
    const list = problems("vsphere", messy);
    expect(list.length).toBeGreaterThanOrEqual(6);
    expectProblem(list, "istio-lab:scenario", '"[secret]" is not in the catalog');
    for (const value of secrets) expect(JSON.stringify(list)).not.toContain(value.split("\n")[0]);
  });

  it("in the error a stack fails with", async () => {
    const errors = (await stackErrors(build("kubeconfig", messy))).join("\n");
    expect(errors).toContain("istio-lab:scenario");
    for (const value of secrets) expect(errors).not.toContain(value.split("\n")[0]);
    expect(errors).not.toContain("placeholder for the secret");
  });

  it("leaves messages alone when no secret is echoed", () => {
    expectProblem(problems("kubeconfig", { scenario: "my-public-scenario" }), "istio-lab:scenario", '"my-public-scenario" is not in the catalog');
  });
});

describe("problems are all reported at once", () => {
  it("lists every independent problem of a machine source", () => {
    const list = problems("vsphere", {
      cluster: { vsphere: { cpus: 1 }, podCidr: "10.1.0.0/16", nodes: [{ name: "cp", ip: "192.168.56.11", role: "worker" }] },
      "vsphere:vsphereServer": undefined,
      sshPrivateKey: undefined,
      mesh: { istioVersion: "1.29.0" },
      apps: { namespace: "kube-system" },
    });
    expectProblem(list, "istio-lab:cluster.vsphere.cpus", "at least 2");
    expectProblem(list, "istio-lab:cluster.podCidr", "overlaps serviceCidr");
    expectProblem(list, "istio-lab:cluster.nodes", "exactly one node with role control-plane");
    expectProblem(list, "vsphere:vsphereServer", "is required");
    expectProblem(list, "istio-lab:sshPrivateKey", "is required");
    expectProblem(list, "istio-lab:cluster.kubernetesVersion", "outside what Istio 1.29.0");
    expectProblem(list, "istio-lab:apps.namespace", "must be a namespace of its own");
    expect(list).toHaveLength(7);
    expectNoProblemAt(list, "istio-lab:cluster.source");
  });
});
