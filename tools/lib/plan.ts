// What `pulumi up` would do when a stack goes from one rendering to the next: which resources it
// creates, updates, replaces (and in which order) and deletes. Resources are matched by type,
// parent and logical name, as their URNs are; whether a change replaces follows each provider's
// own Diff, read upstream:
// - the engine (pulumi/pulumi pkg/resource/deploy/step_generator.go): `replaceOnChanges` turns a
//   matching change into a replace; `ignoreChanges` drops it; a replace creates the new resource
//   before deleting the old unless `deleteBeforeReplace` (or the provider) says otherwise.
// - pulumi-command 1.2.1: the SDK adds `replaceOnChanges: ["triggers[*]"]`; every other input
//   change is an update that runs `create` again (pulumi-go-provider infer, CustomUpdate).
// - pulumi-vsphere 4.17.0 (terraform-provider-vsphere v2.16.1
//   resourceVSphereVirtualMachineCustomizeDiff): any change under `clone` replaces the VM, except
//   `clone.timeout` and `clone.customize.networkInterfaces`; so does `replaceTrigger`. A VM with an
//   explicit name is deleted before its replacement is created (pulumi-terraform-bridge
//   nameRequiresDeleteBeforeReplace).
// - pulumi-kubernetes (provider/pkg/provider/diff.go forceNewProperties, provider.go Diff and
//   DiffConfig, helm_release.go Diff): a new name or namespace replaces any object, and a few
//   immutable fields per kind (below); the provider deletes a replaced object with a fixed name
//   first, but only for the replacements it detects itself. A Release is replaced only by a new
//   name or namespace. The provider resource is replaced only when its clusterIdentifier changes.
import { egressGatewayResource } from "../../components/mesh/egress-gateway";
import { gatewayApiCrdsResource } from "../../components/mesh/gateway-api-crds";
import { isDeepStrictEqual } from "node:util";
import type { Rendered, RenderedResource } from "./mock-engine";

export interface Change {
  resource: RenderedResource;
  /** The input paths that differ, e.g. `clone.templateUuid`, `triggers[0]`. */
  paths: string[];
}

export interface Replacement extends Change {
  /** The changed paths that force the replacement. */
  because: string[];
  /** Whether the old resource is deleted before the new one is created. */
  deleteBeforeReplace: boolean;
}

export interface UpdatePlan {
  create: RenderedResource[];
  update: Change[];
  replace: Replacement[];
  delete: RenderedResource[];
}

const identity = (r: RenderedResource) => `${r.type}::${r.parent}::${r.name}`;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The leaf paths at which two input values differ. */
export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], `${at}[${i}]`));
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedPaths(before[k], after[k], at ? `${at}.${k}` : k));
  }
  return [at];
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

/** The changed paths that make the provider replace the resource rather than update it. */
export function providerReplaces(resource: RenderedResource, paths: string[]): string[] {
  const { type, inputs } = resource;
  const matching = (patterns: string[]) => paths.filter((p) => patterns.some((pattern) => underPath(p, pattern)));
  if (type === "vsphere:index/virtualMachine:VirtualMachine") {
    return paths.filter(
      (p) => underPath(p, "replaceTrigger") || (underPath(p, "clone") && !underPath(p, "clone.timeout") && !underPath(p, "clone.customize.networkInterfaces")),
    );
  }
  if (type === "kubernetes:helm.sh/v3:Release") return matching(["name", "namespace"]);
  if (type === "pulumi:providers:kubernetes") {
    return "clusterIdentifier" in inputs ? matching(["clusterIdentifier"]) : matching(["kubeconfig", "context", "cluster"]);
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
 * The plan of `pulumi up` from one rendering to the next. A replaced resource gets a new id, which
 * a preview shows as unknown, so every input that held the old id changes too (a join follows the
 * init it names); and every resource of a replaced provider is replaced with it.
 */
export function planUpdate(from: Rendered, to: Rendered): UpdatePlan {
  const before = new Map(from.resources.map((r) => [identity(r), r]));
  const after = new Map(to.resources.map((r) => [identity(r), r]));
  const kept = to.resources.filter((r) => before.has(identity(r)));
  const replaced = new Map<string, Replacement>();
  const updated = new Map<string, Change>();

  let changedIds: string[] = [];
  for (let round = 0; round === 0 || changedIds.length > 0; round++) {
    const newlyReplaced: RenderedResource[] = [];
    for (const resource of kept) {
      const key = identity(resource);
      if (replaced.has(key)) continue;
      const old = before.get(key)!;
      let paths = changedPaths(old.inputs, resource.inputs);
      const stale = changedIds.length > 0 ? changedPaths(old.inputs, replaceIds(old.inputs, changedIds)) : [];
      paths = [...new Set([...paths, ...stale])];
      const providerReplaced = resource.provider !== null && changedIds.includes(`${resource.provider}-id`);
      paths = paths.filter((p) => !(resource.options.ignoreChanges ?? []).some((pattern) => underPath(p, pattern)));
      if (paths.length === 0 && !providerReplaced) continue;
      const byProvider = providerReplaces(resource, paths);
      const byOption = paths.filter((p) => (resource.options.replaceOnChanges ?? []).some((pattern) => underPath(p, pattern)));
      const because = [...new Set([...byProvider, ...byOption, ...(providerReplaced ? ["(provider replaced)"] : [])])];
      if (because.length > 0) {
        const deleteBeforeReplace = resource.options.deleteBeforeReplace ?? providerDeletesFirst(resource, byProvider.length > 0);
        replaced.set(key, { resource, paths, because, deleteBeforeReplace });
        updated.delete(key);
        newlyReplaced.push(resource);
      } else {
        updated.set(key, { resource, paths });
      }
    }
    changedIds = newlyReplaced.map(mockId);
  }
  return {
    create: to.resources.filter((r) => !before.has(identity(r))),
    update: [...updated.values()],
    replace: [...replaced.values()],
    delete: from.resources.filter((r) => !after.has(identity(r))),
  };
}

/** The inputs with every mention of these ids replaced by a marker, as a preview shows them unknown. */
function replaceIds(value: unknown, ids: string[]): unknown {
  // A string made from a replaced id (an interpolation) is as unknown in a preview as the id itself.
  if (typeof value === "string") return ids.some((id) => value === id || new RegExp(`${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`).test(value)) ? "(unknown: replaced)" : value;
  if (Array.isArray(value)) return value.map((v) => replaceIds(v, ids));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIds(v, ids)]));
  return value;
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
