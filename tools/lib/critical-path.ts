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
import type { Probe } from "../../catalog/scenarios/probes";
import { pageConcurrency } from "../verify/probes/productpage";
import { configKinds, pushWindowMs } from "../verify/readiness";
import { scalable } from "../verify/run";
import { scenarioSpec } from "../verify/stack";
import { waitForAnnotation } from "../../catalog/scenarios/waypoint";
import { shellWords } from "../../components/shell";
import { dataPlaneAnnotation } from "../../components/workloads/app-objects";
import type { Rendered, RenderedResource } from "./mock-engine";
import type { StackConfig } from "./stack-file";

/**
 * The goals of a first `pulumi up` to a verified lab, as issue #27 sets them: a kind cluster on
 * this machine, VMs cloned from a bare template, and VMs cloned from one `npm run prepare-template` made.
 */
export const goalMinutes = { local: 5, vsphere: 10, vspherePrepared: 7 } as const;

/** One cost of `npm run verify` and what it rests on. */
export interface VerifyCost {
  seconds: number;
  basis: string;
}

/**
 * What one of verify's own actions takes on a lab on this machine or a LAN. Only the start is a
 * measurement; nothing published times these calls against a lab, so the rest are estimates.
 */
export const verifyCosts = {
  // `npm run verify` until its first request: measured on the project's 2-core machine with a refused
  // gateway (`--ready-timeout 0`, three runs: 1.19-1.27 s): node, tsx, the stack's outputs read.
  start: { seconds: 1.3, basis: "measured: npm run verify to its first request, 1.19-1.27 s" },
  // tools/verify/cluster.ts exec: a list of the Deployment's pods, then an exec through the API
  // server to the kubelet (@kubernetes/client-node's Exec over a WebSocket) until the command ends.
  exec: { seconds: 0.5, basis: "estimate: a pod list, then an exec stream through the API server to the kubelet" },
  // One list, get or log read from the API server (tools/verify/cluster.ts).
  apiCall: { seconds: 0.05, basis: "estimate: one API server call" },
  // Bookinfo's page: productpage (Python) asks details and reviews (and reviews ratings), each
  // through two sidecars, before it answers; through the gateway from this machine.
  page: { seconds: 0.2, basis: "estimate: productpage with details, reviews and ratings behind it, through the gateway" },
  // One request through the gateway to a small service (httpbin, a custom service).
  gatewayRequest: { seconds: 0.05, basis: "estimate: one request through the gateway" },
  // curl, fortio or nc inside the cluster: one hop through the client's and the server's proxies.
  meshRequest: { seconds: 0.05, basis: "estimate: one request inside the cluster through two proxies" },
  // probes/mtls.ts runPlainPod: a pod without a sidecar, its curl image present (the samples' curl,
  // loaded or pulled with them), scheduled, started, read, deleted.
  plainPod: { seconds: 10, basis: "estimate: a pod created, started with its image present, read and deleted" },
  // probes/in-mesh.ts loggedCounts: after the counts are reached, one more read after
  // min(1000, logWaitMs / 4) ms, logWaitMs being 8000 (tools/verify/cli.ts).
  logSettle: { seconds: 1, basis: "probes/in-mesh.ts: one more log read a second later" },
} as const satisfies Record<string, VerifyCost>;

export interface VerifyEstimate {
  seconds: number;
  /** Each part of the run: the wait, then every probe in order. */
  parts: { what: string; seconds: number }[];
}

const pages = (n: number) => Math.ceil(n / pageConcurrency);

/**
 * How long one probe takes, as tools/verify/probes/* run it: the requests the catalog gives it
 * (`--requests` replacing only the counts that are sample sizes, run.ts scalable), each at its cost.
 */
export function probeSeconds(probe: Probe, requests?: number): number {
  const c = verifyCosts;
  const n = (own: number) => (scalable(probe) ? (requests ?? own) : own);
  // markedCall (probes/in-mesh.ts): one call, each watched log read, the settle, each read again.
  const marked = (logs: number) => c.exec.seconds + c.meshRequest.seconds + 2 * logs * c.apiCall.seconds + c.logSettle.seconds;
  switch (probe.kind) {
    case "productpage":
      // pageConcurrency pages at once (probes/productpage.ts), each taking at least the delay it must show; a sign-in first.
      return (probe.user ? c.page.seconds : 0) + pages(n(probe.requests)) * Math.max(c.page.seconds, probe.latencySeconds?.min ?? 0);
    case "versions":
      return pages(n(probe.requests)) * c.gatewayRequest.seconds;
    case "ingress":
      return c.gatewayRequest.seconds;
    case "call":
      // With `upstream`, the client's own log is read once the call is made (markedCallFromLog).
      return c.exec.seconds + c.meshRequest.seconds + (probe.upstream !== undefined ? c.apiCall.seconds : 0);
    case "egress":
      return marked(1);
    case "retried":
      return marked(1) + (probe.requestsLogged - 1) * c.meshRequest.seconds;
    case "mirrored":
      return marked(1 + probe.alsoLoggedBy.length);
    case "load":
      // One exec of fortio load (probes/load.ts): the requests spread over the connections.
      return c.exec.seconds + Math.ceil(probe.requests / probe.connections) * c.meshRequest.seconds;
    case "sticky":
      // One exec per key value, the key's requests in it (probes/sticky.ts); one value for the source address.
      return ("sourceIp" in probe.key ? 1 : probe.keys) * (c.exec.seconds + probe.requestsPerKey * c.meshRequest.seconds);
    case "shares": {
      // curl sends them in one exec, fortio one per exec (probes/in-mesh.ts callFrom).
      const count = n(probe.requests);
      return probe.from === "fortio-deploy" ? count * (c.exec.seconds + c.meshRequest.seconds) : c.exec.seconds + count * c.meshRequest.seconds;
    }
    case "tcp":
    case "connect": {
      // probes/tcp.ts tcpCommand: one exec, each connection keeping its input open a second (`sleep 1`).
      const count = probe.kind === "tcp" ? n(probe.connections) : probe.connections;
      return c.exec.seconds + count * (1 + c.meshRequest.seconds);
    }
    case "limited": {
      // rate-limit-sequence.sh: back to back until the first 429 (a full bucket and one more), a fill
      // interval and a second, then the task's requests a second apart; one exec.
      const { maxTokens, fillSeconds } = probe.bucket;
      return c.exec.seconds + (maxTokens + 1) * c.meshRequest.seconds + fillSeconds + 1 + (probe.expected.length - 1) + probe.expected.length * c.meshRequest.seconds;
    }
    case "mtls":
      return c.plainPod.seconds;
  }
}

/**
 * `npm run verify` against a lab `pulumi up` just made: its start, the preflight, readiness, then
 * every probe in order (tools/verify/cli.ts main). Readiness (tools/verify/readiness.ts) lists the
 * scenario's kinds in both namespaces and asks istiod's configz; its objects changed moments ago,
 * so every proxy on the path must acknowledge a push made since, which may take the whole push
 * window (pushWindowMs: PILOT_DEBOUNCE_MAX, 10 s, and 2 s) before a last syncz and pod list.
 */
export function verifyEstimate(probes: readonly Probe[], requests?: number): VerifyEstimate {
  const c = verifyCosts;
  const throughGateway = probes.some((p) => p.kind === "productpage" || p.kind === "ingress" || p.kind === "versions");
  const preflight = (throughGateway ? c.gatewayRequest.seconds : 0) + (probes.some((p) => p.kind !== "productpage" && p.kind !== "ingress" && p.kind !== "versions") ? c.apiCall.seconds : 0);
  const readiness = 2 * configKinds.length * c.apiCall.seconds + c.exec.seconds + pushWindowMs / 1000 + c.exec.seconds + 4 * c.apiCall.seconds;
  const parts = [
    { what: "start and preflight", seconds: c.start.seconds + preflight },
    { what: "readiness", seconds: readiness },
    ...probes.map((p) => ({ what: p.kind, seconds: probeSeconds(p, requests) })),
  ];
  return { seconds: parts.reduce((sum, p) => sum + p.seconds, 0), parts };
}

const configValue = (config: StackConfig, key: string): unknown => {
  const text = config.values[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * `npm run verify` for a stack, in minutes: the probes its scenario gives, as verify resolves them
 * (tools/verify/stack.ts scenarioSpec, from istio-lab:scenario, scenarioOptions and apps.custom),
 * with istio-lab:verify.requests as --requests (components/verify-gate.ts passes it so).
 */
export function stackVerifyMinutes(config: StackConfig): number {
  const scenario = String(configValue(config, "istio-lab:scenario") ?? "bookinfo");
  // A render fills every key in (tools/lib/stack-file.ts): an empty object is a key the stack does not set.
  const options = configValue(config, "istio-lab:scenarioOptions");
  const set = options !== undefined && !(typeof options === "object" && options !== null && Object.keys(options).length === 0);
  const { spec } = scenarioSpec(scenario, set ? options : undefined, (configValue(config, "istio-lab:apps") as { custom?: unknown } | undefined)?.custom);
  const requests = (configValue(config, "istio-lab:verify") as { requests?: number } | undefined)?.requests;
  return verifyEstimate(spec.probes, requests).seconds / 60;
}

/** The verify gate's own step (`verify-run`): the probes of the flags it passes to `npm run verify` (components/verify-gate.ts). */
export function verifyRunMinutes(r: RenderedResource): number {
  const argv = shellWords(String(r.inputs.create ?? ""));
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const options = flag("--options");
  const requests = flag("--requests");
  const { spec } = scenarioSpec(flag("--scenario") ?? "bookinfo", options === undefined ? undefined : JSON.parse(options), undefined);
  return verifyEstimate(spec.probes, requests === undefined ? undefined : Number(requests)).seconds / 60;
}

export interface StepDuration {
  type: RegExp;
  name?: RegExp;
  /** A further condition on the step's inputs. */
  when?: (inputs: Record<string, unknown>) => boolean;
  minutes: number;
  /** For a step that starts pods: its time when every node pulled the images before it began. */
  warm?: number;
  /** Its pods run Istio's own images only (istiod, a gateway): `warm` once those are in (kind/k3d `-istio-images`). */
  istioOnly?: true;
  /** Its pods carry a sidecar: its time when Istio's images are in but its own are not (the proxy's pull saved). */
  proxyPresent?: number;
  /** Its time on a clone of a template `npm run prepare-template` made, with its basis. */
  prepared?: { minutes: number; basis: string };
  /** Where the number comes from; "estimate" where nothing better than one exists. */
  basis: string;
  /** The step's minutes computed from its inputs instead of `minutes`. */
  estimate?: (r: RenderedResource) => number;
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
/** proxyv2, 164 MB as `docker images` shows it (chainguard-images/images#1323), at the 50 Mbit/s every estimate here takes. */
export const proxyv2PullMinutes = (164 * 8) / 50 / 60;

/** A Deployment whose pods run in ambient mode: no sidecar injected (its template's dataPlaneAnnotation). */
const ambientPod = (inputs: Record<string, unknown>): boolean =>
  (inputs as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec?.template?.metadata?.annotations?.[dataPlaneAnnotation] === "ambient";

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
  // (whose node image is present: the link is free), as pull-images.sh on a node. Istio's own first
  // (local-cluster.ts): pilot and proxyv2, ~0.33 GB as `docker images` shows them (proxyv2 164 MB,
  // chainguard-images#1323; pilot, a Go binary on the same base, taken as no larger), then the rest
  // of the ~1 GB the whole list was taken as, once Istio's pull is done (one link).
  { type: /^command:local:/, name: /-(kind|k3d)-istio-pull$/, minutes: 1, basis: "estimate: pilot + proxyv2 (164 MB, chainguard-images#1323), ~0.33 GB at 50 Mbit/s" },
  { type: /^command:local:/, name: /-(kind|k3d)-pull$/, minutes: 2, basis: "estimate: the addons' and samples' images, the rest of ~1 GB, at 50 Mbit/s" },
  // local-cluster.sh load: one platform's archive of each image into the three nodes (kind load
  // image-archive), a copy on this machine's disk: ~1 GB was taken as half a minute, each group its share.
  { type: /^command:local:/, name: /-(kind|k3d)-istio-images$/, minutes: 0.15, basis: "estimate: ~0.33 GB saved and imported into three nodes, no network" },
  { type: /^command:local:/, name: /-(kind|k3d)-images$/, minutes: 0.35, basis: "estimate: ~0.7 GB saved and imported into three nodes, no network" },
  // verify-gate.ts: `npm run verify` with the flags the gate passes, its scenario's probes (verifyEstimate).
  { type: /^command:local:/, name: /^verify-run$/, minutes: 0, estimate: verifyRunMinutes, basis: "npm run verify: readiness's push window and the scenario's probes (verifyEstimate)" },
  // Keys and certificates (secure ingress): computed by the tls provider where Pulumi runs.
  { type: /^tls:/, minutes: 0, basis: "computed locally by the tls provider" },
  // Configure only: the provider resource makes no API call of its own.
  { type: /^pulumi:providers:/, minutes: 0, basis: "configure only" },
  // istio-base: CRDs and a webhook configuration, no pods to wait for. istiod's release waits for
  // it (components/mesh/mesh.ts), and keeps waiting. Istio 1.31's pilot itself would start without
  // its CRDs: crdclient/client.go addCRD makes every non-builtin kind a delayed informer
  // (pkg/kube/kclient/client.go NewDelayedInformer: empty results and a watch for the CRD while it
  // is absent, synced at once), and the istiod chart holds no Istio object Helm would need them for.
  // But istio.io's Helm install has base "installed prior to any other Istio component"
  // (docs/setup/install/helm, docs/ambient/install/helm), and what this program makes after istiod
  // (the Telemetry default, the app namespace and the scenario's objects) reaches the CRDs only
  // through istiod's wait. Nor would the path shorten: on machines istiod waits for the joins,
  // later than istio-base ends; on kind it would start 0.3 min earlier, before Istio's images are
  // loaded (cluster-kind-istio-images ends 0.15 min after the cluster, istio-base 0.35 after),
  // and pull pilot itself (1.5 instead of 0.7).
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istio-base$/, minutes: 0.3, basis: "estimate: chart download + CRDs, no pods" },
  // atomic implies --wait: the pilot image's pull and its readiness probe.
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istiod$/, minutes: 1.5, warm: 0.7, istioOnly: true, basis: "estimate: helm --wait, pilot pull + ready" },
  { type: /^kubernetes:helm\.sh\/v3:Release$/, name: /\/istio-(ingress|egress)gateway$/, minutes: 1, warm: 0.5, istioOnly: true, basis: "estimate: helm --wait, proxyv2 pull (164 MB, chainguard-images#1323) + ready" },
  // A waypoint's Gateway, awaited on Programmed (its pulumi.com/waitFor, catalog/scenarios/waypoint.ts):
  // istiod deploys its proxy (proxyv2, as a gateway's) and Programmed comes once the Service has an
  // endpoint (gatewaycommon/context.go), a pod scheduled and started, not yet Ready.
  {
    type: /^kubernetes:gateway\.networking\.k8s\.io\/v1:Gateway$/,
    when: (inputs) => (inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[waitForAnnotation] !== undefined,
    minutes: 1,
    warm: 0.5,
    istioOnly: true,
    basis: "estimate: istiod deploys the waypoint, proxyv2 pull (164 MB, chainguard-images#1323) + its endpoint",
  },
  // Kiali, Prometheus (server + config reloader), Grafana (with a curl init container).
  { type: /^kubernetes:helm\.sh\/v3:Release$/, minutes: 1.5, warm: 0.8, basis: "estimate: helm --wait, addon image pulls + ready" },
  // pulumi-kubernetes awaits a Deployment's rollout; reviews is the samples' largest image (a Java
  // server). The samples' Services carry pulumi.com/skipAwait (app-objects.ts), so they end at
  // once instead of with their pods' endpoints (pulumi-kubernetes provider/pkg/await/service.go).
  // With Istio's images loaded and its own not yet, a sample's pod still pulls its own image but not
  // the proxy's: 164 MB (chainguard-images#1323) at 50 Mbit/s, proxyv2PullMinutes, less.
  // In ambient mode a pod has no sidecar (its template names the data plane, app-objects.ts): no
  // proxyv2 to pull, whatever Istio's load did.
  { type: /^kubernetes:apps\/v1:Deployment$/, name: /\/reviews-v\d$/, when: ambientPod, minutes: 2 - proxyv2PullMinutes, warm: 1, basis: "estimate: reviews image pull + Java start + ready, no sidecar (ambient)" },
  { type: /^kubernetes:apps\/v1:Deployment$/, name: /\/reviews-v\d$/, minutes: 2, warm: 1, proxyPresent: 2 - proxyv2PullMinutes, basis: "estimate: reviews image pull + proxyv2 (164 MB) + Java start + ready" },
  // The mesh's namespace has no injection: no sidecar to pull (jaeger).
  { type: /^kubernetes:apps\/v1:Deployment$/, name: /^Deployment\/istio-system\//, minutes: 1, warm: 0.5, basis: "estimate: image pull + ready, no sidecar" },
  { type: /^kubernetes:apps\/v1:Deployment$/, when: ambientPod, minutes: 1 - proxyv2PullMinutes, warm: 0.5, basis: "estimate: image pull + ready, no sidecar (ambient)" },
  { type: /^kubernetes:apps\/v1:Deployment$/, minutes: 1, warm: 0.5, proxyPresent: 1 - proxyv2PullMinutes, basis: "estimate: image pull + sidecar + ready" },
  // Namespaces, ServiceAccounts, ConfigMaps, Istio objects: one API call, nothing to await.
  { type: /^kubernetes:/, minutes: 0.05, basis: "estimate: one API call" },
  { type: /./, minutes: 0.1, basis: "estimate: unknown step" },
];

/** The durations on clones of a template `npm run prepare-template` made. */
export const preparedTemplateDurations: StepDuration[] = stepDurations.map((d) => (d.prepared ? { ...d, minutes: d.prepared.minutes, basis: d.prepared.basis } : d));

/** Components (the stack, the program's own `istio-lab:` types) take no time: they only group. */
export const isComponent = (r: RenderedResource) => /^(istio-lab:|pulumi:pulumi:Stack$)/.test(r.type);

/**
 * Which images the nodes have when a step begins: every one (every image step ended), Istio's own
 * only (kind/k3d's `-istio-images` ended, the rest not), or not all of Istio's.
 */
export type ImagesIn = "all" | "istio" | "none";

/** How long a step takes; `imagesIn` is asked only of a step that starts pods. */
export function stepDuration(r: RenderedResource, table: StepDuration[] = stepDurations, imagesIn: () => ImagesIn | boolean = () => "none"): { minutes: number; basis: string } {
  if (isComponent(r)) return { minutes: 0, basis: "component" };
  const entry = table.find((d) => d.type.test(r.type) && (!d.name || d.name.test(r.name)) && (!d.when || d.when(r.inputs)));
  if (!entry) return { minutes: 0, basis: "no entry" };
  if (entry.estimate) return { minutes: entry.estimate(r), basis: entry.basis };
  if (entry.warm === undefined) return entry;
  const present = imagesIn();
  const have = present === true ? "all" : present === false ? "none" : present;
  if (have === "all" || (have === "istio" && entry.istioOnly)) return { minutes: entry.warm, basis: `${entry.basis}; images already pulled` };
  if (have === "istio" && entry.proxyPresent !== undefined) return { minutes: entry.proxyPresent, basis: `${entry.basis}; Istio's images already loaded, its own pulled` };
  return entry;
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

// Two waits kept on the paths, each needed:
// - The app namespace waits for istiod (components/mesh/mesh.ts appNamespace), so the samples wait
//   too: istiod's injection webhook has failurePolicy Fail (istio-discovery templates/
//   mutatingwebhook.yaml), so a pod the API server admits before istiod answers is refused, and
//   one created before the webhook configuration exists runs without a sidecar until recreated.
// - kind's `--wait 5m` (local-cluster.sh): correctness needs it not (istio-base and the namespaces
//   need only the API server, which kubeadm init waits for; pods wait for a Ready node through the
//   scheduler and their release's or Deployment's await; kind's wait only warns when it runs out),
//   but its share of cluster-kind's 2 min is not measured (npm run step-times will show the whole
//   step), so the estimate could not go down with it; kept as docs/getting-started.md lists it.

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
  // Which image steps have ended by then (there is none for an existing cluster): all of them, or
  // the load of Istio's own images (kind, k3d: local-cluster.ts).
  const pulls = rendered.resources.filter((r) => /^command:(remote|local):Command$/.test(r.type) && r.name.endsWith("-images"));
  const istioLoads = pulls.filter((r) => r.name.endsWith("-istio-images"));
  const pulledBy = (start: number): ImagesIn =>
    pulls.length > 0 && pulls.every((pull) => finish(pull) <= start) ? "all" : istioLoads.length > 0 && istioLoads.every((load) => finish(load) <= start) ? "istio" : "none";
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
