// One platform and several lab stacks on it, rendered from stack files as `npm run render` does:
// the stacks cannot collide, a lab owns only its own namespace, and a lab's mistakes name the key.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { seedServices } from "../../catalog/apps/seed";
import { ConfigError } from "../../components/config";
import { platformReferences, renderConfig, renderProgram, renderStackFile, type Rendered, type RenderedResource } from "../../tools/lib/mock-engine";
import { planUpdate } from "../../tools/lib/plan";
import { readStackFileForRender, StackFileError } from "../../tools/lib/stack-file";
import { validateObject } from "../validate";
import { upstreamFile } from "../upstream-files";

const root = path.resolve(__dirname, "../..");

/** A project folder with the real Pulumi.yaml and platform stack file, and the given lab stack files. */
function classroom(labs: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-classroom-"));
  for (const file of ["Pulumi.yaml", "Pulumi.local.yaml", "Pulumi.existing.yaml"]) fs.copyFileSync(path.join(root, file), path.join(dir, file));
  for (const [stack, config] of Object.entries(labs)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  return dir;
}

const lab = (scenario: string, extra: Record<string, unknown> = {}) => ({ "istio-lab:platform": "local", "istio-lab:scenario": scenario, ...extra });

const dir = classroom({
  "student-1": lab("route-jason-v2"),
  "student-2": lab("mirroring"),
  "student-3": lab("ingress-httpbin"),
  "student-4": lab("shift-80-20", { "istio-lab:apps": { namespace: "canary-lab" } }),
  // A student's own services (scenario custom) on the shared gateway.
  "student-5": lab("custom", { "istio-lab:scenarioOptions": { routes: [{ service: "back", weights: { v1: 90, v2: 10 } }] }, "istio-lab:apps": { custom: seedServices } }),
});
const stacks = ["local", "student-1", "student-2", "student-3", "student-4", "student-5"];
const renders = new Map<string, Promise<Rendered>>();
const render = (stack: string) => {
  if (!renders.has(stack)) renders.set(stack, renderStackFile(path.join(dir, `Pulumi.${stack}.yaml`)));
  return renders.get(stack)!;
};

/** A Kubernetes object's identity in the cluster: kind, namespace and name; a release's, its name. */
function clusterIdentity(r: RenderedResource): string | undefined {
  if (r.type === "kubernetes:helm.sh/v3:Release") return `HelmRelease ${r.inputs.namespace}/${r.inputs.name}`;
  const meta = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
  if (!r.type.startsWith("kubernetes:") || typeof r.inputs.kind !== "string" || !meta?.name) return undefined;
  return `${r.inputs.kind} ${meta.namespace ?? "(cluster)"}/${meta.name}`;
}

const objects = (rendered: Rendered) => rendered.resources.filter((r) => clusterIdentity(r) !== undefined);
const istioObjects = (rendered: Rendered) => rendered.resources.filter((r) => r.type.startsWith("kubernetes:networking.istio.io/") || r.type.startsWith("kubernetes:security.istio.io/"));

describe("a lab keeps to its platform's cluster", () => {
  const file = () => path.join(dir, "Pulumi.student-1.yaml");
  const renderLab = async (stashed?: Record<string, unknown>) => {
    const { config } = readStackFileForRender(file());
    return renderConfig(config, renderProgram(), undefined, { stackReferences: await platformReferences(file(), config), ...(stashed && { stashed }) });
  };

  it("records the platform's cluster at its first deployment, and goes on while it is the same", async () => {
    const first = await renderLab();
    const pin = first.resources.find((r) => r.type === "pulumi:index:Stash")!;
    expect(pin).toMatchObject({ name: "platform-pin", options: { ignoreChanges: ["input"] } });
    expect(pin.inputs.input).toEqual({ clusterIdentifier: "istio-lab-local-cluster-kind-id" });
    expect((await renderLab({ "platform-pin": pin.inputs.input })).resources.length).toBe(first.resources.length);
  });

  it("goes one run without the provider's clusterIdentifier when carried over from before it (istio-lab:identifierUpgrade)", async () => {
    const { config } = readStackFileForRender(file());
    const upgraded = await renderConfig({ ...config, values: { ...config.values, "istio-lab:identifierUpgrade": "true" } }, renderProgram(), undefined, { stackReferences: await platformReferences(file(), config) });
    expect(upgraded.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs).not.toHaveProperty("clusterIdentifier");
    expect((await renderLab()).resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.clusterIdentifier).toBe("istio-lab-local-cluster-kind-id");
  });

  it("stops before anything when the platform's cluster was rebuilt, naming the key and the recipe", async () => {
    const error = await renderLab({ "platform-pin": { clusterIdentifier: "istio-lab-local-cluster-kind-old" } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        key: "istio-lab:platform",
        message: expect.stringContaining(
          "local's cluster is not the one this lab was deployed to (istio-lab-local-cluster-kind-old, now istio-lab-local-cluster-kind-id): it was rebuilt or moved, and this lab's objects are not on it; deploy the lab anew: `PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes`, then `pulumi up`",
        ),
      },
    ]);
  });
});

describe("a lab on a platform of source kubeconfig keeps to the cluster the platform recorded", () => {
  // The platform's clusterIdentifier is its name whatever cluster its context reaches; it publishes the cluster it recorded.
  const room = classroom({ "student-9": { "istio-lab:platform": "existing", "istio-lab:scenario": "mirroring" } });
  const file = path.join(room, "Pulumi.student-9.yaml");
  const renderLab = async (published: Record<string, unknown>, stashed?: Record<string, unknown>) => {
    const { config } = readStackFileForRender(file);
    const references = await platformReferences(file, config);
    const [name, platform] = Object.entries(references)[0];
    const outputs = { ...platform.outputs, labPlatform: { ...(platform.outputs.labPlatform as object), ...published } };
    return renderConfig(config, renderProgram(), undefined, { stackReferences: { [name]: { ...platform, outputs } }, ...(stashed && { stashed }) });
  };

  it("is told the platform's server and CA, and records them", async () => {
    const { config } = readStackFileForRender(file);
    const platform = Object.values(await platformReferences(file, config))[0];
    expect(platform.outputs.labPlatform).toMatchObject({ clusterIdentifier: "istio-lab-existing", server: "https://127.0.0.1:40123", caDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const pin = (await renderLab({})).resources.find((r) => r.name === "platform-pin")!;
    expect(pin.inputs.input).toMatchObject({ clusterIdentifier: "istio-lab-existing", server: "https://127.0.0.1:40123" });
  });

  it("stops when the platform moved to another cluster under the same identifier, and goes on over a record of an older platform", async () => {
    const recorded = { clusterIdentifier: "istio-lab-existing", server: "https://127.0.0.1:41000", caDigest: "a".repeat(64) };
    const error = await renderLab({}, { "platform-pin": recorded }).then(
      () => undefined,
      (e: ConfigError) => e.issues,
    );
    expect(error).toEqual([{ key: "istio-lab:platform", message: expect.stringContaining("(https://127.0.0.1:41000, now https://127.0.0.1:40123): it was rebuilt or moved") }]);
    await expect(renderLab({}, { "platform-pin": { clusterIdentifier: "istio-lab-existing" } })).resolves.toBeDefined();
  });
});

describe("labs in the Gateway API form", () => {
  // A platform that installs the CRDs for its labs while its own lab stays in Istio's form.
  const teach = { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:mesh": { gatewayApi: true } };
  const room = classroom({
    teach,
    "student-7": { "istio-lab:platform": "teach", "istio-lab:scenario": "route-jason-v2", "istio-lab:scenarioOptions": { api: "gateway-api" } },
    "student-8": { "istio-lab:platform": "teach", "istio-lab:scenario": "ingress-httpbin", "istio-lab:scenarioOptions": { api: "gateway-api" } },
  });
  const renderIn = (stack: string) => renderStackFile(path.join(room, `Pulumi.${stack}.yaml`));
  const gatewayApiObjects = (r: Rendered) => r.resources.filter((x) => String(x.inputs.apiVersion ?? "").startsWith("gateway.networking.k8s.io/")).map((x) => x.inputs as any);

  it("the platform installs the CRDs for them and says so, its own lab unchanged", async () => {
    const platform = await renderIn("teach");
    expect(platform.resources.some((x) => x.name === "ConfigFile/gateway-api-crds")).toBe(true);
    expect((platform.outputs.labPlatform as { gatewayApi: boolean }).gatewayApi).toBe(true);
    expect(gatewayApiObjects(platform)).toEqual([]);
    // Without the key, a platform publishes that it has none.
    expect((await render("local")).outputs.labPlatform).toMatchObject({ gatewayApi: false });
  });

  it("a platform's own scenario switch keeps the CRDs its labs use; CRDs its scenario alone brought are not offered to labs", async () => {
    const platform = await renderIn("teach");
    const gatewayForm = await renderConfig(
      { ...readStackFileForRender(path.join(room, "Pulumi.teach.yaml")).config, values: { ...readStackFileForRender(path.join(room, "Pulumi.teach.yaml")).config.values, "istio-lab:scenario": "route-jason-v2", "istio-lab:scenarioOptions": JSON.stringify({ api: "gateway-api" }) } },
    );
    const crds = (from: Rendered, to: Rendered) => {
      const plan = planUpdate(from, to);
      return [...plan.create, ...plan.delete, ...plan.update.map((c) => c.resource), ...plan.replace.map((c) => c.resource)].filter((r) => r.name === "ConfigFile/gateway-api-crds");
    };
    expect(crds(gatewayForm, platform)).toEqual([]);
    expect(crds(platform, gatewayForm)).toEqual([]);
    // A platform whose scenario alone is in the Gateway API form installs the CRDs for itself only.
    const local = readStackFileForRender(path.join(dir, "Pulumi.local.yaml")).config;
    const ownForm = await renderConfig({ ...local, values: { ...local.values, "istio-lab:scenario": "route-jason-v2", "istio-lab:scenarioOptions": JSON.stringify({ api: "gateway-api" }) } });
    expect(ownForm.resources.some((x) => x.name === "ConfigFile/gateway-api-crds")).toBe(true);
    expect(ownForm.outputs.labPlatform).toMatchObject({ gatewayApi: false });
  });

  it("a TCP lab's Gateway API listener and route move to its own TCP port of the shared gateway", async () => {
    const tcpRoom = classroom({ teach, "student-6": { "istio-lab:platform": "teach", "istio-lab:scenario": "tcp-shift-80-20", "istio-lab:scenarioOptions": { api: "gateway-api" }, "istio-lab:apps": { tcpPort: 31405 } } });
    const objects = gatewayApiObjects(await renderStackFile(path.join(tcpRoom, "Pulumi.student-6.yaml")));
    expect(objects.find((o) => o.kind === "Gateway").spec.listeners).toEqual([{ name: "tcp-31405", protocol: "TCP", port: 31405, allowedRoutes: { kinds: [{ kind: "TCPRoute" }] } }]);
    expect(objects.find((o) => o.kind === "TCPRoute").spec.parentRefs).toEqual([{ name: "tcp-echo-gateway", sectionName: "tcp-31405" }]);
    for (const object of objects) await validateObject(object);
  });

  it("each lab's Gateway listens for its own host only, its routes in its own namespace, and it installs nothing cluster-wide", async () => {
    const seven = await renderIn("student-7");
    expect(seven.resources.some((x) => x.type === "kubernetes:yaml/v2:ConfigFile")).toBe(false);
    const gateway = gatewayApiObjects(seven).find((o) => o.kind === "Gateway");
    expect(gateway.metadata.namespace).toBe("student-7");
    expect(gateway.spec.listeners).toEqual([{ name: "http", port: 80, protocol: "HTTP", hostname: "student-7.istio-lab.test", allowedRoutes: { namespaces: { from: "Same" } } }]);
    const eight = gatewayApiObjects(await renderIn("student-8"));
    expect(eight.find((o) => o.kind === "Gateway").spec.listeners[0].hostname).toBe("httpbin.student-8.istio-lab.test");
    expect(eight.find((o) => o.kind === "HTTPRoute").spec.hostnames).toEqual(["httpbin.student-8.istio-lab.test"]);
    for (const object of [...gatewayApiObjects(seven), ...eight]) await validateObject(object);
  });
});

describe("a platform and four labs on it", () => {
  it("never register the same Kubernetes object or Helm release twice", async () => {
    const owner = new Map<string, string>();
    for (const stack of stacks) {
      for (const r of objects(await render(stack))) {
        const id = clusterIdentity(r)!;
        expect(owner.get(id), `${id} of ${stack}`).toBeUndefined();
        owner.set(id, stack);
      }
    }
    // The check above saw every lab's objects, not an empty list.
    expect([...owner.values()].filter((s) => s === "student-2").length).toBeGreaterThan(5);
  });

  it("a lab registers no cluster, no mesh and no machine: its provider, its namespace, its workloads and its scenario", async () => {
    // The Stash is the lab's record of its platform's cluster (components/platform.ts keepToPlatform).
    const allowed = /^(pulumi:pulumi:(Stack|StackReference)|pulumi:index:Stash|pulumi:providers:kubernetes|istio-lab:(index:LabOnPlatform|workloads:Workloads|scenarios:Scenario)|kubernetes:(core\/v1:(Namespace|ServiceAccount|Service)|apps\/v1:Deployment|networking\.istio\.io\/v1:\w+|security\.istio\.io\/v1:\w+))$/;
    for (const stack of stacks.slice(1)) {
      const rendered = await render(stack);
      expect(rendered.resources.map((r) => r.type).filter((type) => !allowed.test(type)), stack).toEqual([]);
      const namespace = rendered.outputs.appNamespace as string;
      for (const r of objects(rendered)) {
        const meta = r.inputs.metadata as { name: string; namespace?: string };
        // Its only cluster-scoped object is its own namespace; everything else sits in it.
        expect(meta.namespace ?? `Namespace ${meta.name}`, `${r.name} of ${stack}`).toBe(r.inputs.kind === "Namespace" ? `Namespace ${namespace}` : namespace);
        // Every object goes to the platform's cluster through the lab's own provider.
        expect(r.provider, r.name).toBe("platform-kubernetes");
      }
    }
    // The local platform's kind cluster: its kubeconfig from the platform's secret output, its
    // identity the platform's own (the stack and the command that made its cluster).
    const platformProvider = (await render("student-1")).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    const ownProvider = (await render("local")).resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(platformProvider.inputs.kubeconfig).toBe("[secret]");
    expect(platformProvider.inputs.clusterIdentifier).toBe("istio-lab-local-cluster-kind-id");
    expect(platformProvider.inputs.clusterIdentifier).toBe(ownProvider.inputs.clusterIdentifier);
  });

  it("reaches a platform on source kubeconfig through the same file and pinned context, never a copy of its credentials", async () => {
    const file = path.join(classroom({ "student-7": lab("bookinfo", { "istio-lab:platform": "existing" }) }), "Pulumi.student-7.yaml");
    const rendered = await renderStackFile(file);
    const provider = rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs).toMatchObject({ kubeconfig: "~/.kube/config", clusterIdentifier: "istio-lab-existing" });
    expect(rendered.outputs.gatewayUrl).toBe("http://127.0.0.1:8080");
  });

  it("takes the stack's name as its namespace unless apps.namespace names one, with injection on", async () => {
    expect((await render("student-1")).outputs.appNamespace).toBe("student-1");
    expect((await render("student-4")).outputs.appNamespace).toBe("canary-lab");
    const namespace = (await render("student-2")).resources.find((r) => r.inputs.kind === "Namespace")!;
    expect(namespace.inputs.metadata).toEqual({ name: "student-2", labels: { "istio-injection": "enabled" } });
  });

  it("serves each lab on a host of its own under the platform's domain, never `*`, and exports its routes to its namespace, and to the gateway's only where the gateway routes through them", async () => {
    const hostOwners = new Map<string, string>();
    for (const stack of stacks.slice(1)) {
      const rendered = await render(stack);
      // The hosts the shared gateway routes to: the destinations of the lab's gateway-bound routes.
      type Spec = { gateways?: string[]; http?: { route: { destination: { host: string } }[] }[]; tcp?: { route: { destination: { host: string } }[] }[] };
      const gatewayRoutes = istioObjects(rendered).filter((r) => r.inputs.kind === "VirtualService" && ((r.inputs.spec as Spec).gateways ?? []).some((g) => g !== "mesh"));
      const routedHosts = new Set(gatewayRoutes.flatMap((r) => [...((r.inputs.spec as Spec).http ?? []), ...((r.inputs.spec as Spec).tcp ?? [])].flatMap((h) => h.route.map((d) => d.destination.host))));
      for (const r of istioObjects(rendered)) {
        await validateObject(r.inputs);
        const spec = r.inputs.spec as { servers?: { hosts: string[] }[]; exportTo?: string[]; gateways?: string[]; hosts?: string[] };
        if (r.inputs.kind === "Gateway") {
          for (const host of spec.servers!.flatMap((s) => s.hosts)) {
            expect(host).toMatch(new RegExp(`(^|\\.)${rendered.outputs.appNamespace}\\.istio-lab\\.test$`));
            expect(hostOwners.get(host), host).toBeUndefined();
            hostOwners.set(host, stack);
          }
        }
        if (r.inputs.kind === "VirtualService") expect(spec.exportTo, r.name).toEqual(gatewayRoutes.includes(r) ? [".", "istio-system"] : ["."]);
        if (r.inputs.kind === "DestinationRule") expect(spec.exportTo, r.name).toEqual(routedHosts.has((spec as { host?: string }).host!) ? [".", "istio-system"] : ["."]);
      }
    }
    // student-2's mirroring runs inside the mesh: no Gateway.
    expect([...hostOwners.keys()].sort()).toEqual(["canary-lab.istio-lab.test", "httpbin.student-3.istio-lab.test", "student-1.istio-lab.test", "student-5.istio-lab.test"]);
    const bound = istioObjects(await render("student-3")).find((r) => r.inputs.kind === "VirtualService")!;
    expect((bound.inputs.spec as { hosts: string[] }).hosts).toEqual(["httpbin.student-3.istio-lab.test"]);
  });

  it("gives a student the URLs, the curl line for the shared gateway, the namespace and the verify command", async () => {
    expect((await render("student-1")).outputs).toEqual({
      platform: "local",
      scenario: "route-jason-v2",
      appNamespace: "student-1",
      labHost: "student-1.istio-lab.test",
      gatewayUrl: "http://127.0.0.1:8000",
      curl: ["curl -s -H 'Host: student-1.istio-lab.test' http://127.0.0.1:8000/productpage"],
      verifyCommand: "npm run verify -- --stack student-1",
    });
    expect((await render("student-3")).outputs.curl).toEqual([
      "curl -s -H 'Host: httpbin.student-3.istio-lab.test' http://127.0.0.1:8000/status/200",
      "curl -s -H 'Host: httpbin.student-3.istio-lab.test' http://127.0.0.1:8000/delay/1",
    ]);
  });

  it("switching one lab's scenario replaces nothing and touches only that lab's own objects", async () => {
    const before = await render("student-1");
    const file = path.join(classroom({ "student-1": lab("shift-80-20") }), "Pulumi.student-1.yaml");
    const after = await renderStackFile(file);
    const plan = planUpdate(before, after);
    expect(plan.replace).toEqual([]);
    const touched = [...plan.create, ...plan.delete, ...plan.update.map((u) => u.resource)];
    expect(touched.length).toBeGreaterThan(0);
    for (const r of touched) expect(r.name, r.name).toMatch(/^(Deployment|VirtualService|DestinationRule)\/student-1\//);
    // The platform's render does not depend on its labs at all.
    expect(await renderStackFile(path.join(dir, "Pulumi.local.yaml"))).toEqual(await render("local"));
  });
});

describe("a lab's mistakes", () => {
  const errors = async (config: Record<string, unknown>, stack = "student-9", others: Record<string, Record<string, unknown>> = {}) => {
    const file = path.join(classroom({ ...others, [stack]: config }), `Pulumi.${stack}.yaml`);
    try {
      await renderStackFile(file);
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
      if (error instanceof StackFileError) return [error.message];
      throw error;
    }
    throw new Error("rendered");
  };

  it("refuses a lab that also sets the cluster or the mesh, naming each key", async () => {
    expect(await errors(lab("bookinfo", { "istio-lab:cluster": { source: "kubeconfig" }, "istio-lab:mesh": { addons: [] } }))).toEqual([
      "istio-lab:cluster: is set in a lab stack: the cluster and the mesh are the platform's (istio-lab:platform: local); remove it",
      "istio-lab:mesh: is set in a lab stack: the cluster and the mesh are the platform's (istio-lab:platform: local); remove it",
    ]);
  });

  it("refuses a namespace the platform holds: its own lab's, or the mesh's", async () => {
    expect(await errors(lab("bookinfo"), "bookinfo")).toEqual([
      'istio-lab:apps.namespace: "bookinfo" is taken on platform local (it holds istio-system, bookinfo); name another namespace, or give the lab stack another name',
    ]);
    expect(await errors(lab("bookinfo", { "istio-lab:apps": { namespace: "istio-system" } }))).toEqual([
      "istio-lab:apps.namespace: must be a namespace of its own, not one of default, istio-system, istio-ingress, kube-system, kube-public, kube-node-lease, kube-flannel",
    ]);
  });

  it("refuses two labs of one platform that would share a namespace, and so a host, naming the key in each", async () => {
    const taken = 'istio-lab:apps.namespace: "student-1" is also the namespace of lab stack student-1 (Pulumi.student-1.yaml) on platform local: two labs would share its objects and its host; give one of them another istio-lab:apps.namespace';
    expect(await errors(lab("mirroring", { "istio-lab:apps": { namespace: "student-1" } }), "student-9", { "student-1": lab("bookinfo") })).toEqual([taken]);
    // The lab that was there first is told too: the clash is in the classroom's files, not in time.
    expect(await errors(lab("bookinfo", { "istio-lab:platform": "organization/istio-lab/local" }), "student-1", { "student-9": lab("mirroring", { "istio-lab:apps": { namespace: "student-1" } }) })).toEqual([
      'istio-lab:apps.namespace: "student-1" is also the namespace of lab stack student-9 (Pulumi.student-9.yaml) on platform organization/istio-lab/local: two labs would share its objects and its host; give one of them another istio-lab:apps.namespace',
    ]);
  });

  it("lets labs on different platforms use the same namespace name", async () => {
    const dir = classroom({ "student-1": lab("bookinfo", { "istio-lab:platform": "acme/other-project/local" }), "student-9": lab("mirroring", { "istio-lab:apps": { namespace: "student-1" } }) });
    const rendered = await renderStackFile(path.join(dir, "Pulumi.student-9.yaml"));
    expect(rendered.outputs.appNamespace).toBe("student-1");
  });

  it("refuses a secure-ingress scenario, whose certificate would go into the shared gateway's namespace", async () => {
    expect(await errors(lab("ingress-tls"))).toEqual([
      "istio-lab:scenario: ingress-tls puts Secret/httpbin-credential in the shared gateway's namespace, which a lab stack must not write; run it on a platform stack",
    ]);
  });

  it("refuses the Gateway API form on a platform that has not installed its CRDs, naming the key and the fix", async () => {
    expect(await errors(lab("shift-v3", { "istio-lab:scenarioOptions": { api: "gateway-api" } }))).toEqual([
      "istio-lab:scenarioOptions.api: gateway-api needs the Gateway API's CRDs, which platform local has not installed (a lab installs nothing cluster-wide); set istio-lab:mesh.gatewayApi: true on the platform and run `pulumi up` there",
    ]);
  });

  it("refuses ingress-passthrough, whose SNI name and certificate a lab's host mapping would not move", async () => {
    expect(await errors(lab("ingress-passthrough"))).toEqual([
      "istio-lab:scenario: ingress-passthrough routes TLS by its SNI name, which a lab's host mapping does not rewrite; run it on a platform stack",
    ]);
  });

  it("refuses egress-gateway, whose egress gateway only a platform's own scenario gets", async () => {
    expect(await errors(lab("egress-gateway"))).toEqual([
      "istio-lab:scenario: egress-gateway needs the egress gateway, which the mesh installs for a platform's own scenario only; run it on a platform stack",
    ]);
  });

  it("refuses jwt-routing, whose token validation would act on the shared gateway for every lab", async () => {
    expect(await errors(lab("jwt-routing"))).toEqual([
      "istio-lab:scenario: jwt-routing puts RequestAuthentication/ingress-jwt in the shared gateway's namespace, which a lab stack must not write; run it on a platform stack",
    ]);
  });

  it("asks for a namespace when the stack's name is not one", async () => {
    expect(await errors(lab("bookinfo"), "Student_9")).toEqual([
      expect.stringMatching(/^istio-lab:apps\.namespace: is needed: the stack's name "Student_9" is not a namespace name of its own \(must be a DNS-1123 label/),
    ]);
  });

  it("refuses a platform that is not a stack name, a missing platform file, and a platform that is itself a lab", async () => {
    expect(await errors(lab("bookinfo", { "istio-lab:platform": "a b" }))).toEqual(["istio-lab:platform: must name a stack: `<stack>` of this project or `<org>/<project>/<stack>`"]);
    expect(await errors(lab("bookinfo", { "istio-lab:platform": "organization/istio-lab/prod" }))).toEqual([
      "istio-lab:platform: a lab renders on its platform's stack file, and there is no Pulumi.prod.yaml beside Pulumi.student-9.yaml",
    ]);
    const nested = classroom({ "student-1": lab("bookinfo"), "student-2": lab("bookinfo", { "istio-lab:platform": "student-1" }) });
    const file = path.join(nested, "Pulumi.student-2.yaml");
    await expect(platformReferences(file, readStackFileForRender(file).config)).rejects.toThrow(
      "istio-lab:platform: student-1 is itself a lab (on local); a lab's platform must be a platform stack",
    );
  });

  it("refuses a platform stack that publishes no labPlatform output (not istio-lab's, or older), before registering anything of its own", async () => {
    const file = path.join(classroom({ "student-9": lab("bookinfo") }), "Pulumi.student-9.yaml");
    const { config } = readStackFileForRender(file);
    let error: unknown;
    const program = async () => {
      try {
        return await renderProgram()({ stackDir: config.stackDir });
      } catch (caught) {
        error = caught;
        return {};
      }
    };
    const rendered = await renderConfig(config, program, undefined, { stackReferences: { local: { outputs: { appNamespace: "bookinfo" }, secretOutputs: [] } } });
    expect((error as ConfigError).issues).toEqual([
      {
        key: "istio-lab:platform",
        message: 'stack "local" publishes no labPlatform output: it is not an istio-lab platform, or it was last updated by an older istio-lab; run `pulumi up` on it first',
      },
    ]);
    // Only the read of the platform: nothing of the lab's own.
    expect(rendered.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"]);
  });
});

describe("a lab's share of the platform", () => {
  // Requests, as the scheduler counts them: each pod's containers plus its injected sidecar, whose
  // requests come from the demo profile the mesh installs (components/mesh/istio.ts).
  const demo = parse(fs.readFileSync(upstreamFile("istio-1.31/charts/istio-control/istio-discovery/files/profile-demo.yaml"), "utf8"));
  const sidecar = demo.global.proxy.resources.requests as { cpu: string; memory: string };
  const milliCpu = (q = "0") => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const mebibytes = (q = "0") => (q.endsWith("Mi") ? Number(q.slice(0, -2)) : q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : Number(q) / 2 ** 20);

  function requests(rendered: Rendered): { pods: number; milliCpu: number; mebibytes: number } {
    let pods = 0;
    let cpu = 0;
    let memory = 0;
    for (const d of rendered.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
      const spec = d.inputs.spec as { replicas?: number; template: { spec: { containers: { resources?: { requests?: { cpu?: string; memory?: string } } }[] } } };
      const replicas = spec.replicas ?? 1;
      pods += replicas;
      for (const c of [...spec.template.spec.containers.map((x) => x.resources?.requests ?? {}), sidecar]) {
        cpu += replicas * milliCpu(c.cpu);
        memory += replicas * mebibytes(c.memory);
      }
    }
    return { pods, milliCpu: cpu, mebibytes: memory };
  }

  it("is what the README states: a Bookinfo lab requests 60m CPU and 240 MiB (six pods, their sidecars' requests)", async () => {
    expect(sidecar).toEqual({ cpu: "10m", memory: "40Mi" });
    expect(requests(await render("student-1"))).toEqual({ pods: 6, milliCpu: 60, mebibytes: 240 });
    // Mirroring: httpbin v1 and v2, and the curl client.
    expect(requests(await render("student-2"))).toEqual({ pods: 3, milliCpu: 30, mebibytes: 120 });
  });
});

describe("labs that cannot see or break each other in the mesh", () => {
  /** The issues of a lab's render, or "rendered". */
  const issuesOf = async (run: () => Promise<Rendered>): Promise<string[]> => {
    try {
      await run();
      return ["rendered"];
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
      if (error instanceof StackFileError) return [error.message];
      throw error;
    }
  };
  /** A lab's render on its platform's outputs as `edit` changes them (an older platform, an undecryptable secret). */
  const renderOn = async (file: string, edit: (outputs: Record<string, unknown>) => Record<string, unknown>) => {
    const { config } = readStackFileForRender(file);
    const references = await platformReferences(file, config);
    const [name, platform] = Object.entries(references)[0];
    return renderConfig(config, renderProgram(), undefined, { stackReferences: { [name]: { ...platform, outputs: edit(platform.outputs) } } });
  };
  const specOf = (rendered: Rendered, kind: string) => istioObjects(rendered).filter((r) => r.inputs.kind === kind).map((r) => r.inputs.spec as Record<string, any>);

  it("exports a lab's ServiceEntries, and the routes and rules for their hosts, to its own namespace only", async () => {
    const room = classroom({ "student-e1": lab("egress-service-entry"), "student-e2": lab("egress-tls-origination") });
    for (const stack of ["student-e1", "student-e2"]) {
      const rendered = await renderStackFile(path.join(room, `Pulumi.${stack}.yaml`));
      const external = [...specOf(rendered, "ServiceEntry"), ...specOf(rendered, "VirtualService"), ...specOf(rendered, "DestinationRule")];
      expect(specOf(rendered, "ServiceEntry").length, stack).toBe(1);
      for (const spec of external) expect(spec.exportTo, JSON.stringify(spec)).toEqual(["."]);
    }
  });

  it("the platform's own lab exports its entries to its namespace, and to the egress gateway's where that gateway sends the host on", async () => {
    const platform = (scenario: string) => {
      const { config } = readStackFileForRender(path.join(dir, "Pulumi.local.yaml"));
      return renderConfig({ ...config, values: { ...config.values, "istio-lab:scenario": scenario } });
    };
    expect(specOf(await platform("egress-service-entry"), "ServiceEntry").map((s) => s.exportTo)).toEqual([["."]]);
    const egress = await platform("egress-gateway");
    expect(specOf(egress, "ServiceEntry").map((s) => s.exportTo)).toEqual([[".", "istio-system"]]);
    expect(specOf(egress, "VirtualService").map((s) => s.exportTo)).toEqual([[".", "istio-system"]]);
    // The rule for the egress gateway's own host serves the namespace's sidecars only.
    expect(specOf(egress, "DestinationRule").map((s) => s.exportTo)).toEqual([["."]]);
  });

  it("gives each TCP lab its own port of the shared gateway: its Gateway, its routes, its outputs and its nc line", async () => {
    const room = classroom({ "student-t1": lab("tcp-shift-80-20"), "student-t2": lab("tcp-shift-v2", { "istio-lab:apps": { tcpPort: 31402 } }) });
    for (const [stack, port] of [["student-t1", 31401], ["student-t2", 31402]] as const) {
      const rendered = await renderStackFile(path.join(room, `Pulumi.${stack}.yaml`));
      expect(specOf(rendered, "Gateway").flatMap((g) => g.servers.map((s: { port: { number: number } }) => s.port.number))).toEqual([port]);
      expect(specOf(rendered, "VirtualService").flatMap((v) => v.tcp.flatMap((t: { match: { port: number }[] }) => t.match.map((m) => m.port)))).toEqual([port]);
      expect(rendered.outputs.tcpPort).toBe(port);
      expect(rendered.outputs.curl).toEqual([`kubectl -n ${stack} exec deploy/curl -c curl -- sh -c '(date; sleep 1) | nc istio-ingressgateway.istio-system ${port}'`]);
    }
    // The verify gate checks the lab's port too, never the task's 31400 that the platform's own lab may hold.
    const gated = classroom({ "student-t1": lab("tcp-shift-80-20", { "istio-lab:verify": { gate: true } }) });
    const gate = (await renderStackFile(path.join(gated, "Pulumi.student-t1.yaml"))).resources.find((r) => r.name === "verify-run")!;
    expect(gate.inputs.create).toContain("--tcp-port 31401");
  });

  it("holds a TCP lab's port in the cluster too: a claim ConfigMap in the gateway's namespace, made first and never adopted, so labs of two folders on one port collide there", async () => {
    // Two folders: the sibling check cannot see the other lab.
    const [one, two] = [classroom({ "student-t1": lab("tcp-shift-80-20") }), classroom({ "student-t9": lab("tcp-shift-v2") })];
    const first = await renderStackFile(path.join(one, "Pulumi.student-t1.yaml"));
    const second = await renderStackFile(path.join(two, "Pulumi.student-t9.yaml"));
    const claimOf = (rendered: Rendered) => rendered.resources.find((r) => r.inputs.kind === "ConfigMap")!;
    expect(claimOf(first).inputs).toMatchObject({
      metadata: { name: "istio-lab-tcp-31401", namespace: "istio-system", labels: { "istio-lab/tcp-port": "31401" }, annotations: { "istio-lab/stack": "student-t1", "istio-lab/namespace": "student-t1" } },
    });
    // Made before anything of the lab: its namespace waits for it, and everything else for the namespace.
    const namespace = first.resources.find((r) => r.inputs.kind === "Namespace")!;
    expect(namespace.dependsOn).toContain(claimOf(first).name);
    // The same object in the cluster for both labs, and the only one they share; neither provider upserts (the engine hands a provider its config as strings).
    const identities = (rendered: Rendered) => new Set(objects(rendered).map(clusterIdentity));
    expect([...identities(first)].filter((id) => identities(second).has(id))).toEqual(["ConfigMap istio-system/istio-lab-tcp-31401"]);
    for (const rendered of [first, second]) expect(rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.upsertExistingObjects).toBe("false");
    // A lab that holds no port makes no claim.
    expect((await render("student-1")).resources.filter((r) => r.inputs.kind === "ConfigMap")).toEqual([]);
  });

  it("refuses two TCP labs of one platform on one port, in each, naming the other and the free ports", async () => {
    const room = classroom({ "student-t1": lab("tcp-shift-80-20"), "student-t2": lab("tcp-shift-v2"), "student-t3": lab("tcp-shift-v2", { "istio-lab:apps": { tcpPort: 31402 } }) });
    const held = (other: string) =>
      `istio-lab:apps.tcpPort: port 31401 (unset: the first lab TCP port) of the shared gateway is also held by lab stack ${other} (Pulumi.${other}.yaml) on platform local, and Istio serves a TCP port with one lab's pods only; give one of them another lab TCP port (free: 31403, 31404, 31405, 31406, 31407, 31408): \`pulumi config set --path istio-lab:apps.tcpPort <port>\``;
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-t2.yaml")))).toEqual([held("student-t1")]);
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-t1.yaml")))).toEqual([held("student-t2")]);
    // A lab with a port of its own goes on; one not of the platform's is refused.
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-t3.yaml")))).toEqual(["rendered"]);
    const odd = classroom({ "student-t4": lab("tcp-shift-v2", { "istio-lab:apps": { tcpPort: 31400 } }) });
    expect(await issuesOf(() => renderStackFile(path.join(odd, "Pulumi.student-t4.yaml")))).toEqual([
      "istio-lab:apps.tcpPort: 31400 is not a lab TCP port of platform local's gateway; its Service has 31401, 31402, 31403, 31404, 31405, 31406, 31407, 31408",
    ]);
  });

  it("the ports a platform offers its labs are its gateway Service's, as the mesh installs them", async () => {
    const platform = await render("local");
    const values = platform.resources.find((r) => r.name === "HelmRelease/istio-system/istio-ingressgateway")!.inputs.values as { service: { ports: { port: number }[] } };
    const servicePorts = values.service.ports.map((p) => p.port);
    const offered = (platform.outputs.labPlatform as { labTcpPorts: number[] }).labTcpPorts;
    expect(offered).toEqual([31401, 31402, 31403, 31404, 31405, 31406, 31407, 31408]);
    for (const port of offered) expect(servicePorts).toContain(port);
    // The analyzer's ingress gateway listens where the Service does: the task's TCP port among them.
    const { meshView } = await import("../../components/scenarios/mesh-view");
    const ingress = meshView([], []).gateways[0];
    expect([...ingress.serverPorts].sort()).toEqual(servicePorts.filter((p) => p !== 15021 && !offered.includes(p)).sort());
    expect(ingress.serverPorts).toContain(31400);
  });

  it("holds the first of the lab TCP ports its platform publishes when apps.tcpPort is unset", async () => {
    const file = path.join(classroom({ "student-t1": lab("tcp-shift-80-20") }), "Pulumi.student-t1.yaml");
    const rendered = await renderOn(file, (outputs) => ({ ...outputs, labPlatform: { ...(outputs.labPlatform as object), labTcpPorts: [31405, 31406] } }));
    expect(rendered.outputs.tcpPort).toBe(31405);
  });

  it("refuses a TCP lab on a platform that predates the lab ports, and a Gateway API lab on one that predates that flag", async () => {
    const room = classroom({ "student-t1": lab("tcp-shift-80-20"), "student-g": lab("shift-v3", { "istio-lab:scenarioOptions": { api: "gateway-api" } }) });
    const older = (drop: string) => (outputs: Record<string, unknown>) => {
      const rest = { ...(outputs.labPlatform as Record<string, unknown>) };
      delete rest[drop];
      return { ...outputs, labPlatform: rest };
    };
    expect(await issuesOf(() => renderOn(path.join(room, "Pulumi.student-t1.yaml"), older("labTcpPorts")))).toEqual([
      "istio-lab:scenario: listens on a TCP port of the shared gateway, and platform local has none for its labs (it was last updated by an older istio-lab); run `pulumi up` on it first",
    ]);
    expect(await issuesOf(() => renderOn(path.join(room, "Pulumi.student-g.yaml"), older("gatewayApi")))).toEqual([
      "istio-lab:scenarioOptions.api: gateway-api needs the Gateway API's CRDs, which platform local has not installed (a lab installs nothing cluster-wide); set istio-lab:mesh.gatewayApi: true on the platform and run `pulumi up` there",
    ]);
  });

  it("takes the context a platform on a kubeconfig file pinned, in its provider and its outputs", async () => {
    const file = path.join(classroom({ "student-7": lab("bookinfo", { "istio-lab:platform": "existing" }) }), "Pulumi.student-7.yaml");
    const rendered = await renderStackFile(file);
    const { config } = readStackFileForRender(file);
    const published = Object.values(await platformReferences(file, config))[0].outputs.labPlatform as { context: string };
    expect(published.context).toBeTruthy();
    expect(rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.context).toBe(published.context);
    expect(rendered.outputs.kubeContext).toBe(published.context);
  });

  it("refuses a platform whose own scenario puts a policy on the shared gateway, naming it and the fix", async () => {
    // The platform switched to jwt-routing before this lab's file sat beside it (or from another folder).
    const alone = classroom({ teach: { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": "jwt-routing" } });
    const platform = await renderStackFile(path.join(alone, "Pulumi.teach.yaml"));
    expect(platform.outputs.labPlatform).toMatchObject({ gatewayPolicies: ["RequestAuthentication/ingress-jwt"], scenario: "jwt-routing" });
    const room = classroom({ "student-j": { "istio-lab:platform": "teach", "istio-lab:scenario": "bookinfo" } });
    const { config } = readStackFileForRender(path.join(room, "Pulumi.student-j.yaml"));
    const onTeach = () => renderConfig(config, renderProgram(), undefined, { stackReferences: { teach: { outputs: platform.outputs, secretOutputs: platform.secretOutputs } } });
    expect(await issuesOf(onTeach)).toEqual([
      "istio-lab:platform: platform teach's own scenario jwt-routing puts RequestAuthentication/ingress-jwt on the shared gateway, where it acts on every lab's host too (a request with an invalid token answers 401 whatever its host); run the lab once the platform's scenario is another (`pulumi config set istio-lab:scenario bookinfo --stack teach` and `pulumi up` there), or on another platform",
    ]);
    // Every other scenario leaves the gateway to the labs.
    expect((await render("local")).outputs.labPlatform).toMatchObject({ gatewayPolicies: [] });
  });

  it("refuses on a platform that carries labs a scenario that puts a policy on the shared gateway, naming the scenario, the labs and the fix", async () => {
    const teach = { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": "jwt-routing" };
    const room = classroom({
      teach,
      "student-j": { "istio-lab:platform": "teach", "istio-lab:scenario": "bookinfo" },
      // `<org>/<stack>` names this project's teach too (sibling-labs.ts parseStackReference).
      "student-k": { "istio-lab:platform": "organization/teach", "istio-lab:scenario": "mirroring" },
      "student-l": { "istio-lab:platform": "local", "istio-lab:scenario": "bookinfo" },
    });
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.teach.yaml")))).toEqual([
      "istio-lab:scenario: jwt-routing puts RequestAuthentication/ingress-jwt on the shared gateway, where it acts on every lab's host too (a request with an invalid token answers 401 whatever its host), and lab stacks student-j (Pulumi.student-j.yaml), student-k (Pulumi.student-k.yaml) run on this platform; " +
        "choose another scenario for this stack, or first destroy those labs (`pulumi destroy --stack <lab>`) and remove their stack files, or point them at another platform",
    ]);
    // The labs see the platform's refusal as the platform's file.
    expect((await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-j.yaml"))))[0]).toMatch(/^istio-lab:platform: its stack file Pulumi\.teach\.yaml has 1 problem; fix it there:\n {2}- Pulumi\.teach\.yaml: istio-lab:scenario: jwt-routing puts/);
    // Labs of another platform only, or a platform scenario that leaves the gateway alone: rendered.
    const other = classroom({ teach, "student-l": { "istio-lab:platform": "local", "istio-lab:scenario": "bookinfo" } });
    expect(await issuesOf(() => renderStackFile(path.join(other, "Pulumi.teach.yaml")))).toEqual(["rendered"]);
    const fine = classroom({ teach: { ...teach, "istio-lab:scenario": "jwt-auth" }, "student-j": { "istio-lab:platform": "teach", "istio-lab:scenario": "bookinfo" } });
    expect(await issuesOf(() => renderStackFile(path.join(fine, "Pulumi.teach.yaml")))).toEqual(["rendered"]);
    // The shipped template names local, but is a stack file, not a stack: local still runs jwt-routing beside it.
    const shipped = classroom({});
    fs.copyFileSync(path.join(root, "Pulumi.lab-template.yaml"), path.join(shipped, "Pulumi.lab-template.yaml"));
    const local = parse(fs.readFileSync(path.join(shipped, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    fs.writeFileSync(path.join(shipped, "Pulumi.local.yaml"), stringify({ config: { ...local.config, "istio-lab:scenario": "jwt-routing" } }));
    expect(await issuesOf(() => renderStackFile(path.join(shipped, "Pulumi.local.yaml")))).toEqual(["rendered"]);
  });

  it("refuses a platform kubeconfig it cannot decrypt (the engine hands `{}`), naming the passphrase or secrets provider and the fix", async () => {
    const file = path.join(dir, "Pulumi.student-1.yaml");
    const issues = await issuesOf(() => renderOn(file, (outputs) => ({ ...outputs, kubeconfig: {} })));
    expect(issues).toEqual([expect.stringMatching(/^istio-lab:platform: this stack cannot read platform local's kubeconfig output \(a secret\).*passphrase or secrets provider is not the platform's; run it with the platform's PULUMI_CONFIG_PASSPHRASE/)]);
  });

  it("renders on this project's platforms only, reading `<org>/<stack>` as the CLI does, and says a platform's mistake as the platform's file and key", async () => {
    const room = classroom({
      "student-o": lab("bookinfo", { "istio-lab:platform": "organization/local" }),
      "student-p": lab("bookinfo", { "istio-lab:platform": "organization/other-project/local" }),
      "student-a": lab("bookinfo", { "istio-lab:platform": "acme/local" }),
      broken: { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:mesh": { ingress: { serviceType: "Nodeport" } } },
      "student-b": lab("bookinfo", { "istio-lab:platform": "broken" }),
    });
    expect((await renderStackFile(path.join(room, "Pulumi.student-o.yaml"))).outputs.platform).toBe("organization/local");
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-p.yaml")))).toEqual([
      "istio-lab:platform: organization/other-project/local is a stack of project other-project, not of istio-lab, whose stack files are not the ones beside Pulumi.student-p.yaml; a render reads a platform of this project only (a Pulumi.<stack>.yaml of this folder)",
    ]);
    // Any other organization is the file backend's refusal (pulumi/pulumi pkg/backend/diy/store.go ParseReference), not Pulumi.local.yaml.
    expect(await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-a.yaml")))).toEqual([
      "istio-lab:platform: acme/local: organization name must be 'organization' (the Pulumi CLI's refusal on a file or bucket backend, which a render stands for); write `local` or `organization/istio-lab/local`, or on Pulumi Cloud run `pulumi preview` there",
    ]);
    const [broken] = await issuesOf(() => renderStackFile(path.join(room, "Pulumi.student-b.yaml")));
    expect(broken).toMatch(/^istio-lab:platform: its stack file Pulumi\.broken\.yaml has 1 problem; fix it there:\n {2}- Pulumi\.broken\.yaml: istio-lab:mesh\.ingress\.serviceType: /);
  });
});
