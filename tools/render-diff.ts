// npm run render-diff -- <base-dir> <head-dir>
// What each stack would create, update, replace and delete between two folders of offline renders
// (`npm run render -- Pulumi.<stack>.yaml --json > <dir>/<stack>.json`), by the replace rules the
// harness knows (tools/lib/plan.ts), as Markdown for a pull request's summary. Needs no credentials.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Rendered, RenderedResource } from "./lib/mock-engine";
import { planUpdate } from "./lib/plan";
import { exitWith, parseToolArgs, processIo, type ToolIo } from "./lib/tool-args";
import { gatewayApiObjectsOf, isIstioObject, istioObjectsOf, sceneOfRender, trafficDiagram } from "./lib/traffic-diagram";

const usage = "usage: npm run render-diff -- <base-dir> <head-dir>   (each holding <stack>.json from npm run render -- --json)";

/** A render's JSON contract, as the engine's plan reads it. */
function readRender(file: string): Rendered {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { stack: string; resources: (Omit<RenderedResource, "parentType"> & { parentType?: string | null })[] };
  return { stack: doc.stack, resources: doc.resources.map((r) => ({ parentType: null, ...r })), outputs: {}, secretOutputs: [], invokes: [] };
}

const empty = (stack: string): Rendered => ({ stack, resources: [], outputs: {}, secretOutputs: [], invokes: [] });

export function renderDiff(baseDir: string, headDir: string): string {
  const stacks = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : []);
  const all = [...new Set([...stacks(baseDir), ...stacks(headDir)])].sort();
  const lines = ["| stack | create | update | replace | delete |", "| --- | ---: | ---: | ---: | ---: |"];
  const details: string[] = [];
  for (const stack of all) {
    const at = (dir: string) => (fs.existsSync(path.join(dir, `${stack}.json`)) ? readRender(path.join(dir, `${stack}.json`)) : empty(stack));
    const plan = planUpdate(at(baseDir), at(headDir));
    lines.push(`| ${stack} | ${plan.create.length} | ${plan.update.length} | ${plan.replace.length} | ${plan.delete.length} |`);
    const name = (r: RenderedResource) => `\`${r.type}\` ${r.name}`;
    const changed = [
      ...plan.replace.map((r) => `- replace ${name(r.resource)} (${r.because.join(", ")}${r.deleteBeforeReplace ? "; deleted first" : ""})`),
      ...plan.delete.map((r) => `- delete ${name(r)}`),
      ...plan.create.map((r) => `- create ${name(r)}`),
      ...plan.update.map((u) => `- update ${name(u.resource)}: ${u.paths.join(", ")}`),
    ];
    if (changed.length > 0) details.push("", `### ${stack}`, ...changed);
    // A changed scenario is easier seen than read: its traffic as the head deploys it.
    const touched = [...plan.create, ...plan.delete, ...[...plan.update, ...plan.replace].map((c) => c.resource)];
    const head = at(headDir).resources;
    const [istio, gatewayApi] = [istioObjectsOf(head), gatewayApiObjectsOf(head)];
    if (touched.some(isIstioObject) && istio.length + gatewayApi.length > 0) details.push("", `Traffic of ${stack} after this change:`, "", "```mermaid", trafficDiagram(sceneOfRender(head)), "```");
  }
  return `${["## Offline render diff", "", ...lines, ...details].join("\n")}\n`;
}

/** `npm run render-diff` on its arguments: the Markdown on `io.out`; 0, or 2 for a usage error. */
export function runRenderDiff(argv: readonly string[], io: ToolIo): number {
  const parsed = parseToolArgs(argv, {}, usage, io);
  if (typeof parsed === "number") return parsed;
  const [base, head, ...rest] = parsed.positionals;
  if (!base || !head || rest.length > 0) {
    io.err(`${usage}\n`);
    return 2;
  }
  io.out(renderDiff(base, head));
  return 0;
}

if (require.main === module) exitWith(Promise.resolve(runRenderDiff(process.argv.slice(2), processIo)));
