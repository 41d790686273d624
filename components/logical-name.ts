/**
 * The Pulumi name of a Kubernetes object: `Deployment/bookinfo/reviews-v1`, or `Namespace/bookinfo`
 * for a cluster-scoped one, and `HelmRelease/istio-system/istiod` for a Helm release. Names are the
 * same in every scenario, so switching scenario updates an object in place, or deletes it when the
 * new scenario lacks it, instead of replacing it.
 */
export function logicalName(kind: string, ...at: [name: string] | [namespace: string, name: string]): string {
  return [kind, ...at].join("/");
}
