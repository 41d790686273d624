/**
 * Points an image at the lab's mirror: `registry.istio.io/release/examples-bookinfo-details-v1:1.20.3`
 * with mirror `mirror.example.com/lab` becomes `mirror.example.com/lab/examples-bookinfo-details-v1:1.20.3`.
 * Only the last path segment survives, as with Istio's own `hub` setting, so one flat mirror
 * serves the samples, Istio and the addons alike.
 */
export function mirrored(image: string, registry: string | undefined): string {
  if (!registry) return image;
  return `${registry.replace(/\/+$/, "")}/${image.slice(image.lastIndexOf("/") + 1)}`;
}
