// Through the mock engine (the real program on a stack file's config): a bad config lists every
// problem and registers no resource.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../components/config";
import { build, registrations, stackErrors } from "./build";

const manyMistakes = build("kubeconfig", {
  senario: "canary",
  scenario: "canary",
  scenarioOptions: { weights: { v1: 90, v2: 20 } },
  cluster: { kubeconfig: undefined, podCidr: "10.2.0.0/16" },
  mesh: { ingress: { serviceType: "ClusterIP", httpNodePort: 30080 }, kiali: { auth: "anonymous" }, dashboards: { serviceType: "NodePort" }, addons: ["kiali", "kiali"] },
  apps: { namespace: "istio-system", imageRegistry: "https://mirror.example.com" },
});

describe("a config with several independent problems", () => {
  it("lists each of them", async () => {
    expect(await stackErrors(manyMistakes)).toEqual([
      'istio-lab:senario: unknown key "senario"; did you mean "scenario"?',
      "istio-lab:scenarioOptions.weights: must sum to 100 (they sum to 110)",
      "istio-lab:mesh.addons: lists an addon twice",
      "istio-lab:apps.namespace: must be a namespace of its own, not one of default, istio-system, istio-ingress, kube-system, kube-public, kube-node-lease, kube-flannel",
      "istio-lab:apps.imageRegistry: must be a registry host and optional path such as mirror.example.com:5000/lab, without https://",
      "istio-lab:cluster.podCidr: describes machines istio-lab builds; it does not apply to source kubeconfig",
      "istio-lab:cluster.kubeconfig: is required for source kubeconfig: a kubeconfig path such as ~/.kube/config, or the secret istio-lab:kubeconfig",
    ]);
  });

  it("lists the mesh rules that need a valid mesh block", async () => {
    const errors = await stackErrors(
      build("kubeconfig", { mesh: { ingress: { serviceType: "ClusterIP", httpNodePort: 30080 }, kiali: { auth: "anonymous" }, dashboards: { serviceType: "NodePort" } }, apps: { namespace: "default" } }),
    );
    expect(errors).toHaveLength(3);
    expect(errors).toContainEqual(expect.stringMatching(/^istio-lab:mesh\.ingress\.httpNodePort: needs ingress\.serviceType NodePort or LoadBalancer/));
    expect(errors).toContainEqual(expect.stringMatching(/^istio-lab:mesh\.kiali\.auth: anonymous Kiali must not be published on a NodePort/));
    expect(errors).toContainEqual(expect.stringMatching(/^istio-lab:apps\.namespace: must be a namespace of its own/));
  });
});

describe("a bad config registers no resource", () => {
  it("fails with a ConfigError before the first resource", async () => {
    const { error, types } = await registrations(manyMistakes);
    expect(error).toBeInstanceOf(ConfigError);
    expect(types.filter((type) => type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  it("while a good config registers the lab", async () => {
    const { error, types } = await registrations(build("kubeconfig"));
    expect(error).toBeUndefined();
    expect(types).toContain("kubernetes:core/v1:Namespace");
    expect(types.filter((type) => type !== "pulumi:pulumi:Stack").length).toBeGreaterThan(1);
  });

  it.each(["vsphere", "hosts"] as const)("registers nothing for a bad %s config either", async (source) => {
    const { error, types } = await registrations(build(source, { sshPrivateKey: undefined, cluster: { podCidr: "192.168.0.0/16" } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toContainEqual({ key: "istio-lab:sshPrivateKey", message: expect.stringContaining(`is required for source ${source}`) });
    expect((error as ConfigError).issues).toContainEqual({ key: "istio-lab:cluster.podCidr", message: expect.stringContaining("overlaps the node network") });
    expect(types.filter((type) => type !== "pulumi:pulumi:Stack")).toEqual([]);
  });
});
