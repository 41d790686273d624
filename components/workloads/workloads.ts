import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resolveScenario } from "../../stacks/catalog";
import type { ScenarioName } from "../../stacks/names";
import { selectApps } from "./catalog";
import { logicalName } from "./logical-name";
import { renderApp } from "./render";

export interface WorkloadsArgs {
  /** The app namespace; the caller orders this component after the Namespace object (dependsOn). */
  namespace: string;
  scenario: ScenarioName;
  scenarioOptions: unknown;
  imageRegistry?: string;
}

/** Exactly the sample applications the scenario needs: their ServiceAccounts, Services and Deployments. */
export class Workloads extends pulumi.ComponentResource {
  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:workloads:Workloads", name, {}, opts);
    const ns = args.namespace;
    const spec = resolveScenario(args.scenario, args.scenarioOptions);
    for (const app of selectApps(spec.workloads)) {
      const objects = renderApp(app, { namespace: args.namespace, imageRegistry: args.imageRegistry });
      const account =
        objects.serviceAccount &&
        new k8s.core.v1.ServiceAccount(logicalName("ServiceAccount", ns, objects.serviceAccount.name), objects.serviceAccount.args, { parent: this });
      if (objects.service) new k8s.core.v1.Service(logicalName("Service", ns, objects.service.name), objects.service.args, { parent: this });
      for (const deployment of objects.deployments) {
        // A pod naming a ServiceAccount that does not exist yet is refused, and the rollout stalls.
        new k8s.apps.v1.Deployment(logicalName("Deployment", ns, deployment.name), deployment.args, { parent: this, ...(account && { dependsOn: [account] }) });
      }
    }
    this.registerOutputs({});
  }
}
