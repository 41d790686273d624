// Where a scenario's objects are visible, and how a lab on a shared platform runs a catalog
// scenario: on its own host and TCP port of the shared ingress gateway, each host-defining object
// visible only where it must be. The platform's own lab takes the same visibility rule
// (placeScenarioOnPlatform). tools/lib/mesh-model.ts checks the result against Istio's own rules.
//
// What Istio 1.31 reads (istio/istio, release-1.31):
// - pilot/pkg/model/push_context.go: a ServiceEntry, VirtualService or DestinationRule without
//   exportTo takes the mesh's default, every namespace (initDefaultExportMaps: Public unless
//   meshConfig.defaultServiceExportTo and its siblings say otherwise). A gateway computes its routes
//   from the VirtualServices bound to it and visible in its own namespace (VirtualServicesForGateway),
//   its clusters from the services visible there (sidecar.go DefaultSidecarScopeForGateway ->
//   servicesExportedToNamespace), and a host's subsets from the DestinationRules of its own
//   namespace, then of the host's namespace exported to it (destinationRule, steps 1-3).
// - A ServiceEntry's host seen by another namespace is that namespace's way to the host: its
//   sidecars build the host's listener and cluster from the entry (port 80 to 443 for the TLS
//   origination task), and take the entry's own namespace's DestinationRules exported to them
//   (destinationRule step 3), or none. So an entry exported to everyone changes how every other
//   namespace reaches that host, plain HTTP going unencrypted to 443 where the rule stays local.
import { hostInLab } from "../../catalog/lab-host";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import { ofKind, routeRules, selects, serviceName, type IstioResource } from "../../catalog/istio-resources";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { ingressTcpPorts, isPlainTcpServer } from "../../catalog/scenarios/tcp";
import { egressGateway } from "../mesh/egress-gateway";
import { ingressGateway } from "../mesh/ingress-gateway";
import { istioNamespace } from "../mesh/istio-namespace";

export interface LabPlacement {
  /** The lab's host on the shared gateway (catalog/lab-host.ts). */
  host: string;
  /** Where the shared gateway's pods run: they must see the routes bound to them. */
  gatewayNamespace: string;
  /** The shared gateway's TCP port this lab holds, for a scenario with a TCP server (components/config/sibling-labs.ts). */
  tcpPort?: number;
}

/** Where the gateways run whose Gateways a scenario may write (both in the mesh's namespace here). */
export interface GatewayNamespaces {
  ingress: string;
  egress: string;
}


/** The namespace of the gateway pods a Gateway of the scenario selects (ingress or egress), if any. */
function gatewayNamespaceOf(resources: readonly IstioResource[], name: string, namespaces: GatewayNamespaces): string | undefined {
  const gateway = ofKind(resources, "Gateway").find((g) => g.name === name.split("/").pop());
  if (!gateway) return undefined;
  if (selects(gateway.spec.selector, ingressGateway.podLabels)) return namespaces.ingress;
  if (selects(gateway.spec.selector, egressGateway.podLabels)) return namespaces.egress;
  return undefined;
}

/** The gateway namespaces a VirtualService's routes are bound to (its `gateways` but `mesh`). */
function boundGatewayNamespaces(resources: readonly IstioResource[], gateways: readonly string[] | undefined, namespaces: GatewayNamespaces): string[] {
  return [...new Set((gateways ?? []).filter((g) => g !== "mesh").flatMap((g) => gatewayNamespaceOf(resources, g, namespaces) ?? []))];
}

/**
 * A host outside the scenario's namespace: a ServiceEntry's, or a Service of another namespace (the
 * egress gateway's, written with its namespace). A short name, or one of the scenario's namespace
 * (resolved by Istio relative to the object's namespace), is the scenario's own.
 */
export function hostOutsideNamespace(resources: readonly IstioResource[], host: string): boolean {
  if (ofKind(resources, "ServiceEntry").some((se) => se.spec.hosts.includes(host))) return true;
  return host.includes(".") && host !== "*" && !host.startsWith("*.") && /\.svc(\.cluster\.local)?$/.test(host) && !host.includes("$(");
}

/**
 * Where the VirtualServices and DestinationRules for a scenario's own Services are visible:
 * - "placed": as every other object, its namespace and the gateways that need them (a lab);
 * - "mesh-default": Istio's default, every namespace (the platform's own lab: the owner's rules for
 *   every client of its Services, whose hosts no lab can name).
 */
type OwnServices = "placed" | "mesh-default";

/**
 * exportTo for each host-defining object, as the gateway and the scenario's namespace need it:
 * - a ServiceEntry: its own namespace, and the namespace of a gateway that routes to one of its
 *   hosts (the egress-gateway task: the egress gateway sends edition.cnn.com on through a cluster it
 *   builds from the entry, which it sees only when the entry is exported to its namespace:
 *   DefaultSidecarScopeForGateway -> servicesExportedToNamespace, IsServiceVisible);
 * - a VirtualService: its own namespace, and the namespace of each gateway it is bound to
 *   (VirtualServicesForGateway takes only what is visible in the gateway's namespace);
 * - a DestinationRule: its own namespace, and that of each gateway routing to its host (the gateway
 *   finds the subsets in the host's namespace's rules exported to it: destinationRule step 3).
 * `ownServices` says where the routes and rules for the scenario's own Services go (OwnServices).
 */
function visibility(resources: readonly IstioResource[], namespaces: GatewayNamespaces, ownServices: OwnServices): Map<IstioResource, string[]> {
  const out = new Map<IstioResource, string[]>();
  const exportTo = (extra: readonly string[]) => [".", ...new Set(extra.filter((ns) => ns !== "."))];
  // A host of the scenario's namespace by its Service's name, whether written short or in full.
  const sameHost = (host: string) => (hostOutsideNamespace(resources, host) ? host : serviceName(host));
  // Hosts each gateway namespace routes to: the destinations of the VirtualServices bound to it.
  const routedFrom = new Map<string, Set<string>>();
  for (const vs of ofKind(resources, "VirtualService")) {
    for (const { route, http } of routeRules(vs.spec)) {
      // A rule whose every match names gateways applies at those only (the egress task's `mesh` rule).
      const matchGateways = http?.match && http.match.length > 0 && http.match.every((m) => m.gateways) ? http.match.flatMap((m) => m.gateways!) : undefined;
      for (const ns of boundGatewayNamespaces(resources, matchGateways ?? vs.spec.gateways, namespaces)) {
        const hosts = routedFrom.get(ns) ?? new Set<string>();
        for (const host of [...route.map((r) => r.destination.host), ...(http?.mirror ? [http.mirror.host] : [])]) hosts.add(sameHost(host));
        routedFrom.set(ns, hosts);
      }
    }
  }
  const gatewaysRoutingTo = (host: string) => [...routedFrom].filter(([, hosts]) => hosts.has(sameHost(host))).map(([ns]) => ns);
  for (const resource of resources) {
    switch (resource.kind) {
      case "ServiceEntry":
        out.set(resource, exportTo(resource.spec.hosts.flatMap(gatewaysRoutingTo)));
        break;
      case "VirtualService":
        if (ownServices === "placed" || resource.spec.hosts.some((h) => hostOutsideNamespace(resources, h))) out.set(resource, exportTo(boundGatewayNamespaces(resources, resource.spec.gateways, namespaces)));
        break;
      case "DestinationRule":
        if (ownServices === "placed" || hostOutsideNamespace(resources, resource.spec.host)) out.set(resource, exportTo(gatewaysRoutingTo(resource.spec.host)));
        break;
      default:
        break;
    }
  }
  return out;
}

/** The resources with exportTo written where visibility() places it. */
function withVisibility(resources: readonly IstioResource[], namespaces: GatewayNamespaces, ownServices: OwnServices): IstioResource[] {
  const placed = visibility(resources, namespaces, ownServices);
  return resources.map((resource): IstioResource => {
    const exportTo = placed.get(resource);
    return exportTo ? ({ ...resource, spec: { ...resource.spec, exportTo } } as IstioResource) : resource;
  });
}

/**
 * Gateway hosts and the hosts of the VirtualServices bound to them move under the lab's host; a
 * TCP server of the shared gateway, and the routes matching its port, move to the lab's TCP port.
 */
function placeInLab(resources: readonly IstioResource[], lab: LabPlacement): IstioResource[] {
  const tcp = new Map(ingressTcpPorts({ resources }).map((port) => [port, lab.tcpPort ?? port]));
  const moved = resources.map((resource): IstioResource => {
    switch (resource.kind) {
      case "Gateway": {
        const ingress = selects(resource.spec.selector, ingressGateway.podLabels);
        const servers = resource.spec.servers.map((s) => ({
          ...s,
          hosts: s.hosts.map((h) => hostInLab(h, lab.host)),
          ...(ingress && isPlainTcpServer(s) && { port: { ...s.port, number: tcp.get(s.port.number)! } }),
        }));
        return { ...resource, spec: { ...resource.spec, servers } };
      }
      case "VirtualService": {
        const bound = (resource.spec.gateways ?? []).some((g) => g !== "mesh");
        if (!bound) return resource;
        const tcpRoutes = resource.spec.tcp?.map((t) => ({ ...t, ...(t.match && { match: t.match.map((m) => (m.port !== undefined && tcp.has(m.port) ? { ...m, port: tcp.get(m.port)! } : m)) }) }));
        return { ...resource, spec: { ...resource.spec, hosts: resource.spec.hosts.map((h) => hostInLab(h, lab.host)), ...(tcpRoutes && { tcp: tcpRoutes }) } };
      }
      default:
        return resource;
    }
  });
  return withVisibility(moved, { ingress: lab.gatewayNamespace, egress: istioNamespace }, "placed");
}

/**
 * The Gateway API form on the lab's host: each HTTP listener of the lab's Gateway (which the shared
 * ingress gateway serves, Istio's manual deployment) takes the lab's host, or a named host beneath
 * it, and so do the routes' hostnames; a listener without one would take every host of the shared
 * gateway. A TCP listener moves to the lab's TCP port, and the TCPRoutes naming it with it (Istio
 * turns the Gateway into one more Gateway of the shared workload: the same merge). Routes between
 * sidecars (a Service parent) stay as they are.
 */
function placeGatewayApiInLab(resources: readonly GatewayApiResource[], lab: Pick<LabPlacement, "host" | "tcpPort">): GatewayApiResource[] {
  const sections = new Map<string, string>();
  const placed = resources.map((resource): GatewayApiResource => {
    if (resource.kind === "Gateway") {
      const listeners = resource.spec.listeners.map((l) => {
        if (l.protocol === "HTTP") return { ...l, hostname: hostInLab(l.hostname ?? "*", lab.host) };
        // Only a TCP listener holds its port alone (catalog/scenarios/tcp.ts ingressTcpPorts); any other stays as written.
        if (l.protocol !== "TCP" || lab.tcpPort === undefined) return l;
        const name = `tcp-${lab.tcpPort}`;
        sections.set(l.name, name);
        return { ...l, name, port: lab.tcpPort };
      });
      return { ...resource, spec: { ...resource.spec, listeners } };
    }
    if (resource.kind === "HTTPRoute" && resource.spec.hostnames) {
      return { ...resource, spec: { ...resource.spec, hostnames: resource.spec.hostnames.map((h) => hostInLab(h, lab.host)) } };
    }
    return resource;
  });
  return placed.map((resource): GatewayApiResource => {
    if (resource.kind !== "TCPRoute") return resource;
    const parentRefs = resource.spec.parentRefs.map((p) => ("sectionName" in p && p.sectionName && sections.has(p.sectionName) ? { ...p, sectionName: sections.get(p.sectionName)! } : p));
    return { ...resource, spec: { ...resource.spec, parentRefs } };
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

/**
 * A scenario as a platform's own lab runs it: its hosts and ports as the task has them, and the
 * objects for hosts outside its namespace (ServiceEntries, and the rules for their hosts) visible
 * only to its namespace and the gateways that serve them, so that no lab's way to those hosts changes.
 */
export function placeScenarioOnPlatform(spec: ScenarioSpec, namespaces: GatewayNamespaces = { ingress: istioNamespace, egress: istioNamespace }): ScenarioSpec {
  return { ...spec, resources: withVisibility(spec.resources, namespaces, "mesh-default") };
}
