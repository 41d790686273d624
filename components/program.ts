import * as pulumi from "@pulumi/pulumi";
import { readLabConfig } from "./config";
import { Lab } from "./lab";

/** The whole program: read config, build the lab, return the stack outputs. */
export function istioLab(): Record<string, pulumi.Input<unknown>> {
  const config = readLabConfig();
  const lab = new Lab("lab", { config, clusterIdentifier: `${pulumi.getProject()}-${pulumi.getStack()}` });
  return lab.outputs;
}
