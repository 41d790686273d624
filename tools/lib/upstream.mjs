// The upstream reference files the tests compare the program with (Istio 1.31's charts and
// samples, the Gateway API v1.6.0 CRDs, flannel v0.28.9's manifest, the pulumi-command schema and
// part of pulumi-vsphere's), as .ci/upstream-files.tsv lists them, found in one order
// (docs/development.md, "Upstream files"):
//   1. the folder the variable ISTIO_LAB_UPSTREAM names, when it is set;
//   2. else ../shared/upstream beside the checkout, where that folder exists;
//   3. else a cache, ${XDG_CACHE_HOME:-~/.cache}/istio-lab/upstream, which the first run fills by
//      downloading each file from raw.githubusercontent.com (or ISTIO_LAB_UPSTREAM_URL, a mirror of
//      it) at the ref the list pins, keeping it only when its git blob id is the listed one.
// The first place that applies is the only one used: a folder named or found that lacks a file, or
// holds one with another blob id, stops the tests with one message, rather than mixing sources.
// Plain JavaScript, so that tools/test.mjs and .ci/fetch-upstream run it on Node before any
// TypeScript loader; its types are in upstream.d.mts. Tests read files through test/upstream-files.ts.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The variable that names the folder of the upstream files, first in the order. */
export const folderVariable = "ISTIO_LAB_UPSTREAM";
/** The variable that names a mirror of raw.githubusercontent.com to download from. */
export const urlVariable = "ISTIO_LAB_UPSTREAM_URL";
export const defaultUrl = "https://raw.githubusercontent.com";
/** The list of files, relative to the checkout's root. */
export const manifestPath = ".ci/upstream-files.tsv";

/** Stops the tests: its message says what is missing and how to get it, and is all that is printed. */
export class UpstreamError extends Error {
  name = "UpstreamError";
}

/** git's blob id of some bytes: sha1 of "blob <length>\0" and the bytes. */
export function gitBlob(bytes) {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * The rows of .ci/upstream-files.tsv: local path, repository, ref, path in the repository, the
 * first 12 hex digits of the git blob id, size in bytes. A row whose repository is a script of this
 * repository (`.ci/x.mjs`) is made, not downloaded: the script's default export cuts the file named
 * in the path column (a local path of another row, downloaded for it and not kept).
 * `files` are the ones the tests read: every row but those only made from.
 */
export function readManifest(file) {
  const rows = readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => line.trim() !== "" && !line.startsWith("#"))
    .map(({ line, number }) => {
      const columns = line.split("\t");
      const [local, repo, ref, source, blob, bytes] = columns;
      if (columns.length !== 6 || !/^[0-9a-f]{12}$/.test(blob) || !/^\d+$/.test(bytes) || path.posix.normalize(local) !== local || local.startsWith("../") || path.posix.isAbsolute(local)) {
        throw new Error(`${file}:${number}: not a row of local path, repository, ref, path, 12-digit blob id, bytes (tab-separated): ${line}`);
      }
      const made = repo.endsWith(".mjs") ? { script: repo, from: source } : undefined;
      return { local, repo, ref, path: source, blob, bytes: Number(bytes), made };
    });
  const byLocal = new Map(rows.map((row) => [row.local, row]));
  for (const row of rows) {
    const from = row.made && byLocal.get(row.made.from);
    if (row.made && (!from || from.made)) throw new Error(`${file}: ${row.local} is made from ${row.made.from}, which is no downloaded row`);
  }
  const madeFrom = new Set(rows.flatMap((row) => (row.made ? [row.made.from] : [])));
  return { file, rows, byLocal, files: rows.filter((row) => !madeFrom.has(row.local)), downloads: rows.filter((row) => !row.made) };
}

/** The cache: ${XDG_CACHE_HOME:-~/.cache}/istio-lab/upstream, beside the Node that .ci/use-node.sh keeps. */
export function cacheFolder(env = process.env, home = homedir()) {
  return path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "istio-lab", "upstream");
}

const isFolder = (dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** The folder beside a checkout that holds the upstream files (rule 2 at the top), as a path from the checkout. */
export const besideCheckout = path.join("..", "shared", "upstream");

/** That folder for the checkout at `root`. */
export const besideFolder = (root) => path.resolve(root, besideCheckout);

/**
 * Where the upstream files are for the checkout at `root`, by the order at the top; a folder named
 * by the variable is taken from the root when relative. `source` says which rule chose it.
 */
export function locateUpstream({ root, env = process.env, home = homedir() }) {
  const named = env[folderVariable];
  if (named) return { dir: path.resolve(root, named), source: "variable", label: `${folderVariable}=${named}` };
  const beside = besideFolder(root);
  if (isFolder(beside)) return { dir: beside, source: "beside", label: `${beside} (beside the checkout)` };
  const cache = cacheFolder(env, home);
  return { dir: cache, source: "cache", label: `the cache ${cache}` };
}

/** Whether `dir` holds the row's file with its blob id: undefined when it does, else what is wrong. */
function fault(dir, row) {
  const file = path.join(dir, row.local);
  const size = statSync(file, { throwIfNoEntry: false });
  if (!size?.isFile()) return "missing";
  const blob = size.size === row.bytes ? gitBlob(readFileSync(file)).slice(0, 12) : undefined;
  return blob === row.blob ? undefined : `${size.size} bytes${blob ? `, blob ${blob}` : ""}, not the pinned ${row.bytes} bytes, blob ${row.blob}`;
}

/** The files `dir` lacks or holds with another blob id, each as `local: what is wrong`. */
export function upstreamFaults(dir, manifest) {
  return manifest.files.flatMap((row) => {
    const wrong = fault(dir, row);
    return wrong ? [{ row, wrong }] : [];
  });
}

const inWords = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${Math.round(bytes / 1e3)} kB` : `${bytes} bytes`);

/** What a download of the whole list fetches: its count, its bytes and where from, in words. */
export function downloadSummary(manifest, baseUrl = defaultUrl) {
  const bytes = manifest.downloads.reduce((sum, row) => sum + row.bytes, 0);
  const perRepo = new Map();
  for (const row of manifest.downloads) perRepo.set(row.repo, (perRepo.get(row.repo) ?? 0) + 1);
  return `${manifest.downloads.length} files, ${inWords(bytes)}, from ${baseUrl} (${[...perRepo].map(([repo, n]) => `${repo} ${n}`).join(", ")})`;
}

/** The first `count` faults, one a line, and how many more there are. */
const listed = (faults, count = 5) =>
  [...faults.slice(0, count).map(({ row, wrong }) => `  ${row.local}: ${wrong}`), ...(faults.length > count ? [`  and ${faults.length - count} more`] : [])].join("\n");

/** The error of a failed request, with its cause (fetch says only "fetch failed"). */
const reason = (error) => {
  const cause = error?.cause;
  return `${error?.message ?? error}${cause ? ` (${cause.code ?? cause.message ?? cause})` : ""}`;
};

/**
 * Downloads into `dir` every file of the list it lacks or holds with another blob id, each from
 * `${baseUrl}/<repository>/<ref>/<path>`, `parallel` at a time. A file is written (to a temporary
 * name, then renamed) only once its blob id is the listed one; the first failure stops what has
 * not started and throws, naming the file. Returns how many it downloaded and kept.
 */
export async function downloadUpstream({ dir, manifest, root, baseUrl = defaultUrl, fetch = globalThis.fetch, parallel = 8, timeoutMs = 120_000 }) {
  const wanted = manifest.files.filter((row) => fault(dir, row) !== undefined);
  const fetched = async (row) => {
    const url = `${baseUrl.replace(/\/+$/, "")}/${row.repo}/${row.ref}/${row.path}`;
    let bytes;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new Error(`could not download ${url}: ${reason(error)}`);
    }
    const blob = gitBlob(bytes).slice(0, 12);
    if (blob !== row.blob) throw new Error(`${url} has blob ${blob} (${bytes.length} bytes), not ${row.blob} (${row.bytes} bytes): the ref moved or the file changed upstream; refused, nothing written`);
    return bytes;
  };
  const made = async (row) => {
    const source = manifest.byLocal.get(row.made.from);
    const { default: cut } = await import(pathToFileURL(path.join(root, row.made.script)).href);
    const bytes = Buffer.from(cut(await fetched(source)));
    const blob = gitBlob(bytes).slice(0, 12);
    if (blob !== row.blob) throw new Error(`${row.made.script} cut ${row.made.from} to blob ${blob} (${bytes.length} bytes), not ${row.blob} (${row.bytes} bytes); refused, nothing written`);
    return bytes;
  };
  let failure;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && next < wanted.length) {
      const row = wanted[next++];
      try {
        const bytes = row.made ? await made(row) : await fetched(row);
        const target = path.join(dir, row.local);
        const part = `${target}.${process.pid}.part`;
        mkdirSync(path.dirname(target), { recursive: true });
        try {
          writeFileSync(part, bytes);
          renameSync(part, target);
        } finally {
          rmSync(part, { force: true });
        }
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, wanted.length) }, worker));
  if (failure !== undefined) throw failure;
  return { downloaded: wanted.length, kept: manifest.files.length - wanted.length };
}

/**
 * The upstream files for the checkout at `root`, checked file by file against the list (and, in the
 * cache, downloaded where missing); `log` hears of a download before it starts. Throws an
 * UpstreamError whose message is the one thing to print when they cannot be had.
 */
export async function ensureUpstream({ root, env = process.env, home = homedir(), fetch = globalThis.fetch, log = () => {} }) {
  const manifest = readManifest(path.join(root, manifestPath));
  const where = locateUpstream({ root, env, home });
  const baseUrl = env[urlVariable] || defaultUrl;
  const total = manifest.files.length;
  const faults = upstreamFaults(where.dir, manifest);
  if (faults.length === 0) return { ...where, files: total, downloaded: 0 };
  const fill = `bash .ci/fetch-upstream ${where.dir} (downloads ${downloadSummary(manifest, baseUrl)})`;
  if (where.source === "variable" && !isFolder(where.dir)) {
    throw new UpstreamError(`${where.label} names no folder (${where.dir}): fill one with \`${fill}\`, or unset ${folderVariable} to use ${besideCheckout} or the cache (docs/development.md, "Upstream files").`);
  }
  if (where.source === "variable") {
    throw new UpstreamError(
      [
        `${where.label} names the folder of the upstream files the tests read, and ${faults.length} of its ${total} files are missing or not the pinned ones (${manifestPath}):`,
        listed(faults),
        `Fill it with \`${fill}\`, or unset ${folderVariable} to use ${besideCheckout} or the cache (docs/development.md, "Upstream files").`,
      ].join("\n"),
    );
  }
  if (where.source === "beside") {
    throw new UpstreamError(
      [
        `${where.label} holds the upstream files the tests read, and ${faults.length} of its ${total} files are missing or not the pinned ones (${manifestPath}):`,
        listed(faults),
        `Fill it with \`${fill}\`, or set ${folderVariable} to another folder that holds them (docs/development.md, "Upstream files").`,
      ].join("\n"),
    );
  }
  log(`downloading ${faults.length} of the ${total} upstream files into ${where.dir} (once): ${downloadSummary({ ...manifest, downloads: neededDownloads(manifest, faults) }, baseUrl)}`);
  try {
    const { downloaded } = await downloadUpstream({ dir: where.dir, manifest, root, baseUrl, fetch });
    return { ...where, files: total, downloaded };
  } catch (error) {
    throw new UpstreamError(noneMessage({ root, where, manifest, baseUrl, held: total - upstreamFaults(where.dir, manifest).length, error }));
  }
}

/** The downloads the faulty files need: each file's own row, or the row it is made from. */
function neededDownloads(manifest, faults) {
  return [...new Set(faults.map(({ row }) => (row.made ? manifest.byLocal.get(row.made.from) : row)))];
}

const hostOf = (url) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** The one message when none of the three places has the files: what was looked at, and the three ways to get them. */
function noneMessage({ root, where, manifest, baseUrl, held, error }) {
  const beside = besideFolder(root);
  return [
    `The tests compare the program with ${manifest.files.length} upstream files (${manifestPath}) and cannot find them:`,
    `  - ${folderVariable} is not set;`,
    `  - there is no ${beside} beside the checkout;`,
    `  - ${where.label} holds ${held} of them, and downloading the rest failed: ${reason(error)}`,
    "Get them one of these ways, then run the tests again (docs/development.md, \"Upstream files\"):",
    `  - set ${folderVariable} to a folder that holds them: another checkout's ${besideCheckout}, or one that \`bash .ci/fetch-upstream DIR\` filled on a machine with network;`,
    `  - put them in ${beside};`,
    `  - or run the tests where ${hostOf(baseUrl)} is reachable (${urlVariable} names a mirror): the first run downloads ${downloadSummary(manifest, baseUrl)} into ${where.dir}, each checked by its git blob id.`,
  ].join("\n");
}

/** `node tools/lib/upstream.mjs fetch [DIR]`, as .ci/fetch-upstream runs it: fills DIR (default: the cache). */
async function main([command, dir]) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  if (command !== "fetch") {
    process.stderr.write("usage: node tools/lib/upstream.mjs fetch [DIR]\n");
    return 2;
  }
  const manifest = readManifest(process.env.UPSTREAM_MANIFEST ? path.resolve(process.env.UPSTREAM_MANIFEST) : path.join(root, manifestPath));
  const out = dir ? path.resolve(dir) : cacheFolder();
  try {
    const { downloaded, kept } = await downloadUpstream({ dir: out, manifest, root, baseUrl: process.env[urlVariable] || defaultUrl });
    process.stdout.write(`fetch-upstream: ${downloaded} downloaded, ${kept} already there, into ${out}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`fetch-upstream: ${error.message}\n`);
    return 1;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)));
}
