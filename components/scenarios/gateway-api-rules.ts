// The analyzer's rules for a scenario's Gateway API form: what the API server and istiod accept
// but the lab would then get wrong (a route no Gateway takes, a backend that does not exist, a
// split that is not the one meant, a listener no gateway Service port reaches).
import { backendsOf, managedGatewayName, type GatewayApiRoute, type ParentRef } from "../../catalog/gateway-api-resources";
import { ofKind } from "../../catalog/istio-resources";
import type { Finding, MeshView } from "./mesh-view";

const routesOf = (view: MeshView) => view.gatewayApi.filter((r): r is GatewayApiRoute => r.kind !== "Gateway");
const gatewaysOf = (view: MeshView) => view.gatewayApi.flatMap((r) => (r.kind === "Gateway" ? [r] : []));

/**
 * The Services istiod deploys for the scenario's Gateways without `addresses` in the app namespace
 * (Istio's automated deployment; gatewaycommon/gateway_utils.go IsManaged), each `<name>-istio`
 * with a port per listener (gatewaycommon/deploymentcontroller.go extractServicePorts).
 */
const deployedGatewayServices = (view: MeshView) =>
  gatewaysOf(view)
    .filter((gw) => !gw.spec.addresses && !gw.inGatewayNamespace)
    .map((gw) => ({ name: managedGatewayName(gw), ports: gw.spec.listeners.map((l) => l.port) }));

/** The hosts and ports the scenario's ServiceEntries define: what a `Hostname` backendRef may name. */
const serviceEntryHosts = (view: MeshView) => ofKind(view.resources, "ServiceEntry").flatMap((se) => se.spec.hosts.map((host) => ({ host, ports: se.spec.ports.map((p) => p.number) })));

/**
 * A backendRef names a Service of the scenario (a per-version one, or the one istiod deploys for a
 * Gateway of it) and one of its ports, or (`kind: Hostname`) a ServiceEntry host of the scenario
 * and one of the entry's ports.
 */
export const backendRefsAreServices = (view: MeshView): Finding[] =>
  routesOf(view).flatMap((route) =>
    backendsOf(route).flatMap(({ field, ref }) => {
      const resource = `${route.kind}/${route.name}`;
      if ("kind" in ref) {
        const entry = serviceEntryHosts(view).find((e) => e.host === ref.name);
        if (!entry) return [{ resource, field: `${field}.name`, message: `${ref.name} is no host of a ServiceEntry of this scenario; istiod would find no such host to send to` }];
        return entry.ports.includes(ref.port) ? [] : [{ resource, field: `${field}.port`, message: `the ServiceEntry for ${ref.name} has no port ${ref.port} (ports: ${entry.ports.join(", ")})` }];
      }
      const services = [...view.services, ...deployedGatewayServices(view)];
      const service = services.find((s) => s.name === ref.name);
      if (!service) return [{ resource, field: `${field}.name`, message: `${ref.name} is not a Service of this scenario (Services: ${services.map((s) => s.name).join(", ")}); the route would answer 500` }];
      if (!service.ports.includes(ref.port)) return [{ resource, field: `${field}.port`, message: `Service ${ref.name} has no port ${ref.port} (ports: ${service.ports.join(", ")})` }];
      return [];
    }),
  );

/** A split's weights are whole percentages summing to 100 (the Gateway API takes any ratio; the catalog means percentages). */
export const backendWeightsSumTo100 = (view: MeshView): Finding[] =>
  routesOf(view).flatMap((route) =>
    route.spec.rules.flatMap((rule, i) => {
      if (rule.backendRefs.length < 2) return [];
      const sum = rule.backendRefs.reduce((s, r) => s + (r.weight ?? 1), 0);
      return sum === 100 ? [] : [{ resource: `${route.kind}/${route.name}`, field: `spec.rules[${i}].backendRefs`, message: `weights sum to ${sum}, not 100; the split would not be the percentages meant` }];
    }),
  );

/**
 * A parentRef names a Gateway of the scenario (and one of its listeners; with `namespace` one in the
 * gateway's namespace, without it one in the route's own), a Service of it with that port, or a
 * ServiceEntry of it.
 */
export const parentRefsExist = (view: MeshView): Finding[] =>
  routesOf(view).flatMap((route) =>
    route.spec.parentRefs.flatMap((parent: ParentRef, i) => {
      const at = { resource: `${route.kind}/${route.name}`, field: `spec.parentRefs[${i}]` };
      if ("kind" in parent) {
        if (parent.kind === "ServiceEntry") {
          return ofKind(view.resources, "ServiceEntry").some((se) => se.name === parent.name) ? [] : [{ ...at, message: `ServiceEntry ${parent.name} is not a ServiceEntry of this scenario; the route would apply to nothing` }];
        }
        const service = view.services.find((s) => s.name === parent.name);
        if (!service) return [{ ...at, message: `Service ${parent.name} is not a Service of this scenario; the route would apply to nothing` }];
        return service.ports.includes(parent.port) ? [] : [{ ...at, message: `Service ${parent.name} has no port ${parent.port}; the route would apply to nothing` }];
      }
      const named = gatewaysOf(view).filter((g) => g.name === parent.name);
      if (named.length === 0) return [{ ...at, message: `Gateway ${parent.name} is not a Gateway of this scenario; no gateway would take the route` }];
      // Without a namespace the parent is in the route's own (the app namespace).
      const gateway = named.find((g) => (g.inGatewayNamespace === true) === (parent.namespace !== undefined));
      if (!gateway) return [{ ...at, field: `${at.field}.namespace`, message: `Gateway ${parent.name} is in the ${parent.namespace ? "app" : "gateway's"} namespace, not the ${parent.namespace ? "gateway's" : "route's"}; no gateway would take the route` }];
      if (parent.sectionName && !gateway.spec.listeners.some((l) => l.name === parent.sectionName)) {
        return [{ ...at, field: `${at.field}.sectionName`, message: `Gateway ${parent.name} has no listener ${parent.sectionName} (${gateway.spec.listeners.map((l) => l.name).join(", ")})` }];
      }
      return [];
    }),
  );

/**
 * A Gateway that names, in `addresses`, a Service names that of a gateway the mesh installs, and
 * listens on that Service's ports (Istio's manual deployment: "keep their port configuration in
 * sync"). A Gateway without `addresses` gets a gateway istiod deploys for it (automated
 * deployment), whose Service takes the listeners' ports: nothing to check against the mesh.
 */
export const gatewaysOnAMeshGateway = (view: MeshView): Finding[] =>
  gatewaysOf(view).flatMap((gw) => {
    if (!gw.spec.addresses) return [];
    const resource = `Gateway/${gw.name}`;
    const address = gw.spec.addresses[0]?.value;
    const served = view.gateways.find((g) => g.host === address);
    if (!served) return [{ resource, field: "spec.addresses", message: `${address ?? "no address"} is not the Service of a gateway the mesh installs (${view.gateways.map((g) => g.host).join(", ")}); leave addresses out for a gateway istiod deploys for this Gateway` }];
    return gw.spec.listeners.flatMap((listener, i) =>
      served.serverPorts.includes(listener.port)
        ? []
        : [{ resource, field: `spec.listeners[${i}].port`, message: `port ${listener.port} is not a port of the ${served.release} Service (${served.serverPorts.join(", ")}); the listener would be unreachable` }],
    );
  });

export const gatewayApiRules = [backendRefsAreServices, backendWeightsSumTo100, parentRefsExist, gatewaysOnAMeshGateway];
