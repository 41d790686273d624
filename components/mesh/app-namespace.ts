import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { MeshMode } from "../../catalog/scenarios/modes";
import { logicalName } from "../logical-name";
import { meshNamespaceLabels } from "./ambient";

/**
 * The namespace the sample workloads run in. Injection happens only when a pod is created, so the
 * label must be there before the first workload, and istiod's webhook must already answer. In
 * ambient mode the namespace's `istio.io/dataplane-mode: ambient` puts its pods in the mesh instead
 * (the istio-cni chart's ambient.enablementSelectors, charts/istio-cni/values.yaml), with no sidecar.
 */
export function appNamespace(name: string, opts: pulumi.CustomResourceOptions, mode: MeshMode = "sidecar"): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(logicalName("Namespace", name), { metadata: { name, labels: meshNamespaceLabels(mode) } }, opts);
}
