// istio-lab:mesh.mode: ambient installs Istio's ambient data plane, labels the app namespace for it,
// runs only the scenarios the catalog gives it, and leaves a sidecar stack's render as it was.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleConfig, exampleScenario } from "../../catalog/scenarios/examples";
import { ambientEvidence, ambientForms, ambientPairs, ambientRefusals, ambientRunsText, ambientScenarioNames, formNames, modeRefusal, needsSidecar, sidecarEvidence } from "../../catalog/scenarios/modes";
import { scenarioNames } from "../../catalog/scenarios/names";
import { gatewayApiScenarios } from "../../catalog/scenarios/gateway-api";
import { ConfigError } from "../../components/config";
import { meshImages } from "../../components/mesh/mesh-images";
import { platformReferences, renderConfig, renderProgram, type Rendered } from "../../tools/lib/mock-engine";
import { planUpdate } from "../../tools/lib/plan";
import { readStackFileForRender, type StackConfig } from "../../tools/lib/stack-file";
import { configErrors, renderFile, renderStack, renderStackConfig, resource } from "../harness";

const release = "kubernetes:helm.sh/v3:Release";
const releaseOf = (r: Rendered, name: string) => resource(r, release, `HelmRelease/istio-system/${name}`);
const valuesOf = (r: Rendered, name: string) => releaseOf(r, name).inputs.values as Record<string, any>;
const releases = (r: Rendered) => r.resources.filter((x) => x.type === release).map((x) => x.inputs.name as string);

/** A stack's parsed config with istio-lab:mesh's fields changed. */
function withMesh(config: StackConfig, mesh: Record<string, unknown>): StackConfig {
  const current = JSON.parse(config.values["istio-lab:mesh"] ?? "{}") as Record<string, unknown>;
  return { ...config, values: { ...config.values, "istio-lab:mesh": JSON.stringify({ ...current, ...mesh }) } };
}

const local = () => readStackFileForRender("Pulumi.local.yaml").config;
const ambientOn = (source: Record<string, unknown>, scenario = "bookinfo") => renderStack({ "istio-lab:cluster": source, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": scenario, ...exampleConfig(scenario as never) });

describe("sidecar mode, the default", () => {
  it("renders Pulumi.local.yaml exactly as with mesh.mode: sidecar written out, with no ambient part", async () => {
    const unset = await renderFile("Pulumi.local.yaml");
    const written = await renderStackConfig(withMesh(local(), { mode: "sidecar" }));
    expect(planUpdate(unset, written)).toEqual({ create: [], update: [], replace: [], delete: [] });
    expect(written.resources.map((r) => [r.type, r.name, r.inputs, r.dependsOn])).toEqual(unset.resources.map((r) => [r.type, r.name, r.inputs, r.dependsOn]));
    expect(releases(unset)).not.toContain("istio-cni");
    expect(releases(unset)).not.toContain("ztunnel");
    expect(valuesOf(unset, "istiod").profile).toBe("demo");
    expect(resource(unset, "kubernetes:core/v1:Namespace", "Namespace/bookinfo").inputs.metadata).toEqual({ name: "bookinfo", labels: { "istio-injection": "enabled" } });
  });
});

describe("ambient mode on a platform stack", () => {
  it("installs base, istiod (profile ambient), istio-cni (chart cni) and ztunnel from the pinned release, in that order, before the app namespace", async () => {
    const r = await ambientOn({ source: "kind" });
    for (const [name, chart] of [["istio-base", "base"], ["istiod", "istiod"], ["istio-cni", "cni"], ["ztunnel", "ztunnel"], ["istio-ingressgateway", "gateway"]]) {
      expect(releaseOf(r, name).inputs).toMatchObject({ name, chart, version: "1.31.1", namespace: "istio-system", repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" } });
    }
    expect(releaseOf(r, "istiod").dependsOn).toEqual(["HelmRelease/istio-system/istio-base"]);
    expect(releaseOf(r, "istio-cni").dependsOn).toEqual(["HelmRelease/istio-system/istiod"]);
    expect(releaseOf(r, "ztunnel").dependsOn).toEqual(["HelmRelease/istio-system/istio-cni"]);
    expect(resource(r, "kubernetes:core/v1:Namespace", "Namespace/bookinfo").dependsOn).toEqual(["HelmRelease/istio-system/ztunnel"]);
  });

  it("labels the app namespace for ambient, without injection", async () => {
    const r = await ambientOn({ source: "kind" });
    expect(resource(r, "kubernetes:core/v1:Namespace", "Namespace/bookinfo").inputs.metadata).toEqual({ name: "bookinfo", labels: { "istio.io/dataplane-mode": "ambient" } });
  });

  it("gives istiod the sidecar mode's mesh config under the ambient profile, with the demo profile's lab-sized requests", async () => {
    const [sidecar, ambient] = [await renderFile("Pulumi.local.yaml"), await ambientOn({ source: "kind" })];
    const { profile, pilot, ...rest } = valuesOf(ambient, "istiod");
    const { profile: demo, pilot: sidecarPilot, ...sidecarRest } = valuesOf(sidecar, "istiod");
    expect([demo, profile]).toEqual(["demo", "ambient"]);
    expect(rest).toEqual(sidecarRest);
    expect(pilot).toEqual({ ...sidecarPilot, resources: { requests: { cpu: "10m", memory: "100Mi" } } });
  });

  it("sets istio-cni's platform for k3d only; kind, kubeadm and a kubeconfig keep the chart's CNI paths", async () => {
    expect(valuesOf(await ambientOn({ source: "k3d" }), "istio-cni").global).toEqual({ hub: "registry.istio.io/release", platform: "k3d" });
    for (const source of [{ source: "kind" }, { source: "kubeconfig", kubeconfig: "~/.kube/config" }]) {
      expect(valuesOf(await ambientOn(source), "istio-cni")).toEqual({ profile: "ambient", global: { hub: "registry.istio.io/release" }, resources: { requests: { cpu: "10m", memory: "40Mi" } } });
    }
    expect(valuesOf(await ambientOn({ source: "kind" }), "ztunnel")).toEqual({ hub: "registry.istio.io/release", resources: { requests: { cpu: "10m", memory: "40Mi" } } });
  });

  it("pulls ambient's images through a mirror: the distroless variant, the CNI agent and ztunnel", async () => {
    const r = await renderStack({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode: "ambient", addons: [] }, "istio-lab:apps": { imageRegistry: "mirror.example.com:5000/lab" } });
    expect(valuesOf(r, "istio-cni").global.hub).toBe("mirror.example.com:5000/lab");
    expect(valuesOf(r, "ztunnel").hub).toBe("mirror.example.com:5000/lab");
    const mesh = { mode: "ambient", istioVersion: "1.31.1", addons: [] } as never;
    expect(meshImages(mesh, "m.example/lab")).toEqual(["m.example/lab/pilot:1.31.1-distroless", "m.example/lab/proxyv2:1.31.1-distroless", "m.example/lab/install-cni:1.31.1-distroless", "m.example/lab/ztunnel:1.31.1"]);
    expect(meshImages({ ...(mesh as object), mode: "sidecar" } as never, "m.example/lab")).toEqual(["m.example/lab/pilot:1.31.1", "m.example/lab/proxyv2:1.31.1"]);
  });

  it("runs each scenario the catalog gives ambient, in each form it gives", async () => {
    for (const { scenario, form } of ambientForms()) {
      const options = (exampleConfig(scenario)["istio-lab:scenarioOptions"] ?? {}) as object;
      const r = await renderStack({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": scenario, "istio-lab:scenarioOptions": form === "istio" ? options : { ...options, api: form } });
      expect(releases(r), `${scenario} ${form}`).toContain("ztunnel");
    }
  });

  it("refuses every other scenario and form before anything, on istio-lab:mesh.mode, naming the scenarios and forms that run", async () => {
    const others = scenarioNames.filter((s) => !(ambientScenarioNames as string[]).includes(s));
    expect(others.length).toBe(scenarioNames.length - ambientScenarioNames.length);
    const errors = await configErrors({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": "fault-delay", "istio-lab:scenarioOptions": { api: "gateway-api" } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^istio-lab:mesh\.mode: is ambient, where scenario fault-delay does not run: it keeps its fault in a VirtualService in the Gateway API form too/);
    const runs =
      "bookinfo, tcp-shift-80-20, tcp-shift-v2, ingress-httpbin, ingress-tls, ingress-mtls, ingress-passthrough, authz-http, authz-deny, authz-tcp, jwt-auth, jwt-routing (Istio API form); " +
      "bookinfo, route-all-v1, route-jason-v2, shift-50-v3, shift-v3, shift-90-10, shift-80-20, shift-v2-v3, canary, tcp-shift-80-20, tcp-shift-v2, mirroring, ingress-httpbin, ingress-tls, ingress-mtls (Gateway API form, istio-lab:scenarioOptions.api: gateway-api)";
    expect(ambientRunsText()).toBe(runs);
    expect(errors[0]).toContain(`In ambient mode istio-lab runs ${runs} (docs/ambient.md): choose one of them, or set istio-lab:mesh.mode: sidecar`);
    for (const scenario of others) expect(modeRefusal("ambient", scenario), scenario).toBeDefined();
    expect(modeRefusal("ambient", "mirroring")).toMatch(/^is in its Istio API form, which does not run in ambient: there it runs in its Gateway API form/);
    // A routing scenario's Istio form: the reason names the form that runs.
    const istioForm = await configErrors({ "istio-lab:cluster": { source: "kind" }, "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": "route-jason-v2" });
    expect(istioForm).toEqual([
      expect.stringContaining("istio-lab:mesh.mode: is ambient, where scenario route-jason-v2 does not run: it is in its Istio API form, which does not run in ambient: there it runs in its Gateway API form (istio-lab:scenarioOptions.api: gateway-api), because its VirtualServices route between services"),
    ]);
    for (const scenario of scenarioNames) for (const form of ["istio", "gateway-api"]) expect(modeRefusal("sidecar", scenario, form)).toBeUndefined();
  });
});

describe("docs/ambient.md", () => {
  it("has the catalog's table: each scenario's forms per mode, and why each ambient pair runs", () => {
    const page = fs.readFileSync(path.join(__dirname, "../../docs/ambient.md"), "utf8");
    const rows = [...page.matchAll(/^\| ([a-z0-9-]+) \| (.+) \|$/gm)].filter(([, name]) => (scenarioNames as readonly string[]).includes(name)).map(([, name, rest]) => [name, ...rest.split(" | ")]);
    const table = rows.filter((r) => r.length === 5);
    const reasons = rows.filter((r) => r.length === 3);
    const forms = (scenario: string) => ambientForms().filter((p) => p.scenario === scenario);
    const mark = (scenario: string, form: "istio" | "gateway-api") => {
      const run = forms(scenario).find((p) => p.form === form)?.run;
      return run ? (run.waypoint ? "yes, waypoint" : "yes") : "no";
    };
    expect(table).toEqual(
      scenarioNames.map((s) => [s, "yes", gatewayApiScenarios.includes(s) ? "yes" : "no", mark(s, "istio"), gatewayApiScenarios.includes(s) ? mark(s, "gateway-api") : "no"]),
    );
    expect(reasons).toEqual(ambientForms().map(({ scenario, form, run }) => [scenario, formNames[form], run.why]));
    expect(rows.filter((r) => r.length === 2)).toEqual(scenarioNames.filter((s) => s in ambientRefusals).map((s) => [s, ambientRefusals[s as keyof typeof ambientRefusals]]));
  });
});

describe("what verify claims in ambient", () => {
  it("no scenario that runs in ambient has a probe whose evidence is a sidecar's", () => {
    for (const scenario of ambientScenarioNames) {
      for (const probe of exampleScenario(scenario).probes) expect(needsSidecar(probe), `${scenario} ${probe.kind}`).toBeUndefined();
    }
  });

  it("names every probe that reads an access log or runs a client outside the mesh (tools/verify/probes)", () => {
    const dir = path.join(__dirname, "../../tools/verify/probes");
    const readers = fs
      .readdirSync(dir)
      .filter((f) => /\b(markedCall|markedCallFromLog|runPlainPod|accessLogContainer)\b/.test(fs.readFileSync(path.join(dir, f), "utf8")))
      .map((f) => f.replace(/\.ts$/, ""))
      .filter((kind) => kind !== "in-mesh");
    // call reads the client's log only for a probe with an upstream (needsSidecar says so).
    expect(readers.sort()).toEqual([...Object.keys(sidecarEvidence), ...Object.keys(ambientEvidence), "call"].sort());
    expect(needsSidecar({ kind: "call", from: "curl", url: "http://x", status: 200, upstream: "x" } as never)).toBeDefined();
    expect(needsSidecar({ kind: "call", from: "curl", url: "http://x", status: 200 } as never)).toBeUndefined();
  });
});

describe("a lab stack follows its platform's mode", () => {
  const file = "Pulumi.lab-template.yaml";
  const labNamespace = "student-1";
  const renderLab = async (meshMode: string | undefined, scenario?: string, form = "istio", published: Record<string, unknown> = {}) => {
    const { config } = readStackFileForRender(file);
    const options = scenario ? ((exampleConfig(scenario as never)["istio-lab:scenarioOptions"] ?? {}) as object) : {};
    const labConfig = scenario
      ? {
          ...config,
          values: {
            ...config.values,
            "istio-lab:scenario": scenario,
            "istio-lab:apps": JSON.stringify({ namespace: labNamespace }),
            ...(form !== "istio" || Object.keys(options).length > 0 ? { "istio-lab:scenarioOptions": JSON.stringify(form === "istio" ? options : { ...options, api: form }) } : {}),
          },
        }
      : config;
    const references = await platformReferences(file, config);
    const [name, platform] = Object.entries(references)[0];
    // An ambient platform keeps the Gateway API's CRDs for its labs (components/lab.ts labsMayUseGatewayApi).
    const labPlatform = { ...(platform.outputs.labPlatform as object), ...(meshMode && { meshMode }), ...(meshMode === "ambient" && { gatewayApi: true }), ...published };
    return renderConfig(labConfig, renderProgram(), undefined, { stackReferences: { [name]: { ...platform, outputs: { ...platform.outputs, labPlatform } } } });
  };

  it("is told the mode by its platform", async () => {
    const { config } = readStackFileForRender(file);
    const platform = Object.values(await platformReferences(file, config))[0];
    expect(platform.outputs.labPlatform).toMatchObject({ meshMode: "sidecar" });
  });

  it("labels its namespace for ambient on an ambient platform, and for injection on a sidecar or older platform", async () => {
    const labels = (r: Rendered) => (r.resources.find((x) => x.type === "kubernetes:core/v1:Namespace")!.inputs.metadata as { labels: unknown }).labels;
    expect(labels(await renderLab("ambient", "bookinfo"))).toEqual({ "istio.io/dataplane-mode": "ambient" });
    expect(labels(await renderLab("sidecar"))).toEqual({ "istio-injection": "enabled" });
    expect(labels(await renderLab(undefined))).toEqual({ "istio-injection": "enabled" });
  });

  it("refuses a scenario its platform's mode does not run, before anything, naming the platform's mode and exactly what a lab stack runs there", async () => {
    const error = await renderLab("ambient").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    // The ambient pairs but the platform's alone (the secure ingress tasks, SNI passthrough, jwt-routing's policy on the shared gateway).
    const labRuns =
      "bookinfo, tcp-shift-80-20, tcp-shift-v2, ingress-httpbin, authz-http, authz-deny, authz-tcp, jwt-auth (Istio API form); " +
      "bookinfo, route-all-v1, route-jason-v2, shift-50-v3, shift-v3, shift-90-10, shift-80-20, shift-v2-v3, canary, tcp-shift-80-20, tcp-shift-v2, mirroring, ingress-httpbin (Gateway API form, istio-lab:scenarioOptions.api: gateway-api)";
    expect(ambientRunsText("lab")).toBe(labRuns);
    expect((error as ConfigError).issues).toEqual([
      {
        key: "istio-lab:scenario",
        message: expect.stringMatching(/^route-jason-v2 does not run on platform local, whose istio-lab:mesh\.mode is ambient: it is in its Istio API form, which does not run in ambient: there it runs in its Gateway API form/),
      },
    ]);
    expect((error as ConfigError).issues[0].message).toContain(`There a lab stack runs ${labRuns} (docs/labs.md, "Labs in ambient mode"): choose one of them, or run this lab on a platform in sidecar mode`);
    // Every pair the list names renders in a lab on the ambient platform; every other ambient pair is a platform's alone.
    for (const { scenario, form } of ambientPairs("lab")) {
      const r = await renderLab("ambient", scenario, form);
      expect(r.resources.some((x) => x.name === `Namespace/${labNamespace}`), `${scenario} ${form}`).toBe(true);
    }
    const platformOnly = ambientForms().filter((p) => !ambientPairs("lab").some((l) => l.scenario === p.scenario && l.form === p.form));
    expect(platformOnly.map((p) => `${p.scenario} ${p.form}`)).toEqual(["ingress-tls istio", "ingress-tls gateway-api", "ingress-mtls istio", "ingress-mtls gateway-api", "ingress-passthrough istio", "jwt-routing istio"]);
    for (const { scenario, form } of platformOnly) expect(await configErrors({ "istio-lab:platform": "local", "istio-lab:scenario": scenario, ...(form !== "istio" && { "istio-lab:scenarioOptions": { api: form } }) })).toContainEqual(expect.stringContaining("run it on a platform stack"));
  });

  it("cannot set a mode of its own", async () => {
    expect(await configErrors({ "istio-lab:platform": "local", "istio-lab:mesh": { mode: "ambient" } })).toContainEqual(expect.stringContaining("istio-lab:mesh: is set in a lab stack"));
  });
});

describe("switching a stack from sidecar to ambient (Pulumi.local.yaml)", () => {
  it("creates istio-cni and ztunnel, updates istiod, the namespace's labels and the lab's pod templates in place, replaces only the image loading", async () => {
    const sidecar = await renderFile("Pulumi.local.yaml");
    const ambient = await renderStackConfig(withMesh(local(), { mode: "ambient" }));
    const plan = planUpdate(sidecar, ambient);
    // An ambient platform keeps the Gateway API's CRDs for its labs' waypoints and routes (components/lab.ts labsMayUseGatewayApi).
    expect(plan.create.map((r) => r.name)).toEqual(["HelmRelease/istio-system/istio-cni", "HelmRelease/istio-system/ztunnel", "ConfigFile/gateway-api-crds"]);
    // Each Deployment of the lab rolls out with the pod template's data-plane annotation (test/workloads/mode-switch.test.ts).
    expect(plan.update.filter((u) => !u.resource.name.startsWith("Deployment/")).map((u) => [u.resource.name, u.paths])).toEqual([
      ["HelmRelease/istio-system/istiod", ["values.pilot.resources", "values.profile"]],
      ["Namespace/bookinfo", ["metadata.labels.istio-injection", "metadata.labels.istio.io/dataplane-mode"]],
      // Grafana adds the ztunnel dashboard (test/mesh/addons-ambient.test.ts).
      ["HelmRelease/istio-system/grafana", ["values.dashboards.istio.istio-ztunnel"]],
    ]);
    expect(plan.update.filter((u) => u.resource.name.startsWith("Deployment/")).map((u) => u.resource.name)).toEqual(
      ["details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3", "productpage-v1"].map((d) => `Deployment/bookinfo/${d}`),
    );
    // The commands that pull Istio's images and load them into kind's nodes run again for ambient's (distroless,
    // ztunnel, CNI): their triggers hold the image list (pulumi-command's replaceOnChanges triggers[*]); the
    // addons' and samples' (components/cluster/local) stay. Nothing of the cluster, the mesh or the lab is replaced.
    expect(plan.replace.map((r) => [r.resource.name, r.because])).toEqual([
      ["cluster-kind-istio-pull", ["triggers[0]"]],
      ["cluster-kind-istio-images", ["triggers[1]"]],
    ]);
    expect(plan.delete).toEqual([]);
    // And back: the two releases and the CRDs go (with them every lab's Gateway API objects: docs/labs.md), the same objects change back.
    const back = planUpdate(ambient, sidecar);
    expect(back.delete.map((r) => r.name).sort()).toEqual(["ConfigFile/gateway-api-crds", "HelmRelease/istio-system/istio-cni", "HelmRelease/istio-system/ztunnel"]);
    expect(back.replace.map((r) => r.resource.name)).toEqual(["cluster-kind-istio-pull", "cluster-kind-istio-images"]);
  });
});
