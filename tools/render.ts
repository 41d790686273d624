// npm run render -- <stack-file> [--json] [--out DIR]
// Evaluates the program for a stack file under Pulumi's mock engine and prints what it would register.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError } from "../components/config";
import { renderStackFile, type Rendered, type RenderedResource } from "./lib/mock-engine";

const usage = "usage: npm run render -- <Pulumi.<stack>.yaml> [--json] [--out DIR]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(usage);
    return 2;
  }
  let rendered: Rendered;
  try {
    rendered = await renderStackFile(positionals[0]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  if (values.out) writeManifests(rendered.resources, values.out);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ stack: rendered.stack, resources: rendered.resources.map(contractFields) }, null, 2)}\n`);
  } else {
    process.stdout.write(tree(rendered));
  }
  return 0;
}

const contractFields = ({ type, name, parent, dependsOn, inputs }: RenderedResource) => ({ type, name, parent, dependsOn, inputs });

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

/** One YAML file per Kubernetes object, named after its logical name. */
function writeManifests(resources: RenderedResource[], dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:") || typeof r.inputs.kind !== "string") continue;
    fs.writeFileSync(path.join(dir, `${r.name.replaceAll("/", "_")}.yaml`), stringify(r.inputs));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
