// The GitHub workflows, checked as GitHub reads them: each parses with GitHub's own parser
// (@actions/workflow-parser), pins every action by commit, runs the README's test command through
// .ci/run, and names only npm scripts that exist. Each workflow's contract is held whole: its
// triggers, its and each job's permissions, each job's condition, runner and bound, and every
// step with its condition, so a change to any of them fails here until the table says it. Then the
// invariants: the pull request's preview reads no secret and reports whatever happened, dev's
// preview runs only where the repository set it up, one Pulumi CLI release and Node 24 everywhere,
// the program started through tsx; the nightly end-to-end run keeps its reports and drills every
// recovery recipe it can, and verifies an L4 and an L7 scenario in ambient mode (.ci/e2e,
// .ci/e2e-drills, .ci/e2e-ambient, .ci/preview: their behaviour is test/ci's bats).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveScenario } from "../../catalog/scenarios";
import { ambientForms, modeRefusal } from "../../catalog/scenarios/modes";
import type { ScenarioName } from "../../catalog/scenarios/names";
import { readRecipes } from "../../tools/lib/recipes";

const root = path.resolve(__dirname, "../..");
const workflowsDir = path.join(root, ".github/workflows");
const workflowFiles = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
}
const jobsOf = (file: string) => (parse(read(`.github/workflows/${file}`)) as { jobs: Record<string, Job> }).jobs;
const steps = (file: string): Step[] => Object.values(jobsOf(file)).flatMap((job) => job.steps ?? []);
/** An action's name without its pin: "actions/checkout". */
const action = (step: Step) => step.uses?.split("@")[0];

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

/**
 * A workflow's contract as GitHub reads it: its triggers and permissions, and per job its
 * condition (GitHub's, `success()` added where none is written), runner, permissions, bound and
 * steps, each step as "what | if CONDITION" (what: its name, else its action, else its command's
 * first line), with "| continue-on-error" where a failure does not fail the job.
 */
async function contract(file: string) {
  const { tree, template } = await githubWorkflow(file);
  const jobs = tree.jobs as Record<string, Record<string, Plain>>;
  type TemplateJob = { id: string; if: { expr: string }; steps: { if: { expr: string } }[] };
  return {
    on: tree.on,
    permissions: tree.permissions,
    concurrency: tree.concurrency,
    jobs: Object.fromEntries(
      (template.jobs as unknown as TemplateJob[]).map((job) => [
        job.id,
        {
          if: job.if.expr,
          "runs-on": jobs[job.id]["runs-on"],
          permissions: jobs[job.id].permissions ?? "the workflow's",
          "timeout-minutes": jobs[job.id]["timeout-minutes"],
          // The steps as written, each with the condition GitHub gives it.
          steps: (jobs[job.id].steps as Record<string, Plain>[]).map((step, i) => {
            const what = step.name ?? String(step.uses ?? "").split("@")[0] ?? "";
            return `${what || String(step.run).split("\n")[0]} | if ${job.steps[i].if.expr}${step["continue-on-error"] === true ? " | continue-on-error" : ""}`;
          }),
        },
      ]),
    ),
  };
}

/** Every `secrets.NAME` a text names. */
const secretsIn = (text: string) => [...new Set([...text.matchAll(/\bsecrets\.(\w+)/g)].map((m) => m[1]))].sort();

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
    expect(Object.keys(jobs)).toEqual(["e2e", "e2e-ambient"]);
    expect(jobs.e2e.permissions).toBeUndefined();
    expect(jobs["e2e-ambient"].permissions).toBeUndefined();
    // The run's estimate (about 60 min, the workflow's comment) with room for a runner twice as slow; issue #23 allows at most 150.
    expect(jobs.e2e["timeout-minutes"]).toBe(140);
    // The ambient run's (about 20 min) likewise.
    expect(jobs["e2e-ambient"]["timeout-minutes"]).toBe(45);
  });

  it("installs Node 24, kind and the Pulumi CLI, runs .ci/e2e, and keeps its reports and drill logs whatever happened", async () => {
    expect(await contract(file)).toEqual({
      on: { workflow_dispatch: null, schedule: [{ cron: "23 2 * * *" }] },
      permissions: { contents: "read" },
      jobs: {
        e2e: {
          if: "success()",
          "runs-on": "ubuntu-24.04",
          permissions: "the workflow's",
          "timeout-minutes": 140,
          steps: [
            "actions/checkout | if success()",
            "actions/setup-node | if success()",
            "The project's packages | if success()",
            "kind | if success()",
            "The Pulumi CLI | if success()",
            "The lab, end to end, and the fault drills | if success()",
            "Verify reports and drill logs | if always()",
          ],
        },
        "e2e-ambient": {
          if: "success()",
          "runs-on": "ubuntu-24.04",
          permissions: "the workflow's",
          "timeout-minutes": 45,
          steps: [
            "actions/checkout | if success()",
            "actions/setup-node | if success()",
            "The project's packages | if success()",
            "kind | if success()",
            "The Pulumi CLI | if success()",
            "An ambient platform, its L4 and L7 scenarios verified | if success()",
            "Verify reports | if always()",
          ],
        },
      },
    });
    const job = jobsOf(file).e2e.steps!;
    expect(job.map((s) => s.run ?? action(s))).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci --no-audit --no-fund --loglevel=error",
      "bash .ci/install-kind",
      "pulumi/actions",
      'bash .ci/e2e "$RUNNER_TEMP/e2e"',
      "actions/upload-artifact",
    ]);
    // The action without `command` only installs the CLI (pulumi/actions v7.0.0 src/main.ts).
    expect(job[4].with).toEqual({ "pulumi-version-file": ".ci/pulumi-version" });
    const upload = jobsOf(file).e2e.steps!.at(-1) as Step & { with: { path: string } };
    expect(upload.with.path.trim().split("\n")).toEqual(["${{ runner.temp }}/e2e/reports", "${{ runner.temp }}/e2e/logs"]);
    // Where .ci/e2e writes them, under the folder the step gives it.
    expect(script).toContain('mkdir -p "$out/reports" "$out/state" "$out/logs"');
  });

  it("runs .ci/e2e-ambient on a runner of its own, set up as the other job, and keeps its reports whatever happened", () => {
    const job = jobsOf(file)["e2e-ambient"].steps!;
    const other = jobsOf(file).e2e.steps!;
    expect(job.map((s) => s.run ?? action(s))).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci --no-audit --no-fund --loglevel=error",
      "bash .ci/install-kind",
      "pulumi/actions",
      'bash .ci/e2e-ambient "$RUNNER_TEMP/e2e-ambient"',
      "actions/upload-artifact",
    ]);
    // The same pins and inputs as the other job's setup.
    for (const i of [0, 1, 4]) expect([job[i].uses, job[i].with]).toEqual([other[i].uses, other[i].with]);
    const upload = job.at(-1) as Step & { with: { name: string; path: string } };
    expect(upload.with.name).toBe("e2e-ambient-reports");
    expect(upload.with.path.trim().split("\n")).toEqual(["${{ runner.temp }}/e2e-ambient/reports", "${{ runner.temp }}/e2e-ambient/logs"]);
    const ambient = read(".ci/e2e-ambient");
    expect(ambient).toContain('mkdir -p "$out/reports" "$out/state" "$out/logs"');
    expect(ambient).toContain('export PULUMI_BACKEND_URL="file://$out/state"');
  });

  it("deploys in ambient one L4 and one L7 scenario that the catalog runs in ambient, each verified", () => {
    const ambient = read(".ci/e2e-ambient");
    const l4 = /^l4=([a-z0-9-]+)$/m.exec(ambient)?.[1] as ScenarioName;
    const l7 = /^l7=([a-z0-9-]+)$/m.exec(ambient)?.[1] as ScenarioName;
    for (const scenario of [l4, l7]) expect(modeRefusal("ambient", scenario), scenario).toBeUndefined();
    // The L7 one is a waypoint's, the L4 one ztunnel's alone, in the form the stack file deploys (Istio's API).
    const runs = ambientForms().filter((f) => f.form === "istio");
    expect(runs.find((f) => f.scenario === l7)?.run.waypoint).toBe(true);
    expect(runs.find((f) => f.scenario === l4)?.run.waypoint).toBeUndefined();
    // L4: connections only; L7: HTTP answers.
    expect(new Set(resolveScenario(l4, undefined).probes.map((p) => p.kind))).toEqual(new Set(["connect"]));
    expect(resolveScenario(l7, undefined).probes.every((p) => p.kind === "ingress" || p.kind === "call" || p.kind === "productpage")).toBe(true);
    expect(ambient).toContain('doc.setIn(["config", "istio-lab:mesh", "mode"], "ambient");');
    const order = ['guarded pulumi up --yes --stack "$stack"', 'verify "$l4"', 'istio-lab:scenario "$l7"', 'guarded pulumi up --yes --stack "$stack"', 'verify "$l7"', 'guarded pulumi destroy --yes --stack "$stack"', 'pulumi stack rm --yes "$stack"'];
    let from = ambient.indexOf("\nnpm ci");
    expect(from).toBeGreaterThan(0);
    for (const text of order) {
      const at = ambient.indexOf(text, from + 1);
      expect(at, `${text} after the one before`).toBeGreaterThan(from);
      from = at;
    }
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
      "vm-deleted": "needs a stack of source vsphere: a vCenter, which the runner does not have",
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

describe("the pull request's workflow", () => {
  const file = "pull-request.yml";
  const preview = read(".ci/preview");

  it("runs on every pull request, each job with its rights, condition, bound and steps", async () => {
    expect(await contract(file)).toEqual({
      // No branch or path filter: every pull request, a fork's too, gets every job but preview-dev.
      on: { pull_request: null },
      permissions: { contents: "read" },
      // A push supersedes the runs of the one before, which would edit the same comments.
      concurrency: { group: "${{ format('pull-request-{0}', github.event.pull_request.number) }}", "cancel-in-progress": true },
      jobs: {
        test: {
          if: "success()",
          "runs-on": "ubuntu-24.04",
          permissions: "the workflow's",
          "timeout-minutes": 20,
          steps: ["actions/checkout | if success()", "actions/setup-node | if success()", "Shell tools | if success()", "bash .ci/run | if success()"],
        },
        "render-diff": {
          if: "success()",
          "runs-on": "ubuntu-24.04",
          permissions: { contents: "read", "pull-requests": "write" },
          "timeout-minutes": 20,
          steps: [
            "actions/checkout | if success()",
            "actions/checkout | if success()",
            "actions/setup-node | if success()",
            'bash head/.ci/render-all "$RUNNER_TEMP/head" | if success()',
            'bash base/.ci/render-all "$RUNNER_TEMP/base" || echo "::warning::the base branch could not render its stacks; the diff shows every head resource as created" | if success()',
            "Summary | if success()",
            "Comment on the pull request | if success() | continue-on-error",
          ],
        },
        preview: {
          if: "success()",
          "runs-on": "ubuntu-24.04",
          permissions: { contents: "read", "pull-requests": "write" },
          "timeout-minutes": 30,
          steps: [
            "actions/checkout | if success()",
            "actions/setup-node | if success()",
            "The project's packages | if success()",
            "kind | if success()",
            "The Pulumi CLI | if success()",
            "A kind cluster for the existing stack | if success()",
            "pulumi preview of local, a lab on it, and existing | if success()",
            "Summary | if always()",
            "Comment on the pull request | if always() | continue-on-error",
            "Preview logs | if always()",
          ],
        },
        "preview-dev": {
          if: "success() && (vars.ISTIO_LAB_DEV_RUNNER != '' && !github.event.pull_request.head.repo.fork && github.actor != 'dependabot[bot]')",
          "runs-on": "${{ vars.ISTIO_LAB_DEV_RUNNER }}",
          permissions: { contents: "read", "pull-requests": "write" },
          "timeout-minutes": 30,
          steps: [
            "actions/checkout | if success()",
            "actions/setup-node | if success()",
            "The dev stack's secrets | if success()",
            "The project's packages | if success()",
            "pulumi preview of dev | if success()",
          ],
        },
      },
    });
  });

  it("reads a secret in preview-dev only: the dev backend's, its passphrase and a Pulumi Cloud token", () => {
    const jobs = jobsOf(file);
    const reading = Object.entries(jobs).filter(([, job]) => secretsIn(JSON.stringify(job)).length > 0);
    expect(reading.map(([id]) => id)).toEqual(["preview-dev"]);
    expect(secretsIn(JSON.stringify(jobs["preview-dev"]))).toEqual(["PULUMI_ACCESS_TOKEN", "PULUMI_DEV_BACKEND_URL", "PULUMI_DEV_CONFIG_PASSPHRASE"]);
    // Nor does any script the secretless jobs run read one by its name.
    const runs = ["test", "render-diff", "preview"].flatMap((id) => (jobs[id].steps ?? []).flatMap((s) => (s.run ? [s.run] : [])));
    for (const text of ciScriptsOf(runs)) expect(text).not.toMatch(/PULUMI_DEV_|PULUMI_ACCESS_TOKEN/);
    // The nightly run reads none either.
    expect(secretsIn(read(".github/workflows/end-to-end.yml"))).toEqual([]);
  });

  it("previews local, a lab on it and existing with the CLI installed, the cluster made and the state thrown away, and reports whatever happened", () => {
    const job = jobsOf(file).preview.steps!;
    expect(job.map((s) => s.run ?? action(s))).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci --no-audit --no-fund --loglevel=error",
      "bash .ci/install-kind",
      "pulumi/actions",
      "kind create cluster --name istio-lab-preview --wait 120s",
      'bash .ci/preview "$RUNNER_TEMP/preview"',
      'cat "$RUNNER_TEMP/preview/preview.md" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null ||\n  echo "No preview report: a step before .ci/preview failed, and its log says why." >>"$GITHUB_STEP_SUMMARY"\n',
      'bash .ci/pr-comment "${{ github.event.pull_request.number }}" "$RUNNER_TEMP/preview/preview.md" preview',
      "actions/upload-artifact",
    ]);
    // The action installs the CLI only (no `command`), so no stack is selected, no login made.
    expect(job[4].with).toEqual({ "pulumi-version-file": ".ci/pulumi-version" });
    // Its comment token, and nothing else, in the environment of any step.
    expect(job.flatMap((s) => Object.keys(s.env ?? {}))).toEqual(["GH_TOKEN"]);
    expect(job[8].env).toEqual({ GH_TOKEN: "${{ github.token }}" });
    expect(job[9].with).toEqual({ name: "preview-logs", path: "${{ runner.temp }}/preview/logs", "if-no-files-found": "warn" });
    // Where .ci/preview writes them under the folder the step gives it, in a file backend there,
    // with a passphrase it makes, the stacks made on the fly.
    expect(preview).toContain('report="$out/preview.md"');
    expect(preview).toContain('log="$out/logs/$1.log"');
    expect(preview).toContain('export PULUMI_BACKEND_URL="file://$out/state"');
    expect(preview).toContain('export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-$(head -c 16 /dev/urandom');
    expect(preview).toMatch(/^stack local .* pulumi stack select --create local --non-interactive$/m);
    expect(preview).toMatch(/^stack existing .* pulumi stack select --create existing --non-interactive$/m);
    expect(preview).toMatch(/^stack "\$lab" .* make_lab$/m);
    // The render diff's comment and the preview's are two kinds, each edited in place.
    expect(jobsOf(file)["render-diff"].steps!.at(-1)!.run).toBe('bash .ci/pr-comment "${{ github.event.pull_request.number }}" "$RUNNER_TEMP/render-diff.md"');
  });

  it("previews dev with the real backend where the repository set it up: the stack must exist there", () => {
    const job = jobsOf(file)["preview-dev"];
    expect(job.env).toEqual({
      PULUMI_BACKEND_URL: "${{ secrets.PULUMI_DEV_BACKEND_URL }}",
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_DEV_CONFIG_PASSPHRASE }}",
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    });
    const pulumiStep = job.steps!.at(-1)!;
    // No `upsert`: the action selects the stack and never makes one (pulumi/actions v7.0.0 src/main.ts).
    expect(pulumiStep.with).toEqual({
      command: "preview",
      "stack-name": "dev",
      "pulumi-version-file": ".ci/pulumi-version",
      "comment-on-pr": true,
      "github-token": "${{ github.token }}",
    });
    // Its secrets are checked before anything is installed, with the fix in the message.
    expect(job.steps![2].run).toContain("set the secrets PULUMI_DEV_BACKEND_URL and PULUMI_DEV_CONFIG_PASSPHRASE");
  });
});

describe("every workflow", () => {
  const all = workflowFiles.flatMap((file) => steps(file).map((step) => ({ file, step })));

  it("keeps its reports whatever happened: every upload runs if: always()", () => {
    const uploads = all.filter(({ step }) => action(step) === "actions/upload-artifact");
    expect(uploads.map(({ file }) => file).sort()).toEqual(["end-to-end.yml", "end-to-end.yml", "pull-request.yml"]);
    for (const { file, step } of uploads) expect(step.if, `${file}: ${step.name}`).toBe("always()");
  });

  it("installs one Pulumi CLI, the release .ci/pulumi-version names, at least the one Pulumi.yaml requires", () => {
    const installs = all.filter(({ step }) => action(step) === "pulumi/actions");
    expect(installs.length).toBe(4);
    for (const { step } of installs) {
      expect(step.with?.["pulumi-version-file"]).toBe(".ci/pulumi-version");
      expect(step.with).not.toHaveProperty("pulumi-version");
    }
    const version = read(".ci/pulumi-version");
    expect(version).toMatch(/^\d+\.\d+\.\d+\n$/);
    const required = /^>=(\d+\.\d+\.\d+)$/.exec((parse(read("Pulumi.yaml")) as { requiredPulumiVersion: string }).requiredPulumiVersion)?.[1];
    expect(required, "requiredPulumiVersion is >=X.Y.Z").toBeDefined();
    const numbers = (v: string) => v.trim().split(".").map(Number);
    const [a, b] = [numbers(version), numbers(required!)];
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect(cmp, `${version.trim()} >= ${required}`).toBeGreaterThanOrEqual(0);
    // Nothing installs another: no workflow or .ci script downloads the CLI by itself.
    for (const text of [...workflowFiles.map((f) => read(`.github/workflows/${f}`)), ...ciScriptsOf(all.flatMap(({ step }) => (step.run ? [step.run] : [])))]) {
      expect(text).not.toMatch(/get\.pulumi\.com|pulumi-version:/);
    }
  });

  it("runs every step on Node 24: setup-node from .nvmrc right after the checkouts, and actions whose runtime is node24", () => {
    expect(read(".nvmrc").trim()).toBe("24");
    for (const file of workflowFiles) {
      for (const [id, job] of Object.entries(jobsOf(file))) {
        const jobSteps = job.steps ?? [];
        const first = jobSteps.findIndex((s) => action(s) !== "actions/checkout");
        expect(action(jobSteps[first]), `${file} ${id}`).toBe("actions/setup-node");
        const checkoutPath = (jobSteps[0].with?.path as string | undefined) ?? "";
        expect(jobSteps[first].with, `${file} ${id}`).toEqual({ "node-version-file": path.join(checkoutPath, ".nvmrc"), "package-manager-cache": false });
      }
    }
    // Each pinned action's own runtime, read in its action.yml at that commit (`runs.using`).
    const runtimes: Record<string, string> = {
      "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": "node24", // v7.0.1 action.yml
      "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": "node24", // v7.0.0 action.yml
      "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f": "node24", // v7.0.0 action.yml
      "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": "node24", // v7.0.0 action.yml
    };
    for (const { file, step } of all.filter(({ step }) => step.uses)) expect(runtimes[step.uses!], `${file}: ${step.uses} (read its action.yml, then add it here)`).toBe("node24");
  });

  it("are the ones docs/pull-requests.md explains: every job, and what dev's preview needs", async () => {
    const page = read("docs/pull-requests.md");
    for (const file of workflowFiles) {
      expect(page).toContain(`.github/workflows/${file}`);
      for (const id of Object.keys(jobsOf(file))) expect(page, id).toContain(`**${id}**`);
    }
    for (const name of ["ISTIO_LAB_DEV_RUNNER", ...secretsIn(read(`.github/workflows/pull-request.yml`))]) expect(page, name).toContain(`\`${name}\``);
  });
});

describe("the program's start", () => {
  it("goes through tsx, not the SDK's type-checking ts-node: Pulumi.yaml's runtime options, and index.ts loads so", () => {
    const runtime = (parse(read("Pulumi.yaml")) as { runtime: { name: string; options: Record<string, unknown> } }).runtime;
    // pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions: typescript is a
    // boolean that defaults to true, nodeargs a string, shlex-split before the run path.
    expect(runtime).toEqual({ name: "nodejs", options: { typescript: false, nodeargs: "--import tsx", packagemanager: "npm" } });
    // run.js requires package.json's main from the project folder, Node's `--import tsx` finds tsx there.
    const pkg = JSON.parse(read("package.json")) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main).toBe("index.ts");
    // The program needs its loader to start: a dependency, which `npm ci --omit=dev` keeps.
    expect(Object.keys(pkg.dependencies)).toContain(/--import (\S+)/.exec(String(runtime.options.nodeargs))![1]);
    expect(require.resolve("tsx", { paths: [root] })).toContain(path.join(root, "node_modules"));
    const started = spawnSync(process.execPath, ["--import", "tsx", "-e", 'process.stdout.write(typeof require(require("node:path").resolve("index.ts")))'], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(started.stderr).toBe("");
    expect(started.stdout).toBe("function");
  });
});
