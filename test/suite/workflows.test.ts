// The GitHub workflows, checked as GitHub reads them: each parses with GitHub's own parser
// (@actions/workflow-parser), pins every action by commit, runs the README's test command through
// .ci/run, and names only npm scripts that exist; the nightly end-to-end run keeps its triggers,
// rights, bound and reports, and drills every recovery recipe it can (.ci/e2e, .ci/e2e-drills; their
// behaviour is test/ci/e2e.bats's).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readRecipes } from "../../tools/lib/recipes";

const root = path.resolve(__dirname, "../..");
const workflowsDir = path.join(root, ".github/workflows");
const workflowFiles = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Step {
  uses?: string;
  run?: string;
}
const steps = (file: string): Step[] =>
  Object.values((parse(read(`.github/workflows/${file}`)) as { jobs: Record<string, { steps?: Step[] }> }).jobs).flatMap((job) => job.steps ?? []);

// ESM only, so imported at run time under this CommonJS project.
const workflowParser = async () => (await import("@actions/workflow-parser" as string)) as typeof import("@actions/workflow-parser");

/** What GitHub's parser reports of a workflow: template errors, then conversion errors. */
async function githubErrors(file: string, content: string): Promise<string[]> {
  const parser = await workflowParser();
  const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value) return errors;
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** A token tree of GitHub's parser as plain data; an expression as `${{ expr }}`. */
function plain(token: unknown): Plain {
  if (token === null || token === undefined) return null;
  if (typeof token !== "object") return token as string | number | boolean;
  const t = token as { map?: { Key: unknown; Value: unknown }[]; seq?: unknown[]; expr?: string };
  if (t.map) return Object.fromEntries(t.map.map(({ Key, Value }) => [String(plain(Key)), plain(Value)]));
  if (t.seq) return t.seq.map(plain);
  return `\${{ ${t.expr} }}`;
}

/** A workflow as GitHub reads it: its tree, and the template GitHub converts it to (events, each step's `if`). */
async function githubWorkflow(file: string) {
  const parser = await workflowParser();
  const parsed = parser.parseWorkflow({ name: file, content: read(`.github/workflows/${file}`) }, new parser.NoOperationTraceWriter());
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value!);
  return { tree: plain(JSON.parse(JSON.stringify(parsed.value))) as Record<string, Plain>, template };
}

/** The .ci scripts that texts run or source (`bash .ci/x`, `. .ci/x`), and the ones those run or source in turn. */
function ciScriptsOf(texts: string[]): string[] {
  const seen = new Map<string, string>();
  const visit = (text: string) => {
    for (const [, name] of text.matchAll(/(?:^|[\s;&(])(?:bash|\.|source) \.ci\/([\w.-]+)/gm)) {
      if (seen.has(name)) continue;
      seen.set(name, read(`.ci/${name}`));
      visit(seen.get(name)!);
    }
  };
  texts.forEach(visit);
  return [...seen.values()];
}

/** Every `npm run [--silent] NAME` and `npm test` in a text. */
const npmScripts = (text: string) => [...text.matchAll(/\bnpm (?:run(?: --silent| -s)* ([\w:-]+)|(test)\b)/g)].map((m) => m[1] ?? m[2]);

describe.each(workflowFiles)("workflow %s", (file) => {
  it("parses with GitHub's own workflow parser", async () => {
    expect(await githubErrors(file, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it("pins every action by its full commit, with the tag in a comment", () => {
    const lines = read(`.github/workflows/${file}`).split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("names only npm scripts that exist, in its steps and in the .ci scripts they run or source", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const runs = steps(file).flatMap((s) => (s.run ? [s.run] : []));
    for (const name of [...runs, ...ciScriptsOf(runs)].flatMap(npmScripts)) expect(scripts, name).toContain(name);
  });
});

describe("the workflow checks", () => {
  it("catch what they guard: a parse error, an unpinned action, a missing npm script", async () => {
    expect(await githubErrors("bad.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n")).not.toEqual([]);
    expect("      - uses: actions/checkout@v7").not.toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(npmScripts("npm ci && npm run --silent render-all -- x && npm test")).toEqual(["render-all", "test"]);
  });

  it("run the README's test command on every pull request, through .ci/run as CI does", () => {
    const readmeCommand = /The tests[^\n]*:\n\n```sh\n([^\n]+)\n```/.exec(read("README.md"))?.[1];
    expect(readmeCommand).toBe("npm test");
    expect(read(".ci/run").trimEnd().split("\n").at(-1)).toBe(readmeCommand);
    expect(steps("pull-request.yml").map((s) => s.run)).toContain("bash .ci/run");
  });

  it("follow the .ci scripts a script sources", () => {
    expect(ciScriptsOf(['bash .ci/e2e "$RUNNER_TEMP/e2e"'])).toEqual([read(".ci/e2e"), read(".ci/use-node.sh"), read(".ci/e2e-drills")]);
    expect(ciScriptsOf([". .ci/use-node.sh && npm ci"])).toEqual([read(".ci/use-node.sh")]);
  });
});

describe("the nightly end-to-end workflow", () => {
  const file = "end-to-end.yml";
  // The script's own text, and its drills'.
  const script = read(".ci/e2e");
  const drills = read(".ci/e2e-drills");

  it("runs nightly and on demand only, with read rights, within its bound", async () => {
    const { tree, template } = await githubWorkflow(file);
    expect(Object.keys(template.events).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(template.events.schedule).toEqual([{ cron: "23 2 * * *" }]);
    expect(tree.permissions).toEqual({ contents: "read" });
    const jobs = tree.jobs as Record<string, Record<string, Plain>>;
    expect(Object.keys(jobs)).toEqual(["e2e"]);
    expect(jobs.e2e.permissions).toBeUndefined();
    // The run's estimate (about 60 min, the workflow's comment) with room for a runner twice as slow; issue #23 allows at most 150.
    expect(jobs.e2e["timeout-minutes"]).toBe(140);
  });

  it("installs kind and the Pulumi CLI, runs .ci/e2e, and keeps its reports and drill logs whatever happened", async () => {
    const { template } = await githubWorkflow(file);
    const [job] = template.jobs as { steps: { run?: unknown; uses?: unknown; if?: { expr: string } }[] }[];
    expect(job.steps.map((s) => String(s.run ?? s.uses).split("@")[0])).toEqual([
      "actions/checkout",
      expect.stringContaining("npm ci"),
      "bash .ci/install-kind",
      "pulumi/actions",
      'bash .ci/e2e "$RUNNER_TEMP/e2e"',
      "actions/upload-artifact",
    ]);
    expect(job.steps.map((s) => s.if?.expr)).toEqual(["success()", "success()", "success()", "success()", "success()", "always()"]);
    const upload = steps(file).at(-1) as Step & { with: { path: string } };
    expect(upload.with.path.trim().split("\n")).toEqual(["${{ runner.temp }}/e2e/reports", "${{ runner.temp }}/e2e/logs"]);
    // Where .ci/e2e writes them, under the folder the step gives it.
    expect(script).toContain('mkdir -p "$out/reports" "$out/state" "$out/logs"');
  });

  it("takes the README's steps in order, the drills among them", () => {
    const order = [
      "pulumi stack select --create",
      "guarded pulumi up --yes --stack \"$platform\"",
      "verify \"$platform-bookinfo\"",
      "pulumi preview --expect-no-changes",
      "istio-lab:scenario mirroring",
      "scenarioOptions.api' gateway-api",
      "verify \"$platform-route-jason-v2-gateway-api\"",
      "istio-lab:platform",
      "verify \"$lab-route-jason-v2\"",
      "\ndrill_cluster_deleted\n",
      "\ndrill_lab_on_rebuilt_platform\n",
      "\ndrill_second_platform\n",
      "guarded pulumi destroy --yes --stack \"$lab\"",
      "namespace_gone \"$kubeconfig\" \"kind-$cluster\" \"$lab\"",
      "guarded pulumi destroy --yes --stack \"$platform\"",
      "assert_no_cluster \"$cluster\"",
      "\ndrill_second_platform_untouched\n",
      "\ndrill_docker_stopped\n",
      "\ndrill_kind_destroy_cluster_gone\n",
      "\ndrill_existing_cluster\n",
      'for name in "${run_clusters[@]}"; do assert_no_cluster "$name"; done',
    ];
    let from = script.indexOf("\nnpm ci");
    expect(from).toBeGreaterThan(0);
    for (const text of order) {
      const at = script.indexOf(text, from);
      expect(at, `${text} after the one before`).toBeGreaterThan(from);
      from = at;
    }
    // Every drill .ci/e2e-drills defines is called, once.
    const defined = [...drills.matchAll(/^(drill_\w+)\(\) \{/gm)].map((m) => m[1]);
    expect(defined).toHaveLength(7);
    for (const drill of defined) expect(script.split(`\n${drill}\n`), drill).toHaveLength(2);
  });

  it("runs every recipe of docs/recovery.md that a kind runner can, each read from the page", () => {
    // The recipes a nightly kind run cannot reach, and why.
    const notDrilled: Record<string, string> = {
      "host-gone": "needs a stack of source hosts: machines reached over SSH, which the runner does not have",
      "identifier-upgrade": "needs a stack deployed by istio-lab before 2026-12-02, whose state the current code cannot make",
      "destroy-interrupted": "needs a destroy stopped halfway at a moment no drill can choose",
    };
    const ran = [...`${script}\n${drills}`.matchAll(/^\s*recipe(?:_head \d+)? ([a-z0-9-]+) /gm)].map((m) => m[1]);
    expect(new Set(ran).size).toBe(ran.length);
    const recipes = [...readRecipes(read("docs/recovery.md")).keys()];
    expect([...ran, ...Object.keys(notDrilled)].sort()).toEqual([...recipes].sort());
    // Read from the page, never a copy: every recipe goes through `npm run recipe`.
    expect(`${script}\n${drills}`.match(/npm run --silent recipe -- "\$id"/g)).toHaveLength(2);
    expect(`${script}\n${drills}`).not.toMatch(/pulumi (up|destroy|state delete)[^\n]*--stack "\$STACK"/);
  });
});
