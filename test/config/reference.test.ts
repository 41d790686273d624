// The configuration reference comes from the program's own zod schemas: the JSON Schema of a stack
// file that every shipped stack file names for editors, and docs/configuration.md made from it.
import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseCidr } from "../../components/config/net";
import { cidrPattern, clusterDefaults, defaultHttpNodePort } from "../../components/config/schema";
import { ingressGateway } from "../../components/mesh/ingress-gateway";
import { runConfigDocs, usage } from "../../tools/lib/config-docs-cli";
import {
  customOptionsExample,
  docsFile,
  entryNames,
  generatedFiles,
  modeline,
  rowsOf,
  schemaFile,
  sectionExamples,
  stackConfigJsonSchema,
  walk,
  type Json,
} from "../../tools/lib/config-reference";
import * as catalogDocs from "../../tools/lib/catalog-field-docs";
import { ciphertext } from "../harness";
import { programProblems, root, schemaErrors, stackFileProblems, validatorFor } from "./stack-check";

const runs = { numRuns: 300 };
const stackFiles = fs.readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const configOf = (file: string) => (parse(read(file)) as { config: Record<string, unknown> }).config;

/** Where a definition of the JSON Schema sits in a stack's config: scenarioOptions' forms are all `scenarioOptions`. */
const rootOf = (definition: string) => definition.replace(/^scenarioOptions\..*/, "scenarioOptions").replace(/^vsphere\./, "vsphere:");

/** A buffer for a tool's output. */
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
};

describe("the generated reference", () => {
  // The JSON Schema and docs/configuration.md are derived files: the generator reads the zod
  // schemas the program parses the configuration with, and writes both. Comparing the committed
  // files with what the generator makes of today's schemas is a check that they were regenerated
  // after the schemas changed, not an approval of some earlier output: nobody edits these files,
  // the schemas are the reference, and a failure is fixed by running the generator, never by
  // accepting a new snapshot. The content itself is held by the tests below (every field
  // described, the shipped stacks and the examples valid, typos refused by both).
  it.each([schemaFile, docsFile])("%s is what `npm run config-docs` makes of the schemas", (file) => {
    expect(read(file), `${file} is stale: run npm run config-docs`).toBe(generatedFiles()[file]);
  });

  it("config-docs prints its usage on --help and writes nothing; --check names a stale file; a run writes both", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-config-docs-"));
    const help = io();
    expect(runConfigDocs(["--help"], help.io, dir)).toBe(0);
    expect(help.out.join("")).toBe(`${usage}\n`);
    expect(fs.readdirSync(dir)).toEqual([]);

    const stale = io();
    expect(runConfigDocs(["--check"], stale.io, dir)).toBe(1);
    expect(stale.err.join("")).toContain(`${schemaFile}, ${docsFile} differ from what the schemas make; run npm run config-docs`);
    expect(fs.readdirSync(dir)).toEqual([]);

    expect(runConfigDocs([], io().io, dir)).toBe(0);
    expect(runConfigDocs(["--check"], io().io, dir)).toBe(0);
    fs.appendFileSync(path.join(dir, docsFile), "edited by hand\n");
    const edited = io();
    expect(runConfigDocs(["--check"], edited.io, dir)).toBe(1);
    expect(edited.err.join("")).toMatch(new RegExp(`^${docsFile} differs`));

    expect(runConfigDocs(["--frobnicate"], io().io, dir)).toBe(2);
  });

  it("describes every field, with a type, and every documented catalog path is a field of the schema", () => {
    const json = stackConfigJsonSchema();
    const paths = new Set<string>();
    const undescribed: string[] = [];
    for (const [name, def] of Object.entries(json.definitions as Record<string, Json>)) {
      walk(def, rootOf(name), (node, at, parent) => {
        paths.add(at);
        // The forms of a one-of are described by the field; a secret's ciphertext by the secret.
        if (parent?.anyOf?.includes(node) || at.endsWith(".secure") || at === "config") return;
        if (!node.description && !node.$ref) undescribed.push(at);
      });
    }
    expect(undescribed.filter((at) => !at.endsWith("[]"))).toEqual([]);
    const documented = [
      ...Object.keys(catalogDocs.customServiceDocs).map((p) => `apps.custom${p}`),
      ...[catalogDocs.customOptionDocs, catalogDocs.canaryOptionDocs, catalogDocs.stickyOptionDocs].flatMap((t) => Object.keys(t).map((p) => `scenarioOptions${p}`)),
      ...Object.keys(catalogDocs.mapEntryNames),
    ];
    expect(documented.filter((p) => !paths.has(p))).toEqual([]);
  });

  it("gives every key of docs/configuration.md a type, a default and an example", () => {
    const json = stackConfigJsonSchema();
    const names = entryNames();
    for (const [name, def] of Object.entries(json.definitions as Record<string, Json>)) {
      // The file's map itself, a secret's form, and scenarioOptions before its scenario is known.
      if (["config", "secure", "scenarioOptions"].includes(name)) continue;
      for (const row of rowsOf(json, def, rootOf(name), names)) {
        expect(row.type, row.key).not.toBe("any");
        expect(row.default, row.key).not.toBe("");
        expect(row.example, row.key).not.toBe("");
      }
    }
  });

  it("states the defaults the program takes", () => {
    expect(defaultHttpNodePort).toBe(ingressGateway.defaultHttpNodePort);
    const kind = programProblems({ "istio-lab:cluster": { source: "kind" } });
    expect(kind).toEqual([]);
    const cluster = (stackConfigJsonSchema().definitions as Json).cluster as Json;
    expect(cluster.properties.workers.default).toBe(clusterDefaults.workers);
    expect(cluster.properties.hostPort.default).toBe(clusterDefaults.hostPort);
    expect(cluster.properties.os.default).toBe(clusterDefaults.os);
  });

  it("shows examples the program takes: every section's, and the custom scenario's routes and policies", () => {
    const { cluster, mesh, apps, verify } = sectionExamples;
    const secrets = { "istio-lab:sshPrivateKey": ciphertext, "vsphere:vsphereServer": "vc.example.com", "vsphere:user": "admin", "vsphere:password": ciphertext };
    const stacks = [
      { "istio-lab:cluster": cluster, ...secrets, "istio-lab:mesh": mesh },
      { "istio-lab:cluster": { source: "kind" }, "istio-lab:apps": apps, "istio-lab:scenario": "custom", "istio-lab:scenarioOptions": customOptionsExample },
      { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:verify": verify },
    ];
    for (const config of stacks) {
      expect(programProblems(config)).toEqual([]);
      expect(schemaErrors(config)).toEqual([]);
    }
  });

  it("writes a CIDR's pattern that takes what parseCidr takes, host bits aside", () => {
    const pattern = new RegExp(cidrPattern, "u");
    const octet = fc.oneof(fc.nat(300).map(String), fc.constantFrom("00", "01", "010", "-1", ""));
    const text = fc.tuple(octet, octet, octet, octet, fc.oneof(fc.nat(40).map(String), fc.constantFrom("08", "00", "032", ""))).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (cidr) => {
        expect(pattern.test(cidr), cidr).toBe(parseCidr(cidr) !== undefined);
      }),
      runs,
    );
  });
});

describe("the shipped stack files", () => {
  it("are there", () => {
    expect(stackFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(stackFiles)("%s names the schema on its first line, for the YAML language server", (file) => {
    expect(read(file).split("\n")[0]).toBe(modeline);
  });

  it.each(stackFiles)("%s passes the schema as a whole file, and the program", (file) => {
    expect(validatorFor(JSON.parse(read(schemaFile)) as Json)(parse(read(file)))).toEqual([]);
    expect(stackFileProblems(path.join(root, file))).toEqual([]);
  });
});

/** An ajv error as the key it is about: `/config/istio-lab:cluster/nodes/1` + `ip` -> `istio-lab:cluster.nodes[1].ip`. */
function keyOf(error: { instancePath: string; params: Record<string, unknown> }): string {
  const parts = error.instancePath.split("/").slice(2).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra = typeof error.params.additionalProperty === "string" ? [error.params.additionalProperty] : [];
  const key = [...parts, ...extra].reduce((k, part) => (k === "" ? part : /^\d+$/.test(part) ? `${k}[${part}]` : `${k}.${part}`), "");
  // A key without a namespace is the project's, as the CLI reads it.
  return key.includes(":") ? key : `istio-lab:${key}`;
}

const custom = {
  "istio-lab:cluster": { source: "kind" },
  "istio-lab:scenario": "custom",
  "istio-lab:apps": sectionExamples.apps,
  "istio-lab:scenarioOptions": customOptionsExample,
};
const vsphereStack = configOf("Pulumi.dev.yaml");
const withSecrets = { ...vsphereStack, "istio-lab:sshPrivateKey": ciphertext, "vsphere:password": ciphertext };
const at = (config: Record<string, unknown>, key: string, patch: (value: any) => unknown) => ({ ...config, [key]: patch(structuredClone(config[key])) });

describe("a typo'd key", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["istio-lab:senario", { ...configOf("Pulumi.local.yaml"), "istio-lab:senario": "canary" }],
    ["istio-lab:senario", { ...configOf("Pulumi.local.yaml"), senario: "canary" }],
    ["istio-lab:cluster.wokers", at(configOf("Pulumi.local.yaml"), "istio-lab:cluster", (c) => ({ ...c, wokers: 1 }))],
    ["istio-lab:cluster.vsphere.templat", at(withSecrets, "istio-lab:cluster", (c) => ({ ...c, vsphere: { ...c.vsphere, templat: "x" } }))],
    ["istio-lab:cluster.nodes[1].rol", at(withSecrets, "istio-lab:cluster", (c) => ({ ...c, nodes: c.nodes.map((n: object, i: number) => (i === 1 ? { ...n, rol: "worker" } : n)) }))],
    ["istio-lab:mesh.ingress.serviceTyp", { ...configOf("Pulumi.local.yaml"), "istio-lab:mesh": { ingress: { serviceTyp: "NodePort" } } }],
    ["istio-lab:apps.custom[1].versions[0].imag", at(custom, "istio-lab:apps", (a) => ({ ...a, custom: a.custom.map((s: any, i: number) => (i === 1 ? { ...s, versions: [{ name: "v1", imag: "x" }] } : s)) }))],
    ["istio-lab:scenarioOptions.routes[0].wieghts", at(custom, "istio-lab:scenarioOptions", (o) => ({ ...o, routes: [{ service: "back", wieghts: { v1: 100 } }] }))],
    ["istio-lab:scenarioOptions.policies.back.conectionPool", at(custom, "istio-lab:scenarioOptions", (o) => ({ ...o, policies: { back: { conectionPool: {} } } }))],
    ["istio-lab:scenarioOptions.weight", { ...configOf("Pulumi.local.yaml"), "istio-lab:scenario": "canary", "istio-lab:scenarioOptions": { weight: { v1: 100 } } }],
    ["vsphere:vsphereserver", { ...withSecrets, "vsphere:vsphereserver": "vc" }],
  ];

  it.each(cases)("%s fails the schema and the program, both naming it", (key, config) => {
    expect(programProblems(config).map((p) => p.key)).toContain(key);
    expect(schemaErrors(config).map(keyOf)).toContain(key);
  });

  it("under the file's root instead of config: fails the schema; the program misses the stack's cluster", () => {
    const { config, ...rest } = { config: configOf("Pulumi.local.yaml") };
    expect(validatorFor(stackConfigJsonSchema())({ ...rest, confg: config })).toContainEqual(expect.objectContaining({ params: { additionalProperty: "confg" } }));
    expect(programProblems({}).map((p) => p.key)).toContain("istio-lab:cluster");
  });
});

describe("the schema is never stricter than the program", () => {
  // An editor must not mark a stack the program takes: whatever the program takes, the schema
  // takes. The other way round is allowed: the program also checks what JSON Schema cannot say
  // (addresses inside the lab network, the analyzer's findings).
  const bases: Record<string, unknown>[] = [...stackFiles.map((f) => (f === "Pulumi.dev.yaml" ? withSecrets : configOf(f))), custom, { ...configOf("Pulumi.local.yaml"), "istio-lab:scenario": "sticky-sessions" }];

  /** Every place in a value: its keys and list entries, as paths. */
  const placesOf = (value: unknown, at: (string | number)[] = []): (string | number)[][] =>
    value !== null && typeof value === "object"
      ? [at, ...Object.entries(value).flatMap(([k, v]) => placesOf(v, [...at, Array.isArray(value) ? Number(k) : k]))]
      : [at];

  const mutate = (config: Record<string, unknown>, place: (string | number)[], change: { kind: "set"; value: unknown } | { kind: "drop" } | { kind: "add"; key: string; value: unknown }) => {
    const copy = structuredClone(config) as Record<string, unknown>;
    if (place.length === 0) return change.kind === "add" ? { ...copy, [change.key]: change.value } : copy;
    const parent = place.slice(0, -1).reduce<any>((v, k) => v[k], copy);
    const last = place[place.length - 1];
    if (change.kind === "set") parent[last] = change.value;
    else if (change.kind === "drop") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (parent[last] !== null && typeof parent[last] === "object" && !Array.isArray(parent[last])) parent[last][change.key] = change.value;
    return copy;
  };

  const json = fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
  const keyName = fc.oneof(fc.constantFrom("source", "weights", "v1", "api", "version", "gate", "secure", "x-user"), fc.string({ maxLength: 8 }));
  const change = fc.oneof(
    json.map((value) => ({ kind: "set" as const, value })),
    fc.constant({ kind: "drop" as const }),
    fc.tuple(keyName, json).map(([key, value]) => ({ kind: "add" as const, key, value })),
  );

  it("takes every mutated stack that the program takes", () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.nat(), change, (b, pick, how) => {
        const places = placesOf(bases[b]);
        const place = places[pick % places.length];
        // A scalar of the config's top level reaches the program as its text whatever its YAML
        // type (`platform: 2024` is the stack "2024"); the schema asks for the text's own form.
        const top = place.length === 1 ? bases[b][place[0]] : undefined;
        fc.pre(!(top !== undefined && (top === null || typeof top !== "object") && how.kind === "set" && typeof how.value !== "string"));
        const config = mutate(bases[b], place, how);
        if (programProblems(config).length > 0) return;
        taken++;
        expect(schemaErrors(config), JSON.stringify(config)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    expect(taken).toBeGreaterThan(20);
  });
});
