import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LabConfig } from "../config";
import { appNamespace } from "./app-namespace";

export interface MeshArgs {
  mesh: LabConfig["mesh"];
  apps: LabConfig["apps"];
}

/** Istio, its ingress gateway and addons, and the injection-enabled namespace for the samples. */
export class Mesh extends pulumi.ComponentResource {
  readonly appNamespace: k8s.core.v1.Namespace;

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:mesh:Mesh", name, {}, opts);
    this.appNamespace = appNamespace(args.apps.namespace, { parent: this });
    this.registerOutputs({ appNamespace: this.appNamespace.metadata.name });
  }
}
