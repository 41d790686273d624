import * as pulumi from "@pulumi/pulumi";
import { readStackConfig, type ProgramHost } from "./config";
import { pinnedContext, pinnedControlPlane } from "./cluster/pin";
import { pinnedVmAddresses } from "./cluster/vsphere/addresses";
import { Lab } from "./lab";
import { LabOnPlatform } from "./lab-on-platform";
import { keepToPlatform, readPlatform } from "./platform";
import { analyzeScenario } from "./scenarios/analyzer";
import { ingressTcpPorts } from "../catalog/scenarios/tcp";

/**
 * The whole program: read config, build the stack, return its outputs. A platform stack builds the
 * cluster, the mesh and its own lab; a lab stack (istio-lab:platform) reads its platform first and
 * builds only its own lab on it. Pulumi calls it with no argument, so every deployment gets a new
 * run id; an offline render passes a fixed one, and the machine it stands for (ProgramHost).
 */
export async function istioLab(runId?: string, host?: ProgramHost): Promise<Record<string, pulumi.Input<unknown>>> {
  const config = readStackConfig(analyzeScenario, host);
  if (config.platform !== undefined) {
    const platform = await readPlatform(config.platform, config.apps.namespace, {
      gatewayApi: config.scenarioSpec.gatewayApi !== undefined,
      tcp: ingressTcpPorts(config.scenarioSpec).length > 0,
      ...(config.apps.tcpPort !== undefined && { tcpPort: config.apps.tcpPort }),
      scenario: { name: config.scenario, api: config.scenarioSpec.gatewayApi !== undefined ? "gateway-api" : "istio", spec: config.scenarioSpec },
    });
    await keepToPlatform(config.platform, platform);
    return new LabOnPlatform("lab", { config, platform, runId }).outputs;
  }
  const record = config.cluster.source === "kubeconfig" ? await pinnedContext(config.cluster) : undefined;
  if (config.cluster.source === "hosts") await pinnedControlPlane(config.cluster);
  if (config.cluster.source === "vsphere") await pinnedVmAddresses(config.cluster);
  return new Lab("lab", { config, clusterIdentifier: `${pulumi.getProject()}-${pulumi.getStack()}`, record, runId }).outputs;
}
