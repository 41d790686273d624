// What the program hands to Helm and to the vSphere and command providers, checked against the
// upstream files those providers read (test/upstream-files.ts; .ci/upstream-files.tsv gives each one's provenance).
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderConfig, renderProgram, type Rendered } from "../../tools/lib/mock-engine";
import { readStackFileForRender, stackConfig, type StackConfig } from "../../tools/lib/stack-file";
import { defaultStandIns } from "../../tools/lib/stand-ins";
import { hostsStack } from "../cluster/render-cluster";
import { localCluster, ofType, reveal } from "../harness";
import { upstreamFile, upstreamFolder } from "../upstream-files";

const yamlOf = (file: string) => parse(fs.readFileSync(upstreamFile(file), "utf8"));
const jsonOf = (file: string) => JSON.parse(fs.readFileSync(upstreamFile(file), "utf8"));
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

// ---- Helm values against a chart's values.yaml ----------------------------------------------

/** Leaf paths of a values object: arrays, scalars and empty maps end a path. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isMap(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

interface Chart {
  /** The chart's values.yaml. */
  defaults: Record<string, unknown>;
  /** Non-empty defaults that are free-form maps, so any key below them is valid. */
  freeForm: string[];
  /** Top-level keys the chart's templates copy to the top, so `pilot.x` means `x`. */
  aliases: string[];
  /** The profiles the chart ships (files/profile-<name>.yaml), which its `profile` value names. */
  profiles: string[];
}
const chart = (dir: string, freeForm: string[] = [], aliases: string[] = []): Chart => ({
  defaults: yamlOf(`istio-1.31/charts/${dir}/values.yaml`),
  freeForm,
  aliases,
  profiles: upstreamFolder(`istio-1.31/charts/${dir}/files`).flatMap((f) => /^profile-(.+)\.yaml$/.exec(f)?.[1] ?? []),
});

/** Whether the defaults admit the path: it exists, or passes through `{}`, an array or a free-form map. */
function admits(defaults: unknown, p: string[], freeForm: string[]): boolean {
  let node = defaults;
  for (let i = 0; i < p.length; i++) {
    if (freeForm.includes(p.slice(0, i).join("."))) return true;
    if (Array.isArray(node)) return true;
    // A `{}` default is an open map; the root being empty (no top-level defaults) admits nothing.
    if (!isMap(node) || !Object.hasOwn(node, p[i])) return i > 0 && isMap(node) && Object.keys(node).length === 0;
    node = node[p[i]];
  }
  return true;
}

/**
 * Value paths the chart does not know. Each values.yaml keeps its defaults under
 * `_internal_defaults_do_not_set`, which "Users should NOT set" (its header): user paths are
 * looked up below it, or beside it at the top level, never through it.
 */
function unknownValuePaths(chart: Chart, values: Record<string, unknown>): string[] {
  const { _internal_defaults_do_not_set: internal, ...topLevel } = chart.defaults;
  const roots = [internal, topLevel];
  const known = (p: string[]) => roots.some((root) => admits(root, p, chart.freeForm));
  // `profile` is read by the chart's templates (not a default in values.yaml) and names a file it ships.
  const shippedProfile = (p: string[]) => p.length === 1 && p[0] === "profile" && chart.profiles.includes(String(values.profile));
  return leafPaths(values)
    .filter((p) => !known(p) && !shippedProfile(p) && !(chart.aliases.includes(p[0]) && p.length > 1 && known(p.slice(1))))
    .map((p) => p.join("."));
}

const charts: Record<string, Chart> = {
  base: chart("base"),
  // `meshConfig` is the MeshConfig proto ("See .../istio.mesh.v1alpha1/ for all available options"
  // in values.yaml); templates/zzy_descope_legacy.yaml at release-1.31 merges `.pilot` onto `.`,
  // which is why helm-profiles/demo.yaml itself writes `pilot.autoscaleEnabled`.
  istiod: chart("istio-control/istio-discovery", ["meshConfig"], ["pilot"]),
  // Kubernetes annotation and label maps (values.schema.json leaves them open).
  gateway: chart("gateway", ["podAnnotations", "labels"]),
};

// values.schema.json declares
// "http://json-schema.org/schema#", a metaschema ajv does not ship: skip validating the schema.
const gatewaySchema = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(jsonOf("istio-1.31/charts/gateway/values.schema.json"));
const gatewaySchemaErrors = (values: unknown) =>
  gatewaySchema(values) ? [] : (gatewaySchema.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);

// ---- Pulumi package schemas -------------------------------------------------------------------

/** A property or type in a Pulumi package schema (pulumi.json): what these two schemas use. */
interface Spec { type?: string; $ref?: string; items?: Spec; additionalProperties?: Spec; properties?: Record<string, Spec>; enum?: { value: unknown }[] }
interface PackageSchema {
  resources: Record<string, { inputProperties: Record<string, Spec>; requiredInputs?: string[] }>;
  functions?: Record<string, { inputs: { properties: Record<string, Spec>; required?: string[] } }>;
  types: Record<string, Spec>;
}

const jsonType = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v);

/** Every key a value sets that the schema lacks, and every JSON type or enum value it does not allow. */
function schemaIssues(schema: PackageSchema, value: unknown, spec: Spec, at: string): string[] {
  if (value === undefined || spec.$ref === "pulumi.json#/Any") return [];
  if (spec.$ref) {
    const type = schema.types[spec.$ref.replace(/^#\/types\//, "")];
    return type ? schemaIssues(schema, value, type, at) : [`${at}: ${spec.$ref} is not in types`];
  }
  const actual = jsonType(value);
  if (spec.type && actual !== spec.type && !(spec.type === "number" && actual === "integer")) return [`${at}: ${actual}, schema says ${spec.type}`];
  if (spec.enum && !spec.enum.some((e) => e.value === value)) return [`${at}: ${JSON.stringify(value)} is not in the enum`];
  if (Array.isArray(value)) return value.flatMap((v, i) => schemaIssues(schema, v, spec.items ?? {}, `${at}[${i}]`));
  if (!isMap(value)) return [];
  if (spec.properties) return propertyIssues(schema, value, spec.properties, at);
  return Object.entries(value).flatMap(([k, v]) => schemaIssues(schema, v, spec.additionalProperties ?? {}, `${at}.${k}`));
}

function propertyIssues(schema: PackageSchema, value: Record<string, unknown>, properties: Record<string, Spec>, at = "", required: string[] = []): string[] {
  const key = (k: string) => (at ? `${at}.${k}` : k);
  return [
    ...required.filter((k) => value[k] === undefined).map((k) => `${key(k)}: required, not passed`),
    ...Object.entries(value).flatMap(([k, v]) => (Object.hasOwn(properties, k) ? schemaIssues(schema, v, properties[k], key(k)) : [`${key(k)}: not in the schema`])),
  ];
}

const resourceIssues = (schema: PackageSchema, token: string, inputs: Record<string, unknown>) =>
  propertyIssues(schema, inputs, schema.resources[token].inputProperties, "", schema.resources[token].requiredInputs);

const vsphere = jsonOf("pulumi-vsphere-4.17.0/schema.subset.json") as PackageSchema;
const commandSchema = jsonOf("pulumi-command-1.2.1/schema.json") as PackageSchema;

// ---- Renders ----------------------------------------------------------------------------------

interface Render extends Rendered {
  /** What each resource sent the engine, secrets revealed, by `type name`. */
  sent: Map<string, Record<string, unknown>>;
}

/** The same render as the harness (program, stand-ins), keeping what secrets hide. */
async function render(config: StackConfig): Promise<Render> {
  const sent = new Map<string, Record<string, unknown>>();
  const rendered = await renderConfig(config, renderProgram(), {
    ...defaultStandIns,
    outputs: (type, name, inputs) => {
      sent.set(`${type} ${name}`, reveal(inputs) as Record<string, unknown>);
      return defaultStandIns.outputs?.(type, name, inputs) ?? {};
    },
  });
  return { ...rendered, sent };
}
const fromFile = (file: string) => render(readStackFileForRender(file).config);
const fromConfig = (config: Record<string, unknown>) => render(stackConfig("test", config));
const hostsLab = hostsStack({ ssh: { user: "rocky", port: 2222 } });

const renders: Record<string, Render> = {};
beforeAll(async () => {
  const stacks: Record<string, () => Promise<Render>> = {
    local: () => fromFile("Pulumi.local.yaml"),
    dev: () => fromFile("Pulumi.dev.yaml"),
    loadBalancer: () => fromConfig({ "istio-lab:cluster": localCluster, "istio-lab:mesh": { ingress: { serviceType: "LoadBalancer" }, addons: ["prometheus"] } }),
    clusterIp: () => fromConfig({ "istio-lab:cluster": localCluster, "istio-lab:mesh": { ingress: { serviceType: "ClusterIP" } } }),
    dashboards: () => fromConfig({ "istio-lab:cluster": localCluster, "istio-lab:mesh": { dashboards: { serviceType: "NodePort" } }, "istio-lab:apps": { imageRegistry: "registry.example.com/istio" } }),
    hosts: () => fromConfig(hostsLab),
    gate: () => fromConfig({ ...hostsLab, "istio-lab:verify": { gate: true } }),
  };
  for (const [name, build] of Object.entries(stacks)) renders[name] = await build();
}, 60_000);

// ---- Tests ------------------------------------------------------------------------------------

describe("Istio Helm values", () => {
  const meshStacks = ["local", "dev", "loadBalancer", "clusterIp", "dashboards"];
  const istioReleases = (r: Rendered) => ofType(r, "kubernetes:helm.sh/v3:Release").filter((rel) => Object.hasOwn(charts, String(rel.inputs.chart)));

  it("installs exactly the charts named base, istiod and gateway in their Chart.yaml", () => {
    for (const name of meshStacks) expect(istioReleases(renders[name]).map((r) => r.inputs.chart), name).toEqual(["base", "istiod", "gateway"]);
    // The values files above belong to the charts of those names (istiod lives in istio-discovery/).
    const names = ["base", "istio-control/istio-discovery", "gateway"].map((dir) => yamlOf(`istio-1.31/charts/${dir}/Chart.yaml`).name);
    expect(names).toEqual(Object.keys(charts));
  });

  it("sets only value paths the chart's values.yaml defines", () => {
    for (const name of meshStacks) {
      for (const release of istioReleases(renders[name])) {
        const values = release.inputs.values as Record<string, unknown>;
        expect(leafPaths(values).length, `${name} ${release.name}`).toBeGreaterThan(0);
        expect(unknownValuePaths(charts[String(release.inputs.chart)], values), `${name} ${release.name}`).toEqual([]);
      }
    }
  });

  it("passes the gateway chart's values.schema.json (additionalProperties: false at the top)", () => {
    for (const name of meshStacks) {
      const gateway = istioReleases(renders[name]).find((r) => r.inputs.chart === "gateway");
      expect(gatewaySchemaErrors(gateway?.inputs.values), name).toEqual([]);
    }
  });

  it("catches invented keys, and admits the pilot alias, free-form maps and `{}` defaults", () => {
    expect(unknownValuePaths(charts.istiod, { pilot: { notAKey: 1 }, global: { notAKey: 1 }, meshConfig: { any: { key: 1 } } })).toEqual(["pilot.notAKey", "global.notAKey"]);
    expect(unknownValuePaths(charts.istiod, { pilot: { resources: { requests: { cpu: "10m" } } }, nodeSelector: { disk: "ssd" } })).toEqual([]);
    expect(unknownValuePaths(charts.base, { defaultRevision: "x", pilot: { autoscaleEnabled: false }, _internal_defaults_do_not_set: { base: {} } })).toEqual([
      "pilot.autoscaleEnabled",
      "_internal_defaults_do_not_set.base",
    ]);
    expect(unknownValuePaths(charts.gateway, { service: { type: "NodePort", typo: 1 }, labels: { a: "b" } })).toEqual(["service.typo"]);
    // A profile the chart ships is known; one it does not ship is not.
    expect(unknownValuePaths(charts.istiod, { profile: "demo" })).toEqual([]);
    expect(unknownValuePaths(charts.base, { profile: "ambient" })).toEqual(["profile"]);
    expect(gatewaySchemaErrors({ service: { type: "NodePort" }, notAKey: 1 })).toEqual([expect.stringMatching(/^\/ must NOT have additional properties .*notAKey/)]);
    expect(gatewaySchemaErrors({ autoscaling: { enabled: "no" } })).toEqual([expect.stringContaining("/autoscaling/enabled must be boolean")]);
  });
});

describe("the vSphere binding against pulumi-vsphere 4.17.0", () => {
  const vmType = "vsphere:index/virtualMachine:VirtualMachine";

  // binding.ts is hand-written (npm has no @pulumi/vsphere): a misspelt key would reach the provider.
  it("passes VirtualMachine only inputs of the schema, with their JSON types", () => {
    expect(Object.keys(vsphere.resources)).toContain(vmType);
    const vms = ofType(renders.dev, vmType);
    expect(vms).toHaveLength(3);
    for (const vm of vms) {
      expect(resourceIssues(vsphere, vmType, vm.inputs), vm.name).toEqual([]);
      expect(vm.options.version).toBe("4.17.0");
    }
  });

  it("invokes only functions of the schema, with their inputs, at plugin version 4.17.0", () => {
    expect(renders.dev.invokes).toHaveLength(5);
    for (const { token, inputs, version } of renders.dev.invokes) {
      const fn = vsphere.functions?.[token];
      expect(fn, token).toBeDefined();
      expect(propertyIssues(vsphere, inputs, fn!.inputs.properties, "", fn!.inputs.required), token).toEqual([]);
      expect(version, token).toBe("4.17.0");
    }
  });

  it("catches unknown keys, wrong types and missing required inputs", () => {
    const vm = ofType(renders.dev, vmType)[0].inputs as any;
    const broken = { ...vm, numCpus: "2", cpus: 2, resourcePoolId: undefined, clone: { ...vm.clone, customize: { ...vm.clone.customize, networkInterfaces: [{ ipv4Address: "x", ipv4Netmask: 24.5, gateway: "y" }] } } };
    expect(resourceIssues(vsphere, vmType, broken).sort()).toEqual([
      "clone.customize.networkInterfaces[0].gateway: not in the schema",
      "clone.customize.networkInterfaces[0].ipv4Netmask: number, schema says integer",
      "cpus: not in the schema",
      "numCpus: string, schema says integer",
      "resourcePoolId: required, not passed",
    ]);
  });
});

describe("commands against pulumi-command 1.2.1", () => {
  const commandTypes = ["command:remote:Command", "command:local:Command"];
  const commandsOf = (r: Render) => r.resources.filter((c) => commandTypes.includes(c.type));

  // Read from what the engine received: `connection` is a secret in the schema, so rendered inputs
  // show it as "[secret]", and nodes/connection.ts promises "exactly the keys of the provider's schema".
  it("passes each Command only inputs of the schema, connection keys of command:remote:Connection", () => {
    const seen = new Set<string>();
    for (const name of ["dev", "hosts", "gate"]) {
      for (const c of commandsOf(renders[name])) {
        const sent = renders[name].sent.get(`${c.type} ${c.name}`)!;
        expect(resourceIssues(commandSchema, c.type, sent), `${name} ${c.name}`).toEqual([]);
        seen.add(c.type);
        if (isMap(sent.connection)) Object.keys(sent.connection).forEach((k) => seen.add(`connection.${k}`));
      }
    }
    // Both kinds were checked, and the connections were read past their secret wrapper.
    expect([...seen]).toEqual(expect.arrayContaining([...commandTypes, "connection.host", "connection.privateKey", "connection.port"]));
  });

  it("catches an unknown input, an unknown connection key and a logging value outside the enum", () => {
    const issues = resourceIssues(commandSchema, "command:remote:Command", { create: "true", connection: { host: "h", hostname: "h", port: 22 }, logging: "all", timeout: 5 });
    expect(issues.sort()).toEqual(['logging: "all" is not in the enum', "connection.hostname: not in the schema", "timeout: not in the schema"].sort());
    expect(resourceIssues(commandSchema, "command:remote:Command", { create: "true" })).toEqual(["connection: required, not passed"]);
  });
});

describe("the demo profile, as the tutorials install Istio", () => {
  it("is what every Istio release of the mesh sets, and sidecars then request what demo.yaml says", async () => {
    const rendered = await renderConfig(readStackFileForRender(path.resolve(__dirname, "../../Pulumi.local.yaml")).config, renderProgram());
    const releases = rendered.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && String(r.inputs.repositoryOpts && (r.inputs.repositoryOpts as { repo: string }).repo).includes("istio-release"));
    expect(releases.map((r) => [r.inputs.name, (r.inputs.values as { profile?: string }).profile])).toEqual([
      ["istio-base", "demo"],
      ["istiod", "demo"],
      ["istio-ingressgateway", "demo"],
    ]);
    const demo = yamlOf("istio-1.31/charts/istio-control/istio-discovery/files/profile-demo.yaml");
    expect(demo.global.proxy.resources.requests).toEqual({ cpu: "10m", memory: "40Mi" });
    expect(demo.pilot.resources.requests).toEqual({ cpu: "10m", memory: "100Mi" });
  });
});
