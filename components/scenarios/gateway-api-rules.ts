// The analyzer's rules for a scenario's Gateway API form: what the API server and istiod accept
// but the lab would then get wrong (a route no Gateway takes, a backend that does not exist, a
// split that is not the one meant, a listener no gateway Service port reaches).
import { backendsOf, type GatewayApiRoute, type ParentRef } from "../../catalog/gateway-api-resources";
import type { Finding, MeshView } from "./mesh-view";

const routesOf = (view: MeshView) => view.gatewayApi.filter((r): r is GatewayApiRoute => r.kind !== "Gateway");
const gatewaysOf = (view: MeshView) => view.gatewayApi.flatMap((r) => (r.kind === "Gateway" ? [r] : []));

/** A backendRef names a Service of the scenario (a per-version one included) and one of its ports. */
export const backendRefsAreServices = (view: MeshView): Finding[] =>
  routesOf(view).flatMap((route) =>
    backendsOf(route).flatMap(({ field, ref }) => {
      const service = view.services.find((s) => s.name === ref.name);
      if (!service) return [{ resource: `${route.kind}/${route.name}`, field: `${field}.name`, message: `${ref.name} is not a Service of this scenario (Services: ${view.services.map((s) => s.name).join(", ")}); the route would answer 500` }];
      if (!service.ports.includes(ref.port)) return [{ resource: `${route.kind}/${route.name}`, field: `${field}.port`, message: `Service ${ref.name} has no port ${ref.port} (ports: ${service.ports.join(", ")})` }];
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

/** A parentRef names a Gateway of the scenario (and one of its listeners), or a Service of it with that port. */
export const parentRefsExist = (view: MeshView): Finding[] =>
  routesOf(view).flatMap((route) =>
    route.spec.parentRefs.flatMap((parent: ParentRef, i) => {
      const at = { resource: `${route.kind}/${route.name}`, field: `spec.parentRefs[${i}]` };
      if ("kind" in parent) {
        const service = view.services.find((s) => s.name === parent.name);
        if (!service) return [{ ...at, message: `Service ${parent.name} is not a Service of this scenario; the route would apply to nothing` }];
        return service.ports.includes(parent.port) ? [] : [{ ...at, message: `Service ${parent.name} has no port ${parent.port}; the route would apply to nothing` }];
      }
      const gateway = gatewaysOf(view).find((g) => g.name === parent.name);
      if (!gateway) return [{ ...at, message: `Gateway ${parent.name} is not a Gateway of this scenario; no gateway would take the route` }];
      if (parent.sectionName && !gateway.spec.listeners.some((l) => l.name === parent.sectionName)) {
        return [{ ...at, field: `${at.field}.sectionName`, message: `Gateway ${parent.name} has no listener ${parent.sectionName} (${gateway.spec.listeners.map((l) => l.name).join(", ")})` }];
      }
      return [];
    }),
  );

/**
 * A Gateway names, in `addresses`, the Service of a gateway the mesh installs, and listens on that
 * Service's ports (Istio's manual deployment: "keep their port configuration in sync").
 */
export const gatewaysOnAMeshGateway = (view: MeshView): Finding[] =>
  gatewaysOf(view).flatMap((gw) => {
    const resource = `Gateway/${gw.name}`;
    const address = gw.spec.addresses?.[0]?.value;
    const served = view.gateways.find((g) => g.host === address);
    if (!served) return [{ resource, field: "spec.addresses", message: `${address ?? "no address"} is not the Service of a gateway the mesh installs (${view.gateways.map((g) => g.host).join(", ")}); Istio would deploy a gateway of its own, outside the lab's URL` }];
    return gw.spec.listeners.flatMap((listener, i) =>
      served.serverPorts.includes(listener.port)
        ? []
        : [{ resource, field: `spec.listeners[${i}].port`, message: `port ${listener.port} is not a port of the ${served.release} Service (${served.serverPorts.join(", ")}); the listener would be unreachable` }],
    );
  });

export const gatewayApiRules = [backendRefsAreServices, backendWeightsSumTo100, parentRefsExist, gatewaysOnAMeshGateway];
