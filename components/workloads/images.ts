// The sample images as upstream's release-1.31 samples pin them (research/istio.md sections 2 and 5).
// `istio-lab:apps.imageRegistry` rewrites them through mirrored() in components/images.ts.

const bookinfoTag = "1.20.3";

/** `registry.istio.io/release/examples-bookinfo-reviews-v2:1.20.3`; the registry moved there in Istio 1.30. */
export const bookinfoImage = (service: string, version: string) =>
  `registry.istio.io/release/examples-bookinfo-${service}-${version}:${bookinfoTag}`;

export const httpbinImage = "docker.io/mccutchen/go-httpbin:v2.15.0";
export const curlImage = "docker.io/curlimages/curl:8.16.0";
/** Upstream tracks fortio's moving `latest_release` tag and pulls it Always; kept as upstream does. */
export const fortioImage = "docker.io/fortio/fortio:latest_release";
