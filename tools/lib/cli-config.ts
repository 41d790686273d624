// The Pulumi CLI's own checks of a stack's config against the `config:` block of Pulumi.yaml, run
// before the program starts. The mock engine applies none of them, so the render harness applies
// them here, with the CLI's messages. Read from pulumi/pulumi at v3.259.0:
// - pkg/workspace/config.go `mergeConfig`: a key declared without `default` or `value` must be set
//   by every stack ("Stack '%v' is missing configuration %v %v"); defaults fill the rest; then
//   `validateStackConfigValues` decrypts every secure value and checks each *explicitly typed*
//   declaration, sorted by key, stopping at the first failure (secret first, then type).
// - sdk/go/common/workspace/project.go `ValidateConfigValue` (the type rules),
//   `RewriteShorthandConfigValues` (a bare value declares a default) and `(*Project).Validate`.
// - sdk/go/common/workspace/loaders.go `stackConfigNamespacedWithProject`: a stack key without a
//   namespace belongs to the project.
// - sdk/go/common/resource/config/crypt.go `symmetricCrypter.DecryptValue`: ciphertext is
//   `v1:<nonce>:<sealed>`; anything else is "bad value".
// - pkg/cmd/pulumi/operations/up.go: the CLI prints these as "validating stack config: ...".
// Keys in the project's namespace that Pulumi.yaml does not declare are no error to the CLI; the
// program itself refuses unknown `istio-lab:` keys.

export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ItemsType {
  type: ConfigType;
  items?: ItemsType;
}

/** One key of Pulumi.yaml's `config:` block, after the CLI's shorthand rewrite. */
export interface Declaration {
  type?: ConfigType;
  items?: ItemsType;
  secret?: boolean;
  default?: unknown;
  value?: unknown;
  description?: string;
}

export interface Project {
  name: string;
  /** Keys as written in Pulumi.yaml: the CLI names them so in its messages. */
  config: Record<string, Declaration>;
  requiredPulumiVersion?: string;
}

/** One stack value as the CLI holds it: the text the program gets, and how it was written. */
export interface StackValue {
  /** The value the program receives: a scalar's text, an object's JSON. */
  text: string;
  /** Written as (or containing) `secure:` ciphertext. */
  secure: boolean;
  /** Written as a YAML mapping or sequence. */
  object: boolean;
}

/** A stack value as read from its stack file, before the CLI's checks. */
export interface ParsedStackValue extends StackValue {
  /** The value as decoded: a scalar's text, or the mapping or sequence. */
  decoded: unknown;
  /** Every `secure:` ciphertext in it. */
  ciphertexts: string[];
}

/** What a render reads for a `secure:` field inside an object: a URL (a chart repository may be one), on a reserved domain (RFC 2606). */
export const nestedSecretPlaceholder = "https://placeholder-for-a-secret.invalid/";

/**
 * A stack file's value as the CLI reads it: `{ secure: ... }` (also nested, as `pulumi config set
 * --path --secret` writes) is ciphertext, which only the stack's owner can decrypt, so it reads
 * as `placeholder`; a scalar keeps its text as written (`scalarSource`).
 */
export function parseStackValue(raw: unknown, placeholder: string, scalarSource?: string): ParsedStackValue {
  const ciphertexts: string[] = [];
  const isSecure = (v: unknown): v is { secure: unknown } => isMap(v) && Object.keys(v).length === 1 && "secure" in v;
  const walk = (v: unknown, nested = false): unknown => {
    if (isSecure(v)) {
      ciphertexts.push(String(v.secure));
      // A secret inside an object stands for one field, which may be a URL (a chart repository): a
      // placeholder of that shape passes the field's check, and the whole key is a secret anyway.
      return nested ? nestedSecretPlaceholder : placeholder;
    }
    if (Array.isArray(v)) return v.map((inner) => walk(inner, true));
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner, true)]));
    return v;
  };
  const decoded = walk(raw);
  const object = !isSecure(raw) && (isMap(raw) || Array.isArray(raw));
  const text = object ? JSON.stringify(decoded) : typeof decoded === "string" ? decoded : (scalarSource ?? String(decoded));
  return { text, secure: ciphertexts.length > 0, object, decoded: object ? decoded : text, ciphertexts };
}

/** What the Pulumi CLI would refuse, in its words; the program never starts. */
export class CliRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliRefusal";
  }
}

const configTypes: readonly ConfigType[] = ["string", "integer", "boolean", "array", "object"];
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `scenario` and `istio-lab:scenario` are the same key; `vsphere:password` is not the project's. */
export function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

const namespaceOf = (key: string) => key.split(":")[0];

/**
 * Pulumi.yaml's `config:` block as the CLI loads it, with its load-time errors: a bare value is a
 * project key's default (another namespace's value); a project key may not set both `default` and
 * `value`, an array needs `items`, a default must have the declared type; another namespace's key
 * takes only `value`.
 */
export function readProject(doc: unknown, file = "Pulumi.yaml"): Project {
  if (!isMap(doc) || typeof doc.name !== "string") throw new CliRefusal(`could not unmarshal '${file}': project is missing a 'name' attribute`);
  const name = doc.name;
  const config: Record<string, Declaration> = {};
  const refuse = (message: string) => new CliRefusal(`could not unmarshal '${file}': ${message}`);
  for (const [key, raw] of Object.entries(isMap(doc.config) ? doc.config : {})) {
    const ours = namespaceOf(qualify(name, key)) === name;
    const declaration: Declaration = isMap(raw) ? (raw as Declaration) : ours ? { default: raw } : { value: raw };
    if (declaration.type !== undefined && !configTypes.includes(declaration.type)) {
      throw refuse(`config key '${key}' has an unknown type '${String(declaration.type)}'`);
    }
    if (!ours) {
      if (declaration.type !== undefined) throw refuse(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
      if (declaration.default !== undefined) {
        throw refuse(
          `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
        );
      }
      if (declaration.value === undefined) throw refuse(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
    if (declaration.default !== undefined && declaration.value !== undefined) {
      throw refuse(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    if (declaration.type === "array" && declaration.items === undefined) {
      throw refuse(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
    }
    if (declaration.type !== undefined && declaration.default !== undefined && !matchesType(declaration.type, declaration.items, declaration.default)) {
      throw refuse(`The default value specified for configuration key '${key}' is not of the expected type '${typeName(declaration.type, declaration.items)}'`);
    }
    config[key] = declaration;
  }
  const requiredPulumiVersion = typeof doc.requiredPulumiVersion === "string" ? doc.requiredPulumiVersion : undefined;
  return { name, config, requiredPulumiVersion };
}

/** `ValidateConfigValue`: scalars arrive as text, mappings and sequences as decoded JSON. */
export function matchesType(type: ConfigType, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      // A whole number, or text Go's strconv.Atoi takes.
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return value === "true" || value === "false" || typeof value === "boolean";
    case "object":
      return isMap(value);
    case "array":
      return Array.isArray(value) && items !== undefined && value.every((item) => matchesType(items.type, items.items, item));
  }
}

/** `InferFullTypeName`: `array<array<string>>` for nested arrays. */
export function typeName(type: ConfigType, items?: ItemsType): string {
  return type === "array" && items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** `formatMissingKeys`: 'a'; 'a' and 'b'; 'a', 'b' and 'c' (sorted, no Oxford comma). */
export function formatMissingKeys(keys: readonly string[]): string {
  const quoted = [...keys].sort().map((k) => `'${k}'`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** `symmetricCrypter.DecryptValue`'s first checks; the passphrase itself is the owner's. */
export function ciphertextProblem(ciphertext: unknown): string | undefined {
  if (typeof ciphertext !== "string") return "bad value";
  const parts = ciphertext.split(":");
  if (parts.length !== 3) return "bad value";
  if (parts[0] !== "v1") return "unknown value version";
  if (!parts.slice(1).every((part) => /^[A-Za-z0-9+/]*={0,2}$/.test(part))) return "bad value: illegal base64 data";
  return undefined;
}

/**
 * `mergeConfig` with validation: the stack's values (keys fully qualified) merged with the
 * project's defaults, or the CLI's refusal. Values given in the stack always win over defaults.
 */
export function applyProjectConfig(
  project: Project,
  stack: string,
  stackValues: ReadonlyMap<string, ParsedStackValue>,
): Map<string, StackValue> {
  const merged = new Map<string, ParsedStackValue>(stackValues);
  const missing: string[] = [];
  for (const key of Object.keys(project.config).sort()) {
    const declaration = project.config[key];
    const full = qualify(project.name, key);
    if (merged.has(full)) continue;
    const fallback = declaration.value ?? declaration.default;
    if (fallback === undefined) {
      if (namespaceOf(full) === project.name) missing.push(key);
      continue;
    }
    merged.set(full, parseStackValue(fallback, ""));
  }
  const fail = (message: string) => new CliRefusal(`validating stack config: ${message}`);
  if (missing.length > 0) throw fail(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatMissingKeys(missing)}`);

  // The whole map is decrypted before any key is checked, so bad ciphertext anywhere comes first.
  for (const value of merged.values()) {
    const problem = value.ciphertexts.map(ciphertextProblem).find(Boolean);
    if (problem) throw fail(problem);
  }
  for (const key of Object.keys(project.config).sort()) {
    const declaration = project.config[key];
    if (declaration.type === undefined) continue;
    const value = merged.get(qualify(project.name, key));
    if (!value) continue;
    if (declaration.secret && !value.secure) throw fail(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
    if (!matchesType(declaration.type, declaration.items, value.decoded)) {
      throw fail(`Stack '${stack}' with configuration key '${key}' must be of type '${typeName(declaration.type, declaration.items)}'`);
    }
  }
  return new Map([...merged].map(([key, { text, secure, object }]) => [key, { text, secure, object }]));
}
