// What a kubeconfig says about the clusters it reaches: per context, the API server and a digest of
// the cluster's CA. The CA is what tells a rebuilt cluster from the same one reached anew: a
// minikube restart moves its API server to another port, a recreated kind cluster keeps its name.
import * as crypto from "node:crypto";
import { parse } from "yaml";

/** One context's cluster: its API server, and the SHA-256 of its CA certificate when one is given. */
export interface ContextTarget {
  server: string;
  caDigest?: string;
}

export interface KubeconfigTargets {
  currentContext?: string;
  contexts: Readonly<Record<string, ContextTarget>>;
}

/** Reads a file where Pulumi runs (`~/` is the home folder); undefined when it cannot be read. */
export type ReadFile = (path: string) => string | undefined;

const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const named = (list: unknown): [string, Record<string, unknown>][] =>
  (Array.isArray(list) ? list : []).map((entry) => [String(record(entry).name ?? ""), record(entry)]);
const digest = (bytes: Buffer | string) => crypto.createHash("sha256").update(bytes).digest("hex");

/**
 * The contexts of a kubeconfig (clientcmd's v1 Config: `contexts[].context.cluster`,
 * `clusters[].cluster.{server, certificate-authority-data, certificate-authority}`); undefined when
 * the text is no kubeconfig. A CA given as a file is read with `readFile`.
 */
export function kubeconfigTargets(text: string, readFile: ReadFile = () => undefined): KubeconfigTargets | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = record(parse(text));
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc.contexts) || !Array.isArray(doc.clusters)) return undefined;
  const clusters = new Map(named(doc.clusters).map(([name, entry]) => [name, record(entry.cluster)]));
  const contexts: Record<string, ContextTarget> = {};
  for (const [name, entry] of named(doc.contexts)) {
    const cluster = clusters.get(String(record(entry.context).cluster ?? ""));
    if (!name || !cluster || typeof cluster.server !== "string") continue;
    const caData = cluster["certificate-authority-data"];
    const caFile = cluster["certificate-authority"];
    const ca = typeof caData === "string" ? Buffer.from(caData, "base64") : typeof caFile === "string" ? readFile(caFile) : undefined;
    contexts[name] = { server: cluster.server, ...(ca !== undefined && { caDigest: digest(ca) }) };
  }
  const current = doc["current-context"];
  return { ...(typeof current === "string" && current !== "" && { currentContext: current }), contexts };
}

/** Whether two observations of a context reach the same cluster: the same CA where both know it, else the same server. */
export function sameCluster(a: ContextTarget, b: ContextTarget): boolean {
  return a.caDigest !== undefined && b.caDigest !== undefined ? a.caDigest === b.caDigest : a.server === b.server;
}
