import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { globalRegistry, type z } from "zod";

/** One problem in a stack's configuration, addressed by its full key path. */
export interface ConfigIssue {
  /** `istio-lab:cluster.nodes[1].ip`, `vsphere:password`, ... */
  key: string;
  message: string;
}

/**
 * Every configuration problem at once. A RunError makes Pulumi print the message without a stack
 * trace, and it is thrown before the program registers any resource.
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      [
        `istio-lab: ${issues.length} configuration problem${issues.length === 1 ? "" : "s"}; nothing was created:`,
        ...issues.map((issue) => `  - ${issue.key}: ${issue.message}`),
      ].join("\n"),
    );
    this.name = "ConfigError";
    // A ConfigError thrown where the SDK serializes a resource's inputs (a check that needs a lookup,
    // such as the vSphere template's disk) comes back with the property's name prepended: rpc.js
    // serializeFilteredProperties sets `err.message = \`error serializing property "disks": ...\``
    // and rethrows the same object. The message is the user's, naming the key: it stays as it is.
    const message = this.message;
    Object.defineProperty(this, "message", { get: () => message, set: () => {}, enumerable: false, configurable: true });
  }
}

export type Path = readonly PropertyKey[];

/** `istio-lab:cluster` + `["nodes", 1, "ip"]` -> `istio-lab:cluster.nodes[1].ip`. */
export function keyPath(configKey: string, path: Path = []): string {
  return path.reduce<string>(
    (key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`),
    configKey,
  );
}

/**
 * The known key within Levenshtein distance 2 of a mistyped one, as the Pulumi CLI suggests; the
 * distance must also stay under half the key's length, so that "v4" is not taken for "v1".
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(unknown.length / 2));
  for (const candidate of [...known].sort()) {
    const distance = levenshtein(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  return suggestion
    ? `unknown key "${key}"; did you mean "${suggestion}"?`
    : `unknown key "${key}"; known keys are ${known.map((k) => `"${k}"`).join(", ")}`;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A value as a stack file writes it, in YAML's flow form on one line, cut at `max` characters. */
export function flowYaml(value: unknown, max = 60): string {
  const text = stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trim();
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** What the user wrote, in a message: `the text "4096"`, `24.5`, `a list`, `nothing (null)`. */
export function describeValue(input: unknown): string {
  if (input === null) return "nothing (an empty value)";
  if (typeof input === "string") return input === "" ? "empty text" : `the text ${JSON.stringify(input.length > 40 ? `${input.slice(0, 37)}...` : input)}`;
  if (typeof input === "number" || typeof input === "boolean") return String(input);
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "an object";
  return "a value of another kind";
}

/** What a value of a kind reads as: `a whole number`, `true or false`, ... */
const kindNames: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object of `key: value` fields",
  record: "an object of `<name>: <value>` entries",
  array: "a list",
};

/** The schema an issue was raised by, when zod says (a type's issues, not a check's). */
type Inst = { _zod?: { def?: { type?: string; shape?: Record<string, Inst>; options?: Inst[]; values?: unknown[]; entries?: Record<string, unknown>; innerType?: Inst; format?: string }; optin?: string } };

/**
 * ` such as <example>` from the schema's own metadata (`.meta({ examples })`), when it has a short
 * one and the kind does not already say the value (true or false, one of ...).
 */
function suchAs(inst: Inst | undefined): string {
  if (["boolean", "enum", "literal"].includes(inst?._zod?.def?.type ?? "")) return "";
  const examples = (inst ? globalRegistry.get(inst as unknown as z.ZodType)?.examples : undefined) as unknown[] | undefined;
  const example = examples && examples.length > 0 ? flowYaml(examples[0]) : "";
  return example && example.length <= 40 ? ` such as ${example}` : "";
}

/** The kind a schema expects, in words: a number, true or false, an object, one of "a", "b". */
function kindOf(inst: Inst | undefined): string {
  const def = inst?._zod?.def;
  switch (def?.type) {
    case "optional":
    case "default":
    case "nullable":
      return kindOf(def.innerType);
    case "number":
      return def.format === "safeint" ? kindNames.int : kindNames.number;
    case "literal":
      return (def.values ?? []).map((v) => flowYaml(v)).join(" or ");
    case "enum":
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(", ")}`;
    case "object":
      return `{ ${Object.entries(def.shape ?? {})
        .map(([key, field]) => {
          const value = field._zod?.def;
          return value?.type === "literal" ? `${key}: ${(value.values ?? []).map((v) => flowYaml(v)).join(" | ")}` : field._zod?.optin === "optional" ? `${key}?` : key;
        })
        .join(", ")} }`;
    default:
      return kindNames[def?.type ?? ""] ?? "a value of another kind";
  }
}

/**
 * How to turn what was written into what is wanted, when the fix is quotes and the value would then
 * pass: `"4096"` for 4096, `1.36` for "1.36" (a version YAML read as a number).
 */
function conversionHint(inst: Inst | undefined, input: unknown): string {
  const passes = (value: unknown) => inst !== undefined && (inst as unknown as z.ZodType).safeParse(value).success;
  if (typeof input === "string") {
    const text = input.trim();
    const number = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
    if (number !== undefined && passes(number)) return `; write ${text} without quotes`;
    if (/^(true|false)$/i.test(text) && passes(text.toLowerCase() === "true")) return `; write ${text.toLowerCase()} without quotes`;
  }
  if ((typeof input === "number" || typeof input === "boolean") && passes(String(input))) return `; write it in quotes, "${String(input)}", to keep it as text`;
  return "";
}

/** The keys every form of a union takes, for a did-you-mean on a key none of them knows. */
function unionKeys(options: readonly Inst[]): string[] {
  return [...new Set(options.flatMap((o) => Object.keys(o._zod?.def?.shape ?? {})))];
}

const entries = (n: number | bigint) => `entr${Number(n) === 1 ? "y" : "ies"}`;

/**
 * Plain-language messages for every kind of zod issue: what is wrong, with what was written, and
 * what to write instead. The key is the ConfigIssue's own (fromZod); no message speaks zod's
 * words ("Invalid input", "expected record, received string"). Schemas that know better (an
 * IPv4 address, a NodePort) carry their own message, which zod prefers over this map.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  const inst = issue.inst as Inst | undefined;
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type": {
      const want = issue.expected === "number" || issue.expected === "int" ? kindOf(inst) : (kindNames[issue.expected] ?? kindOf(inst));
      if (input === undefined) return `is required: ${want}${suchAs(inst)}`;
      if (input === null) return `is empty: write ${want}${suchAs(inst)}, or remove the key`;
      return `must be ${want}${suchAs(inst)}, not ${describeValue(input)}${conversionHint(inst, input)}`;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => (typeof v === "string" ? JSON.stringify(v) : flowYaml(v)));
      const choices = values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
      if (input === undefined) return `is required: ${choices}`;
      if (input === null) return `is empty: write ${choices}, or remove the key`;
      const nearest = typeof input === "string" ? closestKey(input, issue.values.map(String)) : undefined;
      return `must be ${choices}, not ${describeValue(input)}${nearest ? `; did you mean "${nearest}"?` : ""}`;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "array") return `needs at least ${min} ${entries(min)}${Array.isArray(input) ? `, not ${input.length}` : ""}`;
      if (issue.origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters long`;
      return `must be ${issue.inclusive === false ? "more than" : "at least"} ${min}${typeof input === "number" ? `, not ${input}` : ""}`;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "array") return `takes at most ${max} ${entries(max)}${Array.isArray(input) ? `, not ${input.length}` : ""}`;
      if (issue.origin === "string") return `must be at most ${max} characters long`;
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${max}${typeof input === "number" ? `, not ${input}` : ""}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}${typeof input === "number" ? `, not ${input}` : ""}`;
    case "invalid_format": {
      const forms: Record<string, string> = {
        url: "a URL such as https://example.com/path",
        ipv4: "an IPv4 address such as 192.168.56.11",
        cidrv4: "an IPv4 CIDR such as 10.2.0.0/16",
      };
      const form = forms[issue.format] ?? `text of the form ${issue.format === "regex" && "pattern" in issue ? String(issue.pattern) : issue.format}`;
      return `must be ${form}, not ${describeValue(input)}`;
    }
    case "unrecognized_keys": {
      const shape = inst?._zod?.def?.shape ?? {};
      // One line per key; fromZod splits them into one issue each, addressed by the key itself.
      return issue.keys.map((key) => unknownKeyMessage(key, Object.keys(shape))).join("\n");
    }
    case "invalid_union": {
      const options = inst?._zod?.def?.options ?? [];
      const forms = options.map(kindOf).join(", ");
      const unknown = input !== null && typeof input === "object" && !Array.isArray(input) ? Object.keys(input).filter((k) => !unionKeys(options).includes(k)) : [];
      const hint = unknown.map((k) => `; ${unknownKeyMessage(k, unionKeys(options))}`).join("");
      return `must take one of these forms: ${forms}${input !== null && typeof input === "object" ? "" : `, not ${describeValue(input)}`}${hint}`;
    }
    case "invalid_key":
      return `is not a name this map takes: ${issue.issues.map((i) => i.message).join("; ")}`;
    case "invalid_element":
      return `holds an entry that does not fit: ${issue.issues.map((i) => i.message).join("; ")}`;
    default:
      // A refinement without a message of its own (every one here has one).
      return `does not fit here; write ${kindOf(inst)}${suchAs(inst)}`;
  }
};

/**
 * The form of a union the user aimed at: the one option whose problems lie inside it, not at its
 * root (a wrong type, a key that form does not take). `{ header: 7 }` aimed at `{ header }`.
 */
function aimedOption(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const inside = issue.errors.filter((problems) => problems.length > 0 && problems.every((p) => p.path.length > 0 || !["unrecognized_keys", "invalid_type", "invalid_value"].includes(p.code)));
  return inside.length === 1 ? inside[0] : undefined;
}

/** Turns zod issues under one config key into ConfigIssues. */
export function fromZod(configKey: string, error: { issues: readonly z.core.$ZodIssue[] }, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const messages = issue.message.split("\n");
      if (messages.length === issue.keys.length) {
        return issue.keys.map((key, i) => ({ key: keyPath(configKey, [...path, key]), message: messages[i] }));
      }
    }
    if (issue.code === "invalid_union") {
      const aimed = aimedOption(issue);
      if (aimed) return fromZod(configKey, { issues: aimed }, path);
    }
    return [{ key: keyPath(configKey, path), message: issue.message }];
  });
}
