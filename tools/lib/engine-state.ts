// A render read as the engine reads a stack's resources: which resource another one names, which
// options each ends up with once the engine has applied its parent's, and what a delete of it does.
import { isCustom } from "./engine-secrets";
import type { Rendered, RenderedResource } from "./mock-engine";

/** A resource's identity across two renders, as its URN is: type, parent and name. */
export const identity = (r: RenderedResource): string => `${r.type}::${r.parent}::${r.name}`;

export const isProviderResource = (r: RenderedResource): boolean => r.type.startsWith("pulumi:providers:");

/** Read resources, whose lifecycle Pulumi does not own (a StackReference). */
export const isExternal = (r: RenderedResource): boolean => r.type === "pulumi:pulumi:StackReference";

/** Lookups in one render. A render names a resource's deletedWith, replaceWith and provider by name only. */
export class RenderIndex {
  private readonly byNameList = new Map<string, RenderedResource[]>();
  private readonly byParentKey = new Map<string, RenderedResource>();

  constructor(readonly rendered: Rendered) {
    for (const r of rendered.resources) {
      this.byNameList.set(r.name, [...(this.byNameList.get(r.name) ?? []), r]);
      this.byParentKey.set(`${r.type}::${r.name}`, r);
    }
  }

  /**
   * The resource a name stands for. Names repeat across types (a VM and the Node component on it);
   * a deletedWith or replaceWith target is a custom resource first, since deleting a component
   * deletes nothing of its own.
   */
  byName(name: string, pick: (r: RenderedResource) => boolean = isCustom): RenderedResource | undefined {
    const list = this.byNameList.get(name) ?? [];
    return list.find(pick) ?? list[0];
  }

  /** The provider resource a resource is handed to; undefined for the package's default provider. */
  provider(r: RenderedResource): RenderedResource | undefined {
    return r.provider === null ? undefined : this.byName(r.provider, isProviderResource);
  }

  parentOf(r: RenderedResource): RenderedResource | undefined {
    if (r.parent === null) return undefined;
    // A render read back from JSON (render-diff) has no parent types: the name alone, then.
    return r.parentType ? this.byParentKey.get(`${r.parentType}::${r.parent}`) : this.byName(r.parent, (p) => !isCustom(p));
  }

  /**
   * The options the engine records for a resource: its own, else its parent's as the engine
   * recorded them (pulumi/pulumi pkg/resource/deploy/source_eval.go RegisterResource ->
   * inheritFromParent, since v3.70.0 #12572: "Currently only inherits DeletedWith, Protect,
   * RetainOnDelete, and Provider from parent"; the child keeps its own when it sets one). So a
   * component's deletedWith reaches every descendant that sets none, while replaceWith, which is
   * not inherited, does nothing for a component's children.
   */
  effective(r: RenderedResource): { deletedWith?: RenderedResource; retainOnDelete: boolean; protect: boolean } {
    let deletedWith: string | undefined;
    let retainOnDelete: boolean | undefined;
    let protect: boolean | undefined;
    for (let at: RenderedResource | undefined = r; at && (deletedWith === undefined || retainOnDelete === undefined || protect === undefined); at = this.parentOf(at)) {
      deletedWith ??= at.options.deletedWith;
      retainOnDelete ??= at.options.retainOnDelete;
      protect ??= at.options.protect;
    }
    return { deletedWith: deletedWith === undefined ? undefined : this.byName(deletedWith), retainOnDelete: retainOnDelete ?? false, protect: protect ?? false };
  }
}

/** Why a delete step calls no provider (pulumi/pulumi pkg/resource/deploy/step.go DeleteStep.Apply, in its order). */
export type DeleteSkip = "external" | "retainOnDelete" | "deletedWith" | "component" | "provider resource";

export interface DeleteCall {
  /** Why the provider's Delete is not called; absent when it is. */
  skipped?: DeleteSkip;
  /** With `deletedWith`: the resource whose deletion takes this one with it. */
  with?: string;
  /**
   * The provider the Delete goes through, configured from the state: the provider resource the
   * resource was last deployed with and its inputs there (pkg/resource/deploy/deployment.go
   * EnsureProvider: "find its old state and just 'Same' it"). Absent: the package's default provider.
   */
  provider?: { name: string; inputs: Record<string, unknown> };
}

/**
 * What the engine does with a delete of `r` (from the state `index`), given the resources deleted
 * in the same deployment (step.go DeleteStep.Apply: External, then RetainOnDelete, then
 * isDeletedWith, then only a custom resource's provider Delete). A provider resource's delete goes
 * to the engine's registry, which closes the plugin and calls nothing (providers/registry.go Delete).
 */
export function deleteCall(index: RenderIndex, r: RenderedResource, deleted: ReadonlySet<string>): DeleteCall {
  const { deletedWith, retainOnDelete } = index.effective(r);
  const provider = index.provider(r);
  const via = provider ? { provider: { name: provider.name, inputs: provider.inputs } } : {};
  if (isExternal(r)) return { skipped: "external" };
  if (retainOnDelete) return { skipped: "retainOnDelete", ...via };
  if (deletedWith && deleted.has(identity(deletedWith))) return { skipped: "deletedWith", with: deletedWith.name, ...via };
  if (!isCustom(r)) return { skipped: "component" };
  if (isProviderResource(r)) return { skipped: "provider resource" };
  return via;
}

/** One line for a delete: what it calls, through which provider configuration. */
export function describeDelete(call: DeleteCall): string {
  if (call.skipped === "deletedWith") return `skipped (deletedWith ${call.with})`;
  if (call.skipped) return `skipped (${call.skipped})`;
  if (!call.provider) return "sent (default provider)";
  const inputs = ["kubeconfig", "context", "clusterIdentifier", "deleteUnreachable"]
    .filter((k) => call.provider!.inputs[k] !== undefined)
    .map((k) => `${k}=${JSON.stringify(call.provider!.inputs[k])}`);
  return `sent via ${call.provider.name}${inputs.length ? ` (${inputs.join(", ")})` : ""}`;
}

/**
 * What the deletion options set on a component do, which is not what they do on a custom resource
 * (pulumi/pulumi pkg/resource/deploy/source_eval.go: a component "ignores" deletedWith and
 * replaceWith itself, checkComponentOption; RegisterResource -> inheritFromParent passes only
 * DeletedWith, Protect, RetainOnDelete and Provider down to children):
 * - replaceWith on a component replaces none of its children: a no-op, flagged;
 * - deletedWith on a component deletes nothing of its own, but every descendant that sets none
 *   inherits it: its note names how many custom resources it reaches.
 */
export function componentOptionNotes(rendered: Rendered): string[] {
  const index = new RenderIndex(rendered);
  const notes: string[] = [];
  for (const r of rendered.resources.filter((x) => !isCustom(x))) {
    if ((r.options.replaceWith ?? []).length > 0) {
      notes.push(`${r.name}: replaceWith on a component is a no-op: no child is replaced with ${r.options.replaceWith!.join(", ")} (not inherited); set it on the children`);
    }
    if (r.options.deletedWith !== undefined) {
      const reached = rendered.resources.filter((x) => isCustom(x) && x !== r && index.effective(x).deletedWith?.name === r.options.deletedWith && descends(index, x, r));
      notes.push(`${r.name}: deletedWith on a component deletes nothing of its own; ${reached.length} custom descendants inherit deletedWith ${r.options.deletedWith}`);
    }
  }
  return notes;
}

const descends = (index: RenderIndex, r: RenderedResource, ancestor: RenderedResource): boolean => {
  for (let at = index.parentOf(r); at; at = index.parentOf(at)) if (at === ancestor) return true;
  return false;
};
