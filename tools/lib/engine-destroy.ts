// What `pulumi destroy` and `pulumi refresh` do to a stack, from its state alone. Neither runs the
// program (unless --run-program): destroy's source is a null source that registers nothing
// (pulumi/pulumi pkg/engine/destroy.go newDestroySource: "destroy doesn't run code"; "Create a nil
// source"), refresh's an error source (pkg/engine/refresh.go newRefreshSource), and every provider
// is configured from the inputs its resource has in the state (pkg/resource/deploy/deployment.go
// EnsureProvider: "find its old state and just 'Same' it"). So the stack's current config reaches
// none of them: a render taken at the last `pulumi up` stands for the state.
import { kubernetesDelete, kubernetesRead, helmReleaseType, type ClusterEnvironment, type ProviderOutcome } from "./engine-kubernetes";
import { isCustom } from "./engine-secrets";
import { deleteCall, describeDelete, identity, isExternal, isProviderResource, RenderIndex, type DeleteCall } from "./engine-state";
import type { Rendered, RenderedResource } from "./mock-engine";

export type { ClusterEnvironment } from "./engine-kubernetes";

export interface DestroyStep {
  /** The resource as the state holds it. */
  resource: RenderedResource;
  /** Sent to its provider (through which configuration) or skipped, and why. */
  delete: DeleteCall;
  /** What the provider does with a sent delete, where the model knows (the Kubernetes provider); undefined otherwise. */
  result?: ProviderOutcome;
  /** Why the step fails, if it does: the provider's error, or the engine's for a protected resource. */
  fails?: string;
}

export interface DestroyPlan {
  /** One delete per resource in the state, dependents first. */
  steps: DestroyStep[];
  failures: DestroyStep[];
}

const isKubernetes = (r: RenderedResource) => r.type.startsWith("kubernetes:") && isCustom(r);

/**
 * `pulumi destroy` of a stack whose state is `state`: every resource deleted, dependents first
 * (step_generator.go GenerateDeletes, ScheduleDeletes; here the reverse of the state's order).
 * A delete calls no provider for a read resource, a retainOnDelete one, one whose deletedWith
 * target is deleted too (all are, in a destroy), a component or a provider resource (engine-state.ts
 * deleteCall). A sent Kubernetes delete goes through the provider the state holds; on a cluster that
 * does not answer it fails unless that provider's deleteUnreachable (its input in the state, else
 * PULUMI_K8S_DELETE_UNREACHABLE) is true, and a Helm Release fails whatever the flag
 * (pulumi-kubernetes provider.go Delete). A protected resource fails the destroy before any of that
 * (step.go DeleteStep.Apply: deleteProtectedError).
 */
export function planDestroy(state: Rendered, cluster: ClusterEnvironment = { reachable: true }): DestroyPlan {
  const index = new RenderIndex(state);
  const deleted = new Set(state.resources.map(identity));
  const steps = [...state.resources].reverse().map((resource): DestroyStep => {
    const call = deleteCall(index, resource, deleted);
    if (index.effective(resource).protect) return { resource, delete: call, fails: "resource is protected: `pulumi state unprotect` it first" };
    if (call.skipped || !isKubernetes(resource)) return { resource, delete: call };
    const result = kubernetesDelete(resource.type, call.provider?.inputs ?? {}, cluster);
    return { resource, delete: call, result, ...(result.outcome === "fails" && { fails: result.message }) };
  });
  return { steps, failures: steps.filter((s) => s.fails !== undefined) };
}

export interface RefreshStep {
  resource: RenderedResource;
  /** The provider the read goes through, configured from the state; undefined: the package's default provider. */
  provider?: { name: string; inputs: Record<string, unknown> };
  /** What the Kubernetes provider's Read does; undefined where the model does not know the provider. */
  result?: ProviderOutcome;
}

/**
 * `pulumi refresh` of a stack whose state is `state`: a read of every custom resource but the
 * provider resources, each through the provider the state holds (refresh.go newRefreshSource,
 * step_generator.go GenerateRefreshes). On a cluster that does not answer, a Kubernetes read,
 * Helm Releases included, drops the object from state when deleteUnreachable, keeps it unread when
 * skipUpdateUnreachable, else fails (pulumi-kubernetes provider.go Read).
 */
export function planRefresh(state: Rendered, cluster: ClusterEnvironment = { reachable: true }): RefreshStep[] {
  const index = new RenderIndex(state);
  return state.resources
    .filter((r) => isCustom(r) && !isProviderResource(r) && !isExternal(r))
    .map((resource) => {
      const provider = index.provider(resource);
      const via = provider ? { provider: { name: provider.name, inputs: provider.inputs } } : {};
      return isKubernetes(resource) ? { resource, ...via, result: kubernetesRead(via.provider?.inputs ?? {}, cluster) } : { resource, ...via };
    });
}

/** One line per destroy step that calls a provider or fails; the skipped ones counted by reason. */
export function describeDestroy(plan: DestroyPlan): string[] {
  const skipped = new Map<string, number>();
  const lines: string[] = [];
  for (const step of plan.steps) {
    if (step.delete.skipped && !step.fails) {
      const why = describeDelete(step.delete);
      skipped.set(why, (skipped.get(why) ?? 0) + 1);
      continue;
    }
    const kind = step.resource.type === helmReleaseType ? "Release" : step.resource.type.split(":").pop();
    const outcome = step.fails ? `FAILS: ${step.fails}` : step.result && step.result.outcome !== "done" ? step.result.outcome : "deleted";
    lines.push(`- ${step.resource.name} (${kind}): ${describeDelete(step.delete)}: ${outcome}`);
  }
  return [...lines, ...[...skipped].map(([why, n]) => `  ${n} ${why}`)];
}
