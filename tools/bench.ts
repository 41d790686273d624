// npm run bench: how fast stacks render under the mock engine, and what switching scenarios costs.
import * as k8s from "@pulumi/kubernetes";
import { scenarioNames } from "../catalog/scenarios/names";
import { ConfigError } from "../components/config";
import { renderConfig, type Rendered } from "./lib/mock-engine";
import { readStackFileForRender, stackConfig } from "./lib/stack-file";
import { planUpdate, scenarioSwitches } from "./lib/plan";

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
    const { config } = readStackFileForRender(file);
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

  await printConfigChanges();

  console.log("\nscenario switches (from -> to: create/update/replace/delete; outside workloads and scenario layers)");
  const rendered = new Map<string, Rendered>();
  for (const scenario of scenarioNames) {
    const config = { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": scenario };
    const options = scenarioOptions[scenario];
    rendered.set(scenario, await renderConfig(stackConfig("bench", options ? { ...config, "istio-lab:scenarioOptions": options } : config)));
  }
  const rows = scenarioSwitches(rendered);
  for (const { from, to, plan, outside } of rows) {
    console.log(
      `${from} -> ${to}: ${plan.create.length}/${plan.update.length}/${plan.replace.length}/${plan.delete.length}; outside ${outside.length}${outside.length ? ` (${outside.map((r) => r.name).join(", ")})` : ""}`,
    );
  }
  const worstOutside = Math.max(0, ...rows.map((row) => row.outside.length));
  const pairs = rows.length;
  console.log(`${pairs} switches; the most resources any switch changes outside the workloads and scenario layers: ${worstOutside} (must be 0)`);
  return failed || worstOutside > 0 ? 1 : 0;
}

/** Config changes a user makes to a running lab, and what `pulumi up` would do for each. */
const configChanges: { stack: string; key: string; value: unknown }[] = [
  { stack: "Pulumi.dev.yaml", key: "istio-lab:cluster.vsphere.cpus", value: 4 },
  { stack: "Pulumi.dev.yaml", key: "istio-lab:cluster.network.domain", value: "lab.example.org" },
  { stack: "Pulumi.dev.yaml", key: "istio-lab:cluster.nodes[2].ip", value: "192.168.56.14" },
  { stack: "Pulumi.dev.yaml", key: "istio-lab:scenario", value: "mirroring" },
  { stack: "Pulumi.local.yaml", key: "istio-lab:mesh.istioVersion", value: "1.30.4" },
];

async function printConfigChanges(): Promise<void> {
  console.log("\nconfig changes (what `pulumi up` would update and replace; DBR: deleted before its replacement)");
  for (const { stack, key, value } of configChanges) {
    const { config } = readStackFileForRender(stack);
    const before = await renderConfig(config);
    const [name, ...path] = key.split(/\.|\[|\]\.?/).filter(Boolean);
    const edited = { ...config, values: { ...config.values, [name]: setIn(config.values[name], path, value) } };
    const plan = planUpdate(before, await renderConfig(edited));
    const replaced = plan.replace.map((r) => `${r.resource.name}${r.deleteBeforeReplace ? " (DBR)" : ""}`);
    console.log(`${stack} ${key} = ${JSON.stringify(value)}: ${plan.create.length} create, ${plan.update.length} update, ${plan.replace.length} replace, ${plan.delete.length} delete`);
    if (plan.update.length > 0) console.log(`  update: ${plan.update.map((u) => u.resource.name).join(", ")}`);
    if (replaced.length > 0) console.log(`  replace: ${replaced.join(", ")}`);
  }
}

/** The config value (a string, JSON for objects) with one path set. */
function setIn(text: string | undefined, path: string[], value: unknown): string {
  if (path.length === 0) return typeof value === "string" ? value : JSON.stringify(value);
  const root = JSON.parse(text ?? "{}") as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
  return JSON.stringify(root);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
