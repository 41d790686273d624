// Types of upstream.mjs (plain JavaScript, so that Node runs it before any TypeScript loader).

export declare const folderVariable: "ISTIO_LAB_UPSTREAM";
export declare const urlVariable: "ISTIO_LAB_UPSTREAM_URL";
export declare const defaultUrl: string;
export declare const manifestPath: string;
/** The folder beside a checkout that holds the upstream files, as a path from the checkout. */
export declare const besideCheckout: string;
export declare function besideFolder(root: string): string;

export declare class UpstreamError extends Error {}

export interface ManifestRow {
  local: string;
  repo: string;
  ref: string;
  path: string;
  /** The first 12 hex digits of the git blob id. */
  blob: string;
  bytes: number;
  /** Set when the row is cut by a script of this repository from another row's file, not downloaded. */
  made?: { script: string; from: string };
}
export interface Manifest {
  file: string;
  rows: ManifestRow[];
  byLocal: Map<string, ManifestRow>;
  /** The files the tests read. */
  files: ManifestRow[];
  /** The rows a full download fetches. */
  downloads: ManifestRow[];
}
export type Env = Record<string, string | undefined>;
export type Fetch = (url: string, init: { signal: AbortSignal }) => Promise<Pick<Response, "ok" | "status" | "arrayBuffer">>;
export interface Located {
  dir: string;
  source: "variable" | "beside" | "cache";
  label: string;
}

export declare function gitBlob(bytes: Uint8Array): string;
export declare function readManifest(file: string): Manifest;
export declare function cacheFolder(env?: Env, home?: string): string;
export declare function locateUpstream(options: { root: string; env?: Env; home?: string }): Located;
export declare function upstreamFaults(dir: string, manifest: Manifest): { row: ManifestRow; wrong: string }[];
export declare function downloadSummary(manifest: Manifest, baseUrl?: string): string;
export declare function downloadUpstream(options: {
  dir: string;
  manifest: Manifest;
  root: string;
  baseUrl?: string;
  fetch?: Fetch;
  parallel?: number;
  timeoutMs?: number;
}): Promise<{ downloaded: number; kept: number }>;
export declare function ensureUpstream(options: {
  root: string;
  env?: Env;
  home?: string;
  fetch?: Fetch;
  log?: (line: string) => void;
}): Promise<Located & { files: number; downloaded: number }>;
