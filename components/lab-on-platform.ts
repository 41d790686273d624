import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hostInLab, labHost } from "../catalog/lab-host";
import { curlLines, gatewayRequests } from "../catalog/scenarios/probes";
import type { LabOnPlatformConfig } from "./config";
import { appNamespace } from "./mesh/app-namespace";
import { ingressGateway } from "./mesh/ingress-gateway";
import { inPlatformMode, type ResolvedPlatform } from "./platform";
import { placeScenarioInLab } from "./scenarios/lab-placement";
import { scenarioOnNamespace } from "./scenario-on-namespace";
import { tcpPortClaim } from "./scenarios/tcp-port-claim";
import { verifyGate } from "./verify-gate";

export interface LabOnPlatformArgs {
  config: LabOnPlatformConfig;
  /** The platform stack, read before this lab registered anything (components/platform.ts). */
  platform: ResolvedPlatform;
  /** As LabArgs.runId: triggers the opt-in verify gate on every deployment. */
  runId?: string;
}

/**
 * What a student types to see a TCP scenario: the task's one connection from the curl pod to the
 * gateway's TCP port (tcp-traffic-shifting: `(date; sleep 1) | nc $INGRESS_HOST $TCP_INGRESS_PORT`),
 * on the port this lab holds.
 */
export function tcpLine(namespace: string, port: number, context?: string): string {
  return `kubectl${context ? ` --context ${context}` : ""} -n ${namespace} exec deploy/curl -c curl -- sh -c '(date; sleep 1) | nc ${ingressGateway.service} ${port}'`;
}

/**
 * One lab on a shared platform: its namespace, the workloads its scenario needs and the scenario's
 * Istio objects (in ambient, with the waypoint its scenario needs, its own), on the platform's
 * cluster through a provider of its own. No Helm release, no cluster-scoped object but its
 * namespace (the Gateway API's CRDs are the platform's), no machine; outside its namespace only,
 * for a TCP scenario, its port's claim (scenarios/tcp-port-claim.ts): destroying it leaves the
 * platform and every other lab as they were.
 */
export class LabOnPlatform extends pulumi.ComponentResource {
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: LabOnPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:index:LabOnPlatform", name, {}, opts);
    const { config, platform } = args;
    const namespace = config.apps.namespace;
    const host = labHost(namespace, platform.labDomain);
    const imageRegistry = config.apps.imageRegistry ?? platform.imageRegistry;
    const provider = new k8s.Provider(
      "platform-kubernetes",
      {
        kubeconfig: platform.kubeconfig,
        ...(platform.context && { context: platform.context }),
        // Without it for one run (istio-lab:identifierUpgrade), as the platform's Cluster does.
        ...(!config.identifierUpgrade && { clusterIdentifier: platform.clusterIdentifier }),
        // Never adopt: another lab's namespace or TCP port claim must fail this lab's create
        // (AlreadyExists), whatever PULUMI_K8S_UPSERT_EXISTING_OBJECTS says (the provider reads its
        // config first: provider/pkg/provider/provider.go Configure, upsertExistingObjects).
        upsertExistingObjects: false,
      },
      { parent: this },
    );
    const onCluster = { parent: this, providers: [provider] };
    // A TCP port of the shared gateway is held in the cluster too, before anything of the lab is
    // made: a lab of another folder holding it stops this one's update (scenarios/tcp-port-claim.ts).
    const claim =
      platform.tcpPort === undefined ? undefined : tcpPortClaim({ port: platform.tcpPort, gatewayNamespace: platform.gatewayNamespace, stack: pulumi.getStack(), namespace }, { parent: this, provider });
    // The platform's data plane: injection, or ambient's label (readPlatform refused a scenario it cannot
    // run, and one that needs the Gateway API's CRDs on a platform without them).
    const labNamespace = appNamespace(namespace, { parent: this, provider, ...(claim && { dependsOn: [claim] }) }, platform.meshMode);
    // On an ambient platform, the scenario's ambient form: a scenario that needs a waypoint gets its
    // own, the Gateway `waypoint` in this lab's namespace, and the label istio.io/use-waypoint on this
    // lab's Services only (components/scenarios/waypoint.ts). Istio binds a Service to the waypoint of
    // that name in the Service's own namespace, and a waypoint whose listener has no allowedRoutes
    // takes Services of its own namespace only (Istio 1.31 pilot/pkg/serviceregistry/ambient/
    // waypoints.go GetUseWaypoint, makeWaypointSelector: NamespacesFromSame); it reads the routes of
    // its own and its Services' namespaces (pilot/pkg/networking/core/listener_waypoint.go
    // getVirtualServiceForWaypoint) and the policies whose targetRefs name it or its Services from
    // their own namespace (pilot/pkg/model/policyattachment.go ShouldAttachPolicy). Traffic to another
    // lab's Services never passes it, and it applies nothing of theirs (test/labs/mesh-isolation.test.ts). The
    // Gateway API's CRDs are the platform's (readPlatform refused a platform without them).
    const spec = placeScenarioInLab(inPlatformMode(config.scenarioSpec, platform.meshMode), {
      host,
      gatewayNamespace: platform.gatewayNamespace,
      ...(platform.tcpPort !== undefined && { tcpPort: platform.tcpPort }),
    });
    const { workloads, scenario } = scenarioOnNamespace({ namespace, spec, imageRegistry, meshMode: platform.meshMode }, { ...onCluster, dependsOn: [labNamespace] });
    const gatewayUrl = config.verify.gatewayUrl ?? platform.gatewayUrl;
    // Reads this stack's outputs (scenario, appNamespace, gatewayUrl, labHost) and its options.
    const verifyCommand = `npm run verify -- --stack ${pulumi.getStack()}`;
    if (config.verify.gate) {
      verifyGate(
        {
          scenario: config.scenario,
          options: config.scenarioOptions,
          namespace,
          gatewayUrl,
          host,
          ...(platform.tcpPort !== undefined && { tcpPort: platform.tcpPort }),
          kubeconfig: typeof platform.kubeconfig === "string" ? { path: platform.kubeconfig } : { contents: platform.kubeconfig },
          context: platform.context,
          requests: config.verify.requests,
          runId: args.runId ?? crypto.randomUUID(),
        },
        { parent: this, dependsOn: [workloads, scenario] },
      );
    }
    // What a student types: the requests the scenario's own gateway probes send.
    const requests = gatewayRequests(config.scenarioSpec.probes).map((r) => ({ ...r, host: r.host ? hostInLab(r.host, host) : host }));
    this.outputs = {
      platform: config.platform,
      scenario: config.scenario,
      appNamespace: namespace,
      labHost: host,
      ...(imageRegistry && { imageRegistry }),
      gatewayUrl,
      // A platform on a kubeconfig file: where `npm run verify` finds its cluster (its recorded context).
      ...(platform.kubeconfigPath && { kubeconfigPath: platform.kubeconfigPath }),
      ...(platform.context && { kubeContext: platform.context }),
      ...(platform.gatewayPortForward && { gatewayPortForward: platform.gatewayPortForward }),
      // The shared gateway tells labs apart by the Host header, and a TCP port by the lab holding it.
      ...(platform.tcpPort !== undefined && { tcpPort: platform.tcpPort }),
      curl: [...curlLines(gatewayUrl, requests), ...(platform.tcpPort !== undefined ? [tcpLine(namespace, platform.tcpPort, platform.context)] : [])],
      verifyCommand,
    };
    this.registerOutputs(this.outputs);
  }
}
