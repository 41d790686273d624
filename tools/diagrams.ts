// npm run diagrams: writes docs/scenarios.md, every catalog scenario's traffic as a Mermaid
// flowchart (tools/lib/traffic-diagram.ts): the app's call graph from the ingress gateway or the
// in-mesh client the scenario sends from, with the scenario's rules on its edges, drawn from the
// objects the program deploys for its default options, and what `npm run verify` checks for it (its
// probes). The test suite fails when the file is not what this writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { scenarioNames, type ScenarioName } from "../catalog/scenarios/names";
import { ambientPairs, ambientRun, type ScenarioForm } from "../catalog/scenarios/modes";
import { exampleScenario } from "../catalog/scenarios/examples";
import { probeExpectation } from "../catalog/scenarios/probes";
import { gatewayApiFormSummary } from "../catalog/scenarios/gateway-api";
import { sceneOfScenario, trafficDiagram } from "./lib/traffic-diagram";
import { exitWith, parseToolArgs, processIo, type ToolIo } from "./lib/tool-args";

export const diagramsFile = path.resolve(__dirname, "../docs/scenarios.md");

const usage = "usage: npm run diagrams   (writes docs/scenarios.md: each catalog scenario's traffic and what npm run verify checks)";

export function scenarioDiagrams(): string {
  const sections = scenarioNames.map((name) => {
    const spec = exampleScenario(name);
    const checks = spec.probes.map((probe) => `- ${probeExpectation(probe)}`);
    return [`## ${name}`, "", spec.description, "", "```mermaid", trafficDiagram(sceneOfScenario(spec)), "```", "", "`npm run verify` checks:", "", ...checks].join("\n");
  });
  const header = [
    "# The scenarios' traffic",
    "",
    "Written by `npm run diagrams` from the catalog (`catalog/scenarios/`, `catalog/apps/`), for each scenario's default options (canary: its 80/20 example; custom: the seed's services and first release step).",
    "Each draws the path a request takes through the app: from the ingress gateway, or from the client in the mesh the scenario",
    "sends from (curl, fortio), to the versions each Service runs (a Service of several versions is a box around them), and on",
    "along the calls each version makes (productpage calls details and reviews; reviews v2 and v3 call ratings). On each edge,",
    "the scenario's rule for that call: its match (`otherwise` for the rule after those that match), weight, fault, timeout and",
    "retries; a mirror is dotted. A destination's traffic policy and the policies that select it are on its box, the namespace's",
    "own in a note. What no request of the scenario reaches, and the calls it would make, is grey. A lab stack's hosts sit beneath",
    "its own host; `npm run render -- <stack file> --diagram` draws a stack's own. Under each, what `npm run verify` checks for the scenario.",
  ].join("\n");
  return `${[header, formsTable(), ...sections].join("\n\n")}\n`;
}

/**
 * The forms each scenario is written in (`istio-lab:scenarioOptions.api`), per data plane
 * (`istio-lab:mesh.mode`): in sidecar mode Istio's API always and the Gateway API where
 * catalog/scenarios/gateway-api.ts gives the form, with where it comes from or why there is none;
 * in ambient mode the pairs of catalog/scenarios/modes.ts, with whether the pair needs a waypoint
 * and whether a lab stack may run it (the reasons for the others are in docs/ambient.md).
 */
function formsTable(): string {
  const forLabs = ambientPairs("lab");
  const ambientCell = (name: ScenarioName, form: ScenarioForm) => {
    const run = ambientRun(name, form);
    if (!run) return "no";
    const notes = [run.waypoint ? "waypoint" : undefined, forLabs.some((p) => p.scenario === name && p.form === form) ? undefined : "platform stack only"].filter(Boolean);
    return notes.length > 0 ? `yes (${notes.join(", ")})` : "yes";
  };
  const rows = scenarioNames.map((name) => {
    const { form, why } = gatewayApiFormSummary(name);
    return `| ${name} | yes | ${form ? "yes" : "no"} | ${ambientCell(name, "istio")} | ${ambientCell(name, "gateway-api")} | ${why.replaceAll("|", "\\|")} |`;
  });
  return [
    "## The forms",
    "",
    "Each scenario in each data plane (`istio-lab:mesh.mode`, [ambient.md](ambient.md)) and form (`istio-lab:scenarioOptions.api`); a pair marked no is refused before anything changes, with the reason.",
    "",
    "| scenario | sidecar, Istio API | sidecar, Gateway API | ambient, Istio API | ambient, Gateway API | the Gateway API form's source, or why there is none |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** `npm run diagrams` on its arguments: writes the file, or answers --help; 2 for a usage error, and nothing written. */
export function runDiagrams(argv: readonly string[], io: ToolIo, file = diagramsFile): number {
  const parsed = parseToolArgs(argv, {}, usage, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length > 0) {
    io.err(`${usage}\n`);
    return 2;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, scenarioDiagrams());
  io.out(`wrote ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

if (require.main === module) exitWith(Promise.resolve(runDiagrams(process.argv.slice(2), processIo)));
