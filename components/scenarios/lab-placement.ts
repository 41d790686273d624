// A catalog scenario as a lab on a shared platform runs it: on its own host of the shared ingress
// gateway, and visible only where it must be.
import { hostInLab } from "../../catalog/lab-host";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import type { IstioResource } from "../../catalog/istio-resources";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";

export interface LabPlacement {
  /** The lab's host on the shared gateway (catalog/lab-host.ts). */
  host: string;
  /** Where the shared gateway's pods run: they must see the routes bound to them. */
  gatewayNamespace: string;
}

/**
 * Gateway hosts and the hosts of the VirtualServices bound to them move under the lab's host.
 * VirtualServices and DestinationRules, which Istio exports to every namespace by default, are
 * exported to the lab's namespace (".") and the gateway's: Istio computes a gateway's routes, and
 * the subsets they name, from the objects visible in the gateway's own namespace (networking/v1
 * VirtualService.exportTo and DestinationRule.exportTo, istio/api), so "." alone would leave the
 * lab's gateway routes without their subsets.
 */
function placeInLab(resources: readonly IstioResource[], lab: LabPlacement): IstioResource[] {
  const exportTo = [".", lab.gatewayNamespace];
  return resources.map((resource): IstioResource => {
    switch (resource.kind) {
      case "Gateway":
        return { ...resource, spec: { ...resource.spec, servers: resource.spec.servers.map((s) => ({ ...s, hosts: s.hosts.map((h) => hostInLab(h, lab.host)) })) } };
      case "VirtualService": {
        const bound = (resource.spec.gateways ?? []).some((g) => g !== "mesh");
        const hosts = bound ? resource.spec.hosts.map((h) => hostInLab(h, lab.host)) : resource.spec.hosts;
        return { ...resource, spec: { ...resource.spec, hosts, exportTo } };
      }
      case "DestinationRule":
        return { ...resource, spec: { ...resource.spec, exportTo } };
      default:
        return resource;
    }
  });
}

/**
 * The Gateway API form on the lab's host: each HTTP listener of the lab's Gateway (which the shared
 * ingress gateway serves, Istio's manual deployment) takes the lab's host, or a named host beneath
 * it, and so do the routes' hostnames; a listener without one would take every host of the shared
 * gateway. Routes between sidecars (a Service parent) and TCP listeners stay as they are.
 */
function placeGatewayApiInLab(resources: readonly GatewayApiResource[], lab: Pick<LabPlacement, "host">): GatewayApiResource[] {
  return resources.map((resource): GatewayApiResource => {
    if (resource.kind === "Gateway") {
      const listeners = resource.spec.listeners.map((l) => (l.protocol === "HTTP" ? { ...l, hostname: hostInLab(l.hostname ?? "*", lab.host) } : l));
      return { ...resource, spec: { ...resource.spec, listeners } };
    }
    if (resource.kind === "HTTPRoute" && resource.spec.hostnames) {
      return { ...resource, spec: { ...resource.spec, hostnames: resource.spec.hostnames.map((h) => hostInLab(h, lab.host)) } };
    }
    return resource;
  });
}

/** A scenario as a lab runs it: its Istio objects and its Gateway API form, each placed as above. */
export function placeScenarioInLab(spec: ScenarioSpec, lab: LabPlacement): ScenarioSpec {
  return {
    ...spec,
    resources: placeInLab(spec.resources, lab),
    ...(spec.gatewayApi && { gatewayApi: { ...spec.gatewayApi, resources: placeGatewayApiInLab(spec.gatewayApi.resources, lab) } }),
  };
}
