// Lab stacks on an ambient platform: each runs what the platform's own lab could run in ambient, a
// waypoint scenario with a waypoint of its own in its own namespace, bound to its own Services; the
// Gateway API's CRDs, cluster-scoped, are the platform's alone. Rendered from stack files as
// `npm run render` does. (What Istio does with two labs' waypoints: test/labs/mesh-isolation.test.ts.)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { exampleOptions } from "../../catalog/scenarios/examples";
import { ambientPairs, ambientRunsText } from "../../catalog/scenarios/modes";
import { ingressUseWaypointLabel, useWaypointLabel, waypointGateway, waypointName, waypointWaitFor } from "../../catalog/scenarios/waypoint";
import { ConfigError } from "../../components/config";
import { inPlatformMode, labModeIssues } from "../../components/platform";
import { authorizationPolicy, sidecar } from "../../catalog/scenarios/builders";
import { exampleScenario } from "../../catalog/scenarios/examples";
import { ingressTcpPorts } from "../../catalog/scenarios/tcp";
import { resolveScenario } from "../../catalog/scenarios";
import { ambientObjects } from "../../tools/lib/mesh-model";
import { platformReferences, renderConfig, renderProgram, renderStackFile, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { dependencyGraph } from "../../tools/lib/critical-path";
import { planUpdate } from "../../tools/lib/plan";
import { readStackFileForRender } from "../../tools/lib/stack-file";

const root = path.resolve(__dirname, "../..");

/** A project folder with the real Pulumi.yaml, the local platform in ambient mode (or as `platform` says), and the given lab stack files. */
function classroom(labs: Record<string, Record<string, unknown>>, platform: Record<string, unknown> = { "istio-lab:mesh": { mode: "ambient" } }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-ambient-classroom-"));
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const local = parse(fs.readFileSync(path.join(root, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  fs.writeFileSync(path.join(dir, "Pulumi.local.yaml"), stringify({ config: { ...local.config, ...platform } }));
  for (const [stack, config] of Object.entries(labs)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  return dir;
}

const lab = (scenario: string, api?: string) => {
  const options = exampleOptions(scenario as never) as object | undefined;
  return { "istio-lab:platform": "local", "istio-lab:scenario": scenario, ...((api || options) && { "istio-lab:scenarioOptions": { ...options, ...(api && { api }) } }) };
};

const dir = classroom({ "student-1": lab("authz-http"), "student-2": lab("route-all-v1", "gateway-api"), "student-3": lab("bookinfo") });
const renders = new Map<string, Promise<Rendered>>();
const render = (stack: string, folder = dir) => {
  const file = path.join(folder, `Pulumi.${stack}.yaml`);
  if (!renders.has(file)) renders.set(file, renderStackFile(file));
  return renders.get(file)!;
};
const byName = (r: Rendered, name: string) => r.resources.find((x) => x.name === name);
const namespaceOf = (x: RenderedResource) => (x.inputs.metadata as { namespace?: string } | undefined)?.namespace;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("an ambient platform", () => {
  it("installs the Gateway API's CRDs whatever its own scenario, and tells its labs so; a sidecar platform keeps them only with mesh.gatewayApi", async () => {
    const platform = await render("local");
    expect(byName(platform, "ConfigFile/gateway-api-crds")).toBeDefined();
    expect(byName(platform, "Gateway/bookinfo/waypoint")).toBeUndefined();
    expect(platform.outputs.labPlatform).toMatchObject({ meshMode: "ambient", gatewayApi: true });
    const sidecar = await render("local", classroom({}, {}));
    expect(byName(sidecar, "ConfigFile/gateway-api-crds")).toBeUndefined();
    expect(sidecar.outputs.labPlatform).toMatchObject({ meshMode: "sidecar", gatewayApi: false });
    const kept = await render("local", classroom({}, { "istio-lab:mesh": { gatewayApi: true } }));
    expect(kept.outputs.labPlatform).toMatchObject({ meshMode: "sidecar", gatewayApi: true });
  });
});

describe("lab stacks on an ambient platform", () => {
  it("each gets a waypoint of its own in its own namespace, labelling only its own Services, as the platform's own lab would", async () => {
    for (const [stack, namespace, services] of [
      ["student-1", "student-1", ["curl", "details", "productpage", "ratings", "reviews"]],
      ["student-2", "student-2", ["details", "productpage", "ratings", "reviews"]],
    ] as const) {
      const r = await render(stack);
      const gateway = byName(r, `Gateway/${namespace}/${waypointName}`)!;
      expect(gateway.inputs, stack).toEqual({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: waypointName, namespace, annotations: waypointWaitFor }, spec: waypointGateway(waypointName).spec });
      // The CRDs are the platform's: the Gateway waits for nothing of the lab but its namespace.
      expect(gateway.dependsOn.filter((d) => d.includes("gateway-api-crds")), stack).toEqual([]);
      const patches = r.resources.filter((x) => x.type === "kubernetes:core/v1:ServicePatch");
      // student-1 runs authz-http: the gateway's traffic to productpage goes through the waypoint too (catalog/scenarios/waypoint.ts inAmbient).
      const ingress = (name: string) => (stack === "student-1" && name === "productpage" ? { [ingressUseWaypointLabel]: "true" } : {});
      expect(patches.map((p) => p.inputs.metadata), stack).toEqual(services.map((name) => ({ name, namespace, labels: { [useWaypointLabel]: waypointName, ...ingress(name) } })));
      expect(patches.every((p) => r.resources.some((s) => s.name === `Service/${namespace}/${(p.inputs.metadata as { name: string }).name}`)), stack).toBe(true);
    }
    // authz-http's policies on its own waypoint and Services, from its own namespace.
    const policies = (await render("student-1")).resources.filter((x) => x.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy");
    expect(policies.map((p) => [namespaceOf(p), (p.inputs.spec as { targetRefs?: unknown }).targetRefs])).toEqual([
      ["student-1", [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: waypointName }]],
      ...["productpage", "details", "reviews", "ratings"].map((name) => ["student-1", [{ group: "", kind: "Service", name }]]),
    ]);
    // The same objects the platform's own lab has for authz-http in ambient, but for the namespace.
    const own = await render("local", classroom({}, { "istio-lab:mesh": { mode: "ambient" }, "istio-lab:scenario": "authz-http" }));
    const scenarioPart = (r: Rendered, namespace: string) =>
      r.resources
        .filter((x) => /^(Gateway\/[^/]+\/waypoint|ServicePatch\/|AuthorizationPolicy\/)/.test(x.name))
        // The namespace as a name, and in the principals (cluster.local/ns/<namespace>/sa/...).
        .map((x) => JSON.stringify({ type: x.type, inputs: x.inputs }).replace(new RegExp(`(?<=["/])${namespace}(?=["/])`, "g"), "NS"))
        .sort();
    expect(scenarioPart(await render("student-1"), "student-1")).toEqual(scenarioPart(own, "bookinfo"));
  });

  it("render what the mesh model of test/labs/mesh-isolation.test.ts reads: the waypoint's Gateway and the Services bound to it", async () => {
    for (const [stack, scenario, api] of [
      ["student-1", "authz-http", "istio"],
      ["student-2", "route-all-v1", "gateway-api"],
    ] as const) {
      const r = await render(stack);
      const options = exampleOptions(scenario) as object | undefined;
      const model = ambientObjects(inPlatformMode(resolveScenario(scenario, api === "istio" ? options : { ...options, api }), "ambient"), stack);
      const bound = model.services.filter((svc) => svc.labels[useWaypointLabel] === waypointName).map((svc) => svc.name);
      const patched = r.resources.filter((x) => x.type === "kubernetes:core/v1:ServicePatch").map((x) => (x.inputs.metadata as { name: string }).name);
      expect(patched.sort(), stack).toEqual(bound.sort());
      expect(model.gateways.map((g) => ({ namespace: g.namespace, name: g.name, spec: { gatewayClassName: g.gatewayClassName, listeners: g.listeners } })), stack).toEqual([
        { namespace: stack, name: waypointName, spec: (({ gatewayClassName, listeners }) => ({ gatewayClassName, listeners }))(byName(r, `Gateway/${stack}/${waypointName}`)!.inputs.spec as { gatewayClassName: unknown; listeners: unknown }) },
      ]);
      // Every Service the lab renders is one the model knows, so none is left out of the isolation check.
      const services = r.resources.filter((x) => x.type === "kubernetes:core/v1:Service").map((x) => (x.inputs.metadata as { name: string }).name);
      expect(model.services.map((svc) => svc.name).sort(), stack).toEqual(services.sort());
    }
  });

  it("have no waypoint where the scenario needs none", async () => {
    const r = await render("student-3");
    expect(r.resources.filter((x) => /waypoint|ServicePatch/.test(x.name))).toEqual([]);
  });

  it("create no cluster-scoped object but their namespace, and never an object another stack registers", async () => {
    const owner = new Map<string, string>();
    for (const stack of ["local", "student-1", "student-2", "student-3"]) {
      const r = await render(stack);
      for (const x of r.resources.filter((y) => y.type.startsWith("kubernetes:") && typeof y.inputs.kind === "string")) {
        const meta = x.inputs.metadata as { name: string; namespace?: string };
        // A ServicePatch shares its Service's identity: it is the same stack's, in the same namespace.
        const id = `${x.type === "kubernetes:core/v1:ServicePatch" ? "patch " : ""}${x.inputs.kind} ${meta.namespace ?? "(cluster)"}/${meta.name}`;
        expect(owner.get(id), `${id} of ${stack}`).toBeUndefined();
        owner.set(id, stack);
        if (stack !== "local") expect(meta.namespace ?? `Namespace ${meta.name}`, `${x.name} of ${stack}`).toBe(x.inputs.kind === "Namespace" ? `Namespace ${stack}` : stack);
      }
    }
    expect([...owner.values()].filter((s) => s === "student-2").length).toBeGreaterThan(5);
  });

  it("run every pair the platform's mode runs for labs, each with a waypoint exactly where the platform's own lab has one", async () => {
    // One lab TCP port each for the TCP scenarios (a second on one port is refused: components/config/sibling-labs.ts).
    let tcpPort = 31401;
    const folder = classroom(
      Object.fromEntries(
        ambientPairs("lab").map(({ scenario, form }, i) => [
          `lab-${i}`,
          { ...lab(scenario, form === "istio" ? undefined : form), ...(ingressTcpPorts(exampleScenario(scenario)).length > 0 && { "istio-lab:apps": { tcpPort: tcpPort++ } }) },
        ]),
      ),
    );
    for (const [i, { scenario, form, run }] of ambientPairs("lab").entries()) {
      const r = await render(`lab-${i}`, folder);
      expect(byName(r, `Gateway/lab-${i}/${waypointName}`) !== undefined, `${scenario} ${form}`).toBe(run.waypoint === true);
    }
  });

  it("switching a lab from a waypoint scenario to one without deletes only its own waypoint and labels", async () => {
    const plan = planUpdate(await render("student-2"), await render("student-3", classroom({ "student-3": { ...lab("bookinfo", "gateway-api"), "istio-lab:apps": { namespace: "student-2" } } })));
    expect(plan.delete.map((x) => x.name).filter((n) => /waypoint|ServicePatch/.test(n))).toEqual([
      "Gateway/student-2/waypoint",
      "ServicePatch/student-2/details",
      "ServicePatch/student-2/productpage",
      "ServicePatch/student-2/ratings",
      "ServicePatch/student-2/reviews",
    ]);
    expect(plan.replace).toEqual([]);
  });
});

describe("a lab stack whose platform lacks what its scenario needs", () => {
  const renderOn = async (labPlatform: Record<string, unknown>, scenario: string, api?: string) => {
    const folder = classroom({ "student-9": lab(scenario, api) });
    const file = path.join(folder, "Pulumi.student-9.yaml");
    const { config } = readStackFileForRender(file);
    const [[name, platform]] = Object.entries(await platformReferences(file, config));
    const outputs = { ...platform.outputs, labPlatform: { ...(platform.outputs.labPlatform as object), ...labPlatform } };
    return renderConfig(config, renderProgram(), undefined, { stackReferences: { [name]: { ...platform, outputs } } });
  };

  it("is refused, before anything, naming the platform and the fix, when its waypoint or routes need CRDs an older ambient platform did not keep", async () => {
    for (const [scenario, api, key] of [
      ["authz-http", undefined, "istio-lab:scenario"],
      ["route-all-v1", "gateway-api", "istio-lab:scenario"],
      ["bookinfo", "gateway-api", "istio-lab:scenarioOptions.api"],
    ] as const) {
      const error = await failure(renderOn({ gatewayApi: undefined }, scenario, api));
      expect(error, scenario).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues, scenario).toEqual([{ key, message: expect.stringContaining("the Gateway API's CRDs, which platform local has not installed (a lab installs nothing cluster-wide): it was last updated by an older istio-lab") }]);
      expect((error as ConfigError).issues[0].message).toContain("run `pulumi up` on local first (an ambient platform now installs them whatever its scenario)");
    }
    // A scenario with neither runs there.
    expect(byName(await renderOn({ gatewayApi: undefined }, "authz-tcp"), "Namespace/student-9")).toBeDefined();
  });

  it("is refused where the mode does not run it, and in ambient its ambient form is checked by the analyzer's ambient rules, as a platform's own scenario is", () => {
    const spec = exampleScenario("authz-deny");
    const byVersion = { ...spec, resources: [authorizationPolicy("v1-only", { selector: { matchLabels: { version: "v1" } }, rules: [{ to: [{ operation: { methods: ["GET"] } }] }] })] };
    const error = (() => {
      try {
        return inPlatformMode(byVersion, "ambient");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ key: "istio-lab:scenario", message: expect.stringMatching(/^AuthorizationPolicy v1-only: its selector names no one Service/) }]);
    expect(inPlatformMode(byVersion, "sidecar")).toBe(byVersion);
    // A Sidecar, which no ambient pod reads: refused on an ambient platform (ambient-rules.ts noSidecarObjects), not on a sidecar one.
    const withSidecar = { ...exampleScenario("route-all-v1"), resources: [...exampleScenario("route-all-v1").resources, sidecar("default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } })] };
    expect(labModeIssues("local", "ambient", { name: "route-all-v1", api: "istio", spec: withSidecar })[0].message).toMatch(/^route-all-v1 does not run on platform local, whose istio-lab:mesh\.mode is ambient/);
    expect(labModeIssues("local", "ambient", { name: "authz-deny", api: "istio", spec: { ...spec, resources: [...spec.resources, sidecar("default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } })] } })).toEqual([
      { key: "istio-lab:scenario", message: "scenario authz-deny: Sidecar/default spec: configures sidecars, which ambient pods do not have" },
    ]);
    expect(labModeIssues("local", "sidecar", { name: "authz-deny", api: "istio", spec: { ...spec, resources: [...spec.resources, sidecar("default", { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } })] } })).toEqual([]);
    expect(labModeIssues("local", "ambient", { name: "authz-deny", api: "istio", spec })).toEqual([]);
  });
});

describe("docs/labs.md", () => {
  it("lists exactly what a lab stack runs on an ambient platform, as its refusals do", () => {
    const page = fs.readFileSync(path.join(root, "docs/labs.md"), "utf8");
    const section = page.slice(page.indexOf("## Labs in ambient mode"), page.indexOf("## One secrets provider"));
    expect(section.split("\n")).toContain(ambientRunsText("lab"));
  });
});

describe("a lab stack's move to its waypoint (test/scenarios/ambient-order.test.ts for the platform's own lab)", () => {
  it("makes each of its Deployments and policies wait for its waypoint's Gateway and labels; a lab without a waypoint has no such edge", async () => {
    const r = await render("student-1");
    const graph = dependencyGraph(r);
    const waypoint = r.resources.filter((x) => x.name === `Gateway/student-1/${waypointName}` || x.type === "kubernetes:core/v1:ServicePatch").map((x) => x.name);
    expect(waypoint.length).toBe(6);
    const moved = r.resources.filter((x) => (x.type === "kubernetes:apps/v1:Deployment" && x.parent === "workloads") || x.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy");
    expect(moved.length).toBeGreaterThan(5);
    for (const x of moved) expect(graph.get(x)!.map((y) => y.name), x.name).toEqual(expect.arrayContaining(waypoint));
    const plain = await render("student-3");
    for (const x of plain.resources) expect(x.dependsOn.filter((d) => /waypoint|ServicePatch/.test(d)), x.name).toEqual([]);
  });
});
