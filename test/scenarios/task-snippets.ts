// istio.io's generated task snippets (content/en/docs/tasks/**/snips.sh): each step of a task page as
// a shell function `snip_<section>_<n>`, and its expected output as `snip_<section>_<n>_out`. Read
// at test time, so a test compares the catalog with the task's own words, never with a copy.
import * as fs from "node:fs";
import { parseAllDocuments } from "yaml";
import { upstreamFile } from "../upstream-files";

/** The one place this file makes an upstream path: through test/upstream-files.ts, as every test does. */
const upstreamPath = (relative: string): string => upstreamFile(relative);

export const taskSnippetsPath = (task: string): string => upstreamPath(`istio.io/content/en/docs/tasks/${task}/snips.sh`);

/** A file of Istio 1.31's samples/ that a step applies (`kubectl apply -f samples/...`). */
const samplePath = (file: string): string => upstreamPath(`istio-1.31/${file}`);

export interface TaskSnippets {
  task: string;
  /** Function name -> its body (the lines between `name() {` and the closing `}`). */
  steps: Map<string, string>;
  /** Output name (`snip_..._out`) -> the expected text. */
  outputs: Map<string, string>;
}

/** Reads and splits one task's snips.sh. */
export function readTaskSnippets(task: string): TaskSnippets {
  const text = fs.readFileSync(taskSnippetsPath(task), "utf8");
  const steps = new Map<string, string>();
  const outputs = new Map<string, string>();
  for (const m of text.matchAll(/^(snip_\w+)\(\) \{\n([\s\S]*?)\n\}$/gm)) steps.set(m[1], m[2]);
  for (const m of text.matchAll(/^! read -r -d '' (snip_\w+_out) <<\\?ENDSNIP\n([\s\S]*?)\nENDSNIP$/gm)) outputs.set(m[1], m[2]);
  return { task, steps, outputs };
}

/** A step, or an error naming the task: a snippet renamed upstream fails the test that names it. */
export function step(s: TaskSnippets, name: string): string {
  const body = s.steps.get(name);
  if (body === undefined) throw new Error(`${s.task}/snips.sh has no ${name} (it has ${[...s.steps.keys()].join(", ")})`);
  return body;
}

export function output(s: TaskSnippets, name: string): string {
  const out = s.outputs.get(`${name}_out`);
  if (out === undefined) throw new Error(`${s.task}/snips.sh has no ${name}_out`);
  return out;
}

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> } & Record<string, unknown>;

/**
 * The objects a step applies: from its heredocs (`kubectl apply -f - <<EOF ... EOF`), or from the
 * samples/ files it names (`kubectl apply -f samples/tcp-echo/tcp-echo-20-v2.yaml`), read from Istio
 * 1.31's copy of them.
 */
export function appliedObjects(s: TaskSnippets, name: string): K8sObject[] {
  const body = step(s, name);
  const texts = [
    ...[...body.matchAll(/<<\s*'?EOF'?[^\n]*\n([\s\S]*?)\nEOF$/gm)].map((m) => m[1]),
    ...[...body.matchAll(/kubectl apply -f (samples\/\S+\.yaml)/g)].map((m) => fs.readFileSync(samplePath(m[1]), "utf8")),
  ];
  const docs = texts.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as K8sObject | null));
  const objects = docs.filter((d): d is K8sObject => d !== null && typeof d === "object");
  if (objects.length === 0) throw new Error(`${s.task}/snips.sh ${name} applies no YAML`);
  return objects;
}

/** The HTTP status codes an expected output lists, one per line (`curl -w "%{http_code}\n"`). */
export const statusCodes = (out: string): number[] => out.split("\n").flatMap((l) => (/^\d{3}$/.test(l.trim()) ? [Number(l.trim())] : []));
