import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { logicalName } from "../logical-name";

/**
 * The namespace the sample workloads run in. Injection happens only when a pod is created, so the
 * label must be there before the first workload, and istiod's webhook must already answer.
 */
export function appNamespace(name: string, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    logicalName("Namespace", name),
    { metadata: { name, labels: { "istio-injection": "enabled" } } },
    opts,
  );
}
