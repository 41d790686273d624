// The rate-limit probe end to end: the real in-pod script (tools/verify/scripts/rate-limit-sequence.sh)
// under sh, its curl and sleep replaced by a token bucket on a simulated clock (test/verify/stubs),
// judged as verify judges it. No wall clock: sleep only moves the simulated one.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import type { LimitedProbe } from "../../catalog/scenarios/probes";
import { parseLimited } from "../../tools/verify/judge/limited";
import { limitedCommand } from "../../tools/verify/probes/limited";
import { exitCode, runProbes } from "../../tools/verify/run";
import type { ClusterTransport, ExecResult } from "../../tools/verify/types";
import { noCluster, testContext } from "./context";

const stubs = path.join(__dirname, "stubs");

interface Bucket {
  maxTokens: number;
  fillSeconds: number;
  /** How Envoy refills it: a token at a time (its timer-less bucket) or all of it at each interval. */
  refill: "continuous" | "timer";
  /** Tokens when the probe starts, and (timer) tenths of a second until the next refill then. */
  tokens: number;
  nextFillDeciseconds: number;
  /** What a limited request gets. */
  limited?: { status: number; header: string };
}

/** A cluster whose exec runs the command under sh against the simulated bucket. */
function bucketCluster(bucket: Bucket): ClusterTransport & { commands: string[][] } {
  const commands: string[][] = [];
  return {
    commands,
    ping: async () => {},
    execEach: noCluster.execEach,
    async exec(_target, command): Promise<ExecResult> {
      commands.push(command);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bucket-"));
      const state = path.join(dir, "bucket");
      fs.writeFileSync(state, `0 ${bucket.tokens * 1000} ${bucket.refill === "timer" ? bucket.nextFillDeciseconds : 0}\n`);
      const env = {
        ...process.env,
        PATH: `${stubs}:${process.env.PATH}`,
        BUCKET: state,
        MAX_TOKENS: String(bucket.maxTokens),
        REFILL: bucket.refill,
        FILL_DECISECONDS: String(bucket.fillSeconds * 10),
        LIMITED_STATUS: String(bucket.limited?.status ?? 429),
        LIMITED_HEADER: bucket.limited?.header ?? "true",
      };
      const result = spawnSync(command[0], command.slice(1), { env, encoding: "utf8", timeout: 120_000 });
      fs.rmSync(dir, { recursive: true, force: true });
      return { stdout: result.stdout, stderr: result.stderr, exitCode: result.status };
    },
    logs: async () => "",
    runPlainPod: async () => ({ stdout: "", stderr: "", exitCode: 0 }),
    podIp: async () => "10.2.1.7",
    istioConfig: async () => ({ config: [], status: [] }),
    meshPods: async () => [],
    labelsOf: async () => ({ namespace: {} }),
    close() {},
  };
}

const probes = () => resolveScenario("rate-limit-local", undefined).probes;
const probe = () => probes()[0] as LimitedProbe;
const verifyAgainst = (bucket: Bucket) => runProbes(testContext({ cluster: async () => bucketCluster(bucket) }), probes());
const task = { maxTokens: 4, fillSeconds: 60, refill: "continuous" as const };

describe("rate-limit-local's probe", () => {
  it("is the task's bucket and sequence, from curl (the numbers themselves are compared with the task in test/scenarios/task-snippets.test.ts)", () => {
    expect(probe()).toMatchObject({ kind: "limited", from: "curl", bucket: { maxTokens: task.maxTokens, fillSeconds: task.fillSeconds } });
  });

  // Whatever the bucket held, and however Envoy refills it, the task's bucket passes.
  it.each<[Bucket["refill"], number, number]>([
    ["continuous", 4, 0],
    ["continuous", 0, 0],
    ["continuous", 2, 0],
    ["timer", 4, 600],
    ["timer", 0, 5],
    ["timer", 2, 1],
    ["timer", 1, 599],
  ])("passes the task's bucket refilled %s, holding %i tokens (timer: its refill %i tenths of a second away)", async (refill, tokens, next) => {
    const results = await verifyAgainst({ ...task, refill, tokens, nextFillDeciseconds: next });
    expect(results[0].checks.map((c) => [c.name, c.pass])).toEqual([
      ["limit reached", true],
      ["limited by the filter", true],
      ["the task's sequence", true],
    ]);
    expect(exitCode(results)).toBe(0);
  });

  it.each<[string, Partial<Bucket>, string]>([
    ["no limit", { maxTokens: 1000, tokens: 1000 }, "limit reached"],
    ["the task's earlier bucket of 10", { maxTokens: 10, tokens: 10 }, "limit reached"],
    ["a bucket of 5", { maxTokens: 5, tokens: 5 }, "the task's sequence"],
    ["a bucket of 3", { maxTokens: 3, tokens: 3 }, "the task's sequence"],
    ["a bucket refilled every second", { fillSeconds: 1 }, "the task's sequence"],
    ["a bucket refilled over 2 minutes", { fillSeconds: 120 }, "the task's sequence"],
    ["a bucket refilled whole every second", { refill: "timer", fillSeconds: 1, nextFillDeciseconds: 5 }, "the task's sequence"],
    ["429s without the filter's header", { limited: { status: 429, header: "" } }, "limited by the filter"],
    ["503s instead of 429s", { limited: { status: 503, header: "" } }, "limit reached"],
  ])("fails on %s, at the check that tells", async (_, wrong, failing) => {
    const results = await verifyAgainst({ ...task, tokens: 4, nextFillDeciseconds: 300, ...wrong });
    expect(results[0].checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([failing]);
    expect(exitCode(results)).toBe(1);
  });

  it("sends exactly the probe's counts, whatever --requests says", async () => {
    const cluster = bucketCluster({ ...task, tokens: 4, nextFillDeciseconds: 0 });
    await runProbes(testContext({ cluster: async () => cluster, requests: 100 }), probes());
    expect(cluster.commands[0].slice(3)).toEqual(["rate-limit", "http://productpage:9080/productpage", "4", "60", "x-local-rate-limit", "5", "2"]);
    expect(limitedCommand(probe(), 2)).toEqual(cluster.commands[0]);
  });

  it("runs a script clean under shellcheck, as are its stand-ins", () => {
    const scripts = path.join(__dirname, "../../tools/verify/scripts");
    const files = [...fs.readdirSync(scripts).map((f) => path.join(scripts, f)), path.join(stubs, "curl"), path.join(stubs, "sleep")];
    const result = spawnSync("shellcheck", files, { encoding: "utf8" });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it("reads the script's lines, a missing answer as none", () => {
    expect(parseLimited("drain 200 \ndrain 429 true\nnoise\ntask 000 \ntask 200 ")).toEqual([
      { phase: "drain", status: 200, header: "" },
      { phase: "drain", status: 429, header: "true" },
      { phase: "task", status: null, header: "" },
      { phase: "task", status: 200, header: "" },
    ]);
  });
});
