// The bench's statistics (paired ratios that a busy machine does not move) and the critical path
// of a first `pulumi up`: the graph the engine waits by, through the edges the mock can see (ids,
// providers, dependsOn of a resource and its ancestors) and the ones listed by hand.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { judgePairs, spread } from "../../tools/bench";
import { criticalPath, dependencyGraph, kubeconfigWaits, preparedTemplateDurations, probeSeconds, proxyv2PullMinutes, stackVerifyMinutes, stepDuration, stepDurations, verifyCosts, verifyEstimate, verifyRunMinutes, type StepDuration } from "../../tools/lib/critical-path";
import { pushWindowMs } from "../../tools/verify/readiness";
import { scenarioSpec } from "../../tools/verify/stack";
import { exampleConfig, exampleOptions } from "../../catalog/scenarios/examples";
import { shellQuote } from "../../components/shell";
import { renderConfig, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { readStackFileForRender } from "../../tools/lib/stack-file";
import { layerOf } from "../../tools/lib/plan";
import { renderFile } from "../harness";
import { dataPlaneAnnotation } from "../../components/workloads/app-objects";
import { hostsStack, renderCluster, vsphereStack } from "../cluster/render-cluster";

describe("bench statistics", () => {
  it("median, quartiles and range interpolate between order statistics", () => {
    expect(spread([5, 1, 4, 2, 3])).toEqual({ median: 3, q1: 2, q3: 4, min: 1, max: 5 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, q1: 1.75, q3: 3.25, min: 1, max: 4 });
    expect(spread([0.7])).toEqual({ median: 0.7, q1: 0.7, q3: 0.7, min: 0.7, max: 0.7 });
  });

  it("a machine that slows down 3x half-way passes: both sides of each pair slow alike", () => {
    const jitter = [1, 1.04, 0.97, 1.02, 0.99, 1.05, 0.96, 1.01, 1.03, 0.98];
    const baseline = [...jitter.map((j) => 0.15 * j), ...jitter.map((j) => 0.45 * j)];
    const stack = baseline.map((b, i) => b * 2.2 * jitter[(i + 3) % jitter.length]);
    const verdict = judgePairs(stack, baseline);
    expect(verdict.ok).toBe(true);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ratio.median).toBeCloseTo(2.2, 1);
    expect(verdict.ratio.max).toBeLessThan(2.6);
    // What separate blocks measured: the baseline timed before the slowdown, the stack after it.
    expect(spread(stack.slice(10)).median / spread(baseline.slice(0, 10)).median).toBeGreaterThan(6);
  });

  it("one pair caught by a pause on one side only moves the range, not the verdict", () => {
    const baseline = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
    const stack = [0.4, 0.4, 0.4, 1.0, 0.4, 0.4, 0.4];
    const verdict = judgePairs(stack, baseline);
    expect([verdict.ok, verdict.ratio.median, verdict.ratio.max]).toEqual([true, 2, 5]);
  });

  it("a stack 5x slower than its baseline fails, however fast both are", () => {
    const baseline = [0.05, 0.051, 0.049, 0.05, 0.052, 0.048, 0.05];
    const verdict = judgePairs(baseline.map((b) => b * 5), baseline);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual(["median paired ratio 5.0x over 4.5x"]);
  });

  it("the absolute time is gated only with slack: over the 2 s target is a note, over 6 s a failure", () => {
    const baseline = [1.5, 1.5, 1.5];
    const slow = judgePairs([3, 3, 3], baseline);
    expect([slow.ok, slow.overTarget]).toEqual([true, true]);
    const far = judgePairs([7, 7, 7], [3.5, 3.5, 3.5]);
    expect(far.ok).toBe(false);
    expect(far.problems).toEqual(["median 7.00 s over 6 s (2 s target x 3)"]);
    expect(() => judgePairs([1, 2], [1])).toThrow(/2 stack timings against 1/);
  });
});

/** A hand-built rendering: the stack, components, and custom resources with the given links. */
function resource(type: string, name: string, parent: RenderedResource | null, more: Partial<RenderedResource> = {}): RenderedResource {
  return { type, name, parent: parent?.name ?? null, parentType: parent?.type ?? null, dependsOn: [], inputs: {}, options: {}, provider: null, ...more };
}

function labGraph(): Rendered {
  const stack = resource("pulumi:pulumi:Stack", "lab-test", null);
  const cluster = resource("istio-lab:cluster:Cluster", "cluster", stack);
  const vm = resource("vsphere:index/virtualMachine:VirtualMachine", "node1", cluster);
  // A Node component with the VM's name: its step's dependsOn names the VM, not its own parent.
  const node = resource("istio-lab:cluster:Node", "node1", cluster);
  const access = resource("command:remote:Command", "node1-access", node, { dependsOn: ["node1"] });
  const init = resource("command:remote:Command", "control-plane-init", cluster, { dependsOn: ["node1-access"] });
  const read = resource("command:remote:Command", "control-plane-kubeconfig", cluster, { dependsOn: ["control-plane-init"] });
  // Waits for init only through an id in its inputs.
  const join = resource("command:remote:Command", "node2-join", cluster, { inputs: { triggers: ["control-plane-init-id"] } });
  const smoke = resource("command:remote:Command", "smoke-check", cluster, { inputs: { triggers: ["node2-join-id"] } });
  // Waits for the kubeconfig read back and each node's first step only through its kubeconfig (a
  // hidden Output edge), not for the join or the smoke check.
  const provider = resource("pulumi:providers:kubernetes", "k8s", cluster, { inputs: { kubeconfig: "[secret]" } });
  const mesh = resource("istio-lab:mesh:Mesh", "mesh", stack);
  // istio-base starts no pod; istiod's pod needs a worker (the scheduler's wait for the joins).
  const base = resource("kubernetes:helm.sh/v3:Release", "HelmRelease/istio-system/istio-base", mesh, { provider: "k8s" });
  const istiod = resource("kubernetes:helm.sh/v3:Release", "HelmRelease/istio-system/istiod", mesh, { provider: "k8s" });
  // The workloads wait for the whole mesh through their component's dependsOn.
  const workloads = resource("istio-lab:workloads:Workloads", "workloads", stack, { dependsOn: ["mesh"] });
  const reviews = resource("kubernetes:apps/v1:Deployment", "Deployment/bookinfo/reviews-v1", workloads, { provider: "k8s" });
  const details = resource("kubernetes:apps/v1:Deployment", "Deployment/bookinfo/details-v1", workloads, { provider: "k8s" });
  const stray = resource("kubernetes:core/v1:ConfigMap", "ConfigMap/default/stray", stack, { provider: "k8s" });
  return {
    stack: "test",
    resources: [stack, cluster, vm, node, access, init, read, join, smoke, provider, mesh, base, istiod, workloads, reviews, details, stray],
    outputs: {},
    secretOutputs: [],
    invokes: [],
  };
}

const table: StepDuration[] = [
  { type: /^vsphere:/, minutes: 5, basis: "vm" },
  { type: /^command:/, name: /-access$/, minutes: 1, basis: "access" },
  { type: /^command:/, name: /-init$/, minutes: 2, basis: "init" },
  { type: /^command:/, name: /-kubeconfig$/, minutes: 0.5, basis: "read" },
  { type: /^command:/, name: /-join$/, minutes: 3, basis: "join" },
  { type: /^command:/, name: /^smoke-check$/, minutes: 2, basis: "smoke" },
  { type: /^pulumi:providers:/, minutes: 0, basis: "provider" },
  { type: /Release$/, minutes: 3, basis: "release" },
  { type: /Deployment$/, name: /reviews/, minutes: 4, basis: "reviews" },
  { type: /Deployment$/, minutes: 1, basis: "deployment" },
  { type: /ConfigMap$/, minutes: 0.5, basis: "configmap" },
  // Components take no time whatever the table says.
  { type: /^(istio-lab|pulumi:pulumi):/, minutes: 10, basis: "component" },
];

describe("the critical path", () => {
  const names = (list: RenderedResource[] | undefined) => (list ?? []).map((r) => `${r.type.split(":")[0]} ${r.name}`).sort();

  it("waits through dependsOn, ids, providers, an ancestor's dependsOn, the hidden kubeconfig edge and the scheduler's", () => {
    const rendered = labGraph();
    const graph = dependencyGraph(rendered);
    const of = (name: string, type?: string) => graph.get(rendered.resources.find((r) => r.name === name && (!type || r.type === type))!);
    expect(names(of("node1-access"))).toEqual(["vsphere node1"]);
    expect(names(of("node2-join"))).toEqual(["command control-plane-init"]);
    expect(names(of("smoke-check"))).toEqual(["command node2-join"]);
    // The kubeconfig read back after init and each node's first step: not the join, not the smoke check.
    expect(names(of("k8s"))).toEqual(["command control-plane-kubeconfig", "command node1-access"]);
    expect(names(of("HelmRelease/istio-system/istio-base"))).toEqual(["pulumi k8s"]);
    // A pod runs on a joined worker: what starts pods waits for the joins too.
    expect(names(of("HelmRelease/istio-system/istiod"))).toEqual(["command node2-join", "pulumi k8s"]);
    expect(names(of("Deployment/bookinfo/reviews-v1"))).toEqual(["command node2-join", "istio-lab mesh", "pulumi k8s"]);
    expect(names(of("ConfigMap/default/stray"))).toEqual(["pulumi k8s"]);
    expect(names(of("mesh"))).toEqual(["kubernetes HelmRelease/istio-system/istio-base", "kubernetes HelmRelease/istio-system/istiod"]);
  });

  it("is the longest chain, in order, with components taking no time", () => {
    const path = criticalPath(labGraph(), table);
    expect(path.steps.map((s) => s.resource.name)).toEqual([
      "node1",
      "node1-access",
      "control-plane-init",
      "node2-join",
      "HelmRelease/istio-system/istiod",
      "Deployment/bookinfo/reviews-v1",
    ]);
    expect(path.steps.map((s) => s.minutes)).toEqual([5, 1, 2, 3, 3, 4]);
    expect(path.minutes).toBe(18);
  });

  it("refuses a cycle", () => {
    const rendered = labGraph();
    rendered.resources.find((r) => r.name === "node1" && r.type.startsWith("vsphere"))!.dependsOn = ["smoke-check"];
    expect(() => criticalPath(rendered, table)).toThrow(/dependency cycle/);
  });

  it("on the dev stack runs from a VM through the cluster's bring-up to the scenario or workloads layer", async () => {
    const rendered = await renderFile("Pulumi.dev.yaml");
    const path = criticalPath(rendered);
    const steps = path.steps.map((s) => s.resource);
    expect(steps[0].type).toBe("vsphere:index/virtualMachine:VirtualMachine");
    expect(["scenario", "workloads"]).toContain(layerOf(rendered, steps[steps.length - 1]));
    expect(steps.map((r) => r.name)).toEqual(expect.arrayContaining(["control-plane-init", "linux-node2-join", "HelmRelease/istio-system/istiod"]));
    // Off the path: the smoke check (nothing waits for it) and istio-base (it starts while the workers join).
    expect(steps.map((r) => r.name)).not.toContain("smoke-check");
    expect(steps.map((r) => r.name)).not.toContain("HelmRelease/istio-system/istio-base");
    expect(path.minutes).toBeGreaterThan(0);
    expect(path.minutes).toBeCloseTo(path.steps.reduce((sum, s) => sum + s.minutes, 0), 9);
  });

  it("costs an ambient pod (its template names the data plane) no proxy pull, and a sidecar pod its proxy's, cold or with Istio's images loaded", () => {
    const deployment = (name: string, annotations?: Record<string, string>) =>
      ({ type: "kubernetes:apps/v1:Deployment", name, inputs: { spec: { template: { metadata: { ...(annotations && { annotations }) } } } } }) as unknown as RenderedResource;
    for (const name of ["Deployment/bookinfo/reviews-v1", "Deployment/bookinfo/details-v1"]) {
      const sidecar = deployment(name);
      const ambient = deployment(name, { [dataPlaneAnnotation]: "ambient" });
      expect(stepDuration(sidecar).minutes - stepDuration(ambient).minutes, name).toBeCloseTo(proxyv2PullMinutes, 9);
      expect(stepDuration(sidecar, stepDurations, () => "istio").minutes, name).toBeCloseTo(stepDuration(ambient).minutes, 9);
      // Istio's images loaded do not shorten an ambient pod's start again.
      expect(stepDuration(ambient, stepDurations, () => "istio").minutes, name).toBe(stepDuration(ambient).minutes);
      expect(stepDuration(ambient).basis, name).toMatch(/no sidecar \(ambient\)/);
    }
  });

  it("counts the waypoint's Gateway, awaited on Programmed, as istiod deploying a proxy; a Gateway without the wait as one API call", async () => {
    const local = readStackFileForRender("Pulumi.local.yaml").config;
    const mesh = JSON.parse(local.values["istio-lab:mesh"] ?? "{}") as object;
    const ambient = await renderConfig({ ...local, values: { ...local.values, "istio-lab:scenario": "authz-http", "istio-lab:mesh": JSON.stringify({ ...mesh, mode: "ambient" }) } });
    const waypoint = ambient.resources.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && (r.inputs.metadata as { name: string }).name === "waypoint");
    expect(waypoint).toBeDefined();
    expect(stepDuration(waypoint!)).toMatchObject({ minutes: 1, basis: expect.stringMatching(/istiod deploys the waypoint/) });
    expect(stepDuration(waypoint!, stepDurations, () => "istio").minutes).toBe(0.5);
    const plain = { ...waypoint!, inputs: { ...waypoint!.inputs, metadata: { name: "waypoint" } } };
    expect(stepDuration(plain).minutes).toBe(0.05);
  });

  it("estimates a linked clone by its own entry, a full clone (no linkedClone sent) by the copy's", () => {
    const vm = (clone: object) => ({ type: "vsphere:index/virtualMachine:VirtualMachine", name: "linux-node1", inputs: { clone } }) as unknown as RenderedResource;
    const linked = stepDuration(vm({ templateUuid: "t", linkedClone: true }));
    const full = stepDuration(vm({ templateUuid: "t" }));
    expect([linked.basis, full.basis]).toEqual(["estimate: linked clone, customization, guest IP", "estimate: full clone, customization, guest IP"]);
    expect(linked.minutes).toBeLessThan(full.minutes);
  });

  it("on clones of a prepared template shortens only each node's preparation and kubeadm init", async () => {
    const rendered = await renderFile("Pulumi.dev.yaml");
    const shorter = rendered.resources.filter((r) => stepDuration(r, preparedTemplateDurations).minutes < stepDuration(r).minutes).map((r) => r.name);
    const nodeSteps = ["linux-node1", "linux-node2", "linux-node3"].flatMap((node) => ["os", "kubernetes", "containerd", "images"].map((step) => `${node}-${step}`));
    expect(shorter.sort()).toEqual([...nodeSteps, "control-plane-init"].sort());
    expect(rendered.resources.filter((r) => stepDuration(r, preparedTemplateDurations).minutes > stepDuration(r).minutes)).toEqual([]);
    expect(criticalPath(rendered, preparedTemplateDurations).minutes).toBeLessThan(criticalPath(rendered).minutes);
  });

  it("on dev, every chart or Deployment of the mesh whose pods need a worker waits for the joins in the engine's own graph (dependsOn), not only in the model's: its Helm or await clock must not run while a worker is still prepared", async () => {
    const joins = ["linux-node2-join", "linux-node3-join"];
    const engineWaits = (r: Rendered, name: string) => {
      const found = r.resources.find((x) => x.name === name);
      expect(found, name).toBeDefined();
      return found!.dependsOn;
    };
    const dev = await renderFile("Pulumi.dev.yaml");
    const mesh = ["HelmRelease/istio-system/istiod", "HelmRelease/istio-system/prometheus", "HelmRelease/istio-system/grafana", "Deployment/istio-system/jaeger"];
    for (const name of mesh) expect(engineWaits(dev, name), name).toEqual(expect.arrayContaining(joins));
    // istio-base runs nothing: it starts once the API server answers.
    expect(engineWaits(dev, "HelmRelease/istio-system/istio-base").filter((d) => d.endsWith("-join"))).toEqual([]);
    // A kind cluster has schedulable nodes once it exists: no join, no extra wait.
    const local = await renderFile("Pulumi.local.yaml");
    for (const name of mesh) expect(engineWaits(local, name).filter((d) => d.endsWith("-join")), name).toEqual([]);
  });

  it("on dev, Istio's charts start once init is read back and Flannel applied, istiod's pod once the workers joined, and the smoke check holds nothing", async () => {
    const rendered = await renderFile("Pulumi.dev.yaml");
    const graph = dependencyGraph(rendered);
    const at = (name: string) => rendered.resources.find((r) => r.name === name)!;
    const waits = (name: string) => (graph.get(at(name)) ?? []).map((r) => r.name).sort();
    expect(waits("cluster-kubernetes")).toEqual(["control-plane-kubeconfig", "flannel-apply", "linux-node1-access", "linux-node2-access", "linux-node3-access"]);
    expect(waits("HelmRelease/istio-system/istiod")).toEqual(expect.arrayContaining(["linux-node2-join", "linux-node3-join", "cluster-kubernetes"]));
    expect(waits("HelmRelease/istio-system/istio-base")).not.toContain("linux-node2-join");
    // Only its component (which groups, and takes no time) waits for it.
    const waitingForSmoke = [...graph].filter(([, list]) => list.some((r) => r.name === "smoke-check")).map(([r]) => r.type);
    expect(waitingForSmoke).toEqual(["istio-lab:cluster:KubeadmCluster"]);
    // The smoke check keeps its warm time (the nodes pulled Flannel's images first) off the path.
    expect(stepDuration(at("smoke-check"), stepDurations, () => true)).toMatchObject({ minutes: 1, basis: expect.stringMatching(/; images already pulled$/) });
  });

  it("holds the provider's hidden edge to the kubeconfig Output's real dependencies", async () => {
    for (const stack of [vsphereStack, hostsStack(), { "istio-lab:cluster": { source: "kind" } }]) {
      const rendered = await renderCluster(stack, { stdout: { "control-plane-kubeconfig": "apiVersion: v1\nkind: Config\n" } });
      const present = kubeconfigWaits(rendered.resources).filter((name) => rendered.resources.some((r) => r.name === name));
      expect(present.sort()).toEqual([...rendered.kubeconfigDependsOn].sort());
    }
  });

  it("on local, istiod starts from Istio's images loaded into the kind nodes, the samples with the proxy's loaded and their own pulled", async () => {
    const rendered = await renderFile("Pulumi.local.yaml");
    const path = criticalPath(rendered);
    const step = (name: string) => path.steps.find((s) => s.resource.name === name);
    expect(step("HelmRelease/istio-system/istiod")).toMatchObject({ minutes: 0.7, basis: expect.stringMatching(/; images already pulled$/) });
    expect(step("Deployment/bookinfo/reviews-v1")).toMatchObject({ minutes: 2 - proxyv2PullMinutes, basis: expect.stringMatching(/; Istio's images already loaded, its own pulled$/) });
    // Istio's load ends before istiod begins; the rest's after the samples begin.
    const graph = dependencyGraph(rendered);
    const at = (name: string) => rendered.resources.find((r) => r.name === name)!;
    expect(names(graph.get(at("cluster-kind-istio-images")))).toEqual(["command cluster-kind", "command cluster-kind-istio-pull"]);
    expect(names(graph.get(at("cluster-kind-pull")))).toEqual(["command cluster-kind-istio-pull"]);
    // Only Istio's own releases start warm from Istio's images alone; an addon or a pod without a sidecar gains nothing.
    const release = (name: string) => ({ type: "kubernetes:helm.sh/v3:Release", name, inputs: {} }) as unknown as RenderedResource;
    expect(stepDuration(release("HelmRelease/istio-system/istio-ingressgateway"), stepDurations, () => "istio").minutes).toBe(0.5);
    expect(stepDuration(release("HelmRelease/istio-system/kiali"), stepDurations, () => "istio").minutes).toBe(1.5);
    const jaeger = { type: "kubernetes:apps/v1:Deployment", name: "Deployment/istio-system/jaeger", inputs: {} } as unknown as RenderedResource;
    expect(stepDuration(jaeger, stepDurations, () => "istio").minutes).toBe(1);
  });

  it("gives the docs' figures (render.md, machines.md): dev with linked clones, full clones and a prepared template, and local, to a verified lab", async () => {
    // Each stack verified by its own scenario's probes (neither runs the gate).
    const verifyOf = (rendered: Rendered) => stackVerifyMinutes(readStackFileForRender(`Pulumi.${rendered.stack}.yaml`).config);
    const total = (rendered: Rendered, table = stepDurations) => Math.round(criticalPath(rendered, table).minutes + verifyOf(rendered));
    const dev = await renderFile("Pulumi.dev.yaml");
    const { config } = readStackFileForRender("Pulumi.dev.yaml");
    const cluster = JSON.parse(config.values["istio-lab:cluster"]);
    const fullClones = await renderConfig({ ...config, values: { ...config.values, "istio-lab:cluster": JSON.stringify({ ...cluster, vsphere: { ...cluster.vsphere, linkedClone: false } }) } });
    const [linked, full, prepared, local] = [total(dev), total(fullClones), total(dev, preparedTemplateDurations), total(await renderFile("Pulumi.local.yaml"))];
    const page = (name: string) => fs.readFileSync(path.join(__dirname, "../../docs", name), "utf8").replace(/\s+/g, " ");
    expect(page("render.md")).toContain(`about ${linked} min with linked clones of a plain template, ${full} with full clones, and about ${prepared} from a template`);
    expect(page("render.md")).toContain(`about ${local} min for \`local\``);
    expect(page("machines.md")).toContain(`about ${prepared} min to a verified \`dev\` lab instead of ${linked}`);
    // machines.md's table of the paths: the bench's totals to a tenth, beside those before #27's speed-ups.
    const tenth = (rendered: Rendered, table = stepDurations) => (criticalPath(rendered, table).minutes + verifyOf(rendered)).toFixed(1);
    expect(page("machines.md")).toContain(`| \`dev\` | 13.8 | ${tenth(dev)} |`);
    expect(page("machines.md")).toContain(`| \`dev\` from a prepared template | 9.6 | ${tenth(dev, preparedTemplateDurations)} |`);
    expect(page("machines.md")).toContain(`| \`local\` | 6.9 | ${tenth(await renderFile("Pulumi.local.yaml"))} |`);
  });

  it("has a stated duration for every step of the example stacks", async () => {
    for (const file of ["Pulumi.dev.yaml", "Pulumi.local.yaml"]) {
      const rendered = await renderFile(file);
      const unknown = rendered.resources.filter((r) => stepDuration(r).basis === "estimate: unknown step");
      expect(unknown.map((r) => `${file}: ${r.type} ${r.name}`)).toEqual([]);
    }
  });
});

describe("the estimate of npm run verify", () => {
  const probesOf = (scenario: string, options?: unknown) => {
    const example = exampleConfig(scenario as never) as Record<string, unknown>;
    return scenarioSpec(scenario, options ?? example["istio-lab:scenarioOptions"], (example["istio-lab:apps"] as { custom?: unknown } | undefined)?.custom).spec.probes;
  };

  it("waits readiness's push window (PILOT_DEBOUNCE_MAX + 2 s) before the probes, and starts as measured", () => {
    const estimate = verifyEstimate(probesOf("bookinfo"));
    const readiness = estimate.parts.find((p) => p.what === "readiness")!;
    expect(pushWindowMs).toBe(12_000);
    expect(readiness.seconds).toBeGreaterThanOrEqual(pushWindowMs / 1000);
    expect(readiness.seconds).toBeLessThan(pushWindowMs / 1000 + 5);
    expect(estimate.parts[0].seconds).toBeGreaterThanOrEqual(verifyCosts.start.seconds);
    expect(estimate.seconds).toBeCloseTo(estimate.parts.reduce((sum, p) => sum + p.seconds, 0), 9);
  });

  it("costs more for a scenario with more requests, and --requests moves only the counts that are sample sizes", () => {
    // shift-90-10 sends 80 pages, bookinfo 30, shift-v3 10: the same kind of probe, more requests.
    const [few, some, many] = ["shift-v3", "bookinfo", "shift-90-10"].map((s) => verifyEstimate(probesOf(s)).seconds);
    expect(few).toBeLessThan(some);
    expect(some).toBeLessThan(many);
    const pages = probesOf("bookinfo");
    expect(verifyEstimate(pages, 200).seconds).toBeGreaterThan(verifyEstimate(pages).seconds);
    // A fortio load's count carries meaning (run.ts scalable): --requests leaves it.
    const [load] = probesOf("circuit-breaking");
    expect(probeSeconds(load, 500)).toBe(probeSeconds(load));
    // TCP connections each hold their input a second (probes/tcp.ts): 40 of them take over 40 s.
    expect(verifyEstimate(probesOf("tcp-shift-80-20")).seconds - verifyEstimate(probesOf("tcp-shift-v2")).seconds).toBeGreaterThanOrEqual(30);
  });

  it("waits out what a probe must wait: a fault's delay on every page, the rate limit's fill interval", () => {
    const delayed = probesOf("fault-delay").find((p) => p.kind === "productpage" && p.latencySeconds?.min)!;
    expect(probeSeconds(delayed)).toBeGreaterThanOrEqual(delayed.kind === "productpage" ? delayed.latencySeconds!.min! : Infinity);
    const [limited] = probesOf("rate-limit-local");
    if (limited.kind !== "limited") throw new Error("rate-limit-local's probe is no longer the limited one");
    expect(probeSeconds(limited)).toBeGreaterThanOrEqual(limited.bucket.fillSeconds + 1 + limited.expected.length - 1);
  });

  it("is, for a stack, its scenario's probes as verify resolves them; for the gate's step, the flags it passes", async () => {
    expect(stackVerifyMinutes(readStackFileForRender("Pulumi.local.yaml").config)).toBeCloseTo(verifyEstimate(probesOf("bookinfo")).seconds / 60, 9);
    const gate = { type: "command:local:Command", name: "verify-run", inputs: { create: "'npm' 'run' '--silent' 'verify' '--' '--scenario' 'shift-90-10' '--requests' '400'" } } as unknown as RenderedResource;
    expect(verifyRunMinutes(gate)).toBeCloseTo(verifyEstimate(probesOf("shift-90-10"), 400).seconds / 60, 9);
    expect(stepDuration(gate).minutes).toBe(verifyRunMinutes(gate));
    // Options as JSON with spaces, quoted as components/verify-gate.ts quotes every word.
    const options = exampleOptions("canary");
    const words = ["npm", "run", "--silent", "verify", "--", "--scenario", "canary", "--options", JSON.stringify(options, null, 1)];
    const withOptions = { ...gate, inputs: { create: words.map(shellQuote).join(" ") } } as unknown as RenderedResource;
    expect(verifyRunMinutes(withOptions)).toBeCloseTo(verifyEstimate(scenarioSpec("canary", options, undefined).spec.probes).seconds / 60, 9);
  });
});
