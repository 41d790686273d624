// Where the tests find the upstream reference files (tools/lib/upstream.mjs, test/upstream-files.ts):
// the order, the first run's download into the cache against a stand-in for
// raw.githubusercontent.com on 127.0.0.1, a file refused for its blob id, the one message when the
// files cannot be had, and the list itself (.ci/upstream-files.tsv).
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { besideCheckout, besideFolder, cacheFolder, downloadSummary, ensureUpstream, gitBlob, locateUpstream, manifestPath, readManifest, UpstreamError } from "../../tools/lib/upstream.mjs";
import { upstreamFile, upstreamFolder } from "../upstream-files";

const root = path.resolve(__dirname, "../..");

/** A whole vSphere schema in miniature, and the subset .ci/vsphere-schema-subset.mjs cuts from it. */
const wholeSchema = JSON.stringify({
  name: "vsphere",
  description: "dropped",
  types: { "vsphere:index/Unused:Unused": {}, "vsphere:index/Disk:Disk": { type: "object" } },
  resources: { "vsphere:index/virtualMachine:VirtualMachine": { inputProperties: { disks: { $ref: "#/types/vsphere:index/Disk:Disk" } } } },
  functions: { "vsphere:index/getNetwork:getNetwork": {}, "vsphere:index/getDatacenter:getDatacenter": {}, "vsphere:index/getHost:getHost": {} },
});
const subset = `${JSON.stringify(
  {
    name: "vsphere",
    types: { "vsphere:index/Disk:Disk": { type: "object" } },
    resources: { "vsphere:index/virtualMachine:VirtualMachine": { inputProperties: { disks: { $ref: "#/types/vsphere:index/Disk:Disk" } } } },
    functions: { "vsphere:index/getDatacenter:getDatacenter": {}, "vsphere:index/getNetwork:getNetwork": {} },
  },
  null,
  4,
)}\n`;
/** What the stand-in serves: `/<repository>/<ref>/<path>` -> bytes. */
const pinned: Record<string, string> = { "/o/r/abc/x/one.yaml": "one: 1\n", "/o/r/abc/x/sub/two.yaml": "two: 2\n", "/p/vs/v1/schema.json": wholeSchema };
const row = (local: string, repo: string, ref: string, at: string, text: string) => [local, repo, ref, at, gitBlob(Buffer.from(text)).slice(0, 12), Buffer.byteLength(text)].join("\t");
const manifestText = [
  "# a comment",
  row("a/one.yaml", "o/r", "abc", "x/one.yaml", pinned["/o/r/abc/x/one.yaml"]),
  row("a/b/two.yaml", "o/r", "abc", "x/sub/two.yaml", pinned["/o/r/abc/x/sub/two.yaml"]),
  row("vs/schema.json", "p/vs", "v1", "schema.json", wholeSchema),
  row("vs/schema.subset.json", ".ci/vsphere-schema-subset.mjs", "-", "vs/schema.json", subset),
  "",
].join("\n");
const files = { "a/one.yaml": pinned["/o/r/abc/x/one.yaml"], "a/b/two.yaml": pinned["/o/r/abc/x/sub/two.yaml"], "vs/schema.subset.json": subset };

/** A checkout with that list and the cutting script, in a folder of its own: the folder beside it is `beside`. */
function scratch() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-upstream-"));
  const checkout = path.join(base, "checkout");
  fs.mkdirSync(path.join(checkout, ".ci"), { recursive: true });
  fs.writeFileSync(path.join(checkout, manifestPath), manifestText);
  fs.copyFileSync(path.join(root, ".ci/vsphere-schema-subset.mjs"), path.join(checkout, ".ci/vsphere-schema-subset.mjs"));
  made.push(base);
  return { base, checkout, beside: besideFolder(checkout), cache: path.join(base, "cache") };
}
const made: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const server of servers.splice(0)) server.close();
});

const fill = (dir: string, contents: Record<string, string> = files) => {
  for (const [local, text] of Object.entries(contents)) {
    fs.mkdirSync(path.dirname(path.join(dir, local)), { recursive: true });
    fs.writeFileSync(path.join(dir, local), text);
  }
};
/** Every file under `dir`, relative to it. */
const listing = (dir: string): string[] => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort() : []);

/** The stand-in for raw.githubusercontent.com: serves `served`, 404 for anything else, and records each path asked for. */
async function standIn(served: Record<string, string> = pinned) {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    asked.push(request.url!);
    const body = served[request.url!];
    if (body === undefined) response.writeHead(404).end();
    else response.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, asked };
}

/** The error ensureUpstream stops with. */
async function stopped(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return (error as Error).message;
}

describe("where the tests find the upstream files", () => {
  it("the folder ISTIO_LAB_UPSTREAM names first, then the one beside the checkout, then the cache", () => {
    const { base, checkout, beside, cache } = scratch();
    fs.mkdirSync(beside, { recursive: true });
    expect(locateUpstream({ root: checkout, env: { ISTIO_LAB_UPSTREAM: "../mine" } })).toMatchObject({ dir: path.join(base, "mine"), source: "variable" });
    expect(locateUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache } })).toMatchObject({ dir: beside, source: "beside" });
    fs.rmSync(beside, { recursive: true });
    expect(locateUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache } })).toMatchObject({ dir: path.join(cache, "istio-lab/upstream"), source: "cache" });
    expect(locateUpstream({ root: checkout, env: {}, home: "/home/u" })).toMatchObject({ dir: "/home/u/.cache/istio-lab/upstream", source: "cache" });
    // The folder beside the checkout is the one the docs name, in the order they give.
    expect(fs.readFileSync(path.join(root, "docs/development.md"), "utf8")).toContain(`2. else \`${besideCheckout}\` beside the checkout`);
    expect(cacheFolder({}, "/home/u")).toBe("/home/u/.cache/istio-lab/upstream");
  });

  it("uses only the first place that applies: a named or found folder lacking a file or holding another stops the tests, naming it, and downloads nothing", async () => {
    const { base, checkout, beside, cache } = scratch();
    const remote = await standIn();
    fill(beside);
    const named = path.join(base, "named");
    const env = { ISTIO_LAB_UPSTREAM: named, XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url };
    expect(await stopped(ensureUpstream({ root: checkout, env }))).toMatch(new RegExp(`^ISTIO_LAB_UPSTREAM=${named} names no folder \\(${named}\\): fill one with \`bash \\.ci/fetch-upstream ${named} \\(downloads 3 files,`));
    fill(named, { "a/one.yaml": files["a/one.yaml"] });
    const lacking = await stopped(ensureUpstream({ root: checkout, env }));
    expect(lacking).toContain(`ISTIO_LAB_UPSTREAM=${named} names the folder of the upstream files the tests read, and 2 of its 3 files are missing or not the pinned ones`);
    expect(lacking).toContain("  a/b/two.yaml: missing\n");
    expect(lacking).toContain(`Fill it with \`bash .ci/fetch-upstream ${named} (downloads 3 files,`);

    fs.writeFileSync(path.join(beside, "a/one.yaml"), "one: 2\n");
    const changed = await stopped(ensureUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url } }));
    expect(changed).toContain(`${beside} (beside the checkout) holds the upstream files the tests read, and 1 of its 3 files are missing or not the pinned ones`);
    expect(changed).toMatch(/ {2}a\/one\.yaml: 7 bytes, blob [0-9a-f]{12}, not the pinned 7 bytes, blob [0-9a-f]{12}\n/);
    expect(remote.asked).toEqual([]);
    expect(listing(cache)).toEqual([]);

    fill(beside);
    expect(await ensureUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url } })).toMatchObject({ dir: beside, source: "beside", files: 3, downloaded: 0 });
  });

  it("fills the cache on the first run from the pinned refs, keeps only the vSphere cut, and downloads nothing the next time", async () => {
    const { checkout, cache } = scratch();
    const remote = await standIn();
    const env = { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url };
    const heard: string[] = [];
    const first = await ensureUpstream({ root: checkout, env, log: (line) => heard.push(line) });
    const dir = path.join(cache, "istio-lab/upstream");
    expect(first).toMatchObject({ dir, source: "cache", files: 3, downloaded: 3 });
    expect(heard).toEqual([`downloading 3 of the 3 upstream files into ${dir} (once): 3 files, ${Buffer.byteLength(wholeSchema) + 14} bytes, from ${remote.url} (o/r 2, p/vs 1)`]);
    expect(remote.asked.sort()).toEqual(Object.keys(pinned).sort());
    expect(listing(dir)).toEqual(["a/b/two.yaml", "a/one.yaml", "vs/schema.subset.json"]);
    expect(fs.readFileSync(path.join(dir, "vs/schema.subset.json"), "utf8")).toBe(subset);

    remote.asked.length = 0;
    expect(await ensureUpstream({ root: checkout, env, log: (line) => heard.push(line) })).toMatchObject({ downloaded: 0 });
    expect(remote.asked).toEqual([]);
    // A cached file changed since: only it comes again.
    fs.writeFileSync(path.join(dir, "a/one.yaml"), "edited\n");
    expect(await ensureUpstream({ root: checkout, env })).toMatchObject({ downloaded: 1 });
    expect(remote.asked).toEqual(["/o/r/abc/x/one.yaml"]);
    expect(fs.readFileSync(path.join(dir, "a/one.yaml"), "utf8")).toBe(files["a/one.yaml"]);
  });

  it("refuses a download whose blob id is not the listed one, writes nothing of it, and stops the tests with one message saying how to get the files", async () => {
    const { checkout, beside, cache } = scratch();
    const remote = await standIn({ ...pinned, "/o/r/abc/x/sub/two.yaml": "two: 3\n" });
    const message = await stopped(ensureUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url } }));
    const dir = path.join(cache, "istio-lab/upstream");
    expect(listing(dir)).not.toContain("a/b/two.yaml");
    expect(listing(dir).filter((f) => f.endsWith(".part"))).toEqual([]);
    const [heading, ...lines] = message.split("\n");
    expect(heading).toBe(`The tests compare the program with 3 upstream files (${manifestPath}) and cannot find them:`);
    expect(lines.slice(0, 3)).toEqual([
      "  - ISTIO_LAB_UPSTREAM is not set;",
      `  - there is no ${beside} beside the checkout;`,
      expect.stringMatching(
        new RegExp(`^ {2}- the cache ${dir} holds [0-2] of them, and downloading the rest failed: ${remote.url}/o/r/abc/x/sub/two.yaml has blob [0-9a-f]{12} \\(7 bytes\\), not [0-9a-f]{12} \\(7 bytes\\): the ref moved or the file changed upstream; refused, nothing written$`),
      ),
    ]);
    expect(lines.slice(3)).toEqual([
      'Get them one of these ways, then run the tests again (docs/development.md, "Upstream files"):',
      `  - set ISTIO_LAB_UPSTREAM to a folder that holds them: another checkout's ${besideCheckout}, or one that \`bash .ci/fetch-upstream DIR\` filled on a machine with network;`,
      `  - put them in ${beside};`,
      `  - or run the tests where 127.0.0.1:${new URL(remote.url).port} is reachable (ISTIO_LAB_UPSTREAM_URL names a mirror): the first run downloads 3 files, ${Buffer.byteLength(wholeSchema) + 14} bytes, from ${remote.url} (o/r 2, p/vs 1) into ${dir}, each checked by its git blob id.`,
    ]);
  });

  it("stops at a file it could not download, naming it", async () => {
    const { checkout, cache } = scratch();
    const remote = await standIn({ "/o/r/abc/x/one.yaml": pinned["/o/r/abc/x/one.yaml"] });
    const message = await stopped(ensureUpstream({ root: checkout, env: { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url } }));
    expect(message).toMatch(new RegExp(`downloading the rest failed: could not download ${remote.url}/(o/r/abc/x/sub/two.yaml|p/vs/v1/schema.json): HTTP 404\n`));
  });
});

describe("the list of upstream files (.ci/upstream-files.tsv)", () => {
  const manifest = readManifest(path.join(root, manifestPath));

  it("is what tests read through test/upstream-files.ts, and nothing else", () => {
    expect(manifest.files.length).toBeGreaterThan(100);
    expect(upstreamFile("flannel-v0.28.9/kube-flannel.yml")).toBe(path.join(locateUpstream({ root }).dir, "flannel-v0.28.9/kube-flannel.yml"));
    expect(() => upstreamFile("istio-1.31/samples/not-listed.yaml")).toThrow(`istio-1.31/samples/not-listed.yaml is not among the upstream files ${manifestPath} lists: add its row`);
    // The whole vSphere schema is only downloaded to be cut: no test reads it.
    expect(() => upstreamFile("pulumi-vsphere-4.17.0/schema.json")).toThrow(/not among/);
    expect(upstreamFolder("istio-1.31/charts/base/files")).toEqual(["profile-demo.yaml"]);
    expect(upstreamFolder("istio-1.31/charts/istio-control/istio-discovery/files/")).toEqual(["profile-demo.yaml"]);
  });

  it("stops at a malformed row, naming its line", () => {
    const { checkout } = scratch();
    const file = path.join(checkout, manifestPath);
    fs.writeFileSync(file, "# x\na/one.yaml\to/r\tabc\tx/one.yaml\tnot-a-blob\t7\n");
    expect(() => readManifest(file)).toThrow(`${file}:2: not a row of`);
    fs.writeFileSync(file, "../out.yaml\to/r\tabc\tx/one.yaml\t0123456789ab\t7\n");
    expect(() => readManifest(file)).toThrow(`${file}:1: not a row of`);
    fs.writeFileSync(file, "a.json\t.ci/cut.mjs\t-\tnowhere.json\t0123456789ab\t7\n");
    expect(() => readManifest(file)).toThrow("a.json is made from nowhere.json, which is no downloaded row");
  });

  it("cuts the vSphere schema to the very subset it lists (the cut of the subset is itself, byte for byte)", async () => {
    const { default: cut } = (await import(path.join(root, ".ci/vsphere-schema-subset.mjs"))) as { default: (bytes: Buffer) => string };
    const kept = fs.readFileSync(upstreamFile("pulumi-vsphere-4.17.0/schema.subset.json"));
    expect(cut(kept)).toBe(kept.toString("utf8"));
    expect(gitBlob(kept).slice(0, 12)).toBe(manifest.byLocal.get("pulumi-vsphere-4.17.0/schema.subset.json")!.blob);
    expect(cut(Buffer.from(wholeSchema))).toBe(subset);
  });

  it("is what docs/development.md says the first run downloads: how many files, how many bytes, from which repositories", () => {
    const [, count, size, repos] = /^(\d+) files, ([\d.]+ MB), from https:\/\/raw\.githubusercontent\.com \((.*)\)$/.exec(downloadSummary(manifest))!;
    const page = fs.readFileSync(path.join(root, "docs/development.md"), "utf8").replace(/\s+/g, " ");
    expect(page).toContain(`downloads ${count} files, ${size}, from`);
    for (const [repo, n] of repos.split(", ").map((r) => r.split(" "))) expect(page).toContain(n === "1" ? ` ${repo}` : `${n} from ${repo}`);
  });
});

describe("npm test's check, before anything starts (tools/test.mjs)", () => {
  type Ready = (options: { root: string; env: Record<string, string>; write: (text: string) => void; fail: (text: string) => void }) => Promise<boolean>;
  // tools/test.mjs is plain JavaScript, run by Node before any TypeScript loader: imported by path.
  const load = async (): Promise<Ready> => ((await import(path.join(root, "tools/test.mjs"))) as { upstreamReady: Ready }).upstreamReady;

  it("says in one line where the files are, or prints the one message alone and says no", async () => {
    const upstreamReady = await load();
    const { checkout, beside, cache } = scratch();
    const remote = await standIn({});
    const said = { out: "", err: "" };
    const env = { XDG_CACHE_HOME: cache, ISTIO_LAB_UPSTREAM_URL: remote.url };
    const ready = () => upstreamReady({ root: checkout, env, write: (t) => void (said.out += t), fail: (t) => void (said.err += t) });
    expect(await ready()).toBe(false);
    expect(said.out).toBe(`> upstream files: downloading 3 of the 3 upstream files into ${path.join(cache, "istio-lab/upstream")} (once): ${downloadSummary(readManifest(path.join(checkout, manifestPath)), remote.url)}\n`);
    expect(said.err).toMatch(/^The tests compare the program with 3 upstream files/);
    expect(said.err.trimEnd().split("\n")).toHaveLength(8);

    fill(beside);
    said.out = "";
    expect(await ready()).toBe(true);
    expect(said.out).toBe(`> upstream files: ${beside} (beside the checkout), 3 files\n`);
  });
});
