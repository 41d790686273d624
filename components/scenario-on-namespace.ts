import type * as pulumi from "@pulumi/pulumi";
import { selectApps } from "../catalog/apps";
import type { MeshMode } from "../catalog/scenarios/modes";
import type { ScenarioSpec } from "../catalog/scenarios/scenario-spec";
import { istioNamespace } from "./mesh/istio-namespace";
import { Scenario } from "./scenarios/scenario";
import { renderVersionService } from "./workloads/app-objects";
import { Workloads } from "./workloads/workloads";

export interface ScenarioOnNamespaceArgs {
  /** Plain text: it is part of every logical name. */
  namespace: string;
  /** The scenario as this stack applies it (a lab's placed on its host, components/scenarios/lab-placement.ts). */
  spec: ScenarioSpec;
  imageRegistry?: string;
  /** The namespace's data plane, which the workloads' pod templates name (workloads/app-objects.ts dataPlaneAnnotation). */
  meshMode?: MeshMode;
  /** The Gateway API CRDs the mesh installed, for a scenario in its Gateway API form. */
  gatewayApiCrds?: pulumi.Resource;
}

/**
 * The workloads a scenario needs and its Istio objects, both after the injection-enabled namespace
 * (`dependsOn`), the one shape a platform's own lab and a lab stack share. In ambient with a
 * waypoint: the waypoint's Gateway (awaited), then the Services' `istio.io/use-waypoint` labels,
 * then the policies moved to it and the Deployments' rollout.
 */
export function scenarioOnNamespace(args: ScenarioOnNamespaceArgs, opts: pulumi.ComponentResourceOptions): { workloads: Workloads; scenario: Scenario } {
  const { namespace, spec } = args;
  const apps = [...selectApps(spec.workloads), ...(spec.apps ?? [])];
  // Ambient with a waypoint: the pods move to ambient (their rollout) only once the waypoint is
  // Programmed and the Services bound to it (istio.io "Enable ambient mode", Ordering requirements:
  // "Failing to follow this sequence can result in traffic being processed by neither sidecar nor
  // ztunnel"). The waypoint's labels need the workloads' Services, so the Deployments alone wait:
  // a dependsOn on the whole Workloads component would be a cycle. Without a waypoint (every
  // sidecar stack) the Deployments are made as before, in the constructor.
  const deferRollout = spec.waypoint !== undefined;
  const workloads = new Workloads("workloads", { namespace, apps, imageRegistry: args.imageRegistry, meshMode: args.meshMode, ...(deferRollout && { deferRollout }) }, opts);
  const gatewayApi = spec.gatewayApi && {
    resources: spec.gatewayApi.resources,
    versionServices: spec.gatewayApi.versionServices.map((v) => renderVersionService(apps.find((a) => a.app === v.app)!, v, namespace)),
    crds: args.gatewayApiCrds,
  };
  const scenario = new Scenario(
    "scenario",
    {
      namespace,
      resources: spec.resources,
      services: workloads.services,
      gatewayNamespace: istioNamespace,
      tlsCredentials: spec.tlsCredentials,
      gatewayApi,
      // Ambient: the waypoint the scenario's L7 objects need (catalog/scenarios/waypoint.ts), after the CRDs.
      ...(spec.waypoint && { waypoint: { ...spec.waypoint, crds: args.gatewayApiCrds } }),
    },
    opts,
  );
  if (deferRollout) workloads.rollOut(scenario.waypoint);
  return { workloads, scenario };
}
