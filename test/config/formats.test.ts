// Field formats: addresses, CIDRs, names, versions, ports, sizes and unknown keys.
import { describe, expect, it } from "vitest";
import { tutorialNodes } from "../../components/config/schema";
import { expectProblem, problems, raw, build, expectNoProblemAt } from "./build";
import { parseLabConfig } from "../../components/config";
import { analyzeScenario } from "../../components/scenarios/analyzer";

const nodesWith = (index: number, patch: Record<string, unknown>) =>
  tutorialNodes.map((node, i) => (i === index ? { ...node, ...patch } : { ...node }));

describe("IPv4 addresses", () => {
  it.each(["192.168.56.256", "192.168.56", "192.168.056.12", "192.168.56.12/24", "linux-node2", ""])("refuses node ip %j", (ip) => {
    expectProblem(problems("hosts", { cluster: { nodes: nodesWith(1, { ip }) } }), "istio-lab:cluster.nodes[1].ip", "must be an IPv4 address");
  });

  it("refuses a gateway and a DNS server that are not addresses", () => {
    const list = problems("hosts", { cluster: { network: { gateway: "gw.example.com", dns: ["192.168.56.1", "8.8.8"] } } });
    expectProblem(list, "istio-lab:cluster.network.gateway", "must be an IPv4 address");
    expectProblem(list, "istio-lab:cluster.network.dns[1]", "must be an IPv4 address");
  });

  it("accepts addresses at the edges of the octet range", () => {
    expect(
      problems("hosts", {
        cluster: {
          nodes: nodesWith(1, { ip: "192.168.56.254" }),
          network: { gateway: "192.168.56.1", dns: ["0.0.0.0", "255.255.255.255", "8.8.8.8"] },
        },
      }),
    ).toEqual([]);
  });
});

describe("CIDRs", () => {
  it.each([
    ["podCidr", "10.2.0.0", "must be an IPv4 CIDR"],
    ["podCidr", "10.2.0.0/33", "must be an IPv4 CIDR"],
    ["podCidr", "10.2.0.0/", "must be an IPv4 CIDR"],
    ["serviceCidr", "10.1.0.0/16/1", "must be an IPv4 CIDR"],
    ["serviceCidr", "10.1.0.300/16", "must be an IPv4 CIDR"],
    ["podCidr", "10.2.0.1/16", 'has host bits set: "10.2.0.1/16"'],
    ["serviceCidr", "10.1.128.0/16", "has host bits set"],
  ])("refuses %s %j", (field, value, message) => {
    expectProblem(problems("hosts", { cluster: { [field]: value } }), `istio-lab:cluster.${field}`, message);
  });

  it("accepts network addresses", () => {
    expect(problems("hosts", { cluster: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" } })).toEqual([]);
  });
});

describe("network prefix length", () => {
  it.each([7, 31, 32, 24.5])("refuses %j", (prefixLength) => {
    expectProblem(
      problems("hosts", { cluster: { network: { prefixLength } } }),
      "istio-lab:cluster.network.prefixLength",
      Number.isInteger(prefixLength) ? "must be between 8 and 30" : "must be a whole number",
    );
  });

  it.each([8, 16, 24, 30])("accepts /%d", (prefixLength) => {
    // 192.168.56.11-13 and the gateway .1 share a /28 and a /30 only partly: pick addresses that fit.
    const nodes =
      prefixLength === 30
        ? [{ name: "linux-node1", ip: "192.168.56.9", role: "control-plane" }, { name: "linux-node2", ip: "192.168.56.10", role: "worker" }]
        : undefined;
    const network = prefixLength === 30 ? { prefixLength, gateway: "192.168.56.10" } : { prefixLength };
    const list = problems("hosts", { cluster: { nodes, network, podCidr: "172.16.0.0/16", serviceCidr: "172.17.0.0/16" } });
    expectNoProblemAt(list, "istio-lab:cluster.network.prefixLength");
  });
});

describe("DNS-1123 node names", () => {
  it.each(["Linux-Node1", "linux_node1", "-node1", "node1-", "node.1", "a".repeat(64), ""])("refuses %j", (name) => {
    expectProblem(
      problems("hosts", { cluster: { nodes: nodesWith(0, { name }) } }),
      "istio-lab:cluster.nodes[0].name",
      "must be a DNS-1123 label",
    );
  });

  it.each(["node1", "k8s-cp-01", "a", "a".repeat(63)])("accepts %j", (name) => {
    expect(problems("hosts", { cluster: { nodes: nodesWith(0, { name }) } })).toEqual([]);
  });
});

describe("release versions", () => {
  it.each(["1.36", "v1.36.4", "1.36.4-rc.1", "1.36.x", "latest"])("refuses kubernetesVersion %j", (kubernetesVersion) => {
    expectProblem(problems("hosts", { cluster: { kubernetesVersion } }), "istio-lab:cluster.kubernetesVersion", "must be a release version such as 1.36.4");
  });

  it.each(["1.31", "v1.31.1", "1.31.1-distroless"])("refuses istioVersion %j", (istioVersion) => {
    expectProblem(problems("kubeconfig", { mesh: { istioVersion } }), "istio-lab:mesh.istioVersion", "must be a release version");
  });

  it("accepts x.y.z versions", () => {
    expect(problems("hosts", { cluster: { kubernetesVersion: "1.35.0" }, mesh: { istioVersion: "1.30.4" } })).toEqual([]);
  });
});

describe("ports", () => {
  it.each([
    [0, "must be a port number from 1 to 65535"],
    [65536, "must be a port number from 1 to 65535"],
    [22.5, "must be a port number"],
    ["22", "must be a port number"],
  ])("refuses ssh.port %j", (port, message) => {
    expectProblem(problems("hosts", { cluster: { ssh: { port } } }), "istio-lab:cluster.ssh.port", message);
  });

  it.each([1, 22, 2222, 65535])("accepts ssh.port %d", (port) => {
    expect(problems("hosts", { cluster: { ssh: { port } } })).toEqual([]);
  });
});

describe("NodePort range", () => {
  it.each([80, 29999, 32768])("refuses httpNodePort %d", (httpNodePort) => {
    expectProblem(
      problems("kubeconfig", { mesh: { ingress: { serviceType: "NodePort", httpNodePort } } }),
      "istio-lab:mesh.ingress.httpNodePort",
      "must be in the NodePort range 30000-32767",
    );
  });

  it.each([30000, 30080, 32767])("accepts httpNodePort %d", (httpNodePort) => {
    expect(problems("kubeconfig", { mesh: { ingress: { serviceType: "NodePort", httpNodePort } } })).toEqual([]);
  });
});

describe("positive sizes", () => {
  it.each([
    ["diskGb", 0, "must be at least 1"],
    ["memoryMb", -4096, "must be at least 1"],
    ["cpus", 0, "must be at least 1"],
    ["diskGb", 40.5, "must be a whole number"],
    ["diskGb", "40", 'must be a whole number such as 60, not the text "40"; write 40 without quotes'],
  ])("refuses vsphere.%s %j", (field, value, message) => {
    expectProblem(problems("vsphere", { cluster: { vsphere: { [field]: value } } }), `istio-lab:cluster.vsphere.${field}`, message);
  });

  it("accepts whole positive sizes", () => {
    expect(problems("vsphere", { cluster: { vsphere: { cpus: 4, memoryMb: 8192, diskGb: 1 } } })).toEqual([]);
  });

  it("takes linkedClone as true or false only", () => {
    expect(problems("vsphere", { cluster: { vsphere: { linkedClone: true } } })).toEqual([]);
    expectProblem(problems("vsphere", { cluster: { vsphere: { linkedClone: "yes" } } }), "istio-lab:cluster.vsphere.linkedClone", "must be true or false");
  });
});

describe("unknown keys", () => {
  it("names a nested unknown key by its full path, with the closest known key", () => {
    expectProblem(problems("hosts", { cluster: { podCIDR: "10.2.0.0/16" } }), "istio-lab:cluster.podCIDR", 'unknown key "podCIDR"', 'did you mean "podCidr"?');
  });

  it("names a top-level unknown key, with the closest known key", () => {
    expectProblem(problems("kubeconfig", { senario: "canary" }), "istio-lab:senario", 'unknown key "senario"', 'did you mean "scenario"?');
  });

  it.each([
    ["istio-lab:cluster.network.gatway", { cluster: { network: { gatway: "192.168.56.1" } } }, '"gateway"'],
    ["istio-lab:cluster.nodes[2].rol", { cluster: { nodes: nodesWith(2, { rol: "worker" }) } }, '"role"'],
    ["istio-lab:cluster.vsphere.datastor", { cluster: { vsphere: { datastor: "ds" } } }, '"datastore"'],
    ["istio-lab:mesh.addon", { mesh: { addon: ["kiali"] } }, '"addons"'],
    ["istio-lab:apps.namespce", { apps: { namespce: "lab" } }, '"namespace"'],
    ["istio-lab:sshPrivatekey", { sshPrivatekey: "x" }, '"sshPrivateKey"'],
  ])("names %s at any depth", (key, override, suggestion) => {
    expectProblem(problems("vsphere", override), key, "unknown key", `did you mean ${suggestion}?`);
  });

  it("lists the known keys when none is close", () => {
    const list = problems("hosts", { cluster: { colour: "blue" } });
    expectProblem(list, "istio-lab:cluster.colour", 'unknown key "colour"', 'known keys are "source", "kubernetesVersion"', '"vsphere", "kubeconfig"');
  });

  it("reports each unknown key of one object on its own", () => {
    const list = problems("hosts", { cluster: { podCIDR: "10.2.0.0/16", servicecidr: "10.1.0.0/16" } });
    expectProblem(list, "istio-lab:cluster.podCIDR", 'did you mean "podCidr"?');
    expectProblem(list, "istio-lab:cluster.servicecidr", 'did you mean "serviceCidr"?');
    expect(list).toHaveLength(2);
  });

  it("leaves keys of other namespaces alone", () => {
    expect(problems("kubeconfig", { "kubernetes:context": "lab", "aws:region": "eu-west-1" })).toEqual([]);
  });
});

describe("object keys", () => {
  it("refuses a key that is not an object, once", () => {
    const list = problems("hosts", { cluster: undefined, "istio-lab:cluster": "hosts" });
    expect(list).toEqual([{ key: "istio-lab:cluster", message: expect.stringContaining("must be an object; set its fields with `pulumi config set --path 'cluster.<field>'") }]);
  });

  it("refuses a list where an object belongs", () => {
    expectProblem(problems("kubeconfig", { mesh: ["kiali"] }), "istio-lab:mesh", "must be an object");
  });

  it("requires the cluster of a platform stack, and its source, naming the lab alternative", () => {
    // Absent, or the `{}` the CLI hands a stack that leaves it out (Pulumi.yaml's default).
    for (const cluster of [undefined, {}]) {
      const { values, secretKeys } = raw({ ...build("kubeconfig", { cluster: undefined }), ...(cluster && { "istio-lab:cluster": cluster }) });
      expect(() => parseLabConfig({ values, secretKeys }, analyzeScenario)).toThrow(
        "istio-lab:cluster: is required: where the cluster comes from (cluster.source: vsphere, hosts, kubeconfig, kind, k3d); or set istio-lab:platform to make this stack a lab on another stack's cluster and mesh",
      );
    }
    const { values, secretKeys } = raw(build("kubeconfig", { cluster: { source: undefined } }));
    expect(() => parseLabConfig({ values, secretKeys }, analyzeScenario)).toThrow('istio-lab:cluster.source: is required: one of "vsphere", "hosts", "kubeconfig", "kind", "k3d"');
  });
});

describe("mistakes a new user makes", () => {
  it("refuses kubeconfig contents pasted into the path field, without repeating them", () => {
    const contents = "apiVersion: v1\nkind: Config\nusers: [{name: admin, user: {token: tok3n-s3cret}}]";
    const list = problems("kubeconfig", { cluster: { kubeconfig: contents } });
    expectProblem(list, "istio-lab:cluster.kubeconfig", "holds kubeconfig contents, not a path", "pulumi config set --secret istio-lab:kubeconfig");
    expect(JSON.stringify(list)).not.toContain("tok3n-s3cret");
    expect(problems("kubeconfig", { cluster: { kubeconfig: "/home/me/.kube/lab config" } })).toEqual([]);
  });

  it("refuses a gateway URL without http:// or https://", () => {
    for (const url of ["192.168.49.2:31380", "ftp://192.168.49.2:31380"]) {
      expectProblem(problems("kubeconfig", { verify: { gatewayUrl: url } }), "istio-lab:verify.gatewayUrl", "must be an http:// or https:// URL");
    }
    expect(problems("kubeconfig", { verify: { gatewayUrl: "https://lab.example.com" } })).toEqual([]);
  });

  it("refuses a key in a namespace that is the project's misspelt, instead of ignoring it", () => {
    expectProblem(problems("kubeconfig", { "istio_lab:scenario": "mirroring" }), "istio_lab:scenario", 'did you mean "istio-lab:scenario"?');
    expect(problems("kubeconfig", { "kubernetes:enableServerSideApply": "true" })).toEqual([]);
  });

  it("refuses Kiali or Grafana without the Prometheus they read", () => {
    expectProblem(problems("kubeconfig", { mesh: { addons: ["kiali", "jaeger"] } }), "istio-lab:mesh.addons", "kiali reads its metrics from prometheus");
    expectProblem(problems("kubeconfig", { mesh: { addons: ["grafana"] } }), "istio-lab:mesh.addons", "grafana reads its metrics from prometheus");
    expect(problems("kubeconfig", { mesh: { addons: ["prometheus", "grafana"] } })).toEqual([]);
  });
});
