// The recovery recipes of docs/recovery.md as a reader runs them: each names real resources of the
// stacks (their URNs built the engine's way from a render), uses only the variables the page tells
// the reader to set, and calls the Pulumi CLI with commands and flags it has.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readRecipes, recipeCommands, recoveryPage, runRecipe } from "../../tools/lib/recipes";
import type { Rendered, RenderedResource } from "../../tools/lib/mock-engine";
import { readStackFileForRender } from "../../tools/lib/stack-file";
import { ciphertext, renderFile, renderStack, renderStackConfig } from "../harness";

const page = fs.readFileSync(recoveryPage, "utf8");
const recipes = readRecipes(page);

/** A resource's URN as the engine makes it: the parents' types joined by `$`, the root stack left out (pulumi/pulumi sdk/go/common/resource/urn.go NewURN). */
function urnOf(rendered: Rendered, resource: RenderedResource, project = "istio-lab"): string {
  const byName = new Map(rendered.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const types = [resource.type];
  let parent = resource.parentType && resource.parent ? byName.get(`${resource.parentType}::${resource.parent}`) : undefined;
  while (parent && parent.type !== "pulumi:pulumi:Stack") {
    types.unshift(parent.type);
    parent = parent.parentType && parent.parent ? byName.get(`${parent.parentType}::${parent.parent}`) : undefined;
  }
  return `urn:pulumi:${rendered.stack}::${project}::${types.join("$")}::${resource.name}`;
}

/** A recipe line as bash expands it, with the variables the reader set. */
const expand = (line: string, vars: Record<string, string>) => line.replace(/\\\$/g, "\u0000").replace(/\$(\w+)|\$\{(\w+)\}/g, (_, a, b) => vars[a ?? b] ?? `$${a ?? b}`).replace(/\u0000/g, "$");
/** The double-quoted words of a command line, unquoted. */
const words = (line: string) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);

/**
 * The Pulumi CLI's commands the recipes use, with their flags (pulumi/pulumi pkg/cmd/pulumi: up/up.go,
 * destroy.go, state/state_delete.go, config/config.go); every one takes --stack.
 */
const cli: Record<string, { flags: string[]; valued: string[] }> = {
  up: { flags: ["--yes"], valued: ["--stack", "--replace"] },
  destroy: { flags: ["--yes"], valued: ["--stack"] },
  "state delete": { flags: ["--yes", "--all", "--target-dependents"], valued: ["--stack"] },
  "config set": { flags: ["--path", "--secret"], valued: ["--stack"] },
  "config rm": { flags: ["--path"], valued: ["--stack"] },
};

describe("the recipes of docs/recovery.md", () => {
  it("are the page's recipes, each once", () => {
    expect([...recipes.keys()]).toEqual(["move", "local-cluster-deleted", "cluster-gone", "platform-rebuilt", "host-gone", "vm-deleted", "destroy-interrupted", "docker-stopped", "identifier-upgrade"]);
    expect(() => readRecipes(`${page}\n<!-- recipe: move -->\n\`\`\`sh\ntrue\n\`\`\`\n`)).toThrow("recipe move is written twice");
  });

  it("call only Pulumi CLI commands and flags that exist, each on the stack the reader named", () => {
    for (const [id, recipe] of recipes) {
      for (const line of recipeCommands(recipe)) {
        const argv = words(line.replace(/^(\w+=\S+ )+/, ""));
        expect(argv[0], `${id}: ${line}`).toBe("pulumi");
        const command = [argv.slice(1, 3).join(" "), argv[1]].find((c) => c in cli);
        expect(command, `${id}: ${line}`).toBeDefined();
        const { flags, valued } = cli[command!];
        const rest = argv.slice(1 + command!.split(" ").length);
        // Flags first, then at most two arguments (a key and its value, a URN).
        for (let i = 0; i < rest.length; i++) {
          if (valued.includes(rest[i])) i++;
          else if (rest[i].startsWith("-")) expect(flags, `${id}: ${line}`).toContain(rest[i]);
          else expect(i, `${id}: ${rest[i]} is an argument of ${command}`).toBeGreaterThanOrEqual(rest.length - 2);
        }
        expect(rest.slice(rest.indexOf("--stack"), rest.indexOf("--stack") + 2), `${id}: ${line}`).toEqual(["--stack", "$STACK"]);
      }
    }
  });

  it("use only the variables the page tells the reader to set", () => {
    const documented = new Set([...page.matchAll(/Set `(\w+)`|`(\w+)` to /g)].map((m) => m[1] ?? m[2]).concat("STACK"));
    for (const [id, recipe] of recipes) {
      for (const [, name] of recipe.replace(/\\\$/g, "").matchAll(/\$(\w+)/g)) expect(documented.has(name), `${id}: $${name}`).toBe(true);
    }
  });

  it("replace the kind or k3d cluster's own command by its URN", async () => {
    const local = readStackFileForRender(path.resolve(__dirname, "../../Pulumi.local.yaml")).config;
    for (const tool of ["kind", "k3d"]) {
      const cluster = JSON.stringify({ ...JSON.parse(local.values["istio-lab:cluster"]), source: tool });
      const rendered = await renderStackConfig({ ...local, values: { ...local.values, "istio-lab:cluster": cluster } });
      const command = rendered.resources.find((r) => r.type === "command:local:Command" && r.name === `cluster-${tool}`)!;
      const line = expand(recipes.get("local-cluster-deleted")!.trim(), { STACK: "local", TOOL: tool });
      expect(words(line).at(-1)).toBe(urnOf(rendered, command));
    }
  });

  it("drop a VM deleted by hand by its URN", async () => {
    const rendered = await renderFile("Pulumi.dev.yaml");
    const vm = rendered.resources.find((r) => r.type === "vsphere:index/virtualMachine:VirtualMachine" && r.name === "linux-node2")!;
    const line = expand(recipeCommands(recipes.get("vm-deleted")!)[0], { STACK: "dev", NODE: "linux-node2" });
    expect(words(line).at(-1)).toBe(urnOf(rendered, vm));
  });

  it("drop a gone host's reset step by its URN", async () => {
    const rendered = await renderStack({ "istio-lab:sshPrivateKey": ciphertext, "istio-lab:cluster": { source: "hosts" } }, "lab");
    const reset = rendered.resources.find((r) => r.name === "linux-node2-reset")!;
    const line = expand(recipeCommands(recipes.get("host-gone")!)[0], { STACK: "lab", NODE: "linux-node2" });
    expect(words(line).at(-1)).toBe(urnOf(rendered, reset));
  });
});

describe("npm run recipe", () => {
  const run = (argv: string[], file = recoveryPage) => {
    const io = { out: "", err: "" };
    const code = runRecipe(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t) }, file);
    return { code, ...io };
  };

  it("prints one recipe for a shell, lists them, and answers --help with nothing else", () => {
    expect(run(["cluster-gone"])).toEqual({ code: 0, out: recipes.get("cluster-gone"), err: "" });
    expect(run(["--list"]).out).toBe(`${[...recipes.keys()].join("\n")}\n`);
    expect(run(["--help"])).toEqual({ code: 0, out: expect.stringMatching(/^usage: npm run --silent recipe -- ID/), err: "" });
  });

  it("exits 2 naming the recipes for an unknown one or none", () => {
    for (const argv of [["nope"], [], ["move", "cluster-gone"]]) {
      const { code, out, err } = run(argv);
      expect({ code, out }).toEqual({ code: 2, out: "" });
      expect(err).toContain("the recipes: move, local-cluster-deleted, cluster-gone");
    }
  });

  it("reads the page given, so a test can hand it another", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recipes-")), "page.md");
    fs.writeFileSync(file, "<!-- recipe: hello -->\n```sh\necho hello\n```\n");
    expect(run(["hello"], file).out).toBe("echo hello\n");
  });
});
