// The commands the verify tool runs inside the mesh (curl, fortio), and how it reads their output.
// Pure: the cluster transport only carries them.
import type { HashKey } from "../../catalog/scenarios/probes";

/** The in-mesh clients and the container each Deployment runs them in. */
export const clientContainers: Record<string, string> = { curl: "curl", "fortio-deploy": "fortio" };

export interface CallOptions {
  url: string;
  headers?: Record<string, string>;
  /** Per request. */
  timeoutSeconds: number;
  /** The same GET this many times in one command (curl only); default 1. */
  times?: number;
  /** More curl options, before the URLs (curl only). */
  curlArgs?: string[];
}

/** Written by curl after each answer: the status (000 when none came) between markers. */
const statusMark = "<<istio-lab-verify status ";

/**
 * GETs from the client: each body followed by a status line. fortio curl makes one request, and
 * since fortio 1.22 writes the response's status line and headers to stderr and only the body to
 * stdout, unless -curl-stdout-headers restores both on stdout (fortio bincommon FetchURL), which
 * is what parseCalls reads.
 */
export function callCommand(from: string, { url, headers = {}, timeoutSeconds, times = 1, curlArgs = [] }: CallOptions): string[] {
  const h = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  if (from === "fortio-deploy") return ["fortio", "curl", "-curl-stdout-headers", "-timeout", `${timeoutSeconds}s`, ...h, url];
  return ["curl", "-sS", "--max-time", String(timeoutSeconds), ...h, ...curlArgs, "-w", `\n${statusMark}%{http_code}>>\n`, ...Array<string>(times).fill(url)];
}

export interface CallResult {
  status: number | null;
  body: string;
}

/**
 * Reads `callCommand`'s output: one result per request, `expected` of them; requests curl never
 * finished (it stops at the first failure) read as no answer.
 */
export function parseCalls(from: string, stdout: string, expected = 1): CallResult[] {
  const results: CallResult[] = [];
  if (from === "fortio-deploy") {
    const m = /^HTTP\/[\d.]+ (\d{3})/m.exec(stdout);
    const split = stdout.indexOf("\r\n\r\n");
    results.push({ status: m ? Number(m[1]) : null, body: split >= 0 ? stdout.slice(split + 4) : "" });
  } else {
    const parts = stdout.split(statusMark);
    for (let i = 1; i < parts.length; i++) {
      const code = /^(\d{3})>>/.exec(parts[i])?.[1];
      const previous = parts[i - 1];
      const body = (i === 1 ? previous : previous.slice(previous.indexOf(">>") + 3)).replace(/\n$/, "");
      results.push({ status: code && code !== "000" ? Number(code) : null, body });
    }
  }
  while (results.length < expected) results.push({ status: null, body: "" });
  return results.slice(0, Math.max(expected, 1));
}

/** The plaintext request of the mTLS check: only the status, `000` when there was no answer. */
export function plaintextCommand(url: string, timeoutSeconds: number): string[] {
  return ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(timeoutSeconds), url];
}

export function parseStatusOnly(stdout: string): number | null {
  const code = stdout.trim().slice(-3);
  return /^\d{3}$/.test(code) && code !== "000" ? Number(code) : null;
}

/** `fortio load` with its result as JSON on stdout (logs go to stderr). */
export function fortioLoadCommand(url: string, connections: number, requests: number, timeoutSeconds: number): string[] {
  return ["fortio", "load", "-c", String(connections), "-qps", "0", "-n", String(requests), "-timeout", `${timeoutSeconds}s`, "-loglevel", "Warning", "-json", "-", url];
}

/** The status-code counts of a fortio JSON result (`RetCodes`; -1 counts connection errors). */
export function parseFortio(stdout: string): Record<string, number> {
  const start = stdout.indexOf("{");
  if (start < 0) throw new Error(`fortio printed no JSON result: ${stdout.slice(0, 200) || "(nothing)"}`);
  const result = JSON.parse(stdout.slice(start)) as { RetCodes?: Record<string, number> };
  if (!result.RetCodes || typeof result.RetCodes !== "object") throw new Error("fortio's result has no RetCodes");
  return result.RetCodes;
}

/** The request a hash-key value travels on: a header, a cookie or a query parameter added to the URL. */
export function keyedCall(url: string, key: HashKey, value: string): { url: string; headers: Record<string, string> } {
  if ("header" in key) return { url, headers: { [key.header]: value } };
  if ("cookie" in key) return { url, headers: { Cookie: `${key.cookie}=${value}` } };
  if ("query" in key) return { url: withQuery(url, key.query, value), headers: {} };
  return { url, headers: {} };
}

export function withQuery(url: string, name: string, value: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

/** Which pod a reviews answer came from: its JSON names it (`podname`). */
export function podOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { podname?: unknown };
    if (typeof parsed.podname === "string") return parsed.podname;
  } catch {
    // not JSON: fall through
  }
  return /"podname"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? null;
}

/** Lines of a log that carry the marker of one call. */
export const countMarked = (log: string, marker: string) => log.split("\n").filter((line) => line.includes(marker)).length;
