// The GitHub workflows, checked as GitHub reads them: each parses with GitHub's own parser
// (@actions/workflow-parser), pins every action by commit, runs the README's test command through
// .ci/run, and names only npm scripts that exist.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

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

/** What GitHub's parser reports of a workflow: template errors, then conversion errors. */
async function githubErrors(file: string, content: string): Promise<string[]> {
  // ESM only, so imported at run time under this CommonJS project.
  const parser = (await import("@actions/workflow-parser" as string)) as typeof import("@actions/workflow-parser");
  const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value) return errors;
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
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

  it("names only npm scripts that exist, in its steps and in the .ci scripts they run", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const runs = steps(file).flatMap((s) => (s.run ? [s.run] : []));
    const ciScripts = runs.flatMap((run) => [...run.matchAll(/\.ci\/([\w.-]+)/g)].map((m) => read(`.ci/${m[1]}`)));
    for (const name of [...runs, ...ciScripts].flatMap(npmScripts)) expect(scripts, name).toContain(name);
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

  it("run the end-to-end lab nightly and on demand, and keep its verify reports", () => {
    const e2e = parse(read(".github/workflows/end-to-end.yml")) as { on: Record<string, unknown> };
    expect(Object.keys(e2e.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(steps("end-to-end.yml").map((s) => s.run ?? s.uses?.split("@")[0])).toEqual([
      "actions/checkout",
      expect.stringContaining("npm ci"),
      "bash .ci/install-kind",
      "pulumi/actions",
      'bash .ci/e2e "$RUNNER_TEMP/e2e"',
      "actions/upload-artifact",
    ]);
    // The steps .ci/e2e takes, in order, each a command of the README's.
    const script = read(".ci/e2e");
    const order = ["pulumi stack select --create", "pulumi up --yes", "verify \"$platform-bookinfo\"", "pulumi preview --expect-no-changes", "istio-lab:scenario mirroring", "scenarioOptions.api' gateway-api", "verify \"$platform-route-jason-v2-gateway-api\"", "istio-lab:platform", "pulumi destroy --yes --stack \"$lab\"", "pulumi destroy --yes --stack \"$platform\"", "kind get clusters"];
    let from = script.indexOf("npm ci");
    for (const text of order) {
      const at = script.indexOf(text, from);
      expect(at, `${text} after the one before`).toBeGreaterThan(from);
      from = at;
    }
  });
});
