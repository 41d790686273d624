// Every configuration error speaks the user's words: for every key of the reference (walked from
// the JSON Schema the zod schemas make, so a new key is covered as it comes), values of the wrong
// type, unknown keys, wrong choices, out-of-range numbers and malformed text are each refused
// naming the key, and no message speaks the schema library's or the SDK's language.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfigIssue } from "../../components/config";
import { customOptionsExample, sectionExamples, stackConfigJsonSchema, walk, entryNames, type Json } from "../../tools/lib/config-reference";
import { ciphertext } from "../harness";
import { programProblems } from "./stack-check";

/** zod's and the SDK's own words, which a user cannot act on. */
export const libraryPhrases = [
  /Invalid (input|key|element|string|option|union|type|value|format|url|record|enum|literal|date)/i,
  /\bexpected\b.*\breceived\b/i,
  /\bmust be (record|int|nan|never|unknown|undefined|null|object|array|string|number|boolean|map|set|tuple|bigint|symbol)\b/,
  /\bToo (small|big)\b/i,
  /Unrecognized key/i,
  /must match pattern/i,
  /error serializing property/i,
  /\bzod\b|_zod|ZodError/i,
  /\[object Object\]|\bundefined\b|\bNaN\b/,
  /safeint|safe integer/i,
  /must have (>=|<=|at least|at most)/i,
  /\bexpected (string|number|int|object|array|record|boolean|true|false)\b/i,
];

export function expectUserWords(issues: readonly ConfigIssue[], context: string): void {
  for (const { key, message } of issues) {
    expect(key, context).toMatch(/^(istio-lab:[A-Za-z]|vsphere:[A-Za-z]|\(the Pulumi CLI\))/);
    expect(message.trim().length, `${context}: ${key}`).toBeGreaterThan(5);
    for (const phrase of libraryPhrases) expect(message, `${context}: ${key}`).not.toMatch(phrase);
  }
}

const local = { "istio-lab:cluster": { source: "kind" }, "istio-lab:scenario": "bookinfo" };
const vsphere = {
  "istio-lab:cluster": sectionExamples.cluster,
  "istio-lab:sshPrivateKey": ciphertext,
  "vsphere:vsphereServer": "vcenter.example.com",
  "vsphere:user": "administrator@vsphere.local",
  "vsphere:password": ciphertext,
};
const custom = { ...local, "istio-lab:scenario": "custom", "istio-lab:apps": sectionExamples.apps, "istio-lab:scenarioOptions": customOptionsExample };
const bases: Record<string, Record<string, unknown>> = {
  local,
  vsphere,
  custom,
  canary: { ...local, "istio-lab:scenario": "canary", "istio-lab:scenarioOptions": { weights: { v1: 80, v2: 20 } } },
  "sticky-sessions": { ...local, "istio-lab:scenario": "sticky-sessions", "istio-lab:scenarioOptions": { hashBy: "cookie", name: "session", ttl: "1h" } },
  "gateway-api-form": { ...local, "istio-lab:scenario": "bookinfo" },
  "istio-form-only": { ...local, "istio-lab:scenario": "mtls-strict" },
};

/** A map entry's name where a path names any (`weights.<version>` -> `weights.v1`). */
const entryOf: Record<string, string> = { "<version>": "v1", "<node>": "linux-node1", "<header>": "x-user", "<NAME>": "GREETING", "<service>": "back" };

interface Field {
  /** As the docs write it: `cluster.nodes[].ip`, `scenarioOptions.routes[].weights.<version>`. */
  path: string;
  node: Json;
  base: string;
}

/** Every field of the reference, with the stack it is tried in. */
function fields(): Field[] {
  const json = stackConfigJsonSchema();
  const defs = json.definitions as Record<string, Json>;
  const resolve = (node: Json): Json => (node.$ref ? resolve(defs[String(node.$ref).replace("#/definitions/", "")]) : node);
  const out: Field[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (["config", "secure", "scenarioOptions"].includes(name)) continue;
    const group = name.startsWith("scenarioOptions.") ? name.slice("scenarioOptions.".length) : undefined;
    const root = group ? "scenarioOptions" : name.replace(/^vsphere\./, "vsphere:");
    const base = group ?? (name === "cluster" || name.startsWith("vsphere.") ? "vsphere" : root.startsWith("apps") ? "custom" : "local");
    walk(def, root, (node, at) => {
      if (at.endsWith(".secure")) return;
      out.push({ path: at, node: resolve(node), base: at.startsWith("apps.custom") ? "custom" : base });
    }, entryNames());
  }
  return out;
}

/** `cluster.nodes[].ip` as the stack key and the steps into its value: `istio-lab:cluster`, ["nodes", 0, "ip"]. */
function locate(path: string): { key: string; steps: (string | number)[]; issueKey: string } {
  const [first, ...rest] = path.split(/\.(?![^<]*>)/);
  const steps: (string | number)[] = [];
  let issueKey = first.includes(":") ? first : `istio-lab:${first}`;
  const head = first.replace(/\[\]/g, "");
  for (let i = 0; i < (first.match(/\[\]/g) ?? []).length; i++) {
    steps.push(0);
    issueKey += "[0]";
  }
  for (const part of rest) {
    const name = part.replace(/\[\]/g, "");
    steps.push(entryOf[name] ?? name);
    issueKey += `.${entryOf[name] ?? name}`;
    for (let i = 0; i < (part.match(/\[\]/g) ?? []).length; i++) {
      steps.push(0);
      issueKey += "[0]";
    }
  }
  return { key: head.includes(":") ? head : `istio-lab:${head}`, steps, issueKey };
}

/** The base stack with `value` at the field (a missing parent made an object, or a list of one). */
function withValue(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const { key, steps } = locate(path);
  const config = structuredClone(base) as Record<string, any>;
  if (steps.length === 0) return { ...config, [key]: value };
  config[key] ??= typeof steps[0] === "number" ? [] : {};
  let at = config[key];
  steps.forEach((step, i) => {
    if (i === steps.length - 1) {
      at[step] = value;
      return;
    }
    const next = steps[i + 1];
    if (at[step] === null || typeof at[step] !== "object") at[step] = typeof next === "number" ? [{}] : {};
    at = at[step];
  });
  return config;
}

/** Values the field must refuse, each with what it tries. */
function wrongValues({ path, node }: Field): [string, unknown][] {
  const top = !path.includes(".") && !path.includes("[");
  const values: [string, unknown][] = [];
  // A scalar at the top of the config reaches the program as text, whatever its YAML type.
  if (top && node.type !== "object") {
    if (node.properties?.secure) values.push(["plain text for a secret", "hunter2-not-secret"]);
    else if (path === "platform") values.push(["a stack name with a space", "a b"]);
    else if (path === "scenario") values.push(["a name near the catalog's", "canari"], ["a name far from it", "zzz"]);
    else if (node.anyOf?.some((f: Json) => f.type === "boolean")) values.push(["not a flag", "yes"]);
    else if (node.anyOf?.some((f: Json) => f.type === "integer")) values.push(["not a number", "ten"]);
    return values;
  }
  values.push(["nothing (null)", null]);
  const type = node.type ?? (node.enum ? "enum" : node.const !== undefined ? "const" : node.anyOf ? "anyOf" : "any");
  if (type === "string" || node.enum || node.const !== undefined) values.push(["a number", 42], ["a list", ["x"]], ["an object", { x: 1 }]);
  if (type === "integer" || type === "number") values.push(["text", "12"], ["true", true], ["a list", [1]]);
  if (type === "integer") values.push(["a fraction", 1.5]);
  if (type === "boolean") values.push(["the text yes", "yes"], ["a number", 1]);
  if (type === "array") values.push(["text", "x"], ["an object", { x: 1 }]);
  if (type === "object" || type === "anyOf") values.push(["text", "x"], ["a list", [1]], ["a number", 3]);
  if (node.enum) values.push(["another word", "Not-A-Choice"], ["a near miss", String(node.enum[0]).toUpperCase() === node.enum[0] ? String(node.enum[0]).toLowerCase() : String(node.enum[0]).toUpperCase()]);
  if (node.const !== undefined) values.push(["the other flag", !node.const]);
  if (node.minimum !== undefined) values.push(["below the minimum", node.minimum - 1]);
  if (node.maximum !== undefined) values.push(["above the maximum", node.maximum + 1]);
  if (node.pattern || node.format) values.push(["malformed text", "!! not valid !!"]);
  if (node.minLength) values.push(["empty text", ""]);
  if (node.minItems) values.push(["an empty list", []]);
  if (node.type === "object" && node.properties && node.additionalProperties === false) values.push(["an unknown key", { zzUnknown: 1 }]);
  if (node.propertyNames?.pattern) values.push(["a key the map does not take", { "Not A Name!": (node.additionalProperties as Json)?.examples?.[0] ?? 1 }]);
  return values;
}

const cases = fields().flatMap((field) => wrongValues(field).map(([what, value]) => ({ field, what, value })));

describe("every kind of wrong value, at every key of the reference", () => {
  it("covers every key of the reference and each kind of mistake", () => {
    expect(new Set(cases.map((c) => c.field.path)).size).toBeGreaterThan(120);
    for (const what of ["nothing (null)", "a number", "text", "an unknown key", "another word", "below the minimum", "above the maximum", "malformed text", "a key the map does not take"]) {
      expect(cases.some((c) => c.what === what), what).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.field.path}: ${c.what}`, c] as const))("%s is refused naming the key, in the user's words", (_, { field, value, what }) => {
    const config = withValue(bases[field.base], field.path, value);
    const issues = programProblems(config);
    const { issueKey } = locate(field.path);
    // An unknown key inside an object is reported at that key; a wrong map key at the entry.
    const expected = what === "an unknown key" ? `${issueKey}.zzUnknown` : what === "a key the map does not take" ? `${issueKey}.Not A Name!` : issueKey;
    // The Pulumi CLI itself refuses a key Pulumi.yaml declares as an object that is not one, naming it, before the program runs.
    const cli = (i: ConfigIssue) => i.key === "(the Pulumi CLI)" && i.message.includes(`configuration key '${field.path}' must be of type 'object'`);
    const related = issues.filter((i) => i.key === expected || expected.startsWith(`${i.key}.`) || expected.startsWith(`${i.key}[`) || i.key.startsWith(expected) || cli(i));
    expect(related, JSON.stringify(issues)).not.toEqual([]);
    expectUserWords(issues, `${field.path} = ${JSON.stringify(value)}`);
  });
});

describe("messages say what is wrong and what to write instead", () => {
  const problems = (override: Record<string, unknown>, base: Record<string, unknown> = local) => programProblems({ ...base, ...override }).map((i) => `${i.key}: ${i.message}`);

  it.each([
    [{ "istio-lab:cluster": { source: "kind", workers: "2" } }, 'istio-lab:cluster.workers: must be a whole number such as 2, not the text "2"; write 2 without quotes'],
    [{ "istio-lab:cluster": { source: "kind", adopt: "true" } }, 'istio-lab:cluster.adopt: must be true or false, not the text "true"; write true without quotes'],
    [{ "istio-lab:mesh": { ingress: { serviceType: "Nodeport" } } }, 'istio-lab:mesh.ingress.serviceType: must be one of "NodePort", "LoadBalancer", "ClusterIP", not the text "Nodeport"; did you mean "NodePort"?'],
    [{ "istio-lab:mesh": { addons: "kiali" } }, 'istio-lab:mesh.addons: must be a list such as [ prometheus, kiali ], not the text "kiali"'],
    [{ "istio-lab:mesh": { kiali: null } }, "istio-lab:mesh.kiali: is empty: write an object of `key: value` fields, or remove the key"],
    [{ "istio-lab:scenario": "canari" }, 'istio-lab:scenario: "canari" is not in the catalog; did you mean "canary"? The catalog: bookinfo, '],
    [{ "vspher:user": "admin" }, 'vspher:user: is in the namespace "vspher", which nothing reads; did you mean "vsphere:user"?'],
    [{ "vsphere:vsphereserver": "vc" }, 'vsphere:vsphereserver: unknown key "vsphereserver"; did you mean "vsphereServer"?'],
    [{ "vsphere:allowUnverifiedSsl": "yes" }, 'vsphere:allowUnverifiedSsl: must be true or false, not "yes"'],
    [{ "vsphere:apiTimeout": "ten" }, 'vsphere:apiTimeout: must be a whole number, not "ten"'],
  ])("%j", (override, message) => {
    expect(problems(override).join("\n")).toContain(message);
  });

  it("names the version a cluster field expects, and quotes only where the quoted text would do", () => {
    expect(problems({ "istio-lab:cluster": { ...sectionExamples.cluster, kubernetesVersion: 1.36 } }, vsphere)).toContain(
      "istio-lab:cluster.kubernetesVersion: must be text such as 1.36.4, not 1.36",
    );
    expect(problems({ "istio-lab:cluster": { ...sectionExamples.cluster, vsphere: { ...(sectionExamples.cluster!.vsphere as object), template: 7 } } }, vsphere)).toContain(
      'istio-lab:cluster.vsphere.template: must be text such as rocky9-base, not 7; write it in quotes, "7", to keep it as text',
    );
  });

  it("says which forms a one-of takes, or reports inside the form that was meant", () => {
    const policy = (consistentHash: unknown) => problems({ "istio-lab:scenarioOptions": { ...customOptionsExample, policies: { front: { consistentHash } } } }, custom);
    expect(policy({ hedder: "x" })).toEqual([
      'istio-lab:scenarioOptions.policies.front.consistentHash: must take one of these forms: { header }, { cookie, ttl? }, { sourceIp: true }, { query }; unknown key "hedder"; did you mean "header"?',
    ]);
    expect(policy("cookie")).toEqual(['istio-lab:scenarioOptions.policies.front.consistentHash: must take one of these forms: { header }, { cookie, ttl? }, { sourceIp: true }, { query }, not the text "cookie"']);
    expect(policy({ cookie: "session", ttl: 5 })).toEqual(["istio-lab:scenarioOptions.policies.front.consistentHash.ttl: must be text, not 5"]);
    expect(policy({ sourceIp: false })).toEqual(["istio-lab:scenarioOptions.policies.front.consistentHash.sourceIp: must be true, not false"]);
  });

  it("names a map key that does not fit at the key itself", () => {
    const routes = [{ service: "back", match: { headers: { "X-User": "jason" } } }];
    expect(problems({ "istio-lab:scenarioOptions": { routes } }, custom)).toEqual([
      "istio-lab:scenarioOptions.routes[0].match.headers.X-User: is not a name this map takes: must be a lower-case header name",
    ]);
  });
});

describe("any value at any key", () => {
  const all = fields();
  it("is refused, if it is, in the user's words and naming a key of the stack", () => {
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.jsonValue({ maxDepth: 3 }), (i, value) => {
        fc.pre(!JSON.stringify(value).includes('"__proto__"'));
        const field = all[i];
        const issues = programProblems(withValue(bases[field.base], field.path, value));
        expectUserWords(issues, `${field.path} = ${JSON.stringify(value)}`);
      }),
      { numRuns: 400 },
    );
  });
});
