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
  if (values.out) writeManifests(rendered.resources, values.out);
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

/** Marks a folder `--out` wrote, so that a later render may replace what it holds. */
const outMarker = ".istio-lab-render";

/** Why `--out` may not write into a folder (it holds files an earlier render did not write), or undefined. */
function outFolderProblem(dir: string): string | undefined {
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (entries.length > 0 && !entries.includes(outMarker)) return `--out ${dir}: the folder holds files render did not write; give a new or empty folder`;
  return undefined;
}

/**
 * One YAML file per Kubernetes object (named after its logical name) and per Helm release (its
 * chart, version, repository and values), in a folder holding nothing else: the files of an
 * earlier render are removed first.
 */
function writeManifests(resources: RenderedResource[], dir: string): void {
  if (fs.existsSync(dir)) for (const entry of fs.readdirSync(dir)) if (entry.endsWith(".yaml")) fs.rmSync(path.join(dir, entry));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, outMarker), "");
  const write = (name: string, doc: unknown) => fs.writeFileSync(path.join(dir, `${name.replaceAll("/", "_")}.yaml`), stringify(doc));
  for (const r of resources) {
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const { name, namespace, chart, version, repositoryOpts, values } = r.inputs as Record<string, unknown>;
      write(r.name, { release: name, namespace, chart, version, repository: (repositoryOpts as { repo?: string } | undefined)?.repo, values });
    } else if (r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string") {
      write(r.name, r.inputs);
    }
  }
}

