import * as pulumi from "@pulumi/pulumi";
import { readLabConfig } from "./config";
import { Lab } from "./lab";
import { analyzeScenario } from "./scenarios/analyzer";

/**
 * The whole program: read config, build the lab, return the stack outputs. Pulumi calls it with
 * no argument, so every deployment gets a new run id; an offline render passes a fixed one.
 */
export function istioLab(runId?: string): Record<string, pulumi.Input<unknown>> {
  const config = readLabConfig(analyzeScenario);
  const lab = new Lab("lab", { config, clusterIdentifier: `${pulumi.getProject()}-${pulumi.getStack()}`, runId });
  return lab.outputs;
}
