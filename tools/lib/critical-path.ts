// How long a first `pulumi up` of a rendered stack would take on real infrastructure: the graph
// the engine schedules steps by, a duration per step, and the longest path through the graph
// (`pulumi up --parallel` is unbounded by default, so every step starts once its waits are done).
//
// Y waits for X when X is in the dependsOn of Y or of one of Y's ancestors (a child registers only
// once its parent has, and a component registers only once its dependsOn are done); when Y's
// inputs hold X's id (the mock engine's `${name}-id`); and when X is Y's provider. Waiting on a
// component is waiting on everything under it (the SDK expands it to its children).
// Limit: the mock engine sees an Output edge only through an id. An Output carrying any other
// value (a command's stdout, an id inside a secret) leaves no trace in the inputs; the ones this
// program has are listed in `hiddenWaits`, and a new one must be added there by hand.
import type { Rendered, RenderedResource } from "./mock-engine";

/**
 * The goals of a first `pulumi up` to a verified lab, as issue #27 sets them: a kind cluster on
 * this machine, VMs cloned from a bare template, and VMs cloned from one `npm run prepare-template` made.
 */
export const goalMinutes = { local: 5, vsphere: 10, vspherePrepared: 7 } as const;
/** `npm run verify`, in `pulumi up` only with `istio-lab:verify.gate` (its `verify-run` step). */
export const verifyMinutes = 1;

export interface StepDuration {
  type: RegExp;
  name?: RegExp;
  /** A further condition on the step's inputs. */
  when?: (inputs: Record<string, unknown>) => boolean;
  minutes: number;
  /** For a step that starts pods: its time when every node pulled the images before it began. */
  warm?: number;
  /** Its time on a clone of a template `npm run prepare-template` made, with its basis. */
  prepared?: { minutes: number; basis: string };
  /** Where the number comes from; "estimate" where nothing better than one exists. */
  basis: string;
}

// First match wins. The timeouts the program and the providers set (clone 30 min by default in
// terraform-provider-vsphere, guest customization 10 min, Helm 600 s here, 10 min for a
// Deployment's await in pulumi-kubernetes, kubeadm's 4 min for the control plane and the TLS
// bootstrap) are bounds, not estimates. Every number below is for a lab on a LAN with ~50 Mbit/s
// to the registries. Its basis names what it rests on: a measurement or a published figure where
// one was found, else "estimate" and what it assumes; the nightly job (.ci/e2e, tools/step-times.ts)
// prints the measured minutes of `local` beside these. A step that starts pods pulls their images
// then, unless every image step (`<node>-images`, or the kind/k3d cluster's `-images`) finished
// before it began: then its `warm` time. Concurrent pulls are not taken to share the link.
// Figures found (docs/machines.md lists them):
// - kubeadm init with its images present: 41-55 s, the control plane healthy after 24-28 s
//   (the logs in kubernetes/kubernetes#117984); kubeadm's preflight says its image pulls "might
//   take a minute or two, depending on the speed of your internet connection".
// - kindest/node: 0.93-1.13 GB as `docker images` shows it (kubernetes-sigs/kind#2310).
// - kind's --wait waits for the control-plane nodes only (kind pkg/cluster/internal/create/actions/
//   waitforready/waitforready.go): workers may still be NotReady when it returns.
// - istio/proxyv2: 164 MB as `docker images` shows it (chainguard-images/images#1323).
// No published size of istio/pilot or the Bookinfo images, nor a timing of a vSphere clone, a dnf
// install of these packages, kubeadm join or a Helm install of Istio, was found: those are estimates.
export const stepDurations: StepDuration[] = [
  // Linked clone (cluster.vsphere.linkedClone) of a VM with one snapshot: a child disk on that
  // snapshot instead of a copy (terraform-provider-vsphere vmworkflow ExpandVirtualMachineCloneSpec:
  // DiskMoveType createNewChildDiskBacking; from a VM marked as a template it copies, and docs/machines.md
  // says to name a VM), so only power-on, Linux guest customization and the guest IP's wait remain.
  {
    type: /^vsphere:index\/virtualMachine:/,
    when: (inputs) => (inputs.clone as { linkedClone?: boolean } | undefined)?.linkedClone === true,
    minutes: 2.5,
    basis: "estimate: linked clone, customization, guest IP",
  },
  // Full clone of a thin-provisioned template on the same datastore (1-3 min; three at once share
  // it), power-on, Linux guest customization, and the provider's wait for the guest's IP (1-2 min).
  { type: /^vsphere:index\/virtualMachine:/, minutes: 5, basis: "estimate: full clone, customization, guest IP" },
  // wait-ready.sh: SSH answers at once, the VM has booted when the provider saw its IP.
  { type: /^command:remote:/, name: /-access$/, minutes: 0.5, basis: "estimate: SSH and end of boot" },
  // prep-os.sh: fresh dnf metadata for BaseOS and AppStream (~30 s), five small packages.
  { type: /^command:remote:/, name: /-os$/, minutes: 1, basis: "estimate: dnf metadata + 5 small packages", prepared: { minutes: 0.2, basis: "estimate: packages present (rpm -q), this node's name and hosts" } },
  // install-kubernetes.sh: pkgs.k8s.io's and Docker's repository metadata, then kubelet, kubeadm,
  // kubectl, cri-tools, kubernetes-cni (~60 MB) and containerd.io (~35 MB) in one transaction, dnf
  // fetching three at a time (max_parallel_downloads, dnf.conf(5)). Each was a step of 1 min with
  // its own dnf run; one run and one download of ~95 MB (15 s at 50 Mbit/s) is taken as 1.5.
  { type: /^command:remote:/, name: /-kubernetes$/, minutes: 1.5, basis: "estimate: one dnf transaction from pkgs.k8s.io and Docker's repository (~95 MB)", prepared: { minutes: 0.1, basis: "estimate: packages present, the kubelet's node-ip" } },
  // install-containerd.sh: containerd.io came with the Kubernetes packages (rpm -q); its config
  // generated and written, containerd started: as on a prepared template, plus the first start.
  { type: /^command:remote:/, name: /-containerd$/, minutes: 0.2, basis: "estimate: containerd.io present, config written, containerd started", prepared: { minutes: 0.1, basis: "estimate: containerd.io present, its config unchanged" } },
  // pull-images.sh: ~1 GB of mesh and sample images at ~50 Mbit/s (160 s); nothing waits for it.
  { type: /^command:remote:/, name: /-images$/, minutes: 3, basis: "estimate: ~1 GB of images at 50 Mbit/s", prepared: { minutes: 0.1, basis: "estimate: every image present (crictl inspecti)" } },
  // kubeadm init: its preflight pulls the control-plane images ("might take a minute or two",
  // kubeadm's preflight phase says), then the control plane comes up and kubeadm finishes.
  {
    type: /^command:remote:/,
    name: /-init$/,
    minutes: 2.5,
    basis: "kubeadm init 41-55 s (kubernetes#117984) + its image pulls, \"a minute or two\" (kubeadm preflight)",
    // seal-template.sh pulled kubeadm's images into the template.
    prepared: { minutes: 1, basis: "kubeadm init with its images present: 41-55 s (kubernetes#117984)" },
  },
  // read-kubeconfig.sh, join-command.sh, a node's first contact (nodes/host-key.ts): one short command over SSH.
  { type: /^command:remote:/, name: /-(kubeconfig|join-command|host-key)$/, minutes: 0.1, basis: "estimate: one command over SSH" },
  // A record the engine's builtin provider keeps (cluster/pin.ts, vsphere/addresses.ts): no call out.
  { type: /^pulumi:index:Stash$/, minutes: 0, basis: "a record in the state" },
  // flannel-apply.sh: kubectl apply, no wait (the smoke check waits for the rollout).
  { type: /^command:remote:/, name: /^flannel-apply$/, minutes: 0.2, basis: "estimate: kubectl apply, no wait" },
  // kubeadm join: discovery, TLS bootstrap, kubelet start; then the node turns Ready once its
  // Flannel pod runs (its images pulled first by the node's `-images` step, node.ts imagePullVars),
  // which the pods that follow need (critical-path's scheduler wait).
  { type: /^command:remote:/, name: /-join$/, minutes: 1, basis: "estimate: kubeadm join (TLS bootstrap), node Ready with Flannel" },
  // smoke-check.sh: nodes Ready once Flannel and kube-proxy are pulled and run, CoreDNS rolled out.
  // Warm when every node's image step, which pulls Flannel's images too (node.ts imagePullVars),
  // ended before it began: then only kube-proxy's small image is left to pull. Nothing waits for it.
  { type: /^command:remote:/, name: /^smoke-check$/, minutes: 1.5, warm: 1, basis: "estimate: Flannel/kube-proxy pulls, CoreDNS rollout" },
  // local-cluster.sh: kind or k3d pull their node image once (~1 GB for kindest/node, kind#2310;
  // later runs find it), start three containers, kubeadm init (41-55 s with the images, which the
  // node image holds: kubernetes#117984) and two joins, then --wait for the control plane Ready.
  { type: /^command:local:/, name: /-(kind|k3d)$/, minutes: 2, basis: "estimate: node image present; kubeadm init 41-55 s (kubernetes#117984), joins, control plane Ready" },
  // local-cluster.sh pull: the lab's images on this machine with docker, beside the cluster's create
  // (whose node image is present: the link is free), as pull-images.sh on a node.
  { type: /^command:local:/, name: /-(kind|k3d)-pull$/, minutes: 3, basis: "estimate: ~1 GB of images at 50 Mbit/s" },
  // local-cluster.sh load: one platform's archive of each image into the three nodes (kind load
  // image-archive), a copy on this machine's disk.
  { type: /^command:local:/, name: /-(kind|k3d)-images$/, minutes: 0.5, basis: "estimate: ~1 GB saved and imported into three nodes, no network" },
  // verify-gate.ts: `npm run verify` sends traffic through the gateway and judges it.
  { type: /^command:local:/, name: /^verify-run$/, minutes: verifyMinutes, basis: "estimate: npm run verify" },
  // Keys and certificates (secure ingress): computed by the tls provider where Pulumi runs.
  { type: /^tls:/, minutes: 0, basis: "computed locally by the tls provider" },
  // Configure only: the provider resource makes no API call of its own.
  { type: /^pulumi:providers:/, minutes: 0, basis: "configure only" },
  // istio-base: CRDs and a webhook configuration, no pods to wait for.
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istio-base$/, minutes: 0.3, basis: "estimate: chart download + CRDs, no pods" },
  // atomic implies --wait: the pilot image's pull and its readiness probe.
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istiod$/, minutes: 1.5, warm: 0.7, basis: "estimate: helm --wait, pilot pull + ready" },
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istio-ingressgateway$/, minutes: 1, warm: 0.5, basis: "estimate: helm --wait, proxyv2 pull (164 MB, chainguard-images#1323) + ready" },
  // Kiali, Prometheus (server + config reloader), Grafana (with a curl init container).
  { type: /^kubernetes:helm\.sh\/v3:Release$/, minutes: 1.5, warm: 0.8, basis: "estimate: helm --wait, addon image pulls + ready" },
  // pulumi-kubernetes awaits a Deployment's rollout; reviews is the samples' largest image (a Java
  // server). The samples' Services carry pulumi.com/skipAwait (app-objects.ts), so they end at
  // once instead of with their pods' endpoints (pulumi-kubernetes provider/pkg/await/service.go).
  { type: /^kubernetes:apps\/v1:Deployment$/, name: /\/reviews-v\d$/, minutes: 2, warm: 1, basis: "estimate: reviews image pull + proxyv2 (164 MB) + Java start + ready" },
  { type: /^kubernetes:apps\/v1:Deployment$/, minutes: 1, warm: 0.5, basis: "estimate: image pull + sidecar + ready" },
  // Namespaces, ServiceAccounts, ConfigMaps, Istio objects: one API call, nothing to await.
  { type: /^kubernetes:/, minutes: 0.05, basis: "estimate: one API call" },
  { type: /./, minutes: 0.1, basis: "estimate: unknown step" },
];

/** The durations on clones of a template `npm run prepare-template` made. */
export const preparedTemplateDurations: StepDuration[] = stepDurations.map((d) => (d.prepared ? { ...d, minutes: d.prepared.minutes, basis: d.prepared.basis } : d));

/** Components (the stack, the program's own `istio-lab:` types) take no time: they only group. */
export const isComponent = (r: RenderedResource) => /^(istio-lab:|pulumi:pulumi:Stack$)/.test(r.type);

/** How long a step takes; `imagesPulled` is asked only of a step that starts pods. */
export function stepDuration(r: RenderedResource, table: StepDuration[] = stepDurations, imagesPulled: () => boolean = () => false): { minutes: number; basis: string } {
  if (isComponent(r)) return { minutes: 0, basis: "component" };
  const entry = table.find((d) => d.type.test(r.type) && (!d.name || d.name.test(r.name)) && (!d.when || d.when(r.inputs)));
  if (!entry) return { minutes: 0, basis: "no entry" };
  return entry.warm !== undefined && imagesPulled() ? { minutes: entry.warm, basis: `${entry.basis}; images already pulled` } : entry;
}

const isJoin = (r: RenderedResource) => r.type === "command:remote:Command" && r.name.endsWith("-join");

/**
 * What the provider's kubeconfig carries (components/cluster): on machines istio-lab builds, the
 * control plane's kubeconfig read after kubeadm init, Flannel's apply and each node's first step
 * (kubeadm-cluster.ts kubeconfigReleased), not the joins or the smoke check; for kind or k3d, the
 * creating command's stdout (local-cluster.ts). test/engine/critical-path.test.ts holds this to the
 * Output's real dependencies.
 */
export function kubeconfigWaits(resources: readonly RenderedResource[]): string[] {
  const firstSteps = resources.filter((r) => r.type === "command:remote:Command" && r.name.endsWith("-access")).map((r) => r.name);
  return ["control-plane-kubeconfig", "flannel-apply", ...firstSteps, "cluster-kind", "cluster-k3d"];
}

/**
 * A step that waits for its pods to be ready: a Helm release that waits (atomic implies --wait),
 * or a workload pulumi-kubernetes awaits.
 */
const startsPods = (r: RenderedResource) =>
  // istio-base is CRDs and a webhook configuration: its wait has no pod to wait for.
  (r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.skipAwait !== true && !/\/istio-base$/.test(r.name)) || /^kubernetes:apps\/v1:(Deployment|StatefulSet|DaemonSet)$/.test(r.type);

/** Waits through Outputs that carry no id, which the mock engine cannot see (see the top), and the scheduler's. */
function hiddenWaits(r: RenderedResource, resources: readonly RenderedResource[]): string[] {
  if (r.type === "pulumi:providers:kubernetes") return kubeconfigWaits(resources);
  // worker-join.ts: a join's stdin is the stdout of the join command minted for it.
  if (isJoin(r)) return [`${r.name}-command`];
  // Not an engine edge, the scheduler's: on a cluster kubeadm builds, a pod runs only on a Ready
  // node without the control plane's NoSchedule taint (kubeadm's default; istiod's chart has
  // pilot.tolerations [], istio-discovery values.yaml), a worker once it joined. The workers join
  // at once, so the first is ready about when the last is: the step waits for every join.
  if (startsPods(r)) return resources.filter(isJoin).map((j) => j.name);
  return [];
}

/** For each resource, the resources it waits for in a real `pulumi up`. */
export function dependencyGraph(rendered: Rendered): Map<RenderedResource, RenderedResource[]> {
  const { resources } = rendered;
  const named = (name: string) => resources.filter((r) => r.name === name);
  const parentOf = (r: RenderedResource) => resources.find((p) => p.name === r.parent && p.type === r.parentType);
  const graph = new Map<RenderedResource, RenderedResource[]>();
  for (const r of resources) {
    const ancestors: RenderedResource[] = [];
    for (let p = parentOf(r); p && !ancestors.includes(p); p = parentOf(p)) ancestors.push(p);
    // A name may be a custom resource and a component (a VM and its Node): never one's own
    // ancestor, and a custom resource before a component.
    const resolve = (name: string) => {
      const found = named(name).filter((x) => x !== r && !ancestors.includes(x));
      const custom = found.filter((x) => !isComponent(x));
      return custom.length > 0 ? custom : found;
    };
    const waits = new Set<RenderedResource>();
    for (const holder of [r, ...ancestors]) holder.dependsOn.flatMap(resolve).forEach((x) => waits.add(x));
    for (const [, name] of JSON.stringify(r.inputs).matchAll(/([\w./-]+)-id(?![\w-])/g)) {
      resolve(name).filter((x) => !isComponent(x)).forEach((x) => waits.add(x));
    }
    if (r.provider) resources.filter((p) => p.name === r.provider && p.type.startsWith("pulumi:providers:")).forEach((p) => waits.add(p));
    hiddenWaits(r, resources).flatMap(resolve).forEach((x) => waits.add(x));
    if (isComponent(r)) resources.filter((c) => parentOf(c) === r).forEach((c) => waits.add(c));
    graph.set(r, [...waits]);
  }
  return graph;
}

export type PathStep = { resource: RenderedResource } & ReturnType<typeof stepDuration>;

export interface CriticalPath {
  /** The steps in the order they run, without components (which take no time). */
  steps: PathStep[];
  minutes: number;
}

/** The longest chain of waits through the stack, by the step durations. */
export function criticalPath(rendered: Rendered, table: StepDuration[] = stepDurations): CriticalPath {
  const graph = dependencyGraph(rendered);
  const done = new Map<RenderedResource, { finish: number; after?: RenderedResource; start: number }>();
  // Whether every node's image pull has ended by then (there is none for an existing cluster).
  const pulls = rendered.resources.filter((r) => /^command:(remote|local):Command$/.test(r.type) && r.name.endsWith("-images"));
  const pulledBy = (start: number) => pulls.length > 0 && pulls.every((pull) => finish(pull) <= start);
  const visiting = new Set<RenderedResource>();
  const finish = (r: RenderedResource): number => {
    if (done.has(r)) return done.get(r)!.finish;
    if (visiting.has(r)) throw new Error(`dependency cycle through ${r.type} ${r.name}`);
    visiting.add(r);
    // Starts when the last step it waits for ends; the first of equals is the one on the path.
    const after = (graph.get(r) ?? []).reduce<RenderedResource | undefined>((best, x) => (finish(x) > (best ? finish(best) : 0) ? x : best), undefined);
    const start = after ? finish(after) : 0;
    done.set(r, { finish: start + stepDuration(r, table, () => pulledBy(start)).minutes, after, start });
    return done.get(r)!.finish;
  };
  let last: RenderedResource | undefined;
  for (const r of rendered.resources) if (!last || finish(r) > finish(last)) last = r;
  const chain: RenderedResource[] = [];
  for (let r = last; r; r = done.get(r)?.after) chain.unshift(r);
  const steps = chain.filter((r) => !isComponent(r)).map((resource) => ({ resource, ...stepDuration(resource, table, () => pulledBy(done.get(resource)!.start)) }));
  return { steps, minutes: last ? finish(last) : 0 };
}
