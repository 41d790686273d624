// npm run diagrams: writes docs/scenarios.md, every catalog scenario's traffic as a Mermaid
// flowchart (tools/lib/traffic-diagram.ts), drawn from the objects the program deploys for the
// scenario's default options. The test suite fails when the file is not what this writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { scenarioNames } from "../catalog/scenarios/names";
import { exampleScenario } from "../catalog/scenarios/examples";
import { trafficDiagram } from "./lib/traffic-diagram";

export const diagramsFile = path.resolve(__dirname, "../docs/scenarios.md");

export function scenarioDiagrams(): string {
  const sections = scenarioNames.map((name) => {
    const spec = exampleScenario(name);
    return [`## ${name}`, "", spec.description, "", "```mermaid", trafficDiagram(spec.resources), "```"].join("\n");
  });
  const header = [
    "# The scenarios' traffic",
    "",
    "Written by `npm run diagrams` from the catalog (`catalog/scenarios/`), for each scenario's default options (canary: its 80/20 example; custom: the seed's services and first release step):",
    "where requests enter (the ingress gateway, or the clients of a Service), the subsets that receive them",
    "with their matches and weights, faults, timeouts, retries and mirrors (dotted), and each destination's",
    "traffic policy. A lab stack's hosts sit beneath its own host; `npm run render -- <stack file> --diagram`",
    "draws a stack's own.",
  ].join("\n");
  return `${[header, ...sections].join("\n\n")}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(diagramsFile), { recursive: true });
  fs.writeFileSync(diagramsFile, scenarioDiagrams());
  console.log(`wrote ${path.relative(process.cwd(), diagramsFile)}`);
}
