// The lab's Istio objects, sample workloads and Flannel manifest, compared field by field with the
// upstream files they reproduce (test/upstream-files.ts; .ci/upstream-files.tsv gives each one's repository and ref).
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { flannelDeviations, flannelObjects } from "../../components/cluster/flannel/manifest";
import { kubernetesObjects, type Rendered } from "../harness";
import { upstreamFile } from "../upstream-files";
import { renderScenario } from "../scenarios/render-scenario";

type Obj = Record<string, any>;

/** The documents of an upstream YAML file, empty ones (a trailing `---`) left out. */
const upstreamDocs = (file: string): Obj[] =>
  parseAllDocuments(fs.readFileSync(upstreamFile(file), "utf8"))
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const key = (k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** Paths where two values differ: maps key by key (order ignored), lists of maps of equal length item by item. */
function differences(upstream: unknown, lab: unknown, at = ""): string[] {
  if (Array.isArray(upstream) && Array.isArray(lab)) {
    if (upstream.length === lab.length && upstream.some(isMap)) return upstream.flatMap((u, i) => differences(u, lab[i], `${at}[${i}]`));
    return JSON.stringify(upstream) === JSON.stringify(lab) ? [] : [at];
  }
  if (isMap(upstream) && isMap(lab)) return [...new Set([...Object.keys(upstream), ...Object.keys(lab)])].flatMap((k) => differences(upstream[k], lab[k], at + key(k)));
  return Object.is(upstream, lab) ? [] : [at];
}

const id = (o: Obj) => `${o.kind}/${o.metadata.name}`;

/** Differences between two object lists, matched by Kind/name: paths are `Kind/name.field`. */
function objectDifferences(upstream: Obj[], lab: Obj[]): string[] {
  const labById = new Map(lab.map((o) => [id(o), o]));
  const upIds = upstream.map(id);
  const common = (os: Obj[]) => os.map(id).filter((i) => upIds.includes(i) && labById.has(i)).join();
  const order = common(upstream) === common(lab) ? [] : ["(document order)"];
  const missing = lab.filter((o) => !upIds.includes(id(o))).map((o) => `${id(o)} (not upstream)`);
  return [...order, ...missing, ...upstream.flatMap((u) => (labById.has(id(u)) ? differences(u, labById.get(id(u)), id(u)) : [`${id(u)} (missing)`]))];
}

/** Renders are slow and read-only: one per scenario for the whole file. */
const renders = new Map<string, Promise<Rendered>>();
const rendered = (scenario: string) => renders.get(scenario) ?? renders.set(scenario, renderScenario(scenario)).get(scenario)!;
const objectsOf = async (scenario: string, parent: string) => kubernetesObjects(await rendered(scenario)).filter((r) => r.parent === parent).map((r) => r.inputs as Obj);

// ---- The documented deviations, as named transformations of upstream's documents ----------

/** Upstream samples carry no namespace; the lab applies everything to its app namespace (default bookinfo). */
const inNamespace = (namespace: string) => (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, namespace } });

/** Gateway port 80 for 8080: the Helm gateway's Service maps 80->80, so 8080 would have no listener (catalog/scenarios/bookinfo.ts, README). */
const gatewayOnPort80 = (o: Obj): Obj =>
  o.kind !== "Gateway" ? o : { ...o, spec: { ...o.spec, servers: o.spec.servers.map((s: Obj) => (s.port.number === 8080 ? { ...s, port: { ...s.port, number: 80 } } : s)) } };

/** Subsets no deployed version carries are dropped: ratings v2/v2-mysql/v2-mysql-vm and details v2 need databases/VMs (catalog/scenarios/bookinfo.ts). */
const deployedSubsetsOnly = (deployed: Set<string>) => (o: Obj): Obj =>
  o.kind !== "DestinationRule" ? o : { ...o, spec: { ...o.spec, subsets: o.spec.subsets.filter((s: Obj) => deployed.has(`${o.spec.host}/${s.labels.version}`)) } };

/** Upstream files applied in order, as the task pages do with `kubectl apply`: a later Kind/name replaces an earlier one. */
function applied(files: string[]): Obj[] {
  const byId = new Map<string, Obj>();
  for (const doc of files.flatMap((f) => upstreamDocs(`istio-1.31/samples/bookinfo/networking/${f}`))) byId.set(id(doc), doc);
  return [...byId.values()];
}

const base = ["bookinfo-gateway.yaml", "destination-rule-all.yaml"];
const allV1 = [...base, "virtual-service-all-v1.yaml"];
const jasonV2 = [...allV1, "virtual-service-reviews-test-v2.yaml"];
const reproductions: [scenario: string, files: string[]][] = [
  ["bookinfo", base],
  ["route-all-v1", allV1],
  ["route-jason-v2", jasonV2],
  ["fault-delay", [...jasonV2, "virtual-service-ratings-test-delay.yaml"]],
  ["fault-abort", [...jasonV2, "virtual-service-ratings-test-abort.yaml"]],
  ...["50-v3", "v3", "90-10", "80-20", "v2-v3"].map((split): [string, string[]] => [`shift-${split}`, [...allV1, `virtual-service-reviews-${split}.yaml`]]),
  ["mtls-strict", ["bookinfo-gateway.yaml", "destination-rule-all-mtls.yaml"]],
];
/** Scenario objects that no samples file holds: mtls-strict's PeerAuthentication is from the mTLS task page (catalog.test.ts checks it). */
const notFromSamples: Record<string, string[]> = { "mtls-strict": ["PeerAuthentication/default"] };

/** What upstream's files give once the documented deviations are applied, for a scenario's deployed versions. */
async function expectedIstioObjects(scenario: string, files: string[]): Promise<Obj[]> {
  const deployed = new Set((await objectsOf(scenario, "workloads")).filter((o) => o.kind === "Deployment").map((d) => `${d.spec.template.metadata.labels.app}/${d.spec.template.metadata.labels.version}`));
  return applied(files).map(inNamespace("bookinfo")).map(gatewayOnPort80).map(deployedSubsetsOnly(deployed));
}

describe("scenario objects equal the upstream samples they reproduce", () => {
  it.each(reproductions)("%s reproduces its upstream networking files, up to the documented deviations", async (scenario, files) => {
    const lab = (await objectsOf(scenario, "scenario")).filter((o) => !(notFromSamples[scenario] ?? []).includes(id(o)));
    const expected = await expectedIstioObjects(scenario, files);
    expect(lab.map(id).sort()).toEqual(expected.map(id).sort());
    for (const object of expected) expect(lab.find((o) => id(o) === id(object)), id(object)).toEqual(object);
  });

  it("drops exactly the subsets the lab never deploys, and turns only 8080 into 80", async () => {
    const [up, lab] = [applied(base), await expectedIstioObjects("bookinfo", base)];
    const subsets = (os: Obj[]) => os.filter((o) => o.kind === "DestinationRule").flatMap((o) => o.spec.subsets.map((s: Obj) => `${o.spec.host}/${s.name}`));
    expect(subsets(up).filter((s) => !subsets(lab).includes(s))).toEqual(["ratings/v2", "ratings/v2-mysql", "ratings/v2-mysql-vm", "details/v2"]);
    expect(objectDifferences(up.map(inNamespace("bookinfo")), lab).filter((p) => !p.includes(".spec.subsets"))).toEqual(["Gateway/bookinfo-gateway.spec.servers[0].port.number"]);
  });

  it("would catch a route that strays from upstream (the comparer on a changed copy)", async () => {
    const expected = await expectedIstioObjects("shift-80-20", [...allV1, "virtual-service-reviews-80-20.yaml"]);
    const changed = structuredClone(expected);
    changed.find((o) => id(o) === "VirtualService/reviews")!.spec.http[0].route[1].weight = 25;
    expect(objectDifferences(expected, changed)).toEqual(["VirtualService/reviews.spec.http[0].route[1].weight"]);
    expect(() => expect(changed).toEqual(expected)).toThrow();
  });
});

// ---- Sample workloads --------------------------------------------------------------------------

/** Every sample object keeps upstream's name (a lone httpbin is `httpbin`, catalog/apps/clients.ts). */
const labName = (o: Obj) => o.metadata.name;

/** The fields that matter (names are matched by labObject); a Deployment's own metadata.labels are compared on their own below. */
const workloadFields = (o: Obj) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  labels: o.kind === "Deployment" ? undefined : o.metadata.labels,
  selector: o.kind === "Service" ? o.spec.selector : o.spec?.selector?.matchLabels,
  ports: o.kind === "Service" ? o.spec.ports : undefined,
  podLabels: o.spec?.template?.metadata?.labels,
  serviceAccountName: o.spec?.template?.spec?.serviceAccountName,
  containers: o.spec?.template?.spec?.containers?.map((c: Obj) => ({ name: c.name, image: c.image, ports: c.ports, args: c.args })),
});

const workloadFiles: [file: string, scenario: string][] = [
  ["istio-1.31/samples/bookinfo/platform/kube/bookinfo.yaml", "bookinfo"],
  ["istio-1.31/samples/tcp-echo/tcp-echo-services.yaml", "tcp-shift-80-20"],
  ["istio-1.31/samples/httpbin/httpbin.yaml", "retries"],
  ["istio-1.31/samples/curl/curl.yaml", "retries"],
  ["istio-1.31/samples/httpbin/sample-client/fortio-deploy.yaml", "circuit-breaking"],
];
const labObject = async (scenario: string, o: Obj) => (await objectsOf(scenario, "workloads")).find((l) => l.kind === o.kind && l.metadata.name === labName(o));
const deploymentsOf = (files: [string, string][]) => files.flatMap(([file, scenario]) => upstreamDocs(file).filter((o) => o.kind === "Deployment").map((d): [string, string, Obj] => [id(d), scenario, d]));

describe("sample workloads equal upstream's objects", () => {
  it.each(workloadFiles)("%s: every object, by name, labels, selector, ports, service account and image", async (file, scenario) => {
    for (const object of upstreamDocs(file)) {
      const lab = await labObject(scenario, object);
      expect(lab, `${id(object)} rendered`).toBeDefined();
      expect(workloadFields(lab!), id(object)).toEqual(workloadFields(object));
    }
  });

  it.each(deploymentsOf(workloadFiles.slice(0, 2)))("%s carries upstream's Deployment metadata.labels", async (_, scenario, deployment) => {
    expect((await labObject(scenario, deployment))!.metadata.labels).toEqual(deployment.metadata.labels);
  });

  // Upstream labels only Bookinfo's Deployments; the lab's one renderer gives every Deployment its
  // pod labels (components/workloads/render.ts), so `kubectl get deploy -l app=<name>` finds each.
  it.each(deploymentsOf(workloadFiles.slice(2)))("%s carries its pod labels, which upstream leaves off", async (_, scenario, deployment) => {
    expect(deployment.metadata.labels).toBeUndefined();
    const lab = (await labObject(scenario, deployment))!;
    expect(lab.metadata.labels).toEqual(lab.spec.template.metadata.labels);
  });

  it("would catch a changed image or port (the projection on a changed copy)", () => {
    const [upstream] = upstreamDocs("istio-1.31/samples/httpbin/sample-client/fortio-deploy.yaml").filter((o) => o.kind === "Deployment");
    const changed = structuredClone(upstream);
    changed.spec.template.spec.containers[0].image = "docker.io/fortio/fortio:1.0";
    changed.spec.template.spec.containers[0].ports[1].containerPort = 8078;
    expect(differences(workloadFields(upstream), workloadFields(changed))).toEqual([".containers[0].image", ".containers[0].ports[1].containerPort"]);
  });
});

// ---- Flannel -----------------------------------------------------------------------------------

describe("Flannel's objects equal kube-flannel.yml v0.28.9 but for flannelDeviations", () => {
  const upstream = upstreamDocs("flannel-v0.28.9/kube-flannel.yml");
  const found = objectDifferences(upstream, flannelObjects({ podCidr: "10.244.0.0/16" }));
  const listed = flannelDeviations.map((d) => d.path);

  it("has no difference that flannelDeviations does not list", () => {
    expect(found.filter((p) => !listed.includes(p))).toEqual([]);
  });

  it("lists no deviation that no longer differs, none twice, each with its reason", () => {
    expect(listed.filter((p) => !found.includes(p))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
    for (const d of flannelDeviations) expect(d.why.length, d.path).toBeGreaterThan(20);
  });

  it("would catch a changed, added, removed or reordered field (the comparer on changed copies)", () => {
    const changed = structuredClone(upstream);
    const ds = changed.find((o) => o.kind === "DaemonSet")!;
    ds.spec.template.spec.containers[0].image = "ghcr.io/flannel-io/flannel:v0.28.8";
    ds.spec.template.spec.hostPID = true;
    delete ds.spec.template.spec.containers[0].securityContext.privileged;
    changed.find((o) => o.kind === "ConfigMap")!.data["net-conf.json"] = upstream.find((o) => o.kind === "ConfigMap")!.data["net-conf.json"].replace("10.244", "10.2");
    expect(objectDifferences(upstream, changed)).toEqual([
      'ConfigMap/kube-flannel-cfg.data["net-conf.json"]',
      "DaemonSet/kube-flannel-ds.spec.template.spec.containers[0].image",
      "DaemonSet/kube-flannel-ds.spec.template.spec.containers[0].securityContext.privileged",
      "DaemonSet/kube-flannel-ds.spec.template.spec.hostPID",
    ]);
    expect(objectDifferences(upstream, [...upstream].reverse())).toEqual(["(document order)"]);
    expect(objectDifferences(upstream, upstream.slice(1))).toEqual(["Namespace/kube-flannel (missing)"]);
    expect(objectDifferences(upstream.slice(1), upstream)).toEqual(["Namespace/kube-flannel (not upstream)"]);
  });
});

describe("TCP traffic shifting equals samples/tcp-echo", () => {
  it("tcp-shift-80-20: tcp-echo-all-v1.yaml's Gateway and DestinationRule, tcp-echo-20-v2.yaml's VirtualService", async () => {
    const allV1 = upstreamDocs("istio-1.31/samples/tcp-echo/tcp-echo-all-v1.yaml");
    const split = upstreamDocs("istio-1.31/samples/tcp-echo/tcp-echo-20-v2.yaml");
    const expected = [...allV1.filter((o) => o.kind !== "VirtualService"), ...split].map(inNamespace("bookinfo"));
    expect(objectDifferences(expected, await objectsOf("tcp-shift-80-20", "scenario"))).toEqual([]);
  });
});

describe("JWT claim based routing equals samples/httpbin and the jwt-route task", () => {
  it("jwt-routing: httpbin-gateway.yaml's Gateway, the task's VirtualService in its place, its ingress-jwt in istio-system", async () => {
    const { sampleJwks } = await import("../../catalog/scenarios/jwt-samples");
    const [gateway, sampleRoute] = upstreamDocs("istio-1.31/samples/httpbin/httpbin-gateway.yaml");
    // tasks/security/authentication/jwt-route (Istio 1.31): the sample's VirtualService with the claim match on /headers.
    const route = { ...sampleRoute, spec: { ...sampleRoute.spec, http: [{ match: [{ uri: { prefix: "/headers" }, headers: { "@request.auth.claims.groups": { exact: "group1" } } }], route: sampleRoute.spec.http[0].route }] } };
    // The task's RequestAuthentication, its jwksUri (raw.githubusercontent.com) inline as jwks.
    const ingressJwt = {
      apiVersion: "security.istio.io/v1",
      kind: "RequestAuthentication",
      metadata: { name: "ingress-jwt", namespace: "istio-system" },
      spec: { selector: { matchLabels: { istio: "ingressgateway" } }, jwtRules: [{ issuer: "testing@secure.istio.io", jwks: sampleJwks }] },
    };
    expect(objectDifferences([inNamespace("bookinfo")(gateway), ingressJwt, inNamespace("bookinfo")(route)], await objectsOf("jwt-routing", "scenario"))).toEqual([]);
  });
});
