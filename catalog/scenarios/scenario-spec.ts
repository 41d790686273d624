import type { WorkloadNeed } from "../apps";
import type { AppSpec } from "../apps/app-spec";
import type { GatewayApiResource, VersionService } from "../gateway-api-resources";
import type { IstioResource } from "../istio-resources";
import type { Probe } from "./probes";
import type { Waypoint } from "./waypoint";

/** One catalog scenario, resolved: everything the layers and the verify tool need, as data. */
export interface ScenarioSpec {
  /** One line: the upstream task it reproduces. */
  description: string;
  workloads: WorkloadNeed[];
  /** Applications the scenario declares itself (scenario custom: istio-lab:apps.custom), beside the catalog's. */
  apps?: AppSpec[];
  /** Applied in the app namespace; each DestinationRule before the VirtualServices that use it. */
  resources: IstioResource[];
  probes: Probe[];
  /**
   * Certificates the scenario's gateway serves (secure ingress): made by the program as Pulumi
   * secrets (components/scenarios/tls-credentials.ts), each a TLS Secret in the gateway's namespace,
   * and the CA (with a client certificate for mutual TLS) in the curl client's Secret.
   */
  tlsCredentials?: {
    secret: string;
    hosts: string[];
    mutual?: boolean;
    /** The workload terminates TLS itself (passthrough): its Secret goes to the app namespace. */
    servedByWorkload?: boolean;
  }[];
  /**
   * The scenario sends traffic through the egress gateway, which the mesh then installs
   * (components/mesh/egress-gateway.ts); a lab stack cannot have one of its own.
   */
  egressGateway?: boolean;
  /**
   * The Gateway API form's objects (scenarioOptions.api: gateway-api, catalog/scenarios/gateway-api.ts),
   * beside what stays in `resources`; the mesh then installs the Gateway API's CRDs.
   */
  gatewayApi?: { resources: GatewayApiResource[]; versionServices: VersionService[] };
  /**
   * Ambient mode only: the waypoint its L7 objects need and the Services bound to it
   * (catalog/scenarios/waypoint.ts inAmbient); the mesh then installs the Gateway API's CRDs.
   */
  waypoint?: Waypoint;
  /**
   * Parts of resources that come from `istio-lab:scenarioOptions`, so the analyzer can blame the
   * option rather than the scenario: a finding under `resource`'s `field` is keyed on `option`.
   */
  fromOptions?: { resource: string; field: string; option: string }[];
}

/**
 * Why a lab stack on a shared platform cannot run the scenario, one reason each (none: it can). The
 * config check turns each into an error on `istio-lab:scenario`.
 */
export function platformOnlyReasons(spec: ScenarioSpec): string[] {
  // The gateway's namespace is the platform's: a credential Secret or a gateway policy there would be every lab's.
  const gatewayWrites = [
    ...(spec.tlsCredentials ?? []).filter((c) => !c.servedByWorkload).map((c) => `Secret/${c.secret}`),
    ...spec.resources.filter((r) => r.inGatewayNamespace).map((r) => `${r.kind}/${r.name}`),
    ...(spec.gatewayApi?.resources ?? []).filter((r) => r.kind === "Gateway" && r.inGatewayNamespace).map((r) => `Gateway/${r.name}`),
  ];
  // istiod makes a Gateway API route on a ServiceEntry into a VirtualService for the entry's hosts
  // with no exportTo, which every namespace then sees (istio 1.31 pilot/pkg/config/kube/gateway/
  // route_collections.go: the mesh parent's VirtualService has Hosts and Gateways only).
  const entryRoutes = (spec.gatewayApi?.resources ?? []).filter((r) => r.kind === "HTTPRoute" && r.spec.parentRefs.some((p) => "kind" in p && p.kind === "ServiceEntry"));
  return [
    ...(gatewayWrites.length > 0 ? [`puts ${gatewayWrites.join(", ")} in the shared gateway's namespace, which a lab stack must not write`] : []),
    // A lab's hosts are moved beneath its own (catalog/lab-host.ts); an SNI name and the certificate made for it are not.
    ...(spec.resources.some((r) => r.kind === "VirtualService" && r.spec.tls) ? ["routes TLS by its SNI name, which a lab's host mapping does not rewrite"] : []),
    // The mesh installs the egress gateway for its platform's own scenario only, and its servers for a host would clash between labs.
    ...(spec.egressGateway ? ["needs the egress gateway, which the mesh installs for a platform's own scenario only"] : []),
    ...(entryRoutes.length > 0
      ? [`routes a ServiceEntry's hosts with ${entryRoutes.map((r) => `HTTPRoute/${r.name}`).join(", ")}, which Istio applies in every namespace (a Gateway API route has no exportTo), so it would change the other labs' way to those hosts`]
      : []),
  ];
}
