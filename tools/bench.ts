// npm run bench: how fast stacks render under the mock engine, and what switching scenarios costs.
import * as k8s from "@pulumi/kubernetes";
import { scenarioNames } from "../stacks/names";
import { ConfigError } from "../components/config";
import { renderConfig, type Rendered } from "./lib/mock-engine";
import { readStackFile, stackConfig } from "./lib/stack-file";
import { changesOutsideScenario, switchPlan } from "./lib/switch-diff";

const exampleStacks = ["Pulumi.local.yaml", "Pulumi.dev.yaml"];
const runs = 7;

/**
 * The same harness rendering trivial programs: one resource (the fixed cost every render pays),
 * and as many bare Namespaces as the stack has resources (what registration alone costs, since the
 * mock engine spends about 2 ms per resource whatever the program does).
 */
const namespaces = (count: number) => () => {
  for (let i = 0; i < count; i++) new k8s.core.v1.Namespace(`ns-${i}`, { metadata: { name: `ns-${i}` } });
  return {};
};

async function medianSeconds(render: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await render();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Options for scenarios that require them; the others take none. */
const scenarioOptions: Record<string, unknown> = { canary: { weights: { v1: 80, v2: 20 } } };

async function main(): Promise<number> {
  let failed = false;
  console.log(`render time, median of ${runs} runs (target: under 2 s, and within 3x of registering as many bare resources)`);
  console.log("stack".padEnd(22), "resources".padStart(9), "median".padStart(9), "1 resource".padStart(11), "ratio".padStart(8), "N bare".padStart(9), "ratio".padStart(7));
  for (const file of exampleStacks) {
    const config = readStackFile(file);
    let resources = 0;
    try {
      resources = (await renderConfig(config)).resources.length;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.log(file.padEnd(22), "config error:", error.issues.map((i) => i.key).join(", "));
      continue;
    }
    const full = await medianSeconds(() => renderConfig(config));
    const one = await medianSeconds(() => renderConfig(config, namespaces(1)));
    const bare = await medianSeconds(() => renderConfig(config, namespaces(resources)));
    const ok = full < 2 && full / bare <= 3;
    failed ||= !ok;
    const seconds = (s: number, width: number) => `${s.toFixed(3)}s`.padStart(width);
    const ratio = (r: number, width: number) => `${r.toFixed(1)}x`.padStart(width);
    console.log(file.padEnd(22), String(resources).padStart(9), seconds(full, 9), seconds(one, 11), ratio(full / one, 8), seconds(bare, 9), ratio(full / bare, 7), ok ? "" : "  over target");
  }

  console.log("\nscenario switches (from -> to: create/update/delete; outside workloads and scenario layers)");
  const rendered = new Map<string, Rendered>();
  for (const scenario of scenarioNames) {
    const config = { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": scenario };
    const options = scenarioOptions[scenario];
    rendered.set(scenario, await renderConfig(stackConfig("bench", options ? { ...config, "istio-lab:scenarioOptions": options } : config)));
  }
  let worstOutside = 0;
  let pairs = 0;
  for (const from of scenarioNames) {
    for (const to of scenarioNames) {
      if (from === to) continue;
      const a = rendered.get(from)!;
      const b = rendered.get(to)!;
      const plan = switchPlan(a, b);
      const outside = changesOutsideScenario(a, b);
      worstOutside = Math.max(worstOutside, outside.length);
      pairs++;
      console.log(`${from} -> ${to}: ${plan.create.length}/${plan.update.length}/${plan.delete.length}; outside ${outside.length}${outside.length ? ` (${outside.map((r) => r.name).join(", ")})` : ""}`);
    }
  }
  console.log(`${pairs} switches; the most resources any switch changes outside the workloads and scenario layers: ${worstOutside} (must be 0)`);
  return failed || worstOutside > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
