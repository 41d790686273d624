// The engine's rules the plans rest on, each on the smallest program that shows it: deletedWith
// and replaceWith (pulumi/pulumi step_generator.go, step.go, source_eval.go), a change under
// triggers, secret inputs diffed by plaintext, and duplicate URNs.
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { planDestroy } from "../../tools/lib/engine-destroy";
import { cloneRendered } from "../../tools/lib/engine-secrets";
import { componentOptionNotes } from "../../tools/lib/engine-state";
import { renderConfig, type Program, type Rendered } from "../../tools/lib/mock-engine";
import { changedPaths, planDeployment, planUpdate, underPath, type PlanStep } from "../../tools/lib/plan";
import { stackConfig } from "../../tools/lib/stack-file";
import { curl } from "../../catalog/apps/clients";
import { customApp } from "../../catalog/apps/custom";
import { Workloads } from "../../components/workloads/workloads";

const render = (program: Program) => renderConfig(stackConfig("rules", {}), program);
const ops = (steps: PlanStep[]) => steps.map((s) => `${s.op} ${s.resource.name}${s.delete ? (s.delete.skipped ? ` (skipped: ${s.delete.skipped})` : " (sent)") : ""}`);

/** A target command, one resource deleted with it, one replaced with it, and one with no tie to it. */
const tied =
  (trigger: string, deleteBeforeReplace = false): Program =>
  () => {
    const target = new command.local.Command("target", { create: "make", triggers: [trigger] }, { deleteBeforeReplace });
    new command.local.Command("dependent", { create: "echo dependent" }, { deletedWith: target });
    new command.local.Command("follower", { create: "echo follower" }, { replaceWith: [target] });
    new command.local.Command("bystander", { create: "echo bystander" });
    return {};
  };

describe("deletedWith and replaceWith (step_generator.go diff, findDependentCascadeReplacements; step.go isDeletedWith)", () => {
  it("records replaceWith by name, as deletedWith", async () => {
    const r = await render(tied("1"));
    expect(r.resources.find((x) => x.name === "follower")?.options.replaceWith).toEqual(["target"]);
    expect(r.resources.find((x) => x.name === "dependent")?.options.deletedWith).toBe("target");
  });

  it("replaces a resource whose deletedWith target is replaced though its inputs did not change, and skips its delete; replaceWith replaces without skipping", async () => {
    const plan = planDeployment(await render(tied("1")), await render(tied("2")));
    expect(plan.replace.map((r) => [r.resource.name, r.replaceKeys, r.because])).toEqual([
      ["target", ["triggers[0]"], ["triggers[0]"]],
      ["dependent", ["deletedWith"], ["(deletedWith target replaced)"]],
      ["follower", ["replaceWith"], ["(replaceWith target replaced)"]],
    ]);
    // Create before delete: the new ones first, the old ones at the end, dependents first.
    expect(ops(plan.steps)).toEqual([
      "create-replacement target",
      "create-replacement dependent",
      "create-replacement follower",
      "delete-replaced follower (sent)",
      "delete-replaced dependent (skipped: deletedWith)",
      "delete-replaced target (sent)",
    ]);
  });

  it("deletes a delete-before-replace target's dependents first, the deletedWith one skipped because the target's delete marks it deleted", async () => {
    const plan = planDeployment(await render(tied("1", true)), await render(tied("2", true)));
    expect(ops(plan.steps)).toEqual([
      "delete-replaced follower (sent)",
      "delete-replaced dependent (skipped: deletedWith)",
      "delete-replaced target (sent)",
      "create-replacement target",
      "create-replacement dependent",
      "create-replacement follower",
    ]);
    expect(plan.steps[0].before).toBe("target");
  });

  it("before pulumi/pulumi #23818 (an engine up to v3.259.0) the deletedWith dependent was left alone", async () => {
    const plan = planDeployment(await render(tied("1")), await render(tied("2")), { deletedWithCascade: false });
    expect(plan.replace.map((r) => r.resource.name)).toEqual(["target", "follower"]);
  });

  it("skips the provider delete of a resource whose deletedWith target a destroy deletes too, and of nothing else", async () => {
    const plan = planDestroy(await render(tied("1")));
    expect(plan.steps.map((s) => [s.resource.name, s.delete.skipped ?? "sent"])).toEqual([
      ["bystander", "sent"],
      ["follower", "sent"],
      ["dependent", "deletedWith"],
      ["target", "sent"],
      ["istio-lab-rules", "component"],
    ]);
  });
});

describe("deletion options on a component (source_eval.go inheritFromParent, checkComponentOption)", () => {
  const grouped: Program = () => {
    const target = new command.local.Command("target", { create: "make" });
    const deleted = new pulumi.ComponentResource("test:index:Group", "deleted-group", {}, { deletedWith: target });
    new command.local.Command("child", { create: "echo child" }, { parent: deleted });
    const replaced = new pulumi.ComponentResource("test:index:Group", "replaced-group", {}, { replaceWith: [target] });
    new command.local.Command("other-child", { create: "echo other" }, { parent: replaced });
    return {};
  };

  it("passes a component's deletedWith down to its children, whose deletes are skipped with the target's; flags its replaceWith, which reaches no child, as a no-op", async () => {
    const r = await render(grouped);
    // The SDK sends each resource's own options only: the child carries none.
    expect(r.resources.find((x) => x.name === "child")?.options.deletedWith).toBeUndefined();
    expect(componentOptionNotes(r)).toEqual([
      "deleted-group: deletedWith on a component deletes nothing of its own; 1 custom descendants inherit deletedWith target",
      "replaced-group: replaceWith on a component is a no-op: no child is replaced with target (not inherited); set it on the children",
    ]);
    const destroy = planDestroy(r);
    expect(destroy.steps.find((s) => s.resource.name === "child")?.delete).toEqual({ skipped: "deletedWith", with: "target" });
    expect(destroy.steps.find((s) => s.resource.name === "other-child")?.delete).toEqual({});
  });
});

describe("a change under triggers (pulumi-command's SDK: replaceOnChanges triggers[*])", () => {
  const withTriggers = (triggers: string[]): Program => () => {
    new command.local.Command("cmd", { create: "make", triggers });
    return {};
  };

  it("reports an added or removed element at its index, as the engine's detailed diff does", () => {
    expect(changedPaths({ triggers: ["a", "b"] }, { triggers: ["a", "b", "c"] })).toEqual(["triggers[2]"]);
    expect(changedPaths({ triggers: ["a", "b", "c"] }, { triggers: ["a", "c"] })).toEqual(["triggers[1]", "triggers[2]"]);
    expect(underPath("triggers[2]", "triggers[*]")).toBe(true);
  });

  it.each([
    ["grows", ["a"], ["a", "b"], "triggers[1]"],
    ["shrinks", ["a", "b"], ["a"], "triggers[1]"],
    ["changes", ["a"], ["b"], "triggers[0]"],
  ])("replaces the command when the list %s", async (_what, from, to, path) => {
    const plan = planUpdate(await render(withTriggers(from)), await render(withTriggers(to)));
    expect(plan.replace.map((r) => [r.resource.name, r.because])).toEqual([["cmd", [path]]]);
    expect(plan.update).toEqual([]);
  });
});

describe("secret inputs, diffed by their plaintext and never printed", () => {
  const withSecrets = (stdin: string, key: string): Program => () => {
    new command.local.Command("feed", { create: "cat > /dev/null", stdin: pulumi.secret(stdin) });
    new command.local.Command("keyed", { create: "install-key", triggers: [pulumi.secret(key)] });
    return {};
  };
  const texts = ["stdin-one", "key-one", "stdin-two", "key-two"];
  const printed = (r: Rendered) => [JSON.stringify(r), inspect(r, { depth: null }), JSON.stringify(structuredClone(r))].join("\n");

  it("updates on a new secret stdin and replaces on a new secret trigger", async () => {
    const [before, after] = [await render(withSecrets("stdin-one", "key-one")), await render(withSecrets("stdin-two", "key-two"))];
    expect(after.resources.find((r) => r.name === "feed")?.inputs.stdin).toBe("[secret]");
    const plan = planUpdate(before, after);
    expect(plan.update.map((u) => [u.resource.name, u.paths])).toEqual([["feed", ["stdin"]]]);
    expect(plan.replace.map((r) => [r.resource.name, r.because])).toEqual([["keyed", ["triggers[0]"]]]);
    // The same secrets again: nothing.
    expect(planUpdate(before, await render(withSecrets("stdin-one", "key-one")))).toEqual({ create: [], update: [], replace: [], delete: [] });
  });

  it("prints neither a secret nor a digest of one", async () => {
    const rendered = await render(withSecrets("stdin-two", "key-two"));
    const out = printed(rendered);
    for (const text of texts) {
      expect(out).not.toContain(text);
      expect(out).not.toContain(createHash("sha256").update(text).digest("hex"));
      expect(out).not.toContain(createHash("sha256").update(JSON.stringify(text)).digest("hex"));
    }
  });

  it("keeps the plaintext through cloneRendered; a structuredClone copy compares as printed on both sides, never as a spurious change", async () => {
    const [before, after] = [await render(withSecrets("stdin-one", "key-one")), await render(withSecrets("stdin-two", "key-two"))];
    expect(planUpdate(cloneRendered(before), after).update.map((u) => u.resource.name)).toEqual(["feed"]);
    expect(planUpdate(structuredClone(before), after).update).toEqual([]);
    expect(planUpdate(structuredClone(before), await render(withSecrets("stdin-one", "key-one"))).update).toEqual([]);
  });
});

describe("duplicate URNs (step_generator.go generateURN; diag.GetDuplicateResourceURNError)", () => {
  it("refuses two registrations with the same type, parent type chain and name, with the engine's message", async () => {
    // Two parents of one type: their children's URNs carry the parents' types, not their names.
    const twins: Program = () => {
      for (const group of ["a", "b"]) new k8s.core.v1.Namespace("ns", {}, { parent: new pulumi.ComponentResource("test:index:Group", group) });
      return {};
    };
    await expect(render(twins)).rejects.toThrow("Duplicate resource URN 'urn:pulumi:rules::istio-lab::test:index:Group$kubernetes:core/v1:Namespace::ns'; try giving it a unique name");
    const again: Program = () => {
      new command.local.Command("same", { create: "true" });
      new command.local.Command("same", { create: "true" });
      return {};
    };
    await expect(render(again)).rejects.toThrow("Duplicate resource URN 'urn:pulumi:rules::istio-lab::command:local:Command::same'");
  });

  it("refuses a component registered twice, a read (GenerateReadSteps also goes through generateURN), and both in a preview as in an update", async () => {
    const components: Program = () => {
      new pulumi.ComponentResource("test:index:Group", "g");
      new pulumi.ComponentResource("test:index:Group", "g");
      return {};
    };
    await expect(render(components)).rejects.toThrow("Duplicate resource URN 'urn:pulumi:rules::istio-lab::test:index:Group::g'");
    await expect(renderConfig(stackConfig("rules", {}), components, undefined, { preview: true })).rejects.toThrow("Duplicate resource URN 'urn:pulumi:rules::istio-lab::test:index:Group::g'");
    const reads: Program = () => {
      k8s.core.v1.Namespace.get("read", "default");
      k8s.core.v1.Namespace.get("read", "default");
      return {};
    };
    await expect(render(reads)).rejects.toThrow("Duplicate resource URN 'urn:pulumi:rules::istio-lab::kubernetes:core/v1:Namespace::read'");
  });

  it("refuses the program's own workloads when an app of yours takes a client's name: what the config check stops first", async () => {
    // The Workloads renderer as scenario custom would drive it with a service named curl beside the lab's curl.
    const clash: Program = () => {
      new Workloads("workloads", { namespace: "bookinfo", apps: [curl, customApp({ name: "curl", port: 80, protocol: "http", versions: [{ name: "v1", image: "registry.example.com/curl:1" }] })] });
      return {};
    };
    await expect(render(clash)).rejects.toThrow(
      "Duplicate resource URN 'urn:pulumi:rules::istio-lab::istio-lab:workloads:Workloads$kubernetes:core/v1:ServiceAccount::ServiceAccount/bookinfo/curl'; try giving it a unique name",
    );
  });

  it("renders the same name under parents of different types, and the same type under different names", async () => {
    const distinct: Program = () => {
      new k8s.core.v1.Namespace("ns", {}, { parent: new pulumi.ComponentResource("test:index:One", "one") });
      new k8s.core.v1.Namespace("ns-2", {}, { parent: new pulumi.ComponentResource("test:index:One", "two") });
      return {};
    };
    expect((await render(distinct)).resources.map((r) => r.name)).toEqual(["istio-lab-rules", "one", "ns", "two", "ns-2"]);
  });
});
