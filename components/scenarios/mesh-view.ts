// What the mesh analyzer reads: the Istio resources and the Services and pods they point at. Plain
// data, so a CrossGuard policy pack can build it from the Kubernetes objects of any stack.
import { podLabels } from "../workloads/app-objects";
import type { AppSpec } from "../../catalog/apps/app-spec";
import type { IstioResource } from "../../catalog/istio-resources";

export interface ServiceView {
  name: string;
  ports: number[];
  selector: Record<string, string>;
}

export interface PodView {
  /** The Deployment the pods belong to. */
  owner: string;
  labels: Record<string, string>;
}

export interface MeshView {
  resources: readonly IstioResource[];
  services: readonly ServiceView[];
  pods: readonly PodView[];
}

/** One problem: which resource, which field (a path into it), and what is wrong. */
export interface Finding {
  /** `VirtualService/reviews`. */
  resource: string;
  /** `spec.http[0].route[1].destination.subset`. */
  field: string;
  message: string;
}

export function meshView(resources: readonly IstioResource[], apps: readonly AppSpec[]): MeshView {
  return {
    resources,
    services: apps.flatMap((app) => (app.service ? [{ name: app.app, ports: [app.service.port, ...(app.service.morePorts ?? []).map((p) => p.port)], selector: { app: app.app } }] : [])),
    pods: apps.flatMap((app) => app.versions.map((v) => ({ owner: v.deployment, labels: podLabels(app, v) }))),
  };
}
