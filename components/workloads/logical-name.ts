/**
 * The Pulumi name of a namespaced Kubernetes object: `Deployment/bookinfo/reviews-v1`. Names are
 * the same in every scenario, so switching scenario updates an object in place, or deletes it when
 * the new scenario lacks it, instead of replacing it.
 */
export function logicalName(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
