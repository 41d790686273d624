// Every image the mesh runs, as the nodes pull it: Istio's control plane and proxy from the
// release's hub (or the mirror), and each installed addon's images, mirrored.
import { addonCharts, curlImage, istioHub, jaegerImage, prometheusConfigReloaderImage } from "../../catalog/versions";
import type { LabConfig } from "../config";
import { mirrored } from "../images";
import { ambientImages } from "./ambient";

export function meshImages(mesh: LabConfig["mesh"], imageRegistry: string | undefined): string[] {
  return [...istioImages(mesh, imageRegistry), ...addonImages(mesh, imageRegistry)];
}

/** Istio's own images: what istiod and the gateways run, and every sidecar (in ambient mode the CNI agent and ztunnel too). */
export function istioImages(mesh: Pick<LabConfig["mesh"], "mode" | "istioVersion">, imageRegistry: string | undefined): string[] {
  const hub = imageRegistry ?? istioHub;
  // Ambient's profile takes the distroless variant and adds the CNI agent and ztunnel (ambient.ts).
  return mesh.mode === "ambient" ? ambientImages(hub, mesh.istioVersion) : [`${hub}/pilot:${mesh.istioVersion}`, `${hub}/proxyv2:${mesh.istioVersion}`];
}

/** The installed addons' images, mirrored. */
export function addonImages(mesh: Pick<LabConfig["mesh"], "addons">, imageRegistry: string | undefined): string[] {
  const images: Record<LabConfig["mesh"]["addons"][number], string[]> = {
    kiali: [addonCharts.kiali.image],
    prometheus: [addonCharts.prometheus.image, prometheusConfigReloaderImage],
    // Grafana's chart downloads Istio's dashboards with curl in an init container.
    grafana: [addonCharts.grafana.image, curlImage],
    jaeger: [jaegerImage],
  };
  return mesh.addons.flatMap((addon) => images[addon].map((image) => mirrored(image, imageRegistry)));
}
