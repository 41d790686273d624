// tools/step-times.ts: the nightly job's measured minutes of each critical-path step, read from the
// event log `pulumi up --event-log` writes, beside the bench's estimate. The logs here are written by
// hand from pulumi/pulumi's apitype structs (sdk/go/common/apitype/events.go: EngineEvent's
// `sequence` and `timestamp`, ResourcePreEvent/ResOutputsEvent `metadata` and `planning`,
// ResOpFailedEvent `metadata`, `status` and `steps`, StepEventMetadata's `op`, `urn`, `type`,
// `provider`, `old`, `new`, `detailedDiff`; PreludeEvent's `config`, SummaryEvent's `maybeCorrupt`,
// `durationSeconds`, `resourceChanges`, `PolicyPacks`, `isPreview`), one JSON object a line as
// display.go's startEventLogger encodes them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { criticalPath } from "../../tools/lib/critical-path";
import { measuredSteps, parseEventLog, stepTimes, stepTimesTable, urnParts } from "../../tools/lib/step-times";
import { runStepTimes } from "../../tools/step-times";
import { renderFile } from "../harness";

const lab = "pulumi:pulumi:Stack$istio-lab:index:Lab";
const urns: Record<string, string> = {
  stack: "urn:pulumi:local::istio-lab::pulumi:pulumi:Stack::istio-lab-local",
  "cluster-kind": `urn:pulumi:local::istio-lab::${lab}$istio-lab:cluster:Cluster$command:local:Command::cluster-kind`,
  "cluster-kind-pull": `urn:pulumi:local::istio-lab::${lab}$istio-lab:cluster:Cluster$command:local:Command::cluster-kind-pull`,
  "cluster-kubernetes": `urn:pulumi:local::istio-lab::${lab}$istio-lab:cluster:Cluster$pulumi:providers:kubernetes::cluster-kubernetes`,
  "Namespace/istio-system": `urn:pulumi:local::istio-lab::${lab}$istio-lab:mesh:Mesh$kubernetes:core/v1:Namespace::Namespace/istio-system`,
  "HelmRelease/istio-system/istio-base": `urn:pulumi:local::istio-lab::${lab}$istio-lab:mesh:Mesh$kubernetes:helm.sh/v3:Release::HelmRelease/istio-system/istio-base`,
  "HelmRelease/istio-system/istiod": `urn:pulumi:local::istio-lab::${lab}$istio-lab:mesh:Mesh$kubernetes:helm.sh/v3:Release::HelmRelease/istio-system/istiod`,
  "Namespace/bookinfo": `urn:pulumi:local::istio-lab::${lab}$istio-lab:mesh:Mesh$kubernetes:core/v1:Namespace::Namespace/bookinfo`,
  "ServiceAccount/bookinfo/bookinfo-reviews": `urn:pulumi:local::istio-lab::${lab}$istio-lab:workloads:Workloads$kubernetes:core/v1:ServiceAccount::ServiceAccount/bookinfo/bookinfo-reviews`,
  "Deployment/bookinfo/reviews-v1": `urn:pulumi:local::istio-lab::${lab}$istio-lab:workloads:Workloads$kubernetes:apps/v1:Deployment::Deployment/bookinfo/reviews-v1`,
};
const typeOf = (name: string) => urnParts(urns[name]).type;
const metadata = (name: string, op = "create") => ({ op, urn: urns[name], type: typeOf(name), provider: "", old: null, new: { type: typeOf(name), urn: urns[name] }, detailedDiff: null });

/** A first `pulumi up` of Pulumi.local.yaml: each step [name, start, end] in seconds after 1_800_000_000. */
function upLog(steps: [string, number, number | "failed" | "open"][], options: { preview?: boolean } = {}): string {
  const t0 = 1_800_000_000;
  // Every kind of event as the apitype structs spell it, not only the fields the tool reads.
  const timed: { t: number; event: Record<string, unknown> }[] = [];
  timed.push({ t: 0, event: { preludeEvent: { config: { "istio-lab:scenario": "bookinfo" } } } });
  for (const [name, start, end] of steps) {
    timed.push({ t: start, event: { resourcePreEvent: { metadata: metadata(name) } } });
    if (end === "failed") timed.push({ t: start + 30, event: { resOpFailedEvent: { metadata: metadata(name), status: 1, steps: 0 } } });
    else if (end !== "open") timed.push({ t: end, event: { resOutputsEvent: { metadata: metadata(name) } } });
  }
  // A diagnostic and the summary: passed over.
  timed.push({ t: 1, event: { diagnosticEvent: { message: "creating kind cluster istio-lab-local", color: "never", severity: "info" } } });
  const last = Math.max(...timed.map((x) => x.t));
  timed.push({ t: last + 2, event: { summaryEvent: { maybeCorrupt: false, durationSeconds: last + 2, resourceChanges: { create: steps.length }, PolicyPacks: {}, isPreview: false } } });
  timed.sort((a, b) => a.t - b.t);
  const update = timed.map(({ t, event }, sequence) => JSON.stringify({ sequence, timestamp: t0 + t, ...event }));
  // The preview the same `pulumi up` ran first, had the file kept it: its own sequence from 0.
  const preview = options.preview
    ? [
        JSON.stringify({ sequence: 0, timestamp: t0 - 20, preludeEvent: { config: {} } }),
        JSON.stringify({ sequence: 1, timestamp: t0 - 19, resourcePreEvent: { metadata: metadata("cluster-kind"), planning: true } }),
        JSON.stringify({ sequence: 2, timestamp: t0 - 19, resOutputsEvent: { metadata: metadata("cluster-kind"), planning: true } }),
        JSON.stringify({ sequence: 3, timestamp: t0 - 18, summaryEvent: { maybeCorrupt: false, durationSeconds: 2, resourceChanges: { create: 1 }, PolicyPacks: {}, isPreview: true } }),
      ]
    : [];
  return [...preview, ...update].join("\n") + "\n";
}

const firstUp: [string, number, number | "failed" | "open"][] = [
  ["cluster-kind", 1, 97],
  ["cluster-kind-pull", 1, 171],
  ["cluster-kubernetes", 97, 97],
  ["Namespace/istio-system", 97, 98],
  ["HelmRelease/istio-system/istio-base", 98, 110],
  ["HelmRelease/istio-system/istiod", 110, 170],
  ["Namespace/bookinfo", 170, 171],
  ["ServiceAccount/bookinfo/bookinfo-reviews", 171, 172],
  ["Deployment/bookinfo/reviews-v1", 172, 232],
];

describe("the event log of a pulumi up", () => {
  it("times each resource from its resourcePreEvent to its resOutputsEvent, by its URN's type and name", () => {
    const steps = measuredSteps(parseEventLog(upLog(firstUp)));
    expect(steps.get(urns["HelmRelease/istio-system/istiod"])).toEqual({
      urn: urns["HelmRelease/istio-system/istiod"],
      type: "kubernetes:helm.sh/v3:Release",
      name: "HelmRelease/istio-system/istiod",
      ops: ["create"],
      start: 1_800_000_110,
      end: 1_800_000_170,
      failed: false,
    });
    expect(steps.size).toBe(firstUp.length);
  });

  it("reads the update, not the preview that went before it in the same file, nor a last line cut short", () => {
    const text = `${upLog(firstUp, { preview: true })}{"sequence": 40, "timest`;
    const events = parseEventLog(text);
    expect(events[0]).toMatchObject({ sequence: 0, timestamp: 1_800_000_000 });
    expect(measuredSteps(events).get(urns["cluster-kind"])).toMatchObject({ start: 1_800_000_001, end: 1_800_000_097 });
  });

  it("times no step of a preview (planning), so a preview's log holds none", async () => {
    const preview = upLog(firstUp)
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, { planning?: boolean }>)
      .map((event) => JSON.stringify(Object.fromEntries(Object.entries(event).map(([k, v]) => [k, /^res/.test(k) ? { ...v, planning: true } : v]))))
      .join("\n");
    expect(measuredSteps(parseEventLog(preview)).size).toBe(0);
    expect(() => stepTimes(criticalPath({ stack: "x", resources: [], outputs: {}, secretOutputs: [], invokes: [] }), parseEventLog(preview))).toThrow("holds no resource step");
  });

  it("refuses a file that is not an event log, naming the line", () => {
    expect(() => parseEventLog('{"sequence":0,"timestamp":1}\nnot json\n{"sequence":1,"timestamp":2}\n', "up.jsonl")).toThrow("up.jsonl:2: not a JSON engine event");
    expect(() => parseEventLog('{"steps":[]}\n{"sequence":1,"timestamp":2}\n', "up.jsonl")).toThrow("up.jsonl:1: an engine event carries a numeric sequence and timestamp");
  });
});

describe("step times beside the bench's estimates", () => {
  it("puts each step of the local stack's critical path beside its measured minutes, and the path's end beside the estimate", async () => {
    const estimated = criticalPath(await renderFile("Pulumi.local.yaml"));
    const times = stepTimes(estimated, parseEventLog(upLog(firstUp)));
    expect(times.rows.map((r) => r.name)).toEqual(estimated.steps.map((s) => s.resource.name));
    const istiod = times.rows.find((r) => r.name === "HelmRelease/istio-system/istiod")!;
    expect(istiod.estimate.at).toBeCloseTo(2.35, 9);
    // Istio's images loaded into the kind nodes before istiod begins (components/cluster/local).
    expect(istiod.estimate.minutes).toBe(0.7);
    expect(istiod.measured).toEqual({ at: 110 / 60, minutes: 1, failed: false });
    expect(times.pathMinutes).toEqual({ estimate: estimated.minutes, measured: 232 / 60 });
    expect(times.wallMinutes).toBeCloseTo(234 / 60, 9);

    const table = stepTimesTable("First `pulumi up` of Pulumi.local.yaml", times);
    expect(table).toContain("| HelmRelease/istio-system/istiod (Release) | 2.35 + 0.70 | 1.83 + 1.00 | estimate: helm --wait, pilot pull + ready; images already pulled |");
    expect(table).toContain("| cluster-kind (Command) | 0.00 + 2.00 | 0.02 + 1.60 |");
    expect(table).toContain(`| **to the end of the path's last step** | ${estimated.minutes.toFixed(2)} | 3.87 | |`);
    expect(table).toContain("| `pulumi up`, first event to last | | 3.90 | |");
  });

  it("says which step failed, which did not end, and which the log does not hold", async () => {
    const estimated = criticalPath(await renderFile("Pulumi.local.yaml"));
    const failed: typeof firstUp = [...firstUp.slice(0, 5), ["HelmRelease/istio-system/istiod", 110, "failed"], ["Namespace/bookinfo", 120, "open"]];
    const table = stepTimesTable("t", stepTimes(estimated, parseEventLog(upLog(failed))));
    expect(table).toContain("| HelmRelease/istio-system/istiod (Release) | 2.35 + 0.70 | 1.83 + 0.50 (failed) |");
    expect(table).toContain("| Namespace/bookinfo (Namespace) | 3.05 + 0.05 | 2.00 + (did not end) |");
    expect(table).toContain("| Deployment/bookinfo/reviews-v1 (Deployment) | 3.15 + 1.56 | not in the log |");
    expect(table).toContain(`| **to the end of the path's last step** | ${estimated.minutes.toFixed(2)} | - | |`);
  });

  it("npm run step-times: the table on stdout; a missing argument, an unreadable log or one without steps on stderr", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-times-"));
    const log = path.join(dir, "first-up.jsonl");
    fs.writeFileSync(log, upLog(firstUp));
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
    };
    const ok = io();
    expect(await runStepTimes([log, "Pulumi.local.yaml"], ok.io)).toBe(0);
    expect(ok.out.join("")).toMatch(/^### First `pulumi up` of Pulumi\.local\.yaml: the critical path, estimated and measured\n/);
    expect(ok.out.join("")).toContain("| Deployment/bookinfo/reviews-v1 (Deployment) | 3.15 + 1.56 | 2.87 + 1.00 |");

    const usage = io();
    expect(await runStepTimes([log], usage.io)).toBe(2);
    expect(usage.err.join("")).toContain("usage: npm run step-times -- EVENT_LOG STACK_FILE");
    const missing = io();
    expect(await runStepTimes([path.join(dir, "none.jsonl"), "Pulumi.local.yaml"], missing.io)).toBe(2);
    expect(missing.err.join("")).toContain("cannot read the event log");
    fs.writeFileSync(log, '{"sequence":0,"timestamp":1800000000,"preludeEvent":{"config":{}}}\n');
    const empty = io();
    expect(await runStepTimes([log, "Pulumi.local.yaml"], empty.io)).toBe(1);
    expect(empty.err.join("")).toBe("step-times: the event log holds no resource step: was it written by `pulumi up --event-log`?\n");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
