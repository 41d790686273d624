// Reads a stack the way the Pulumi CLI hands it to the program: the stack file's values on top of
// Pulumi.yaml's defaults, checked by the CLI's own config rules (cli-config.ts), every value a
// string and the secret keys listed.
import { standInKubeconfigFile } from "./stand-ins";
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, parse, parseDocument } from "yaml";
import { requiredSecrets, type RawConfig } from "../../components/config";
import { applyProjectConfig, parseStackValue, qualify, readProject, type ParsedStackValue, type Project } from "./cli-config";
import { parseStackReference } from "../../components/config/sibling-labs";

export interface StackConfig extends RawConfig {
  project: string;
  stack: string;
  /** The folder of the stack file, where the project's other stack files are. */
  stackDir?: string;
}

/** A stack file that cannot be read: missing, misnamed, or not YAML. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/**
 * Stands in for a `secure:` value, whose ciphertext only the stack's owner can decrypt; a kubeconfig
 * stands in as one, since the program reads which cluster it reaches (components/cluster/pin.ts).
 */
export const secretPlaceholder = (key: string) => (key === "istio-lab:kubeconfig" ? standInKubeconfigFile : `placeholder for the secret ${key}`);

/** Where this program's Pulumi.yaml lives: the project a stack file from any folder belongs to. */
export const projectRoot = path.resolve(__dirname, "../..");

export function readStackFile(stackFile: string): StackConfig {
  const match = /^Pulumi\.([^.]+)\.ya?ml$/.exec(path.basename(stackFile));
  if (!match) throw new StackFileError(`${stackFile}: a stack file is named Pulumi.<stack>.yaml`);
  let text: string;
  try {
    text = fs.readFileSync(stackFile, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackFileError(`${stackFile}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a stack file" : String(code)}`);
  }
  const doc = parseDocument(text);
  const [first] = doc.errors;
  if (first) {
    const at = first.linePos?.[0];
    throw new StackFileError(`${stackFile}${at ? `:${at.line}:${at.col}` : ""}: not valid YAML: ${first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const config = doc.get("config", true);
  if (config !== undefined && config !== null && !isMap(config)) throw new StackFileError(`${stackFile}: \`config\` must be a mapping of keys to values`);
  const top = (doc.toJS() ?? {}) as Record<string, unknown>;
  // The CLI reads a stack's values under `config:` only; keys written beside it are not config.
  const stray = Object.keys(top).filter((k) => k.includes(":"));
  if (stray.length > 0) throw new StackFileError(`${stackFile}: ${stray.join(", ")} must sit under \`config:\`; the Pulumi CLI reads no other key as config`);
  const values = (top.config as Record<string, unknown> | undefined) ?? {};
  // Scalars keep the text they were written with (`1.10` stays "1.10"), as the CLI reads them.
  const sources: Record<string, string> = {};
  for (const pair of isMap(config) ? config.items : []) {
    if (isScalar(pair.key) && isScalar(pair.value) && typeof pair.value.source === "string") sources[String(pair.key.value)] = pair.value.source;
  }
  return { ...stackConfig(match[1], values, projectDirFor(stackFile), sources), stackDir: path.dirname(path.resolve(stackFile)) };
}

/** The stack file's own folder when it holds a Pulumi.yaml, else this program's project. */
function projectDirFor(stackFile: string): string {
  const dir = path.dirname(stackFile);
  return ["Pulumi.yaml", "Pulumi.yml"].some((f) => fs.existsSync(path.join(dir, f))) ? dir : projectRoot;
}

export function readProjectFile(projectDir = projectRoot): Project {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new StackFileError(`no Pulumi.yaml in ${projectDir}`);
  return readProject(parse(fs.readFileSync(file, "utf8")), path.basename(file));
}

/**
 * A stack's config as written in its stack file (keys with or without the project's namespace,
 * `{ secure: ... }` for ciphertext), on top of the Pulumi.yaml found in projectDir; throws the
 * CLI's refusal (CliRefusal) where the real CLI would stop before running the program.
 */
export function stackConfig(stack: string, config: Record<string, unknown>, projectDir = projectRoot, scalarSources: Record<string, string> = {}): StackConfig {
  const project = readProjectFile(projectDir);
  const parsed = new Map<string, ParsedStackValue>();
  for (const [key, value] of Object.entries(config)) {
    const full = qualify(project.name, key);
    parsed.set(full, parseStackValue(value, secretPlaceholder(full), scalarSources[key]));
  }
  const merged = applyProjectConfig(project, stack, parsed);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of merged) {
    values[key] = value.text;
    if (value.secure) secretKeys.add(key);
  }
  return { project: project.name, stack, values, secretKeys };
}

/**
 * A stack file as a render reads it. A shipped stack file carries no ciphertext (its owner adds
 * it with `pulumi config set --secret`), so each secret its cluster source needs and it lacks is
 * a placeholder secret, and listed.
 */
export function readStackFileForRender(stackFile: string): { config: StackConfig; placeholders: string[] } {
  const config = readStackFile(stackFile);
  const placeholders = (requiredSecrets[clusterSource(config.values)] ?? []).filter((key) => config.values[key] === undefined);
  const values = { ...config.values, ...Object.fromEntries(placeholders.map((key) => [key, secretPlaceholder(key)])) };
  return { config: { ...config, values, secretKeys: new Set([...config.secretKeys, ...placeholders]) }, placeholders };
}

/** The cluster source a stack names, when it names one. */
function clusterSource(values: Readonly<Record<string, string>>): keyof typeof requiredSecrets {
  try {
    return (JSON.parse(values["istio-lab:cluster"] ?? "{}") as { source?: keyof typeof requiredSecrets }).source ?? "kubeconfig";
  } catch {
    return "kubeconfig";
  }
}

/**
 * The stack file a lab's render reads its platform from: `Pulumi.<stack>.yaml` beside the lab's,
 * for a platform of this project only, its name read as the CLI's backends read a StackReference
 * (components/config/sibling-labs.ts parseStackReference: `<org>/<stack>` is an organization and a
 * stack of the current project, never a project and a stack). Throws, naming istio-lab:platform,
 * for an organization a file backend refuses, a platform of another project, whose stack files are
 * not this folder's, or a missing file.
 */
export function platformStackFile(labFile: string, config: Pick<StackConfig, "project" | "values">): string {
  const name = config.values[`${config.project}:platform`];
  const reference = parseStackReference(name, config.project);
  // A render stands for a file or bucket backend, whose only organization is the literal one
  // (pulumi/pulumi pkg/backend/diy/store.go ParseReference: "organization name must be 'organization'").
  if (reference.org !== undefined && reference.org !== "organization") {
    throw new StackFileError(
      `istio-lab:platform: ${name}: organization name must be 'organization' (the Pulumi CLI's refusal on a file or bucket backend, which a render stands for); write \`${reference.stack}\` or \`organization/${reference.project}/${reference.stack}\`, or on Pulumi Cloud run \`pulumi preview\` there`,
    );
  }
  if (reference.project !== config.project) {
    throw new StackFileError(
      `istio-lab:platform: ${name} is a stack of project ${reference.project}, not of ${config.project}, whose stack files are not the ones beside ${path.basename(labFile)}; a render reads a platform of this project only (a Pulumi.<stack>.yaml of this folder)`,
    );
  }
  const file = path.join(path.dirname(labFile), `Pulumi.${reference.stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new StackFileError(`istio-lab:platform: a lab renders on its platform's stack file, and there is no ${path.basename(file)} beside ${path.basename(labFile)}`);
  }
  return file;
}

/**
 * A platform's own mistake, found while a lab's render renders the platform: said as the platform's
 * stack file and its keys, never as a key of the lab's (which the lab never set).
 */
export function platformProblem(file: string, error: unknown): StackFileError | undefined {
  const issues = (error as { issues?: readonly { key: string; message: string }[] }).issues;
  const name = (error as Error | undefined)?.name;
  if (Array.isArray(issues)) {
    return new StackFileError(
      [`istio-lab:platform: its stack file ${path.basename(file)} has ${issues.length} problem${issues.length === 1 ? "" : "s"}; fix ${issues.length === 1 ? "it" : "them"} there:`, ...issues.map((i) => `  - ${path.basename(file)}: ${i.key}: ${i.message}`)].join("\n"),
    );
  }
  if (name === "StackFileError" || name === "CliRefusal") return new StackFileError(`istio-lab:platform: its stack file ${path.basename(file)}: ${(error as Error).message}`);
  return undefined;
}
