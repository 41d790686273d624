import * as pulumi from "@pulumi/pulumi";
import type { ScenarioName } from "../../stacks/names";

export interface ScenarioArgs {
  namespace: pulumi.Input<string>;
  scenario: ScenarioName;
  options: unknown;
}

/** The Istio resources of one catalog scenario (filled in by the scenarios layer). */
export class Scenario extends pulumi.ComponentResource {
  constructor(name: string, _args: ScenarioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:scenarios:Scenario", name, {}, opts);
    this.registerOutputs({});
  }
}
