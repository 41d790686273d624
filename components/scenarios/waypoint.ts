// Ambient mode: the waypoint proxy a scenario's L7 objects need, with the scenario's objects (a
// scenario without one has none, so switching to it deletes the waypoint and the labels).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { logicalName } from "../logical-name";
import { ingressUseWaypointLabel, useWaypointLabel, waypointGateway, type Waypoint } from "../../catalog/scenarios/waypoint";

export interface WaypointArgs extends Waypoint {
  /** The Gateway API CRDs the mesh installed: the Gateway waits for them. */
  crds?: pulumi.Resource;
}

/**
 * The waypoint's Gateway, from which istiod deploys the Envoy that serves it (class istio-waypoint:
 * pilot/pkg/config/kube/gateway's deployment controller), then on each bound Service the label
 * `istio.io/use-waypoint: <name>` (pilot/pkg/serviceregistry/ambient/waypoints.go GetUseWaypoint),
 * as istio.io's ambient pages bind a Service (docs/ambient/usage/waypoint, "Use a waypoint proxy").
 * The Services are the workloads layer's; the label is set by a ServicePatch, a server-side apply
 * of that one field under its own field manager, which on delete gives the field up, so the label
 * goes with the scenario (pulumi-kubernetes provider/pkg/await/await.go Deletion: ssa.Relinquish
 * for a Patch resource). Each label waits for its Service and for the Gateway. A Service of
 * `ingress` gets `istio.io/ingress-use-waypoint: "true"` in the same patch: in ambient the ingress
 * gateway passes a waypoint by unless the Service (or its namespace) opts in (Istio 1.31
 * pilot/pkg/xds/endpoints/endpoint_builder.go findServiceWaypoint; the label read in
 * pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels), so the waypoint's
 * policies would not apply to the gateway's requests (catalog/scenarios/waypoint.ts inAmbient).
 * `pulumi up` waits for the Gateway to be Programmed (its `pulumi.com/waitFor` annotation,
 * catalog/scenarios/waypoint.ts waypointWaitFor) before it labels the Services; what comes after
 * the waypoint (the moved policies, the pods' rollout) waits for all these objects: the Gateway
 * first, the labels after it.
 */
export function waypointObjects(args: WaypointArgs, namespace: string, services: ReadonlyMap<string, pulumi.Resource>, parent: pulumi.Resource): pulumi.Resource[] {
  const gateway = waypointGateway(args.name);
  const created = new k8s.apiextensions.CustomResource(
    logicalName("Gateway", namespace, args.name),
    { apiVersion: gateway.apiVersion, kind: gateway.kind, metadata: { ...gateway.metadata, name: args.name, namespace }, spec: gateway.spec },
    { parent, ...(args.crds && { dependsOn: [args.crds] }) },
  );
  const labels = args.services.map(
    (service) =>
      new k8s.core.v1.ServicePatch(
        logicalName("ServicePatch", namespace, service),
        { metadata: { name: service, namespace, labels: { [useWaypointLabel]: args.name, ...(args.ingress?.includes(service) && { [ingressUseWaypointLabel]: "true" }) } } },
        { parent, dependsOn: [created, ...(services.has(service) ? [services.get(service)!] : [])] },
      ),
  );
  return [created, ...labels];
}
