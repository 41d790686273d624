import * as pulumi from "@pulumi/pulumi";
import type { ScenarioName } from "../../stacks/names";

export interface WorkloadsArgs {
  namespace: pulumi.Input<string>;
  scenario: ScenarioName;
  scenarioOptions: unknown;
  imageRegistry?: string;
}

/** The sample applications a scenario needs (filled in by the workloads layer). */
export class Workloads extends pulumi.ComponentResource {
  constructor(name: string, _args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:workloads:Workloads", name, {}, opts);
    this.registerOutputs({});
  }
}
