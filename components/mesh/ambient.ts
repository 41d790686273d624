// Istio's ambient data plane from the same pinned release's Helm charts, as istio.io's "Install with
// Helm" (docs/ambient/install/helm) gives it: base, istiod with `profile=ambient`, the CNI node agent
// (chart `cni`, release istio-cni) with `profile=ambient`, then the ztunnel DaemonSet.
import { istioHub } from "../../catalog/versions";
import { dataplaneModeLabel, type MeshMode } from "../../catalog/scenarios/modes";
import type { clusterSources } from "../config/schema";
import { istiodValues } from "./istio";

type ClusterSource = (typeof clusterSources)[number];

/**
 * The Helm profile of istiod and istio-cni in ambient mode (each chart's files/profile-ambient.yaml,
 * a copy of manifests/helm-profiles/ambient.yaml): PILOT_ENABLE_AMBIENT on istiod, HBONE for the
 * proxies it configures (the ingress gateway's included), cni.ambient.enabled on the node agent,
 * and the distroless image variant. A chart takes one profile, so ambient replaces demo there.
 */
export const ambientProfile = "ambient";

/**
 * What demo gave that the ambient profile does not: the lab-sized requests of manifests/helm-profiles/
 * demo.yaml (pilot, cni, ztunnel), not the charts' production defaults (istiod 500m/2Gi,
 * charts/istio-control/istio-discovery/values.yaml; ztunnel 200m/512Mi on every node,
 * charts/ztunnel/values.yaml; install-cni 100m/100Mi). test/upstream/ambient.test.ts holds them
 * equal to demo.yaml's.
 */
export const labRequests = {
  pilot: { requests: { cpu: "10m", memory: "100Mi" } },
  cni: { requests: { cpu: "10m", memory: "40Mi" } },
  ztunnel: { requests: { cpu: "10m", memory: "40Mi" } },
} as const;

/**
 * The `global.platform` each cluster source needs on the istio-cni chart, which merges its
 * files/profile-platform-<platform>.yaml (templates/zzz_profile.yaml; an unknown one fails the
 * install). k3d runs k3s in a container, whose CNI config is under /var/lib/rancher/k3s and whose
 * plugins are in /bin (profile-platform-k3d.yaml; istio.io docs/ambient/install/platform-prerequisites
 * "k3d": `--set global.platform=k3d`). kind (kindnet) and kubeadm with Flannel keep the chart's
 * defaults, /etc/cni/net.d and /opt/cni/bin: no platform. A kubeconfig names a cluster istio-lab
 * did not build: it gets the defaults, which a k3s or minikube cluster would need to override.
 */
export function cniPlatform(source: ClusterSource): string | undefined {
  return source === "k3d" ? "k3d" : undefined;
}

/** istiod in ambient mode: the same mesh config, the ambient profile, and the demo profile's lab-sized requests. */
export function ambientIstiodValues(imageRegistry: string | undefined): Record<string, unknown> {
  const values = istiodValues(imageRegistry);
  return { ...values, profile: ambientProfile, pilot: { ...(values.pilot as object), resources: labRequests.pilot } };
}

/** The istio-cni node agent (chart `cni`): redirects each ambient pod's traffic to its node's ztunnel. */
export function istioCniValues(imageRegistry: string | undefined, source: ClusterSource): Record<string, unknown> {
  const platform = cniPlatform(source);
  return {
    profile: ambientProfile,
    global: { hub: imageRegistry ?? istioHub, ...(platform && { platform }) },
    resources: labRequests.cni,
  };
}

/**
 * The ztunnel DaemonSet, without a profile as istio.io installs it (`helm install ztunnel
 * istio/ztunnel`). Its chart reads `hub` at the top (charts/ztunnel/values.yaml; it flattens
 * `global` into the top as well, templates/zzz_profile.yaml).
 */
export function ztunnelValues(imageRegistry: string | undefined): Record<string, unknown> {
  return { hub: imageRegistry ?? istioHub, resources: labRequests.ztunnel };
}

/** The images ambient adds and renames: every Istio image takes the profile's distroless variant but ztunnel's. */
export function ambientImages(hub: string, istioVersion: string): string[] {
  return [`${hub}/pilot:${istioVersion}-distroless`, `${hub}/proxyv2:${istioVersion}-distroless`, `${hub}/install-cni:${istioVersion}-distroless`, `${hub}/ztunnel:${istioVersion}`];
}

/** The app namespace's labels in each mode: injection for sidecars, or the ambient data plane (istio.io docs/ambient/usage/add-workloads). */
export function meshNamespaceLabels(mode: MeshMode): Record<string, string> {
  return mode === "ambient" ? { [dataplaneModeLabel]: "ambient" } : { "istio-injection": "enabled" };
}
