// npm run diagrams: writes docs/scenarios.md, every catalog scenario's traffic as a Mermaid
// flowchart (tools/lib/traffic-diagram.ts), drawn from the objects the program deploys for the
// scenario's default options, and what `npm run verify` checks for it (its probes). The test suite fails when the file is not what this writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { scenarioNames } from "../catalog/scenarios/names";
import { exampleScenario } from "../catalog/scenarios/examples";
import { probeExpectation } from "../catalog/scenarios/probes";
import { trafficDiagram } from "./lib/traffic-diagram";

export const diagramsFile = path.resolve(__dirname, "../docs/scenarios.md");

export function scenarioDiagrams(): string {
  const sections = scenarioNames.map((name) => {
    const spec = exampleScenario(name);
    const checks = spec.probes.map((probe) => `- ${probeExpectation(probe)}`);
    return [`## ${name}`, "", spec.description, "", "```mermaid", trafficDiagram(spec.resources), "```", "", "`npm run verify` checks:", "", ...checks].join("\n");
  });
  const header = [
    "# The scenarios' traffic",
    "",
    "Written by `npm run diagrams` from the catalog (`catalog/scenarios/`), for each scenario's default options (canary: its 80/20 example; custom: the seed's services and first release step):",
    "where requests enter (the ingress gateway, or the clients of a Service), the subsets that receive them",
    "with their matches and weights, faults, timeouts, retries and mirrors (dotted), and each destination's",
    "traffic policy. A lab stack's hosts sit beneath its own host; `npm run render -- <stack file> --diagram`",
    "draws a stack's own. Under each, what `npm run verify` checks for the scenario.",
  ].join("\n");
  return `${[header, ...sections].join("\n\n")}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(diagramsFile), { recursive: true });
  fs.writeFileSync(diagramsFile, scenarioDiagrams());
  console.log(`wrote ${path.relative(process.cwd(), diagramsFile)}`);
}
