import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { logicalName } from "../logical-name";

/** A URL of the stack's config as a resource input: a Pulumi secret when its key held one (StackConfig.mesh.secret). */
export const urlInput = (url: string, secret: boolean): pulumi.Input<string> => (secret ? pulumi.secret(url) : url);

export interface ChartRelease {
  /** Helm release name, as `helm ls` shows it. */
  release: string;
  chart: string;
  version: string;
  repository: string;
  /** The repository came from a secret key. */
  repositorySecret?: boolean;
  namespace: string;
  values: Record<string, unknown>;
  /** Do not wait for readiness: a LoadBalancer Service on bare VMs would never get an address. */
  skipAwait?: boolean;
}

/**
 * A pinned Helm chart as a real Helm release (helm.v3.Release rather than helm.v4.Chart):
 * `helm ls` and istioctl see the releases; Helm waits for istiod to be ready before the gateway's
 * `image: auto` needs its injector; and istiod's own patching of its webhook (failurePolicy,
 * caBundle) stays out of Pulumi's diff, which would flag it on every preview with per-object charts.
 * Reviewers still see chart, version, repository and values in `npm run render`.
 */
export function chartRelease(spec: ChartRelease, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    logicalName("HelmRelease", spec.namespace, spec.release),
    {
      name: spec.release,
      chart: spec.chart,
      version: spec.version,
      repositoryOpts: { repo: urlInput(spec.repository, spec.repositorySecret ?? false) },
      namespace: spec.namespace,
      values: spec.values,
      skipAwait: spec.skipAwait ?? false,
      timeout: 600,
      // A half-installed release is rolled back rather than left for the next `up` to trip over.
      // Helm's atomic implies waiting, so it goes with skipAwait.
      atomic: !spec.skipAwait,
    },
    { ...opts, customTimeouts: { create: "15m", update: "15m", delete: "10m" } },
  );
}
