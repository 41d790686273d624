// The one way a test reads the upstream reference files: upstreamFile("istio-1.31/...") is where
// that file is, whichever place holds them (tools/lib/upstream.mjs finds it; docs/development.md,
// "Upstream files", gives the order). The global setup (test/upstream/global-setup.ts) has checked
// every file's blob id, or downloaded them, before any test runs. Only a file that
// .ci/upstream-files.tsv lists can be read, so the list stays what a fresh clone needs.
import * as path from "node:path";
import { locateUpstream, manifestPath, readManifest, type Manifest } from "../tools/lib/upstream.mjs";

const root = path.resolve(__dirname, "..");
let found: { dir: string; manifest: Manifest } | undefined;
const upstream = () => (found ??= { dir: locateUpstream({ root }).dir, manifest: readManifest(path.join(root, manifestPath)) });

/** The path of an upstream file, given as .ci/upstream-files.tsv lists it (e.g. `flannel-v0.28.9/kube-flannel.yml`). */
export function upstreamFile(relativePath: string): string {
  const { dir, manifest } = upstream();
  if (!manifest.files.some((row) => row.local === relativePath)) {
    throw new Error(`${relativePath} is not among the upstream files ${manifestPath} lists: add its row (repository, ref, path, blob id, bytes) so that every checkout gets it`);
  }
  return path.join(dir, relativePath);
}

/** The names of the upstream files directly in a folder (e.g. a chart's `files`), as the list has them. */
export function upstreamFolder(relativePath: string): string[] {
  const prefix = `${relativePath.replace(/\/+$/, "")}/`;
  const names = upstream()
    .manifest.files.map((row) => row.local)
    .filter((local) => local.startsWith(prefix) && !local.slice(prefix.length).includes("/"))
    .map((local) => local.slice(prefix.length));
  if (names.length === 0) throw new Error(`no upstream file ${manifestPath} lists is in ${relativePath}`);
  return names.sort();
}
