// The README is a front door (what the lab is, a picture, the two commands, the stacks, where
// next), and every other fact lives on one page of docs/. Every link between them resolves.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const docs = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
const pages = ["README.md", ...docs];
const read = (page: string) => fs.readFileSync(path.join(root, page), "utf8");

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

const anchors = (page: string) => new Set([...read(page).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));

describe("the README", () => {
  const readme = read("README.md");

  it("is a front door of at most 200 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(200);
  });

  it("shows a picture, the two commands and where to read next, linking every page of docs/", () => {
    expect(readme).toMatch(/```mermaid\nflowchart/);
    expect(readme).toContain("npm ci && pulumi stack select --create local && pulumi up");
    expect(readme).toMatch(/The tests[^\n]*:\n\n```sh\nnpm test\n```/);
    const linked = new Set([...readme.matchAll(/\]\((docs\/[a-z0-9-]+\.md)[)#]/g)].map((m) => m[1]));
    expect(docs.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe("links between the pages", () => {
  it.each(pages)("%s links only to files and headings that exist", (page) => {
    const broken: string[] = [];
    for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // a web address
      const [file, anchor] = target.split("#");
      const resolved = file === "" ? page : path.normalize(path.join(path.dirname(page), file));
      if (!fs.existsSync(path.join(root, resolved))) broken.push(`${target}: no file ${resolved}`);
      else if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it("takes a heading's anchor as GitHub does", () => {
    expect(anchorOf("A cluster on this machine (`kind`, `k3d`)")).toBe("a-cluster-on-this-machine-kind-k3d");
    expect(anchorOf("shift-90-10")).toBe("shift-90-10");
  });
});
