// Kubeconfig files as users' machines have them, for the tests of a stack's recorded cluster.
import * as crypto from "node:crypto";

const ca = (name: string) => Buffer.from(`stand-in CA of ${name}`).toString("base64");
const digest = (name: string) => crypto.createHash("sha256").update(`stand-in CA of ${name}`).digest("hex");

/** A kubeconfig with one context per cluster, `current` current; a cluster's CA is named after it. */
export function kubeconfigFile(current: string, clusters: Record<string, { server: string; ca?: string }>): string {
  const lines = ["apiVersion: v1", "kind: Config", `current-context: ${current}`, "contexts:"];
  for (const name of Object.keys(clusters)) lines.push(`- name: ${name}`, `  context: { cluster: ${name}, user: ${name} }`);
  lines.push("clusters:");
  for (const [name, c] of Object.entries(clusters)) lines.push(`- name: ${name}`, "  cluster:", `    server: ${c.server}`, `    certificate-authority-data: ${ca(c.ca ?? name)}`);
  lines.push("users:", ...Object.keys(clusters).flatMap((name) => [`- name: ${name}`, "  user: {}"]), "");
  return lines.join("\n");
}

/** What a stack records of the kind-lab cluster (cluster/pin.ts). */
export const labCluster = { server: "https://127.0.0.1:41000", caDigest: digest("kind-lab") };
export const otherCluster = { server: "https://127.0.0.1:42000", caDigest: digest("kind-other") };

/** kind-kind is current; kind-lab is another kind cluster on the same machine. */
export const twoContexts = kubeconfigFile("kind-kind", { "kind-kind": { server: "https://127.0.0.1:40123" }, "kind-lab": { server: labCluster.server } });
