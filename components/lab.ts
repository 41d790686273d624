import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, type LabImages } from "./cluster/cluster";
import type { ClusterRecord } from "./cluster/pin";
import { isLocalCluster, type LabConfig } from "./config";
import { istioNamespace } from "./mesh/istio-namespace";
import { Mesh } from "./mesh/mesh";
import { kubeconfigOutput, labPlatformOutput, type LabPlatform } from "./platform";
import { gatewayNodePort, gatewayServerPortsOf, gatewayValues } from "./mesh/ingress-gateway";
import { placeScenarioOnPlatform } from "./scenarios/lab-placement";
import { gatewayPolicies } from "./scenarios/gateway-policies";
import { labTcpPorts } from "../catalog/scenarios/tcp";
import { addonImages, istioImages } from "./mesh/mesh-images";
import { curlLines, gatewayRequests } from "../catalog/scenarios/probes";
import { scenarioOnNamespace } from "./scenario-on-namespace";
import { verifyGate } from "./verify-gate";
import { sampleImages } from "./workloads/app-objects";

export interface LabArgs {
  config: LabConfig;
  /** Stable name of this lab's cluster, usually the stack name. */
  clusterIdentifier: string;
  /** Source kubeconfig: the cluster the stack recorded at its first deployment (cluster/pin.ts). */
  record?: ClusterRecord;
  /**
   * Differs on every deployment (default: a random UUID): it triggers the one step that must run
   * on every `pulumi up`, the opt-in verify gate, and nothing else. Renders fix it.
   */
  runId?: string;
}

/**
 * Every image the lab will run, mirrored when `apps.imageRegistry` is set: nodes istio-lab builds
 * pull them while the control plane forms, and `npm run prepare-template` bakes them in.
 */
export const labImages = (config: LabConfig): string[] => {
  const { istio, rest } = labImageGroups(config);
  return [...istio, ...rest];
};

/** The lab's images in two groups: Istio's own (mesh-images.ts istioImages), then the addons' and the samples'. */
const labImageGroups = (config: LabConfig): LabImages => ({
  istio: istioImages(config.mesh, config.apps.imageRegistry),
  rest: [...addonImages(config.mesh, config.apps.imageRegistry), ...sampleImages(config.apps.imageRegistry)],
});

/** One whole lab: cluster -> mesh -> workloads -> scenario, each layer on the one before. */
export class Lab extends pulumi.ComponentResource {
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: LabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:index:Lab", name, {}, opts);
    const { config } = args;
    const runId = args.runId ?? crypto.randomUUID();
    const cluster = new Cluster(
      "cluster",
      { config: config.cluster, clusterIdentifier: args.clusterIdentifier, context: args.record?.context, withoutIdentifier: config.identifierUpgrade, images: labImageGroups(config), gatewayNodePort: gatewayNodePort(config.mesh) },
      { parent: this },
    );
    const onCluster: pulumi.ComponentResourceOptions = {
      parent: this,
      providers: [cluster.provider],
      ...(cluster.deletedWith && { transformations: [deletedWith(cluster.deletedWith)] }),
    };
    const mesh = new Mesh(
      "mesh",
      { mesh: config.mesh, apps: config.apps, reach: { gatewayEntry: cluster.gatewayEntry, nodeAddress: cluster.nodeAddress }, egressGateway: config.scenarioSpec.egressGateway, gatewayApi: labsMayUseGatewayApi(config) || config.scenarioSpec.gatewayApi !== undefined || config.scenarioSpec.waypoint !== undefined, clusterSource: config.cluster.source, schedulable: cluster.schedulable },
      onCluster,
    );
    // Workloads wait for the injection-enabled namespace (which waits for istiod and the gateway),
    // not for the addons: a slow Grafana download must not hold the samples back. The namespace is
    // passed as plain text because it is part of every logical name.
    const namespace = config.apps.namespace;
    // Its objects for hosts outside its namespace are visible only where they must be, as a lab's
    // (components/scenarios/lab-placement.ts): its ServiceEntries never change another namespace's way out.
    const { workloads, scenario } = scenarioOnNamespace(
      { namespace, spec: placeScenarioOnPlatform(config.scenarioSpec), imageRegistry: config.apps.imageRegistry, meshMode: config.mesh.mode, gatewayApiCrds: mesh.gatewayApiCrds },
      { ...onCluster, dependsOn: [mesh.appNamespace] },
    );
    if (config.verify.gate) {
      verifyGate(
        {
          scenario: config.scenario,
          options: config.scenarioOptions,
          namespace,
          gatewayUrl: config.verify.gatewayUrl ?? mesh.access.gatewayUrl,
          kubeconfig: cluster.kubeconfigSource,
          context: cluster.context,
          requests: config.verify.requests,
          ...(config.apps.imageRegistry && { imageRegistry: config.apps.imageRegistry }),
          runId,
        },
        // Its first request goes through the gateway, which nothing else on its path waits for.
        { parent: this, dependsOn: [workloads, scenario, mesh.gateway, ...(mesh.egressGateway ? [mesh.egressGateway] : [])] },
      );
    }
    // What lab stacks on this platform read (components/platform.ts).
    const labPlatform: pulumi.Inputs & Omit<LabPlatform, "clusterIdentifier"> = {
      clusterIdentifier: cluster.clusterIdentifier,
      ...(config.cluster.source === "kubeconfig" && "path" in config.cluster.kubeconfig
        ? { kubeconfigPath: config.cluster.kubeconfig.path, ...(cluster.context && { context: cluster.context }) }
        : {}),
      // The cluster it recorded, which its clusterIdentifier (the stack's name) does not tell.
      ...(args.record && { server: args.record.server, ...(args.record.caDigest && { caDigest: args.record.caDigest }) }),
      labDomain: config.mesh.ingress.labDomain,
      gatewayUrl: mesh.access.gatewayUrl,
      ...(mesh.access.gatewayPortForward && { gatewayPortForward: mesh.access.gatewayPortForward }),
      gatewayNamespace: istioNamespace,
      reservedNamespaces: [istioNamespace, namespace],
      ...(config.apps.imageRegistry && { imageRegistry: config.apps.imageRegistry }),
      istioVersion: config.mesh.istioVersion,
      // Labs follow the platform's data plane: their namespaces join it, and they run only its scenarios.
      meshMode: config.mesh.mode,
      // Labs may use the Gateway API form, or a waypoint, only where the platform keeps its CRDs
      // whatever its own scenario (labsMayUseGatewayApi): CRDs its scenario alone brought go with
      // that scenario, and with them every lab's Gateway API objects and waypoints.
      gatewayApi: labsMayUseGatewayApi(config),
      // The gateway Service's TCP ports for labs, as the mesh installs them (its Helm values).
      labTcpPorts: gatewayServerPortsOf(gatewayValues(config.mesh)).filter((port) => labTcpPorts.includes(port)),
      // A policy of its own scenario on the shared gateway acts on every lab's host: labs refuse such a platform (components/platform.ts).
      gatewayPolicies: gatewayPolicies(config.scenarioSpec),
      scenario: config.scenario,
    };
    const requests = gatewayRequests(config.scenarioSpec.probes);
    this.outputs = {
      clusterSource: config.cluster.source,
      // kind and k3d: the name to give `kind`/`k3d` (and kubectl's context, kind-<name>/k3d-<name>).
      ...(isLocalCluster(config.cluster) && { clusterName: config.cluster.name }),
      ...(cluster.kubeconfig ? { [kubeconfigOutput]: cluster.kubeconfig } : {}),
      // Source kubeconfig: where `npm run verify` finds the cluster the stack recorded, whatever
      // kubectl's current context is.
      ...(config.cluster.source === "kubeconfig" && "path" in config.cluster.kubeconfig && { kubeconfigPath: config.cluster.kubeconfig.path }),
      ...(cluster.context && { kubeContext: cluster.context }),
      scenario: config.scenario,
      appNamespace: namespace,
      // npm run verify pulls its own client through it too.
      ...(config.apps.imageRegistry && { imageRegistry: config.apps.imageRegistry }),
      ...mesh.access,
      // What shows the scenario through the gateway: Bookinfo's page where it runs, and curl lines
      // for every request the scenario's gateway probes send (a named host in its Host header).
      ...(requests.some((r) => r.path === "/productpage") && { productPageUrl: `${mesh.access.gatewayUrl}/productpage` }),
      ...(requests.length > 0 && { curl: curlLines(mesh.access.gatewayUrl, requests) }),
      [labPlatformOutput]: labPlatform,
    };
    this.registerOutputs(this.outputs);
  }
}

/**
 * Whether the platform keeps the Gateway API's CRDs whatever its own scenario, for its labs: with
 * istio-lab:mesh.gatewayApi, and always in ambient mode, where a lab's waypoint is a Gateway API
 * Gateway (catalog/scenarios/waypoint.ts) and routing between services is in the Gateway API form
 * (catalog/scenarios/modes.ts). A lab never creates or deletes a cluster-scoped object, so the CRDs
 * are the platform's, installed once (components/platform.ts readPlatform refuses a platform without).
 */
export const labsMayUseGatewayApi = (config: Pick<LabConfig, "mesh">): boolean => config.mesh.gatewayApi || config.mesh.mode === "ambient";

/**
 * Marks every Kubernetes object of a layer as deleted with the cluster. The engine would also pass
 * a component's own deletedWith down to its children (pulumi/pulumi pkg/resource/deploy/
 * source_eval.go, inheritFromParent), but that would take the layers' other resources too (TLS
 * keys, local commands), whose deletes touch no cluster; a component's transformations reach
 * every descendant (the SDK applies them while each child is constructed).
 */
function deletedWith(cluster: pulumi.Resource): pulumi.ResourceTransformation {
  // By type: while a transformation runs the resource is still under construction, before
  // CustomResource.isInstance could tell.
  return ({ type, props, opts }) => (type.startsWith("kubernetes:") ? { props, opts: { ...opts, deletedWith: cluster } } : undefined);
}
