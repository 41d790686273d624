// Kubernetes against the Istio release, the OS against Kubernetes, and the control-plane VM size.
import { describe, expect, it } from "vitest";
import type { MachineClusterConfig } from "../../components/config";
import { build, expectNoProblemAt, expectProblem, parse, problems } from "./build";

const k8sKey = "istio-lab:cluster.kubernetesVersion";

describe("Kubernetes within the Istio release's supported range", () => {
  it.each([
    ["1.31.1", "1.32.0"],
    ["1.31.1", "1.36.4"],
    ["1.30.4", "1.32.9"],
    ["1.30.0", "1.36.0"],
    ["1.29.2", "1.31.0"],
    ["1.29.2", "1.35.3"],
  ])("accepts Istio %s with Kubernetes %s", (istioVersion, kubernetesVersion) => {
    expect(problems("hosts", { cluster: { kubernetesVersion }, mesh: { istioVersion } })).toEqual([]);
  });

  it.each([
    ["1.31.1", "1.31.9", "1.32 to 1.36"],
    ["1.31.1", "1.37.0", "1.32 to 1.36"],
    ["1.30.4", "1.31.0", "1.32 to 1.36"],
    ["1.30.4", "1.37.1", "1.32 to 1.36"],
    ["1.29.2", "1.30.2", "1.31 to 1.35"],
    ["1.29.2", "1.36.4", "1.31 to 1.35"],
  ])("refuses Istio %s with Kubernetes %s", (istioVersion, kubernetesVersion, range) => {
    expectProblem(
      problems("hosts", { cluster: { kubernetesVersion }, mesh: { istioVersion } }),
      k8sKey,
      `Kubernetes ${kubernetesVersion} is outside what Istio ${istioVersion}`,
      `supports: ${range}`,
    );
  });

  it("checks the default Kubernetes version too", () => {
    // The release a stack without kubernetesVersion installs, as the program resolves it.
    const installed = (parse(build("vsphere")).cluster as MachineClusterConfig).kubernetesVersion;
    expectProblem(problems("vsphere", { mesh: { istioVersion: "1.29.0" } }), k8sKey, `Kubernetes ${installed} is outside what Istio 1.29.0`);
  });

  it.each(["0.34.1", "2.34.0"])("refuses Kubernetes %s whose minor alone would fit", (kubernetesVersion) => {
    expectProblem(problems("hosts", { cluster: { kubernetesVersion } }), k8sKey, `Kubernetes ${kubernetesVersion} is outside what Istio`);
  });

  it.each(["1.28.5", "1.32.0", "2.31.0"])("refuses an unknown Istio release %s, naming the known ones", (istioVersion) => {
    const minor = istioVersion.split(".").slice(0, 2).join(".");
    expectProblem(problems("hosts", { mesh: { istioVersion } }), "istio-lab:mesh.istioVersion", `Istio ${minor} is not supported by istio-lab`, "1.29, 1.30, 1.31");
  });

  it("refuses an unknown Istio release on an existing cluster too", () => {
    expectProblem(problems("kubeconfig", { mesh: { istioVersion: "1.28.0" } }), "istio-lab:mesh.istioVersion", "Istio 1.28 is not supported");
  });

  it("refuses an unknown Istio release even when the cluster block is wrong", () => {
    const list = problems("hosts", { cluster: { podCidr: "nope" }, mesh: { istioVersion: "1.28.0" } });
    expectProblem(list, "istio-lab:mesh.istioVersion", "Istio 1.28 is not supported");
    expectProblem(list, "istio-lab:cluster.podCidr", "must be an IPv4 CIDR");
  });

  it("leaves an existing cluster's Kubernetes to its owner", () => {
    expect(problems("kubeconfig", { mesh: { istioVersion: "1.29.2" } })).toEqual([]);
  });
});

describe("operating system", () => {
  it.each(["1.35.0", "1.36.4"])("refuses centos7 with Kubernetes %s, for cgroup v1", (kubernetesVersion) => {
    expectProblem(
      problems("hosts", { cluster: { os: "centos7", kubernetesVersion } }),
      "istio-lab:cluster.os",
      "centos7 has only cgroup v1",
      "the kubelet refuses cgroup v1 from Kubernetes 1.35 on",
      `kubernetesVersion is ${kubernetesVersion}`,
    );
  });

  it("refuses centos7 with the default Kubernetes version", () => {
    expectProblem(problems("hosts", { cluster: { os: "centos7" } }), "istio-lab:cluster.os", "cgroup v1");
  });

  it("accepts centos7 with Kubernetes 1.34", () => {
    expect(problems("hosts", { cluster: { os: "centos7", kubernetesVersion: "1.34.6" } })).toEqual([]);
  });

  it.each(["rocky9", "alma9", "centos-stream9"])("accepts %s with Kubernetes 1.36", (os) => {
    expect(problems("hosts", { cluster: { os, kubernetesVersion: "1.36.4" } })).toEqual([]);
  });

  it("refuses an OS outside the list", () => {
    expectProblem(problems("hosts", { cluster: { os: "ubuntu24" } }), "istio-lab:cluster.os", 'must be one of "rocky9", "alma9", "centos-stream9", "centos7"');
  });
});

describe("control-plane VM size", () => {
  it("refuses fewer than 2 CPUs", () => {
    const list = problems("vsphere", { cluster: { vsphere: { cpus: 1 } } });
    expectProblem(list, "istio-lab:cluster.vsphere.cpus", "must be at least 2", "kubeadm preflight");
    expectNoProblemAt(list, "istio-lab:cluster.vsphere.memoryMb");
  });

  it("refuses less than 2048 MB", () => {
    const list = problems("vsphere", { cluster: { vsphere: { memoryMb: 2047 } } });
    expectProblem(list, "istio-lab:cluster.vsphere.memoryMb", "must be at least 2048", "kubeadm preflight");
    expectNoProblemAt(list, "istio-lab:cluster.vsphere.cpus");
  });

  it("accepts exactly 2 CPUs and 2048 MB", () => {
    expect(problems("vsphere", { cluster: { vsphere: { cpus: 2, memoryMb: 2048 } } })).toEqual([]);
  });
});
