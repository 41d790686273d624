// Measured step times from the engine's event log of a `pulumi up`, beside the bench's estimate of
// the same stack's critical path (tools/lib/critical-path.ts): what the nightly job (.ci/e2e)
// appends to its summary for `local`.
//
// The log is what `pulumi up --event-log FILE` writes (pulumi/pulumi pkg/backend/display/display.go
// startEventLogger): one JSON object per line (a json.Encoder's Encode per event), each an
// apitype.EngineEvent (sdk/go/common/apitype/events.go) stamped with `sequence` (0, 1, ... per
// operation: stampEvents) and `timestamp` (time.Now().Unix(): whole seconds). A step's start is
// its resourcePreEvent, its end its resOutputsEvent, or its resOpFailedEvent when it failed; each
// carries the step's StepEventMetadata (`op`, `urn`, `type`). The file is opened with O_TRUNC for
// every operation the command shows, so after `pulumi up` it holds the update, its preview gone;
// a log that holds both (a sequence that starts again at 0) is read for its last operation.
import type { CriticalPath } from "./critical-path";

/** apitype.StepEventMetadata: the fields read here. */
export interface StepEventMetadata {
  op: string;
  urn: string;
  type: string;
}

/** apitype.EngineEvent: the fields read here (every other kind of event is passed over). */
export interface EngineEvent {
  sequence: number;
  timestamp: number;
  resourcePreEvent?: { metadata: StepEventMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: StepEventMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: StepEventMetadata; status: number; steps: number };
  summaryEvent?: { durationSeconds: number; isPreview?: boolean };
}

export class EventLogError extends Error {}

/**
 * The events of the log's last operation. A line that is not JSON fails, naming it, except the
 * last one: a `pulumi up` that was killed may leave its last line half written.
 */
export function parseEventLog(text: string, file = "the event log"): EngineEvent[] {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const events: EngineEvent[] = [];
  lines.forEach((line, i) => {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return;
      throw new EventLogError(`${file}:${i + 1}: not a JSON engine event; is it the file \`pulumi up --event-log\` wrote?`);
    }
    const { sequence, timestamp } = (event ?? {}) as Partial<EngineEvent>;
    if (typeof sequence !== "number" || typeof timestamp !== "number") {
      throw new EventLogError(`${file}:${i + 1}: an engine event carries a numeric sequence and timestamp; this line has none`);
    }
    events.push(event as EngineEvent);
  });
  // A sequence that does not go up starts the next operation's events (stampEvents counts from 0).
  let start = 0;
  events.forEach((event, i) => {
    if (i > 0 && event.sequence <= events[i - 1].sequence) start = i;
  });
  return events.slice(start).sort((a, b) => a.sequence - b.sequence);
}

/** A step of the log: its resource, and when it started and ended (Unix seconds). */
export interface MeasuredStep {
  urn: string;
  /** The resource's own type and name, as the URN's last parts hold them. */
  type: string;
  name: string;
  ops: string[];
  start: number;
  end?: number;
  failed: boolean;
}

/** The type and name a URN carries: urn:pulumi:STACK::PROJECT::PARENT$...$TYPE::NAME. */
export function urnParts(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new EventLogError(`${urn} is not a resource's URN`);
  return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}

/**
 * Every resource the operation stepped on, from its first step's start to its last step's end (a
 * replacement is a create-replacement and a delete-replaced step of one URN). Preview steps
 * (`planning`) are not timed.
 */
export function measuredSteps(events: readonly EngineEvent[]): Map<string, MeasuredStep> {
  const steps = new Map<string, MeasuredStep>();
  for (const event of events) {
    const pre = event.resourcePreEvent;
    if (pre && !pre.planning) {
      const { urn, op } = pre.metadata;
      const known = steps.get(urn);
      if (known) known.ops.push(op);
      else steps.set(urn, { urn, ...urnParts(urn), ops: [op], start: event.timestamp, failed: false });
    }
    // A preview's outputs event finds no step: its pre event was not taken.
    const done = event.resOutputsEvent ?? event.resOpFailedEvent;
    if (done) {
      const step = steps.get(done.metadata.urn);
      if (step) {
        step.end = event.timestamp;
        step.failed ||= done === event.resOpFailedEvent;
      }
    }
  }
  return steps;
}

export interface StepTimeRow {
  name: string;
  kind: string;
  basis: string;
  /** The bench's: minutes from the start, and the step's minutes. */
  estimate: { at: number; minutes: number };
  /** The log's, in minutes from the operation's first event; absent when the log has no such step. */
  measured?: { at: number; minutes?: number; failed: boolean };
}

export interface StepTimes {
  rows: StepTimeRow[];
  /** The bench's estimate to the path's last step, and the log's end of that step. */
  pathMinutes: { estimate: number; measured?: number };
  /** The operation from its first event to its last. */
  wallMinutes: number;
}

/** Each step of the estimated critical path, with what the log measured for the same resource. */
export function stepTimes(path: CriticalPath, events: readonly EngineEvent[]): StepTimes {
  if (events.length === 0) throw new EventLogError("the event log holds no event");
  const t0 = Math.min(...events.map((e) => e.timestamp));
  const minutes = (seconds: number) => seconds / 60;
  const measured = [...measuredSteps(events).values()];
  if (measured.length === 0) throw new EventLogError("the event log holds no resource step: was it written by `pulumi up --event-log`?");
  let at = 0;
  const rows = path.steps.map(({ resource, minutes: estimate, basis }): StepTimeRow => {
    const found = measured.find((m) => m.type === resource.type && m.name === resource.name);
    const row: StepTimeRow = {
      name: resource.name,
      kind: resource.type.startsWith("pulumi:providers:") ? "Provider" : resource.type.split(":").pop()!,
      basis,
      estimate: { at, minutes: estimate },
      ...(found && { measured: { at: minutes(found.start - t0), ...(found.end !== undefined && { minutes: minutes(found.end - found.start) }), failed: found.failed } }),
    };
    at += estimate;
    return row;
  });
  const last = rows.at(-1)?.measured;
  return {
    rows,
    pathMinutes: { estimate: path.minutes, ...(last?.minutes !== undefined && { measured: last.at + last.minutes }) },
    wallMinutes: minutes(Math.max(...events.map((e) => e.timestamp)) - t0),
  };
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const fixed = (n: number) => n.toFixed(2);

/** The table the nightly job appends to its summary (markdown). */
export function stepTimesTable(title: string, times: StepTimes): string {
  const measured = (m: StepTimeRow["measured"]) =>
    !m ? "not in the log" : m.minutes === undefined ? `${fixed(m.at)} + (did not end)` : `${fixed(m.at)} + ${fixed(m.minutes)}${m.failed ? " (failed)" : ""}`;
  return [
    `### ${title}`,
    "",
    "The bench's critical path (`npm run bench`, tools/lib/critical-path.ts) beside the engine's event log of this run (`pulumi up --event-log`): minutes from the update's first event, then the step's own minutes. The log stamps whole seconds.",
    "",
    "| step | estimate: at + minutes | measured: at + minutes | basis of the estimate |",
    "| --- | --- | --- | --- |",
    ...times.rows.map((r) => `| ${cell(r.name)} (${cell(r.kind)}) | ${fixed(r.estimate.at)} + ${fixed(r.estimate.minutes)} | ${measured(r.measured)} | ${cell(r.basis)} |`),
    `| **to the end of the path's last step** | ${fixed(times.pathMinutes.estimate)} | ${times.pathMinutes.measured === undefined ? "-" : fixed(times.pathMinutes.measured)} | |`,
    `| \`pulumi up\`, first event to last | | ${fixed(times.wallMinutes)} | |`,
    "",
  ].join("\n");
}
