import type { LabConfig } from "../../config";

export type AddonName = LabConfig["mesh"]["addons"][number];

/** What every addon's values depend on. */
export interface AddonSettings {
  mesh: LabConfig["mesh"];
  imageRegistry: string | undefined;
  addons: ReadonlySet<AddonName>;
  serviceType: LabConfig["mesh"]["dashboards"]["serviceType"];
}

/** Splits `docker.io/grafana/grafana:12.0.1` the way charts with registry/repository/tag keys want it. */
export function imageParts(image: string): { registry: string; repository: string; tag: string } {
  const tagAt = image.lastIndexOf(":");
  const path = image.slice(0, tagAt);
  const slash = path.indexOf("/");
  return { registry: path.slice(0, slash), repository: path.slice(slash + 1), tag: image.slice(tagAt + 1) };
}
