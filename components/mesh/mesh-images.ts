// Every image the mesh runs, as the nodes pull it: Istio's control plane and proxy from the
// release's hub (or the mirror), and each installed addon's images, mirrored.
import { addonCharts, curlImage, istioHub, jaegerImage, prometheusConfigReloaderImage } from "../../catalog/versions";
import type { LabConfig } from "../config";
import { mirrored } from "../images";
import { ambientImages } from "./ambient";

export function meshImages(mesh: LabConfig["mesh"], imageRegistry: string | undefined): string[] {
  const hub = imageRegistry ?? istioHub;
  const addonImages: Record<LabConfig["mesh"]["addons"][number], string[]> = {
    kiali: [addonCharts.kiali.image],
    prometheus: [addonCharts.prometheus.image, prometheusConfigReloaderImage],
    // Grafana's chart downloads Istio's dashboards with curl in an init container.
    grafana: [addonCharts.grafana.image, curlImage],
    jaeger: [jaegerImage],
  };
  return [
    // Ambient's profile takes the distroless variant and adds the CNI agent and ztunnel (ambient.ts).
    ...(mesh.mode === "ambient" ? ambientImages(hub, mesh.istioVersion) : [`${hub}/pilot:${mesh.istioVersion}`, `${hub}/proxyv2:${mesh.istioVersion}`]),
    ...mesh.addons.flatMap((addon) => addonImages[addon].map((image) => mirrored(image, imageRegistry))),
  ];
}
