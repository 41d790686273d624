// Runs before `npm test` on any Node: stops at once, saying which Node to use, where the
// project's tools would otherwise crash (vitest 5 and @pulumi/pulumi 3.249+ need Node 22).
import { readFileSync } from "node:fs";

const required = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node;
const minimum = Number(/\d+/.exec(required)[0]);
const major = Number(process.versions.node.split(".")[0]);
if (major < minimum) {
  const recommended = readFileSync(new URL("../.nvmrc", import.meta.url), "utf8").trim();
  console.error(`istio-lab needs Node ${required} (Node ${recommended} recommended, as .nvmrc says); this is Node ${process.versions.node}.`);
  console.error(`Switch with \`nvm use\`, or put Node ${recommended} on PATH as .ci/run does.`);
  process.exit(1);
}
