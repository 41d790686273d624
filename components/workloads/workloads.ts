import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppSpec } from "../../catalog/apps/app-spec";
import type { MeshMode } from "../../catalog/scenarios/modes";
import { logicalName } from "../logical-name";
import { envSecret, renderApp } from "./app-objects";

export interface WorkloadsArgs {
  /** The app namespace; the caller orders this component after the Namespace object (dependsOn). */
  namespace: string;
  /** The sample applications, cut down to the versions the scenario deploys (catalog/apps selectApps). */
  apps: AppSpec[];
  imageRegistry?: string;
  /** The data plane the pods join, which their template names so a mode switch rolls them (app-objects.ts dataPlaneAnnotation). */
  meshMode?: MeshMode;
  /**
   * Make no Deployment until `rollOut` names what the pods wait for (ambient: the waypoint, which
   * the scenario makes from this component's Services, components/scenario-on-namespace.ts).
   */
  deferRollout?: boolean;
}

/** Exactly the sample applications the scenario needs: their ServiceAccounts, Services and Deployments. */
export class Workloads extends pulumi.ComponentResource {
  /** Each app's Service, by name: what the scenario's Istio objects route to. */
  readonly services: ReadonlyMap<string, k8s.core.v1.Service>;
  private readonly pending: ((after: readonly pulumi.Resource[]) => void)[] = [];

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:workloads:Workloads", name, {}, opts);
    const ns = args.namespace;
    const services = new Map<string, k8s.core.v1.Service>();
    for (const app of args.apps) {
      // Env Secrets first: each Deployment's pods carry the uid of theirs, so a new one rolls them.
      const secrets = new Map(
        app.versions.flatMap((v) => envSecret(v, args.namespace)).map((c) => [c.deployment, new k8s.core.v1.Secret(logicalName("Secret", ns, c.name), c.args, { parent: this })]),
      );
      const objects = renderApp(app, { namespace: args.namespace, imageRegistry: args.imageRegistry, meshMode: args.meshMode, envSecretUid: (d) => secrets.get(d)?.metadata.uid });
      const account =
        objects.serviceAccount &&
        new k8s.core.v1.ServiceAccount(logicalName("ServiceAccount", ns, objects.serviceAccount.name), objects.serviceAccount.args, { parent: this });
      if (objects.service) {
        services.set(objects.service.name, new k8s.core.v1.Service(logicalName("Service", ns, objects.service.name), objects.service.args, { parent: this }));
      }
      const configMaps = objects.configMaps.map((c) => new k8s.core.v1.ConfigMap(logicalName("ConfigMap", ns, c.name), c.args, { parent: this }));
      for (const deployment of objects.deployments) {
        // A pod naming a ServiceAccount that does not exist yet is refused, and the rollout stalls;
        // one mounting a ConfigMap that does not exist yet waits in ContainerCreating, and one
        // reading env from a Secret that does not exist yet in CreateContainerConfigError.
        const secret = secrets.get(deployment.name);
        const deploy = (after: readonly pulumi.Resource[]) => {
          const needs = [...(account ? [account] : []), ...configMaps, ...(secret ? [secret] : []), ...after];
          new k8s.apps.v1.Deployment(logicalName("Deployment", ns, deployment.name), deployment.args, { parent: this, ...(needs.length > 0 && { dependsOn: needs }) });
        };
        if (args.deferRollout) this.pending.push(deploy);
        else deploy([]);
      }
    }
    this.services = services;
    this.registerOutputs({});
  }

  /**
   * The Deployments held back by `deferRollout`, each after `after` too (its Deployment's rollout waits for them).
   * They register after this component's registerOutputs, which Pulumi allows; but a `dependsOn: [workloads]`
   * made before this call would not include them (the SDK expands a component to the children it has then):
   * call it before anything waits for the workloads (scenario-on-namespace.ts does).
   */
  rollOut(after: readonly pulumi.Resource[]): void {
    for (const deploy of this.pending.splice(0)) deploy(after);
  }
}
