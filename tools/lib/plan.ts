// What `pulumi up` would do when a stack goes from one rendering to the next: which resources it
// creates, updates, replaces (and in which order) and deletes. Resources are matched by type,
// parent and logical name, as their URNs are; whether a change replaces follows each provider's
// own Diff, read upstream:
// - the engine (pulumi/pulumi pkg/resource/deploy/step_generator.go): `replaceOnChanges` turns a
//   matching change into a replace; `ignoreChanges` drops it; a replace creates the new resource
//   before deleting the old unless `deleteBeforeReplace` (or the provider) says otherwise.
// - pulumi-command 1.2.1: the SDK adds `replaceOnChanges: ["triggers[*]"]`; every other input
//   change is an update that runs `update` where the command sets one, else `create` again
//   (local/commandController.go; pulumi-go-provider infer, CustomUpdate).
// - pulumi-vsphere 4.17.0 (terraform-provider-vsphere v2.16.1
//   resourceVSphereVirtualMachineCustomizeDiff): any change under `clone` replaces the VM, except
//   `clone.timeout` and `clone.customize.networkInterfaces`; so does `replaceTrigger`. A VM with an
//   explicit name is deleted before its replacement is created (pulumi-terraform-bridge
//   nameRequiresDeleteBeforeReplace).
// - pulumi-kubernetes (provider/pkg/provider/diff.go forceNewProperties, provider.go Diff and
//   DiffConfig, helm_release.go Diff): a new name or namespace replaces any object, and a few
//   immutable fields per kind (below); the provider deletes a replaced object with a fixed name
//   first, but only for the replacements it detects itself. A Release is replaced only by a new
//   name or namespace. The provider resource is replaced as DiffConfig says (engine-kubernetes.ts).
// The order of the steps, and which deletes reach a provider, follow the engine's step generator
// (planDeployment below); what a destroy or refresh does is engine-destroy.ts.
import { egressGatewayResource } from "../../components/mesh/egress-gateway";
import { gatewayApiCrdsResource } from "../../components/mesh/gateway-api-crds";
import { isDeepStrictEqual } from "node:util";
import { kubernetesDiffConfig, kubernetesProviderType, unknownValue, type ReadFile } from "./engine-kubernetes";
import { inputsForDiff, isCustom, SecretValue } from "./engine-secrets";
import { deleteCall, describeDelete, identity, isExternal, RenderIndex, type DeleteCall } from "./engine-state";
import type { Rendered, RenderedResource } from "./mock-engine";

export { identity } from "./engine-state";

export interface Change {
  resource: RenderedResource;
  /** The input paths that differ, e.g. `clone.templateUuid`, `triggers[0]`. */
  paths: string[];
}

export interface Replacement extends Change {
  /**
   * What forces the replacement: the changed paths the provider or `replaceOnChanges` replaces on,
   * and "(provider replaced)"; when none does, the engine's own cascade: "(--replace)",
   * "(deletedWith X replaced)", "(replaceWith X replaced)", "(deleted before X was replaced)".
   */
  because: string[];
  /** Whether the old resource is deleted before the new one is created. */
  deleteBeforeReplace: boolean;
  /**
   * What the engine's diff reports, first match wins (pulumi/pulumi pkg/resource/deploy/
   * step_generator.go diff): "id" for --replace, "replaceWith", "deletedWith", "provider", else
   * the provider's and replaceOnChanges' keys.
   */
  replaceKeys: string[];
}

export interface UpdatePlan {
  create: RenderedResource[];
  update: Change[];
  replace: Replacement[];
  delete: RenderedResource[];
}

/**
 * One step of `pulumi up`, in the order the engine generates them:
 * - create, update, create-replacement: at the resource's registration, in program order;
 * - delete-replaced before its create-replacement for a delete-before-replace, preceded by the
 *   deletes of every resource the replacement takes with it (step_generator.go
 *   continueStepsFromDiff: calculateDependentReplacements and findDependentCascadeReplacements,
 *   deleted "in reverse dependency order");
 * - at the end (GenerateDeletes, scheduled dependents first), the deletes of the resources the
 *   program no longer registers and the delete-replaced of every create-before-delete replacement.
 */
export interface PlanStep {
  op: "create" | "update" | "create-replacement" | "delete-replaced" | "delete";
  /** The new resource for a create, update or create-replacement; the old one (from the state) for a delete. */
  resource: RenderedResource;
  /** A delete's provider call: sent (through which provider configuration) or skipped, and why. */
  delete?: DeleteCall;
  /** A delete-replaced ahead of its resource's registration: the delete-before-replace that takes it. */
  before?: string;
}

export interface DeploymentPlan extends UpdatePlan {
  steps: PlanStep[];
}

export interface PlanOptions {
  /** `pulumi up --replace <urn>`, by name: replaced whatever their diff (step_generator.go isTargetedReplace). */
  replace?: readonly string[];
  /**
   * The engine modelled: true (the default) for pulumi/pulumi with #23818 (commit 5cd93859e8,
   * after v3.259.0), where a resource whose deletedWith target is replaced is replaced too, its
   * delete skipped, and a delete-before-replace marks its target deleted; false for an engine
   * before it, which replaced no deletedWith dependent for that reason.
   */
  deletedWithCascade?: boolean;
  /** How the Kubernetes provider reads a kubeconfig path (DiffConfig); default: the render's stand-in file. */
  readFile?: ReadFile;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof SecretValue);

/**
 * The paths at which two input values differ, as the engine's detailed diff names them
 * (sdk/go/common/resource/properties_diff.go PropertyValue.diff, plugin/provider.go
 * arrayDiffToDetailedDiff; pulumi-go-provider infer/resource.go diff builds pulumi-command's the
 * same way): an object's keys and an array's common elements are compared one by one, an element
 * added or removed is reported at its own index (`triggers[3]`), a key added or removed at the key.
 * A secret is compared by its plaintext, inside: the SDK sends a secret where the program put it
 * (an element of `triggers`), but reading registrations back lifts it to the whole top-level
 * input (@pulumi/pulumi runtime/rpc.js deserializeProperty: "push secretness up to the top
 * level"), which is all a render sees.
 */
export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
  if (before instanceof SecretValue || after instanceof SecretValue) return changedPaths(SecretValue.plaintext(before), SecretValue.plaintext(after), at);
  // A null is no value (PropertyValue.HasValue), as an absent key is.
  if ((before === null || before === undefined) && (after === null || after === undefined)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    const paths = before.slice(0, common).flatMap((item, i) => changedPaths(item, after[i], `${at}[${i}]`));
    for (let i = common; i < Math.max(before.length, after.length); i++) paths.push(`${at}[${i}]`);
    return paths;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedPaths(before[k], after[k], at ? `${at}.${k}` : k));
  }
  return isDeepStrictEqual(before, after) ? [] : [at];
}

/** Whether a path lies under a Pulumi property path pattern (`triggers[*]`, `spec.selector`). */
export function underPath(path: string, pattern: string): boolean {
  const tokens = (p: string) => p.replace(/\[(\d+|\*)\]/g, ".$1").split(".").filter(Boolean);
  const [have, want] = [tokens(path), tokens(pattern)];
  return want.length <= have.length && want.every((t, i) => t === "*" || t === have[i]);
}

/** Immutable fields by Kubernetes kind (pulumi-kubernetes diff.go `forceNew`), beyond name and namespace. */
const kubernetesForceNew: Record<string, string[]> = {
  Service: ["spec.clusterIP"],
  Deployment: ["spec.selector"],
  DaemonSet: ["spec.selector"],
  StatefulSet: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
  Job: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
  PersistentVolumeClaim: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
  RoleBinding: ["roleRef"],
  ClusterRoleBinding: ["roleRef"],
  StorageClass: ["parameters", "provisioner"],
  // Mutable only with the provider options enableConfigMapMutable / enableSecretMutable (off).
  ConfigMap: ["data", "binaryData"],
  Secret: ["type", "data", "stringData"],
};

/**
 * The changed paths that make the provider replace the resource rather than update it. For the
 * Kubernetes provider resource this is DiffConfig (engine-kubernetes.ts), which needs both sides:
 * given the old resource it is exact; given only the paths, it assumes every changed path changed
 * a known value on both sides and, without a clusterIdentifier, that a changed kubeconfig, context
 * or cluster changed the active cluster.
 */
export function providerReplaces(resource: RenderedResource, paths: string[], old?: RenderedResource, readFile?: ReadFile): string[] {
  const { type, inputs } = resource;
  const matching = (patterns: string[]) => paths.filter((p) => patterns.some((pattern) => underPath(p, pattern)));
  if (type === "vsphere:index/virtualMachine:VirtualMachine") {
    return paths.filter(
      (p) => underPath(p, "replaceTrigger") || (underPath(p, "clone") && !underPath(p, "clone.timeout") && !underPath(p, "clone.customize.networkInterfaces")),
    );
  }
  if (type === "kubernetes:helm.sh/v3:Release") return matching(["name", "namespace"]);
  if (type === kubernetesProviderType) {
    if (old) return kubernetesDiffConfig(old.inputs, inputs, readFile).replaces;
    if ("clusterIdentifier" in inputs) return matching(["clusterIdentifier"]);
    return matching(["kubeconfig", "context", "cluster"]);
  }
  if (type.startsWith("kubernetes:") && typeof inputs.kind === "string") {
    return matching(["metadata.name", "metadata.namespace", ...(kubernetesForceNew[inputs.kind] ?? [])]);
  }
  return [];
}

/** Whether the provider itself deletes before it replaces: a replacement that keeps a fixed name. */
function providerDeletesFirst(resource: RenderedResource, providerDetected: boolean): boolean {
  if (resource.type === "vsphere:index/virtualMachine:VirtualMachine") return typeof resource.inputs.name === "string";
  if (resource.type.startsWith("kubernetes:") && typeof resource.inputs.kind === "string" && providerDetected) {
    const metadata = resource.inputs.metadata as { name?: unknown; annotations?: Record<string, unknown> } | undefined;
    return typeof metadata?.name === "string" && metadata.annotations?.["pulumi.com/autonamed"] !== "true";
  }
  return false;
}

/** A mock resource's id, as the mock engine hands it out. */
const mockId = (r: RenderedResource) => `${r.name}-id`;

/**
 * The inputs with every mention of these ids as unknown, as a preview shows an output of a
 * replaced resource (a string made from one, an interpolation, is as unknown as the id itself).
 */
function replaceIds(value: unknown, mentions: RegExp | undefined): unknown {
  if (!mentions) return value;
  if (typeof value === "string") return mentions.test(value) ? unknownValue : value;
  if (value instanceof SecretValue) {
    const plaintext = SecretValue.plaintext(value);
    return isDeepStrictEqual(replaceIds(plaintext, mentions), plaintext) ? value : unknownValue;
  }
  if (Array.isArray(value)) return value.map((v) => replaceIds(v, mentions));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIds(v, mentions)]));
  return value;
}

/** One expression for a set of ids: an id not followed by more of a name. */
const mentionsOf = (ids: string[]): RegExp | undefined =>
  ids.length === 0 ? undefined : new RegExp(`(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![\\w-])`);

interface Decision {
  kind: "same" | "update" | "replace";
  paths: string[];
  because: string[];
  replaceKeys: string[];
  deleteBeforeReplace: boolean;
}

/**
 * The plan of `pulumi up` from one rendering (the stack's state) to the next (what the program
 * registers now): what it creates, updates, replaces and deletes, and its steps in order.
 *
 * A resource is replaced (step_generator.go diff, in its order) when `--replace` names it; when a
 * resource in its replaceWith is replaced (#20693); when its deletedWith target is replaced
 * (#23818); when its provider was replaced and the new provider's DiffConfig asks for it
 * (providerChanged); else as its provider's Diff and replaceOnChanges say on the changed inputs,
 * where an input that held a replaced resource's id is unknown. deletedWith is the engine's, a
 * parent's included (RenderIndex.effective).
 */
export function planDeployment(from: Rendered, to: Rendered, options: PlanOptions = {}): DeploymentPlan {
  const cascade = options.deletedWithCascade ?? true;
  const [olds, news] = [new RenderIndex(from), new RenderIndex(to)];
  const before = new Map(from.resources.map((r) => [identity(r), r]));
  const after = new Map(to.resources.map((r) => [identity(r), r]));
  const kept = to.resources.filter((r) => before.has(identity(r)));
  const forced = new Set(options.replace ?? []);
  /** Resources a delete-before-replace deleted first: recreated at their registration, by the root's name. */
  const chainRoot = new Map<string, string>();
  /** Each delete-before-replace root's chain (by its identity): the old resources deleted before it. */
  let chains = new Map<string, RenderedResource[]>();
  const decisions = new Map<string, Decision>();

  const decide = (r: RenderedResource, replaced: ReadonlySet<string>, mentions: RegExp | undefined): Decision => {
    const key = identity(r);
    const old = before.get(key)!;
    const [oldInputs, newInputs] = inputsForDiff(old, r);
    const current = replaceIds(newInputs, mentions) as Record<string, unknown>;
    const paths = changedPaths(oldInputs, current).filter((p) => !(r.options.ignoreChanges ?? []).some((pattern) => underPath(p, pattern)));
    // The engine's checks before it asks the provider, each with the replace key it reports.
    const early: [key: string, why: string][] = [];
    // Recreated with no diff at all (ContinueStepsFromDiff), under the keys its chain found (none here).
    if (chainRoot.has(key)) early.push(["", `(deleted before ${chainRoot.get(key)} was replaced)`]);
    if (forced.has(r.name)) early.push(["id", "(--replace)"]);
    for (const name of r.options.replaceWith ?? []) {
      const target = news.byName(name);
      if (target && replaced.has(identity(target))) early.push(["replaceWith", `(replaceWith ${name} replaced)`]);
    }
    const deletedWith = news.effective(r).deletedWith;
    if (cascade && deletedWith && replaced.has(identity(deletedWith))) early.push(["deletedWith", `(deletedWith ${deletedWith.name} replaced)`]);
    const provider = news.provider(r);
    const providerChanged = provider !== undefined && replaced.has(identity(provider)) && providerConfigReplaces(provider, mentions);
    if (providerChanged) early.push(["provider", "(provider replaced)"]);
    const byProvider =
      r.type === kubernetesProviderType ? kubernetesDiffConfig(oldInputs, current, options.readFile).replaces : providerReplaces(r, paths);
    const byOption = paths.filter((p) => (r.options.replaceOnChanges ?? []).some((pattern) => underPath(p, pattern)));
    const own = [...new Set([...byProvider, ...byOption, ...(providerChanged ? ["(provider replaced)"] : [])])];
    if (early.length === 0 && byProvider.length === 0 && byOption.length === 0) {
      return { kind: paths.length > 0 ? "update" : "same", paths, because: [], replaceKeys: [], deleteBeforeReplace: false };
    }
    // A replacement the engine decides before the provider's Diff carries no DeleteBeforeReplace of
    // the provider's: only the option can ask for it (continueStepsFromDiff).
    const providerDetected = early.length === 0 && byProvider.length > 0;
    return {
      kind: "replace",
      paths,
      because: own.length > 0 ? own : early.filter(([k]) => k !== "provider").map(([, why]) => why),
      replaceKeys: early.length > 0 ? [early[0][0]].filter(Boolean) : [...new Set([...byProvider, ...byOption])],
      deleteBeforeReplace: chainRoot.has(key) || (r.options.deleteBeforeReplace ?? providerDeletesFirst(r, providerDetected)),
    };
  };

  /** step_generator.go providerChanged: the new provider's DiffConfig on the old and new provider inputs. */
  const providerConfigReplaces = (provider: RenderedResource, mentions: RegExp | undefined): boolean => {
    const old = before.get(identity(provider));
    if (!old) return true;
    if (provider.type !== kubernetesProviderType) return true;
    const [oldInputs, newInputs] = inputsForDiff(old, provider);
    return kubernetesDiffConfig(oldInputs, replaceIds(newInputs, mentions) as Record<string, unknown>, options.readFile).replaces.length > 0;
  };

  for (;;) {
    const replaced = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      const mentions = mentionsOf([...replaced].map((k) => mockId(after.get(k)!)));
      for (const r of kept) {
        const decision = decide(r, replaced, mentions);
        decisions.set(identity(r), decision);
        if (decision.kind === "replace" && !replaced.has(identity(r))) {
          replaced.add(identity(r));
          grew = true;
        }
      }
    }
    chains = deleteBeforeReplaceChains();
    const recreated = [...chains].flatMap(([root, members]) =>
      members.filter((m) => after.has(identity(m)) && !chainRoot.has(identity(m))).map((m) => [identity(m), after.get(root)!.name] as const),
    );
    if (recreated.length === 0) break;
    for (const [key, root] of recreated) chainRoot.set(key, root);
  }

  /**
   * For every delete-before-replace, in program order, what it deletes first (step_generator.go
   * continueStepsFromDiff): calculateDependentReplacements over the old state's resources after it
   * that have no step yet (a custom resource whose provider is in the set, whose deletedWith is in
   * it, or whose inputs, with the set's outputs unknown, make its provider or replaceOnChanges
   * replace it), then findDependentCascadeReplacements (deletedWith or replaceWith naming it).
   * A resource another chain already deleted is recreated without a chain of its own.
   */
  function deleteBeforeReplaceChains(): Map<string, RenderedResource[]> {
    const result = new Map<string, RenderedResource[]>();
    const order = new Map(to.resources.map((r, i) => [identity(r), i]));
    const oldOrder = new Map(from.resources.map((r, i) => [identity(r), i]));
    const pending = new Set<string>();
    for (const root of to.resources) {
      const key = identity(root);
      const decision = decisions.get(key);
      if (decision?.kind !== "replace" || !decision.deleteBeforeReplace || chainRoot.has(key) || pending.has(key)) continue;
      const set = new Set([key]);
      const members: RenderedResource[] = [];
      for (const candidate of from.resources.slice(oldOrder.get(key)! + 1)) {
        const k = identity(candidate);
        if ((order.get(k) ?? Infinity) < order.get(key)! || !isCustom(candidate) || isExternal(candidate)) continue;
        if (requiresReplacement(candidate, set)) {
          members.push(candidate);
          set.add(k);
        }
      }
      // The engine also scans the resources registered so far (news), which come before the root.
      for (const candidate of from.resources) {
        const k = identity(candidate);
        if (set.has(k) || (order.get(k) ?? Infinity) < order.get(key)!) continue;
        const replacesWith = (candidate.options.replaceWith ?? []).includes(root.name);
        const deletedWith = cascade && olds.effective(candidate).deletedWith?.name === root.name;
        if (replacesWith || deletedWith) {
          members.push(candidate);
          set.add(k);
        }
      }
      // Deleted dependents first: the reverse of the state's order.
      members.sort((a, b) => (oldOrder.get(identity(b)) ?? 0) - (oldOrder.get(identity(a)) ?? 0));
      const fresh = members.filter((m) => !pending.has(identity(m)));
      for (const m of fresh) pending.add(identity(m));
      pending.add(key);
      result.set(key, fresh);
    }
    return result;
  }

  /** step_generator.go calculateDependentReplacements' requiresReplacement, on the old state. */
  function requiresReplacement(candidate: RenderedResource, set: ReadonlySet<string>): boolean {
    const provider = olds.provider(candidate);
    if (provider && set.has(identity(provider))) return true;
    const deletedWith = olds.effective(candidate).deletedWith;
    if (cascade && deletedWith && set.has(identity(deletedWith))) return true;
    const [inputs] = inputsForDiff(candidate, candidate);
    const mentions = mentionsOf(from.resources.filter((r) => set.has(identity(r))).map(mockId));
    const unknown = replaceIds(inputs, mentions) as Record<string, unknown>;
    const paths = changedPaths(inputs, unknown).filter((p) => !(candidate.options.ignoreChanges ?? []).some((pattern) => underPath(p, pattern)));
    if (paths.length === 0) return false;
    const byProvider = candidate.type === kubernetesProviderType ? kubernetesDiffConfig(inputs, unknown, options.readFile).replaces : providerReplaces(candidate, paths);
    return byProvider.length > 0 || paths.some((p) => (candidate.options.replaceOnChanges ?? []).some((pattern) => underPath(p, pattern)));
  }

  // The steps, in the order the engine generates them.
  const steps: PlanStep[] = [];
  const deletedEarly = new Set<string>();
  const roots = new Set<string>();
  const createFirst: RenderedResource[] = [];
  for (const r of to.resources) {
    const key = identity(r);
    const old = before.get(key);
    if (!old) {
      steps.push({ op: "create", resource: r });
      continue;
    }
    const decision = decisions.get(key)!;
    if (decision.kind === "update") steps.push({ op: "update", resource: r });
    if (decision.kind !== "replace") continue;
    if (chainRoot.has(key)) {
      steps.push({ op: "create-replacement", resource: r });
    } else if (decision.deleteBeforeReplace) {
      roots.add(key);
      for (const m of chains.get(key) ?? []) {
        steps.push({ op: "delete-replaced", resource: m, before: r.name });
        deletedEarly.add(identity(m));
      }
      steps.push({ op: "delete-replaced", resource: old });
      deletedEarly.add(key);
      steps.push({ op: "create-replacement", resource: r });
    } else {
      steps.push({ op: "create-replacement", resource: r });
      createFirst.push(old);
    }
  }
  const removed = from.resources.filter((r) => !after.has(identity(r)));
  const oldOrder = new Map(from.resources.map((r, i) => [identity(r), i]));
  const late = [...removed.filter((r) => !deletedEarly.has(identity(r))), ...createFirst].sort((a, b) => oldOrder.get(identity(b))! - oldOrder.get(identity(a))!);
  for (const r of late) steps.push({ op: after.has(identity(r)) ? "delete-replaced" : "delete", resource: r });

  // Which deletes reach a provider (step.go DeleteStep.Apply, isDeletedWith against the
  // deployment's deletes). A delete-before-replace marks its own resource deleted since #23818
  // (`sg.deletes[old.URN] = true`); a resource a chain deleted and the program registers again is
  // unmarked when it is recreated (ContinueStepsFromDiff), before the deletes at the end run.
  const allDeleted = new Set(steps.filter((s) => s.op === "delete" || s.op === "delete-replaced").map((s) => identity(s.resource)).filter((k) => cascade || !roots.has(k)));
  const atEnd = new Set([...allDeleted].filter((k) => !(chainRoot.has(k) && after.has(k))));
  const lateKeys = new Set(late.map(identity));
  for (const step of steps) {
    if (step.op === "delete" || step.op === "delete-replaced") step.delete = deleteCall(olds, step.resource, lateKeys.has(identity(step.resource)) ? atEnd : allDeleted);
  }

  const updates = [...decisions].filter(([, d]) => d.kind === "update");
  const replacements = [...decisions].filter(([, d]) => d.kind === "replace");
  return {
    create: to.resources.filter((r) => !before.has(identity(r))),
    update: updates.map(([key, d]) => ({ resource: after.get(key)!, paths: d.paths })),
    replace: replacements.map(([key, d]) => ({ resource: after.get(key)!, paths: d.paths, because: d.because, deleteBeforeReplace: d.deleteBeforeReplace, replaceKeys: d.replaceKeys })),
    delete: removed,
    steps,
  };
}

/** The plan of `pulumi up` from one rendering to the next: what it creates, updates, replaces and deletes. */
export function planUpdate(from: Rendered, to: Rendered, options: PlanOptions = {}): UpdatePlan {
  const { create, update, replace, delete: deleted } = planDeployment(from, to, options);
  return { create, update, replace, delete: deleted };
}

/** One line per step: `+ create`, `~ update`, `+- create-replacement`, `-+ delete-replaced`, `- delete`, each delete with its provider call. */
export function describeSteps(steps: readonly PlanStep[]): string[] {
  const mark = { create: "+ ", update: "~ ", "create-replacement": "++", "delete-replaced": "--", delete: "- " } as const;
  return steps.map((s) => {
    const what = `${mark[s.op]} ${s.op} ${s.resource.name}`;
    if (!s.delete) return what;
    return `${what}${s.before ? ` (before ${s.before})` : ""}: ${describeDelete(s.delete)}`;
  });
}

/**
 * Resources whose replacement would create the new one while the old one still holds something
 * only one can hold (a VM's name and static IP; a node the old step's delete would reset; a fixed
 * Kubernetes name that only `replaceOnChanges` replaces, which the provider does not delete first).
 */
export function replacementHazards(rendered: Rendered): string[] {
  const hazards: string[] = [];
  for (const r of rendered.resources) {
    const dbr = r.options.deleteBeforeReplace === true;
    if (r.type === "vsphere:index/virtualMachine:VirtualMachine" && !dbr) {
      hazards.push(`${r.name}: a replaced VM must be deleted first (deleteBeforeReplace): vCenter refuses a second VM with its name and static IP`);
    }
    if (r.type === "vsphere:index/virtualMachine:VirtualMachine" && !(r.options.ignoreChanges ?? []).includes("clone.templateUuid")) {
      hazards.push(`${r.name}: the template's UUID is looked up by name on every run; a rebuilt template must not replace the VM (ignoreChanges clone.templateUuid)`);
    }
    if (r.type.startsWith("command:") && r.inputs.delete !== undefined && (r.options.replaceOnChanges ?? []).length > 0 && !dbr) {
      hazards.push(`${r.name}: its delete step would run after its replacement was created (deleteBeforeReplace)`);
    }
    const named = typeof (r.inputs.metadata as { name?: unknown } | undefined)?.name === "string";
    if (r.type.startsWith("kubernetes:") && named && (r.options.replaceOnChanges ?? []).length > 0 && !dbr) {
      hazards.push(`${r.name}: replaceOnChanges on a fixed name fails with AlreadyExists unless deleteBeforeReplace`);
    }
  }
  return hazards;
}

/** The layer a resource belongs to: the name of its ancestor directly under the Lab component. */
export function layerOf(rendered: Rendered, resource: RenderedResource): string {
  const byName = new Map(rendered.resources.map((r) => [r.name, r]));
  let current: RenderedResource | undefined = resource;
  while (current && current.parent !== null) {
    const parent = byName.get(current.parent);
    if (parent?.type === "istio-lab:index:Lab") return current.name;
    current = parent;
  }
  return "stack";
}

/**
 * Changes a scenario switch makes outside the workloads and scenario layers; a lab wants none. The
 * egress gateway's release and the Gateway API's CRDs are created and deleted with the scenarios
 * that need them, so only their update or replacement counts.
 */
export function changesOutsideScenario(from: Rendered, to: Rendered): RenderedResource[] {
  const plan = planUpdate(from, to);
  const scenarioLayers = new Set(["workloads", "scenario"]);
  const withScenario = (r: RenderedResource) => r.name === egressGatewayResource || r.name === gatewayApiCrdsResource;
  return [
    ...plan.create.filter((r) => !withScenario(r)).map((r) => ({ r, in: to })),
    ...[...plan.update, ...plan.replace].map((c) => ({ r: c.resource, in: to })),
    ...plan.delete.filter((r) => !withScenario(r)).map((r) => ({ r, in: from })),
  ]
    .filter(({ r, in: rendered }) => !scenarioLayers.has(layerOf(rendered, r)))
    .map(({ r }) => r);
}

export interface SwitchRow {
  from: string;
  to: string;
  plan: UpdatePlan;
  /** What the switch changes outside the workloads and scenario layers: a lab wants nothing. */
  outside: RenderedResource[];
}

/** Every ordered switch between the renders, by name. */
export function scenarioSwitches(renders: ReadonlyMap<string, Rendered>): SwitchRow[] {
  const rows: SwitchRow[] = [];
  for (const [from, a] of renders) {
    for (const [to, b] of renders) {
      if (from !== to) rows.push({ from, to, plan: planUpdate(a, b), outside: changesOutsideScenario(a, b) });
    }
  }
  return rows;
}
