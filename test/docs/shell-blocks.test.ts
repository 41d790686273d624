// Every shell block of the README and docs/ runs against the Pulumi CLI model
// (tools/lib/pulumi-cli.ts) from the state its page says the reader is in: a block that names a
// stack that does not exist yet, asks a script for input, or needs a passphrase it has no way to
// get fails here as it would fail the reader.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CliRefusal, type CliWorld } from "../../tools/lib/pulumi-cli";
import { runBlock } from "./shell";

const root = path.resolve(__dirname, "../..");
const shipped = fs.readdirSync(root).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
const pages = ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const blocks = pages.flatMap((page) =>
  [...fs.readFileSync(path.join(root, page), "utf8").matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((m, i) => ({ page, index: i + 1, block: m[1] })),
);

/** A reader at a terminal in a fresh clone who followed the README's first step (the passphrase exported). */
const fresh = (): CliWorld => ({ stacks: new Set(), files: new Set(shipped), env: new Map([["PULUMI_CONFIG_PASSPHRASE", "p"]]), terminal: true });
const withStacks = (world: CliWorld, stacks: string[], selected = stacks[0]): CliWorld => ({ ...world, stacks: new Set(stacks), selected });

/**
 * Where each page's blocks start: what the page says came before. A block no entry names starts in
 * a fresh clone. The recovery recipes run as scripts (the nightly drills), not at a terminal.
 */
const startOf: Record<string, () => { world: CliWorld; vars?: Record<string, string> }> = {
  "docs/labs.md": () => ({ world: withStacks(fresh(), ["local"]) }),
  "docs/own-app.md": () => ({ world: withStacks(fresh(), ["seed"]) }),
  "docs/verify.md": () => ({ world: withStacks(fresh(), ["local", "mirroring"]) }),
  "docs/recovery.md": () => ({
    world: { ...withStacks(fresh(), ["local"]), terminal: false },
    vars: { STACK: "local", TOOL: "kind", NODE: "linux-node2", NEW_CONTEXT: "kind-other" },
  }),
};

describe("the shell blocks of the README and docs/", () => {
  it("are found on the pages that have them", () => {
    expect(new Set(blocks.map((b) => b.page))).toEqual(new Set(["README.md", "docs/getting-started.md", "docs/labs.md", "docs/own-app.md", "docs/recovery.md", "docs/verify.md"]));
  });

  it.each(blocks.map((b) => [`${b.page} #${b.index}`, b] as const))("%s runs as the reader types it", (_name, { page, block }) => {
    const { world, vars } = (startOf[page] ?? (() => ({ world: fresh() })))();
    expect(() => runBlock(world, block, new Map([...world.env, ...Object.entries(vars ?? {})]))).not.toThrow();
  });
});

describe("the model refuses what the CLI refuses", () => {
  const refusal = (world: CliWorld, block: string) => {
    try {
      runBlock(world, block);
      return undefined;
    } catch (error) {
      if (error instanceof CliRefusal) return error.message;
      throw error;
    }
  };

  it("a secret read from a file for a stack that does not exist (stdin redirected: no offer to create it)", () => {
    expect(refusal(fresh(), "pulumi config set --stack dev --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519")).toMatch(/no stack named 'dev' found/);
    expect(refusal(fresh(), "pulumi stack select --create dev\npulumi config set --secret istio-lab:sshPrivateKey < ~/.ssh/id_ed25519")).toBeUndefined();
  });

  it("--copy-config-from a stack file that is no stack", () => {
    expect(refusal(withStacks(fresh(), ["local"]), "pulumi stack init student-1 --copy-config-from lab-template")).toMatch(/no stack named 'lab-template' found/);
  });

  it("a script without --yes, without a value, or without a passphrase", () => {
    const script = { ...withStacks(fresh(), ["local"]), terminal: false };
    expect(refusal(script, "pulumi destroy --stack local")).toMatch(/--yes or --skip-preview must be passed/);
    expect(refusal(script, "pulumi config set --stack local --secret vsphere:password")).toMatch(/config value must be specified in non-interactive mode/);
    expect(refusal({ ...script, env: new Map() }, "pulumi up --stack local --yes")).toMatch(/passphrase must be set with PULUMI_CONFIG_PASSPHRASE/);
    expect(refusal(script, "pulumi destroy --stack other --yes")).toMatch(/no stack named 'other' found/);
  });

  it("a destroy never offers to create its stack, even at a terminal; an up does", () => {
    expect(refusal(fresh(), "pulumi destroy --stack local")).toMatch(/no stack named 'local' found/);
    expect(refusal(fresh(), "pulumi up --stack local")).toBeUndefined();
  });

  it("an unknown flag, an npm script that does not exist, and a variable nobody set", () => {
    expect(refusal(fresh(), "pulumi stack select --craete local")).toMatch(/unknown flag --craete/);
    expect(refusal(fresh(), "npm run verfy")).toMatch(/package.json has no such script/);
    expect(refusal(fresh(), 'pulumi up --stack "$STACK"')).toMatch(/\$STACK is not set/);
  });
});
