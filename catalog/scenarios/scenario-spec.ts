import type { WorkloadNeed } from "../apps";
import type { AppSpec } from "../apps/app-spec";
import type { GatewayApiResource, VersionService } from "../gateway-api-resources";
import type { IstioResource } from "../istio-resources";
import type { Probe } from "./probes";

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
   * Parts of resources that come from `istio-lab:scenarioOptions`, so the analyzer can blame the
   * option rather than the scenario: a finding under `resource`'s `field` is keyed on `option`.
   */
  fromOptions?: { resource: string; field: string; option: string }[];
}

/**
 * What the scenario writes in the ingress gateway's namespace, which belongs to the platform (so a
 * lab stack must not run it): its certificates, or objects that act on the gateway's own pods.
 */
export function gatewayNamespaceWrites(spec: ScenarioSpec): string[] {
  return [
    ...(spec.tlsCredentials ?? []).filter((c) => !c.servedByWorkload).map((c) => `Secret/${c.secret}`),
    ...spec.resources.filter((r) => r.inGatewayNamespace).map((r) => `${r.kind}/${r.name}`),
  ];
}
