// Whether the whole dev lab fits its three default VMs (2 CPUs, 4096 MiB each), by the requests the
// scheduler counts: computed from the rendered objects and Helm values where istio-lab sets them,
// from the charts' and the samples' upstream files where it leaves the chart's default, and from
// kubeadm's source for the pods kubeadm makes. The README's "Capacity" figures are these.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { flannelObjects } from "../../components/cluster/flannel/manifest";
import { renderFile, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";

const yamlAt = (file: string) => parse(fs.readFileSync(upstreamFile(`istio-1.31/${file}`), "utf8"));

type Requests = { cpu: number; memory: number };
const milliCpu = (q: unknown = "0") => (String(q).endsWith("m") ? Number(String(q).slice(0, -1)) : Number(q) * 1000);
const mebibytes = (q: unknown = "0") => {
  const s = String(q);
  return s.endsWith("Mi") ? Number(s.slice(0, -2)) : s.endsWith("Gi") ? Number(s.slice(0, -2)) * 1024 : Number(s) / 2 ** 20;
};
const of = (r: { cpu?: unknown; memory?: unknown } | undefined): Requests => ({ cpu: milliCpu(r?.cpu), memory: mebibytes(r?.memory) });
const sum = (list: Requests[]): Requests => list.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
const times = (n: number, r: Requests): Requests => ({ cpu: n * r.cpu, memory: n * r.memory });

/**
 * kubeadm's own pods (kubernetes cmd/kubeadm/app/phases/controlplane/manifests.go:
 * ComponentResources("250m"/"200m"/"100m"); etcd/local.go: 100m and 100Mi; addons/dns/manifests.go:
 * CoreDNS 100m and 70Mi, two replicas). kube-proxy requests nothing.
 */
const kubeadm = {
  controlPlane: [of({ cpu: "250m" }), of({ cpu: "200m" }), of({ cpu: "100m" }), of({ cpu: "100m", memory: "100Mi" })],
  coreDns: times(2, of({ cpu: "100m", memory: "70Mi" })),
};

/** The requests of every container of a pod template. */
const podRequests = (spec: { containers: { resources?: { requests?: Record<string, string> } }[] }) => sum(spec.containers.map((c) => of(c.resources?.requests)));

function platformPods(r: Rendered): Record<string, Requests> {
  const release = (name: string) => r.resources.find((x) => x.name === `HelmRelease/istio-system/${name}`)!.inputs.values as Record<string, any>;
  // Sidecars take the demo profile's proxy requests, istiod the profile's pilot requests
  // (charts/istio-control/istio-discovery/files/profile-demo.yaml; components/mesh/istio.ts sets the profile).
  const demo = yamlAt("charts/istio-control/istio-discovery/files/profile-demo.yaml");
  expect(release("istiod").profile).toBe("demo");
  const sidecar = of(demo.global.proxy.resources.requests);
  // The gateway chart's own resources (charts/gateway/values.yaml), which its demo profile leaves.
  expect(release("istio-ingressgateway").resources).toBeUndefined();
  const gatewayDefaults = yamlAt("charts/gateway/values.yaml");
  const gateway = of((gatewayDefaults._internal_defaults_do_not_set ?? gatewayDefaults).resources.requests);
  // The addons' charts at the pinned versions, as Istio's samples/addons render them with no resources of ours.
  const addonRequests = (name: string) =>
    sum(
      parseAllDocuments(fs.readFileSync(upstreamFile(`istio-1.31/samples/addons/${name}.yaml`), "utf8"))
        .map((d) => d.toJS())
        .filter((o) => o?.kind === "Deployment")
        .map((o) => podRequests(o.spec.template.spec)),
    );
  for (const addon of ["kiali", "prometheus", "grafana"]) expect(release(addon).resources ?? release(addon).server?.resources ?? release(addon).deployment?.resources).toBeUndefined();
  const deployments = r.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment");
  const ours = Object.fromEntries(
    deployments.map((d) => {
      const meta = d.inputs.metadata as { name: string; namespace: string };
      const spec = d.inputs.spec as { replicas?: number; template: { spec: Parameters<typeof podRequests>[0]; metadata?: { labels?: Record<string, string> } } };
      const injected = spec.template.metadata?.labels?.["sidecar.istio.io/inject"] !== "false";
      return [`${meta.namespace}/${meta.name}`, times(spec.replicas ?? 1, sum([podRequests(spec.template.spec), ...(injected ? [sidecar] : [])]))];
    }),
  );
  return {
    istiod: of(demo.pilot.resources.requests),
    "istio-ingressgateway": gateway,
    kiali: addonRequests("kiali"),
    prometheus: addonRequests("prometheus"),
    grafana: addonRequests("grafana"),
    coredns: kubeadm.coreDns,
    ...ours,
  };
}

describe("the dev lab's requests against its default VMs (2 CPUs, 4096 MiB each)", () => {
  it("is what the README states, per node, with the margin it states", async () => {
    const r = await renderFile("Pulumi.dev.yaml");
    const flannel = sum(flannelObjects({ podCidr: "10.2.0.0/16" }).filter((o) => o.kind === "DaemonSet").map((o) => podRequests((o as any).spec.template.spec)));
    const controlPlane = sum([...kubeadm.controlPlane, flannel]);
    const pods = platformPods(r);
    // Everything else runs on the two workers (the control plane keeps its NoSchedule taint), each with its Flannel pod.
    const workers = sum([...Object.values(pods), times(2, flannel)]);
    const perWorker = { cpu: workers.cpu / 2, memory: workers.memory / 2 };
    expect(controlPlane).toEqual({ cpu: 750, memory: 150 });
    expect(workers).toEqual({ cpu: 590, memory: 772 });
    // README: the control plane requests 750m of 2000m (38 %) and 150 MiB; the workers 590m and
    // 772 MiB together, 15 % of a worker's CPU and 9 % of its memory each.
    expect(Math.round((100 * controlPlane.cpu) / 2000)).toBe(38);
    expect(Math.round((100 * perWorker.cpu) / 2000)).toBe(15);
    expect(Math.round((100 * perWorker.memory) / 4096)).toBe(9);
  });
});
