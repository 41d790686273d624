// The configuration reference, made from the program's own zod schemas: the JSON Schema of a stack
// file (schema/stack-config.schema.json, which every shipped Pulumi.<stack>.yaml names on its first
// line for editors) and docs/configuration.md, which is written from that JSON Schema. Both are
// made by `npm run config-docs` (tools/config-docs.ts) and held to it by test/config/reference.test.ts.
import { z } from "zod";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { scenarioOptionSchemas } from "../../catalog/scenarios/options";
import { gatewayApiScenarios } from "../../catalog/scenarios/gateway-api";
import { scenarioApis } from "../../catalog/scenarios";
import { defaultIstioVersion } from "../../catalog/versions";
import { flowYaml } from "../../components/config/errors";
import { project } from "../../components/config/parse";
import * as schema from "../../components/config/schema";
import { projectKeyNames, projectKeys, secureValue, vsphereKeySchema, vsphereProviderKeys, type ProjectKey, type VsphereProviderKey } from "../../components/config/stack-keys";
import { canaryOptionDocs, customOptionDocs, customServiceDocs, mapEntryNames, stickyOptionDocs, type FieldDoc } from "./catalog-field-docs";

/** A JSON Schema (draft-07) as plain data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = { [key: string]: any };

export const schemaFile = "schema/stack-config.schema.json";
export const docsFile = "docs/configuration.md";
/** The first line of every stack file: the YAML language server's modeline, which editors read. */
export const modeline = `# yaml-language-server: $schema=./${schemaFile}`;

/** A zod schema as JSON Schema draft-07 (what editors' YAML support reads best), as input: defaults make a field optional. */
function toJson(s: z.ZodType): Json {
  const json = z.toJSONSchema(s, {
    target: "draft-07",
    io: "input",
    // zod's int bounds are JavaScript's safe integers: noise in a reference, and true of any number a stack writes.
    override: ({ jsonSchema }) => {
      const j = jsonSchema as Json;
      if (j.maximum === Number.MAX_SAFE_INTEGER) delete j.maximum;
      if (j.minimum === Number.MIN_SAFE_INTEGER) delete j.minimum;
    },
  }) as Json;
  delete json.$schema;
  // One object per place: zod shares the JSON of a schema used twice, and descriptions are per place.
  return JSON.parse(JSON.stringify(json)) as Json;
}

/** The scenarios by what their `istio-lab:scenarioOptions` take: their own options or none, and `api` in both forms or in Istio's only. */
function optionGroups(): { name: string; scenarios: ScenarioName[]; own?: z.ZodType; docs?: Record<string, FieldDoc>; apis: readonly string[] }[] {
  const docsOf: Partial<Record<ScenarioName, Record<string, FieldDoc>>> = { canary: canaryOptionDocs, "sticky-sessions": stickyOptionDocs, custom: customOptionDocs };
  const withOptions = scenarioNames.filter((name) => scenarioOptionSchemas[name]);
  for (const name of withOptions) if (!docsOf[name]) throw new Error(`scenario ${name} takes options that tools/lib/catalog-field-docs.ts does not describe`);
  const apisOf = (name: ScenarioName) => (gatewayApiScenarios.includes(name) ? scenarioApis : (["istio"] as const));
  const plain = scenarioNames.filter((name) => !scenarioOptionSchemas[name]);
  return [
    ...withOptions.map((name) => ({ name, scenarios: [name], own: scenarioOptionSchemas[name]!.schema, docs: docsOf[name], apis: apisOf(name) })),
    { name: "gateway-api-form", scenarios: plain.filter((n) => gatewayApiScenarios.includes(n)), apis: scenarioApis },
    { name: "istio-form-only", scenarios: plain.filter((n) => !gatewayApiScenarios.includes(n)), apis: ["istio"] },
  ];
}

/** The full path of a table's entries: `apps.custom` + `[].name`. */
const under = (root: string, table: Record<string, FieldDoc>) => Object.fromEntries(Object.entries(table).map(([path, doc]) => [`${root}${path}`, doc]));

/** How the docs name a map's entries, by the map's path (`cluster.ssh.hostKeys` -> `<node>`). */
export function entryNames(): Record<string, string> {
  const names: Record<string, string> = { ...mapEntryNames };
  for (const path of Object.keys(catalogDocs())) {
    for (const m of path.matchAll(/\.(<[^>]+>)/g)) names[path.slice(0, m.index)] = m[1];
  }
  return names;
}

function catalogDocs(): Record<string, FieldDoc> {
  return { ...under("apps.custom", customServiceDocs), ...under("scenarioOptions", customOptionDocs), ...under("scenarioOptions", canaryOptionDocs), ...under("scenarioOptions", stickyOptionDocs) };
}

/** Every field of a JSON Schema with its path: properties, list entries (`[]`), map entries (`.<name>`), each form of a one-of. */
export function walk(node: Json, path: string, visit: (node: Json, path: string, parent?: Json) => void, names = entryNames(), parent?: Json): void {
  visit(node, path, parent);
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) walk(child, `${path}.${key}`, visit, names, node);
  if (node.items && typeof node.items === "object") walk(node.items as Json, `${path}[]`, visit, names, node);
  if (node.additionalProperties && typeof node.additionalProperties === "object" && Object.keys(node.additionalProperties).length > 0) walk(node.additionalProperties as Json, `${path}.${names[path] ?? "<name>"}`, visit, names, node);
  for (const form of (node.anyOf ?? []) as Json[]) {
    for (const [key, child] of Object.entries((form.properties ?? {}) as Record<string, Json>)) walk(child, `${path}.${key}`, visit, names, form);
  }
}

/** Sets the catalog's fields' descriptions (catalog-field-docs.ts) on the JSON Schema of a key, by path. */
function describeCatalogFields(json: Json, root: string, table: Record<string, FieldDoc>): void {
  walk(json, root, (node, path) => {
    const doc = table[path];
    if (!doc) return;
    node.description = doc.description;
    if (doc.examples) node.examples = doc.examples;
  });
}

/** A key's JSON Schema in the stack file: the project's `<key>` (also written `istio-lab:<key>`) or the provider's `vsphere:<key>`. */
function keyJson(name: ProjectKey): Json {
  const json = toJson(projectKeys[name]);
  describeCatalogFields(json, name, catalogDocs());
  if (name === "cluster") json.allOf = sourceRules();
  return json;
}

/**
 * What each cluster source refuses of the others' fields (cluster-source.ts foreignFields,
 * kubeconfigFields): the machines' fields outside vsphere and hosts, kind's and k3d's outside
 * those, kubeconfig's outside it, vsphere's block outside vsphere, which requires it.
 */
function sourceRules(): Json[] {
  const forbid = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, false]));
  const when = (sources: readonly string[], then: Json): Json => ({ if: object({ properties: { source: { enum: [...sources] } }, required: ["source"] }), then: object(then) });
  return [
    when(["kubeconfig", "kind", "k3d"], { properties: forbid(schema.machineOnlyClusterKeys) }),
    when(["kubeconfig", "vsphere", "hosts"], { properties: forbid(schema.localOnlyClusterKeys) }),
    when(["vsphere", "hosts", "kind", "k3d"], { properties: forbid(["kubeconfig", "context"]) }),
    when(["hosts"], { properties: forbid(["vsphere"]) }),
    when(["vsphere"], { required: ["vsphere"] }),
  ];
}

/** A subschema on an object's keys, typed as one (ajv's strictTypes, and clearer to an editor). */
const object = (s: Json): Json => ({ type: "object", ...s });

/** The form of scenarioOptions for a group of scenarios: their own options (if any) and `api`. */
function optionsJson(group: ReturnType<typeof optionGroups>[number]): Json {
  const own = group.own ? toJson(group.own) : { type: "object", properties: {}, additionalProperties: false };
  if (group.docs) describeCatalogFields(own, "scenarioOptions", under("scenarioOptions", group.docs));
  const api = toJson(schema.scenarioApi);
  own.properties = { ...own.properties, api: { ...api, enum: [...group.apis], default: "istio" } };
  own.description = group.own
    ? `The options of scenario ${group.name}${group.apis.length > 1 ? ", and api" : ""}.`
    : `Scenarios ${group.scenarios.join(", ")} take no options${group.apis.length > 1 ? " but api" : " (api only as istio)"}.`;
  const fallback = scenarioOptionSchemas[group.scenarios[0]]?.default;
  if (!group.own || fallback === undefined) return own;
  // Options with a default (sticky-sessions') may be left out, api and all.
  const { description, ...options } = own;
  return { description, default: fallback, anyOf: [object({ properties: { api: own.properties.api }, additionalProperties: false }), options] };
}

const qualified = (name: string) => `${project}:${name}`;

/**
 * The JSON Schema of a stack file, `Pulumi.<stack>.yaml`: its `config:` map (the project's keys,
 * also written without `istio-lab:`, and the vSphere provider's; any other namespace's key is
 * left alone, as the program leaves it) and the file's other keys, which the Pulumi CLI writes.
 */
export function stackConfigJsonSchema(): Json {
  const definitions: Json = {};
  for (const name of projectKeyNames) definitions[name] = keyJson(name);
  const groups = optionGroups();
  for (const group of groups) definitions[`scenarioOptions.${group.name}`] = optionsJson(group);
  for (const name of Object.keys(vsphereProviderKeys) as VsphereProviderKey[]) definitions[`vsphere.${name}`] = toJson(vsphereKeySchema(name));
  definitions.secure = toJson(secureValue);

  const properties: Json = {};
  for (const name of projectKeyNames) {
    properties[qualified(name)] = { $ref: `#/definitions/${name}` };
    properties[name] = { $ref: `#/definitions/${name}` };
  }
  for (const name of Object.keys(vsphereProviderKeys)) properties[`vsphere:${name}`] = { $ref: `#/definitions/vsphere.${name}` };

  const either = (name: string) => [qualified(name), name];
  const setIn = (name: string, s: Json) => Object.fromEntries(either(name).map((k) => [k, s]));
  const scenarioIs = (key: string, scenarios: readonly string[]): Json => object({ properties: { [key]: { enum: [...scenarios] } }, required: [key] });
  const noScenario: Json = object({ not: object({ anyOf: either("scenario").map((k) => object({ required: [k] })) }) });
  const rules: Json[] = groups.flatMap((group) => {
    const then = object({ properties: setIn("scenarioOptions", { $ref: `#/definitions/scenarioOptions.${group.name}` }) });
    const named = either("scenario").map((key) => ({ if: scenarioIs(key, group.scenarios), then }));
    // Without a scenario key the scenario is bookinfo.
    return group.scenarios.includes("bookinfo") ? [...named, { if: noScenario, then }] : named;
  });
  // A lab stack (platform set) sets none of the platform's keys; a platform stack needs a cluster (parse.ts).
  const platformSet = object({ anyOf: either("platform").map((k) => object({ properties: { [k]: { type: "string", minLength: 1 } }, required: [k] })) });
  const platformKeys = ["cluster", "mesh", "sshPrivateKey", "kubeconfig"];
  rules.push({
    if: platformSet,
    then: object({ properties: Object.fromEntries(platformKeys.flatMap(either).map((k) => [k, { type: "object", maxProperties: 0 }])) }),
    else: object({ anyOf: either("cluster").map((k) => object({ required: [k] })) }),
  });

  definitions.config = {
    description: "The stack's configuration: the project's keys as `istio-lab:<key>` (or `<key>`), the vSphere provider's as `vsphere:<key>`; other namespaces' keys are left to their providers.",
    type: "object",
    properties,
    // Any other namespace's key as the CLI parses one (pulumi/pulumi sdk/go/common/resource/config/
    // key.go ParseKey: `<namespace>:<name>`, either part possibly empty, or `<namespace>:config:<name>`).
    patternProperties: { [`^(?!${project}:|vsphere:)([^:]*:[^:]*|[^:]*:config:[^:]*)$`]: {} },
    additionalProperties: false,
    allOf: rules,
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $comment: "Generated by `npm run config-docs` from the program's zod schemas (components/config); do not edit.",
    title: "istio-lab stack file (Pulumi.<stack>.yaml)",
    description: "A stack of istio-lab: its configuration under `config:`, and the keys the Pulumi CLI writes beside it. Reference: docs/configuration.md.",
    type: "object",
    properties: {
      config: { $ref: "#/definitions/config" },
      secretsprovider: { type: "string", description: "The stack's secrets provider (written by `pulumi stack init --secrets-provider`)." },
      encryptedkey: { type: "string", description: "The secrets provider's encrypted data key (written by the CLI)." },
      encryptionsalt: { type: "string", description: "The passphrase provider's salt (written by the CLI)." },
      environment: { description: "Pulumi ESC environments this stack imports.", anyOf: [{ type: "array", items: { type: "string" } }, { type: "object" }] },
      mainEnvironment: { type: "string", description: "The one ESC environment that holds this stack's configuration (`<project>/<env>`)." },
    },
    additionalProperties: false,
    definitions,
  };
}

// ---------------------------------------------------------------------------------------------
// docs/configuration.md, from the JSON Schema.

const resolve = (root: Json, node: Json): Json => (typeof node.$ref === "string" ? resolve(root, root.definitions[node.$ref.replace("#/definitions/", "")] as Json) : node);
const code = (text: string) => (text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``);
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A field's type in words. */
export function typeOf(root: Json, raw: Json, names: Record<string, string> = {}, path = ""): string {
  const node = resolve(root, raw);
  if (node.enum) return node.enum.map((v: unknown) => code(flowYaml(v, Infinity))).join(" | ");
  if (node.const !== undefined) return code(flowYaml(node.const, Infinity));
  if (node.anyOf) {
    const forms = (node.anyOf as Json[]).map((form) => resolve(root, form));
    // A flag or a number the CLI may also hand over as its text: true or false, a whole number.
    const text = forms.find((f) => f.type === "string");
    const rest = forms.filter((f) => f !== text || !forms.some((g) => g.type === "boolean" || g.type === "integer"));
    return [...new Set(rest.map((form) => typeOf(root, form)))].join(" or ");
  }
  if (node.properties && Object.keys(node.properties).length === 1 && node.properties.secure) return "secret";
  switch (node.type) {
    case "string":
      if (node.format === "ipv4") return "IPv4 address";
      if (node.pattern === schema.cidrPattern) return "IPv4 CIDR";
      if (node.format === "uri") return "URL";
      return "text";
    case "integer":
    case "number": {
      const what = node.type === "integer" ? "whole number" : "number";
      if (node.minimum !== undefined && node.maximum !== undefined) return `${what}, ${node.minimum} to ${node.maximum}`;
      if (node.minimum !== undefined) return `${what}, at least ${node.minimum}`;
      return what;
    }
    case "boolean":
      return "true or false";
    case "array": {
      const least = node.minItems ? ` (at least ${node.minItems})` : "";
      const item = resolve(root, node.items ?? {});
      return `list${least} of ${item.type === "object" && item.properties ? "objects" : typeOf(root, item)}`;
    }
    case "object":
      if (node.additionalProperties && typeof node.additionalProperties === "object" && Object.keys(node.additionalProperties).length > 0) {
        return `map of ${names[path] ?? "<name>"} to ${typeOf(root, node.additionalProperties as Json)}`;
      }
      return "object";
    default:
      return "any";
  }
}

/** An example of a field: its own, its default, its first choice; an object's made of its fields' when short. */
export function exampleOf(root: Json, raw: Json): unknown {
  const node = resolve(root, raw);
  if (node.examples?.length) return node.examples[0];
  if (node.default !== undefined && !(typeof node.default === "object" && node.default !== null && Object.keys(node.default).length === 0)) return node.default;
  if (node.enum) return node.enum.at(-1);
  if (node.const !== undefined) return node.const;
  if (node.anyOf) return exampleOf(root, node.anyOf[0]);
  if (node.type === "object" && node.properties) {
    const fields = Object.entries(node.properties as Record<string, Json>).filter(([key]) => (node.required ?? []).includes(key));
    const picked = fields.length > 0 ? fields : Object.entries(node.properties as Record<string, Json>).slice(0, 1);
    return Object.fromEntries(picked.map(([key, child]) => [key, exampleOf(root, child)]));
  }
  if (node.type === "array") return [exampleOf(root, node.items ?? {})];
  if (node.type === "boolean") return true;
  return undefined;
}

interface Row {
  key: string;
  type: string;
  default: string;
  example: string;
  description: string;
}

/** One row per field under a key, in the schema's order. */
export function rowsOf(root: Json, node: Json, path: string, names = entryNames()): Row[] {
  const rows: Row[] = [];
  walk(
    resolve(root, node),
    path,
    (raw, at, parent) => {
      const field = resolve(root, raw);
      const name = at.split(/\.(?![^<]*>)/).at(-1) ?? at;
      const required = parent !== undefined && (parent.required ?? []).includes(name);
      const fallback = field.default === undefined ? (required ? "required" : "unset") : flowYaml(field.default, Infinity);
      const example = exampleOf(root, field);
      rows.push({
        key: at,
        type: typeOf(root, field, names, at),
        default: fallback,
        example: example === undefined ? "" : flowYaml(example, 120),
        description: field.description ?? "",
      });
    },
    names,
  );
  // A list's entries are described by the list's row and their fields' rows; a secret's ciphertext by the secret's.
  // A field that several forms share (`api` of options with a default) has one row, its last.
  return rows.filter((row, i) => !row.key.endsWith("[]") && !row.key.endsWith(".secure") && !rows.slice(i + 1).some((later) => later.key === row.key));
}

function table(rows: Row[]): string[] {
  return [
    "| key | type | default | example | meaning |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${code(r.key)} | ${cell(r.type)} | ${r.default === "required" || r.default === "unset" ? r.default : cell(code(r.default))} | ${r.example ? cell(code(r.example)) : ""} | ${cell(r.description)} |`),
  ];
}

/** docs/configuration.md: every key of the JSON Schema, its type, default, an example and its meaning. */
export function configurationMarkdown(root: Json): string {
  const defs = root.definitions as Json;
  const names = entryNames();
  const groups = optionGroups();
  const out: string[] = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run config-docs` from the program's zod schemas (components/config/schema.ts,",
    "     components/config/stack-keys.ts, catalog/apps/custom.ts, catalog/scenarios/custom.ts and",
    "     options.ts, described in tools/lib/catalog-field-docs.ts); do not edit by hand. -->",
    "",
    "Every key below sits under the stack file's `config:`. The project's keys are written",
    "`istio-lab:<key>` (or `<key>` alone, which the Pulumi CLI reads as the project's), the vSphere",
    "provider's `vsphere:<key>`; set one with `pulumi config set istio-lab:scenario canary`, or a field",
    "of an object with `pulumi config set --path 'istio-lab:cluster.workers' 1`. Every key has a",
    "default, so a stack sets only what it changes; objects are strict, and a key the program does not",
    "know is refused, naming the closest known key. A broken configuration fails before any resource",
    "is registered, with every problem at once, each naming its full key",
    "(`istio-lab:cluster.nodes[1].ip: must be an IPv4 address such as 192.168.56.11`).",
    "",
    `The same keys are a JSON Schema, [\`${schemaFile}\`](../${schemaFile}). Every shipped stack file names it`,
    "on its first line, so that an editor with the YAML language server (VS Code's YAML extension,",
    "and others) completes and checks keys as you type:",
    "",
    "```yaml",
    modeline,
    "config:",
    "  istio-lab:cluster:",
    "    source: kind",
    "```",
    "",
    "The schema checks each key's shape, the scenario's options and which cluster fields a source",
    "takes; the rules that relate keys further (addresses inside the lab network, an Istio release",
    "for the Kubernetes one, the custom scenario's routes against your services) are the program's,",
    "at `pulumi preview`. A field's type `map of <name> to ...` takes any names; `list of objects`",
    "takes entries whose fields follow with `[]`.",
    "",
    "## Keys",
    "",
    "| key | type | default | meaning |",
    "| --- | --- | --- | --- |",
    ...projectKeyNames.map((name) => {
      const node = defs[name] as Json;
      const fallback = node.default === undefined ? "unset" : cell(code(flowYaml(node.default, Infinity)));
      const type = node.enum && node.enum.length > 8 ? `one of ${node.enum.length} names` : name === "scenarioOptions" ? "object" : typeOf(root, node);
      return `| [${code(qualified(name))}](#${anchor(qualified(name))}) | ${cell(type)} | ${fallback} | ${cell(node.description ?? "")} |`;
    }),
    `| [${code("vsphere:<key>")}](#the-vsphere-providers-keys) | | | The vSphere provider's keys, for source vsphere. |`,
    "",
  ];
  for (const name of projectKeyNames) {
    out.push(`## ${code(qualified(name))}`, "");
    const node = defs[name] as Json;
    const isObject = node.type === "object" && node.properties && !node.properties.secure;
    if (isObject || name === "scenarioOptions") out.push(node.description ?? "", "");
    if (name === "scenarioOptions") {
      out.push(...scenarioOptionsSection(root, groups, names));
      continue;
    }
    // An object's own row would repeat the paragraph above it.
    out.push(...table(rowsOf(root, node, name, names).filter((row) => !isObject || row.key !== name)), "");
    const example = sectionExample(name);
    if (example) out.push("```yaml", "config:", ...example.split("\n").map((line) => `  ${line}`), "```", "");
  }
  out.push("## The vSphere provider's keys", "");
  out.push(
    "Source vsphere configures the vSphere provider (pulumi-vsphere 4.17.0) with these keys of its own",
    "namespace; vsphereServer, user and the secret password are required there. The program refuses a",
    "`vsphere:` key the provider does not know, and a value of the wrong kind, as the provider would.",
    "",
  );
  out.push(...table(Object.keys(vsphereProviderKeys).flatMap((name) => rowsOf(root, defs[`vsphere.${name}`] as Json, `vsphere:${name}`, names))), "");
  out.push("## The stack file", "");
  out.push("Beside `config:`, a stack file holds what the Pulumi CLI writes there itself:", "");
  const file = Object.entries(root.properties as Record<string, Json>).filter(([key]) => key !== "config");
  out.push("| key | meaning |", "| --- | --- |", ...file.map(([key, node]) => `| ${code(key)} | ${cell(node.description ?? "")} |`), "");
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

/** GitHub's heading anchor (test/docs/pages.test.ts anchorOf). */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function scenarioOptionsSection(root: Json, groups: ReturnType<typeof optionGroups>, names: Record<string, string>): string[] {
  const defs = root.definitions as Json;
  const out: string[] = [
    "What it takes depends on `istio-lab:scenario`. Every scenario takes `api`: `istio` (the default)",
    "writes its routes as VirtualServices and DestinationRules, `gateway-api` as HTTPRoutes, which only",
    "the scenarios listed with it have. `{}` is the same as leaving the key out.",
    "",
  ];
  for (const group of groups) {
    const def = defs[`scenarioOptions.${group.name}`] as Json;
    out.push(`### ${group.own ? `Scenario ${code(group.name)}` : group.apis.length > 1 ? "Scenarios with a Gateway API form" : "Scenarios without options"}`, "");
    if (!group.own) out.push(`${group.scenarios.map(code).join(", ")}.`, "");
    if (def.default !== undefined) out.push(`Without options: ${code(flowYaml(def.default, Infinity))}.`, "");
    out.push(...table(rowsOf(root, def, "scenarioOptions", names).filter((row) => row.key !== "scenarioOptions")), "");
    const example = scenarioOptionSchemas[group.scenarios[0]]?.example;
    if (group.own && example !== undefined) {
      out.push("```yaml", "config:", `  istio-lab:scenario: ${group.name}`, ...yamlBlock({ "istio-lab:scenarioOptions": example }).map((l) => `  ${l}`), "```", "");
    }
  }
  out.push(...customRoutesExample());
  return out;
}

/** The custom scenario's fuller example: every kind of route and policy, for the services of sectionExamples.apps. */
export const customOptionsExample = {
  routes: [
    { service: "back", match: { headers: { "end-user": "jason" } }, weights: { v3: 100 } },
    { service: "back", match: { uriPrefix: "/api/slow" }, fault: { delay: { fixedDelay: "7s", percent: 100 } } },
    { service: "back", weights: { v1: 90, v2: 10 }, mirror: { version: "v3", percent: 50 }, timeout: "2s", retries: { attempts: 3, perTryTimeout: "500ms", retryOn: "5xx,connect-failure" } },
    { service: "front", fault: { abort: { httpStatus: 503, percent: 5 } } },
  ],
  policies: {
    back: { connectionPool: { maxConnections: 10, http1MaxPendingRequests: 5 }, outlierDetection: { consecutive5xxErrors: 3, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 } },
    front: { consistentHash: { cookie: "session", ttl: "1h" } },
  },
};

function customRoutesExample(): string[] {
  return [
    "Routes and policies together, for the services of [`istio-lab:apps`](#istio-labapps)' example: jason's",
    "requests go to v3, `/api/slow` is delayed, the rest is split 90/10 with half of it mirrored to v3, and",
    "front aborts 5 % of its requests; back's connections are limited and a failing pod ejected, front",
    "keeps each browser on one pod:",
    "",
    "```yaml",
    "config:",
    "  istio-lab:scenario: custom",
    ...yamlBlock({ "istio-lab:scenarioOptions": customOptionsExample }).map((l) => `  ${l}`),
    "```",
    "",
  ];
}

/** A value as block YAML whose innermost objects stay on one line. */
function yamlBlock(value: unknown): string[] {
  const lines: string[] = [];
  const emit = (v: unknown, indent: string, lead: string) => {
    const flat = flowYaml(v, Infinity);
    if (v === null || typeof v !== "object" || (lead !== "" && `${indent}${lead}${flat}`.length <= 100)) {
      lines.push(`${indent}${lead}${flat}`);
      return;
    }
    if (Array.isArray(v)) {
      if (lead) lines.push(`${indent}${lead.trimEnd()}`);
      const inner = lead ? `${indent}  ` : indent;
      for (const item of v) emit(item, inner, "- ");
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (lead.startsWith("- ")) {
      // The first field on the dash's line, the others under it.
      const [[k0, v0], ...rest] = entries;
      emit(v0, indent, `- ${k0}: `);
      for (const [k, x] of rest) emit(x, `${indent}  `, `${k}: `);
      return;
    }
    if (lead) lines.push(`${indent}${lead.trimEnd()}`);
    const inner = lead ? `${indent}  ` : indent;
    for (const [k, x] of entries) emit(x, inner, `${k}: `);
  };
  emit(value, "", "");
  return lines;
}

/** A stack's usual setting of a key, shown under its table (reference.test.ts holds that the program takes them). */
export const sectionExamples: Partial<Record<ProjectKey, Record<string, unknown>>> = {
  cluster: {
    source: "vsphere",
    nodes: schema.tutorialNodes.map((n) => ({ ...n })),
    network: { prefixLength: 24, gateway: "192.168.56.1", dns: ["192.168.56.1"], domain: "example.com" },
    ssh: { user: "root", port: 22 },
    vsphere: { datacenter: "Datacenter", computeCluster: "Cluster", datastore: "datastore1", network: "VM Network", template: "rocky9-base", cpus: 2, memoryMb: 4096, linkedClone: true },
  },
  mesh: { istioVersion: defaultIstioVersion, ingress: { serviceType: "NodePort", httpNodePort: schema.defaultHttpNodePort }, addons: ["prometheus", "kiali"], kiali: { auth: "token" }, dashboards: { serviceType: "ClusterIP" } },
  apps: {
    namespace: "seed",
    imageRegistry: "mirror.example.com:5000/lab",
    custom: [
      { name: "front", port: 80, versions: [{ name: "v1", image: "registry.example.com/seed/front:1.0.0" }], expose: { paths: ["/"] } },
      {
        name: "back",
        port: 8080,
        versions: ["v1", "v2", "v3"].map((v, i) => ({ name: v, image: `registry.example.com/seed/back:1.${i}.0`, readinessPath: "/actuator/health" })),
        expose: { paths: ["/api"] },
        marker: { header: "x-version" },
      },
      { name: "mongodb", port: 27017, protocol: "tcp", versions: [{ name: "v1", image: "docker.io/library/mongo:8.0" }] },
    ],
  },
  verify: { gate: true, gatewayUrl: "http://192.168.49.2:31380", requests: 200 },
};

function sectionExample(name: ProjectKey): string | undefined {
  const value = sectionExamples[name];
  return value === undefined ? undefined : yamlBlock({ [qualified(name)]: value }).join("\n");
}

/** Both generated files, path -> contents. */
export function generatedFiles(): Record<string, string> {
  const json = stackConfigJsonSchema();
  return { [schemaFile]: `${JSON.stringify(json, null, 2)}\n`, [docsFile]: configurationMarkdown(json) };
}
