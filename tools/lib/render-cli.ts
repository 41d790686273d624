// `npm run render -- <stack-file> [--json | --diagram] [--out DIR] [--run-id ID] [--preview]`:
// evaluates the program for a stack file under Pulumi's mock engine and writes what it would
// register. tools/render.ts runs it as a process; tests run it in theirs (test/render/cli.test.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { CustomService } from "../../catalog/apps/custom";
import type { ScenarioName } from "../../catalog/scenarios/names";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import type { Rendered, RenderedResource } from "./mock-engine";
import type { StackConfig } from "./stack-file";
import { parseToolArgs, type ToolIo } from "./tool-args";

const usage = "usage: npm run render -- <Pulumi.<stack>.yaml> [--json | --diagram] [--out DIR] [--run-id ID] [--preview]";

/**
 * `npm run render` on its arguments: writes its document to `io.out`, notes and errors to `io.err`,
 * and returns the exit code (0, 1 for a bad stack or folder, 2 for a usage error).
 */
export async function runRender(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseToolArgs(argv, renderOptions, usage, io);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || (values.json && values.diagram)) {
    io.err(`${usage}\n`);
    return 2;
  }
  // A folder --out may not replace is refused before anything renders.
  const outProblem = values.out ? outFolderProblem(values.out) : undefined;
  if (outProblem) {
    io.err(`${outProblem}\n`);
    return 1;
  }
  // The program and Pulumi's SDK load only now, so a usage error answers at once.
  const [{ ConfigError }, { CliRefusal }, { offlineRunId, platformReferences, renderConfig, renderProgram }, { readStackFileForRender, StackFileError }] = await Promise.all([
    import("./defer-closure-deps").then(() => import("../../components/config")),
    import("./cli-config"),
    import("./mock-engine"),
    import("./stack-file"),
  ]);
  let rendered: Rendered;
  let config: StackConfig;
  try {
    const read = readStackFileForRender(positionals[0]);
    config = read.config;
    const { placeholders } = read;
    if (placeholders.length > 0) io.err(`note: ${path.basename(positionals[0])} sets no ${placeholders.join(", ")}; rendered with placeholder secrets\n`);
    const runId = values["run-id"] ?? offlineRunId;
    const stackReferences = await platformReferences(positionals[0], config, runId);
    rendered = await renderConfig(config, renderProgram(runId), undefined, { preview: values.preview, stackReferences });
    // What only a provider could know, assumed instead of refused: said, so that nobody reads it as read.
    for (const assumption of rendered.assumptions ?? []) io.err(`note: ${path.basename(positionals[0])}: ${assumption}\n`);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StackFileError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    if (error instanceof CliRefusal) {
      // As the Pulumi CLI prints it, before the program would run.
      io.err(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const refused = values.out ? writeManifests(rendered.resources, values.out, io) : undefined;
  if (refused) {
    io.err(`${refused}\n`);
    return 1;
  }
  if (values.json) {
    io.out(`${JSON.stringify({ stack: rendered.stack, resources: rendered.resources.map(contractFields) }, null, 2)}\n`);
  } else if (values.diagram) {
    const [{ sceneOfRender, trafficDiagram }, { resolveScenario }] = await Promise.all([import("./traffic-diagram"), import("../../catalog/scenarios")]);
    io.out(`${trafficDiagram(sceneOfRender(rendered.resources, stackScenario(config.values, resolveScenario)))}\n`);
  } else {
    io.out(tree(rendered));
  }
  return 0;
}

const renderOptions = {
  json: { type: "boolean" },
  /** The stack's scenario traffic as a Mermaid flowchart (tools/lib/traffic-diagram.ts). */
  diagram: { type: "boolean" },
  out: { type: "string" },
  "run-id": { type: "string" },
  preview: { type: "boolean" },
} as const;

/**
 * The stack's scenario as its config names it, which the render has just accepted: whom its
 * clients call (its probes) and its apps, for the diagram; the objects come from the render.
 */
function stackScenario(values: Readonly<Record<string, string>>, resolve: (name: ScenarioName, options: unknown, custom: readonly CustomService[]) => ScenarioSpec): ScenarioSpec | undefined {
  // Pulumi.yaml declares the optional objects with `default: {}`: an empty one is not set (as components/config reads it).
  const json = (key: string): unknown => {
    const parsed: unknown = values[key] === undefined ? undefined : JSON.parse(values[key]);
    return parsed && typeof parsed === "object" && Object.keys(parsed).length === 0 ? undefined : parsed;
  };
  try {
    const custom = (json("istio-lab:apps") as { custom?: CustomService[] } | undefined)?.custom ?? [];
    return resolve((values["istio-lab:scenario"] ?? "bookinfo") as ScenarioName, json("istio-lab:scenarioOptions"), custom);
  } catch {
    // The render took it; should this reading of it differ, the diagram only lacks the probes' clients.
    return undefined;
  }
}

const contractFields = ({ type, name, parent, dependsOn, inputs, options, provider }: RenderedResource) => ({ type, name, parent, dependsOn, inputs, options, provider });

/** The resources as `pulumi preview` nests them, with their explicit dependencies. */
export function tree({ stack, resources, outputs }: Rendered): string {
  // Names repeat across types (a VM and the Node component on it), so resources are told apart by both.
  const id = (type: string | null, name: string | null) => (name === null ? null : `${type}::${name}`);
  const children = new Map<string | null, RenderedResource[]>();
  for (const r of resources) children.set(id(r.parentType, r.parent), [...(children.get(id(r.parentType, r.parent)) ?? []), r]);
  const lines = [`stack ${stack}: ${resources.length} resources`];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      const after = r.dependsOn.length > 0 ? `  (after ${r.dependsOn.join(", ")})` : "";
      lines.push(`${indent}${branch}${r.type}  ${r.name}${after}`);
      walk(id(r.type, r.name), parent === null ? "" : indent + (last ? "   " : "│  "));
    });
  };
  walk(null, "");
  const outputLines = Object.entries(outputs).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return `${[...lines, ...(outputLines.length ? ["Outputs:", ...outputLines] : [])].join("\n")}\n`;
}

/**
 * The manifest of a folder `--out` wrote: the files it wrote, one a line. A later render into the
 * folder deletes those and no other file, so whatever else the folder holds (your own files) stays.
 */
const outMarker = ".istio-lab-render";
const manifestHeader = "# Written by npm run render --out: the files it wrote here. The next render into this folder deletes these, and only these.";

/** The files a folder's manifest lists (plain names of the folder, nothing above or below it); undefined without one. */
function listedFiles(dir: string): string[] | undefined {
  const file = path.join(dir, outMarker);
  if (!fs.existsSync(file)) return undefined;
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#") && line === path.basename(line) && line !== ".." && line !== outMarker);
}

/** Why `--out` may not write into a folder (not a folder, or one holding files without a render's manifest), or undefined. */
function outFolderProblem(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  if (!fs.statSync(dir).isDirectory()) return `--out ${dir}: not a folder`;
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !entries.includes(outMarker)) return `--out ${dir}: the folder holds files render did not write; give a new or empty folder`;
  return undefined;
}

/** A Kubernetes object's or Helm release's file: `<Kind>_<namespace>_<name>.yaml` (its logical name), and its document. */
function manifestFiles(resources: RenderedResource[]): Map<string, string> {
  const files = new Map<string, string>();
  const add = (name: string, doc: unknown) => files.set(`${name.replaceAll("/", "_")}.yaml`, stringify(doc));
  for (const r of resources) {
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const { name, namespace, chart, version, repositoryOpts, values } = r.inputs as Record<string, unknown>;
      add(r.name, { release: name, namespace, chart, version, repository: (repositoryOpts as { repo?: string } | undefined)?.repo, values });
    } else if (r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string") {
      add(r.name, r.inputs);
    }
  }
  return files;
}

/**
 * One YAML file per Kubernetes object and per Helm release (its chart, version, repository and
 * values), replacing the files an earlier render listed in the folder's manifest and no other: a
 * file of the same name the manifest does not list is refused before anything is written, and the
 * folder's other files are kept (and named in a note). Returns the refusal, or undefined.
 */
function writeManifests(resources: RenderedResource[], dir: string, io: ToolIo): string | undefined {
  const files = manifestFiles(resources);
  const listed = new Set(listedFiles(dir) ?? []);
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f !== outMarker) : [];
  const theirs = present.filter((f) => !listed.has(f));
  const clashes = theirs.filter((f) => files.has(f));
  if (clashes.length > 0) {
    const legacy = listed.size === 0 && fs.existsSync(path.join(dir, outMarker)) ? " (its manifest lists no files, as an earlier version of render wrote it: empty the folder)" : "";
    return `--out ${dir}: ${clashes.slice(0, 3).join(", ")}${clashes.length > 3 ? ` and ${clashes.length - 3} more` : ""} would be replaced, and render did not write ${clashes.length === 1 ? "it" : "them"}${legacy}; move ${clashes.length === 1 ? "it" : "them"} or give another folder`;
  }
  fs.mkdirSync(dir, { recursive: true });
  const manifest = (names: Iterable<string>) => fs.writeFileSync(path.join(dir, outMarker), `${[manifestHeader, ...[...names].sort()].join("\n")}\n`);
  // Listed before written: a render stopped halfway leaves no file the next one would refuse.
  manifest(new Set([...listed, ...files.keys()]));
  for (const file of listed) if (!files.has(file) && fs.existsSync(path.join(dir, file))) fs.rmSync(path.join(dir, file));
  for (const [file, text] of files) fs.writeFileSync(path.join(dir, file), text);
  manifest(files.keys());
  if (theirs.length > 0) io.err(`note: --out ${dir} keeps ${theirs.length} file${theirs.length === 1 ? "" : "s"} render did not write: ${theirs.slice(0, 5).join(", ")}${theirs.length > 5 ? ", ..." : ""}\n`);
  return undefined;
}
