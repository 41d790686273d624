// The lab's images as a kind or k3d cluster brings them in: Istio's own first (what istiod and the
// gateways run, and every sidecar), loaded as soon as the cluster is there so that istiod starts
// from a loaded image; then the rest (the addons' and the samples'). The nodes istio-lab builds
// pull the whole list in one step each (pull-images.sh), where the order alone matters.

/**
 * Istio's own images among a lab's list. The list travels from the lab (components/lab.ts labImages)
 * through the cluster (cluster.ts ClusterArgs.images, a plain list) to local-cluster.ts unchanged,
 * so the mark rides on the list itself.
 */
const istioImagesMark = Symbol("Istio's own images");

export type LabImages = readonly string[] & { readonly [istioImagesMark]?: readonly string[] };

/**
 * The lab's images, Istio's own among them marked. The lab names them (components/lab.ts: meshImages
 * without the addons, mesh-images.ts being the one place that names Istio's images for a mode and a
 * mirror), since the cluster layer knows nothing of the mesh.
 */
export function withIstioImages(images: readonly string[], istio: readonly string[]): LabImages {
  return Object.assign([...images], { [istioImagesMark]: istio.filter((image) => images.includes(image)) });
}

/** Istio's images, and every other image in the list's order; all of them the rest when the list has no mark. */
export function imageGroups(images: LabImages): { istio: string[]; rest: string[] } {
  const istio = [...(images[istioImagesMark] ?? [])];
  return { istio, rest: images.filter((image) => !istio.includes(image)) };
}
