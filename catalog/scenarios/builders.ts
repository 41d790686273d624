// Small constructors that keep the catalog modules close to the upstream YAML they reproduce.
import type { AuthorizationPolicySpec, DestinationRuleSpec, EnvoyFilterSpec, RequestAuthenticationSpec, ServiceEntrySpec, SidecarSpec, GatewaySpec, HTTPMatchRequest, HTTPRouteDestination, IstioResource, PeerAuthenticationSpec, VirtualServiceSpec } from "../istio-resources";

export const virtualService = (name: string, spec: VirtualServiceSpec): IstioResource => ({ kind: "VirtualService", name, spec });
export const destinationRule = (name: string, spec: DestinationRuleSpec): IstioResource => ({ kind: "DestinationRule", name, spec });
export const gateway = (name: string, spec: GatewaySpec): IstioResource => ({ kind: "Gateway", name, spec });
export const peerAuthentication = (name: string, spec: PeerAuthenticationSpec): IstioResource => ({ kind: "PeerAuthentication", name, spec });
export const serviceEntry = (name: string, spec: ServiceEntrySpec): IstioResource => ({ kind: "ServiceEntry", name, spec });
export const sidecar = (name: string, spec: SidecarSpec): IstioResource => ({ kind: "Sidecar", name, spec });
export const requestAuthentication = (name: string, spec: RequestAuthenticationSpec): IstioResource => ({ kind: "RequestAuthentication", name, spec });
export const envoyFilter = (name: string, spec: EnvoyFilterSpec): IstioResource => ({ kind: "EnvoyFilter", name, spec });
export const authorizationPolicy = (name: string, spec: AuthorizationPolicySpec): IstioResource => ({ kind: "AuthorizationPolicy", name, spec });

/** A destination by subset; the weight only when the route splits. */
export const toSubset = (host: string, subset: string, weight?: number): HTTPRouteDestination => ({
  destination: { host, subset },
  ...(weight !== undefined && { weight }),
});

/** The sidecar VirtualService of upstream's virtual-service-*.yaml: the service, all to one subset. */
export const routeAllTo = (host: string, subset: string) => virtualService(host, { hosts: [host], http: [{ route: [toSubset(host, subset)] }] });

/** productpage forwards `end-user: <name>` once someone logs in; the tasks log in as jason. */
export const endUser = (name: string): HTTPMatchRequest => ({ headers: { "end-user": { exact: name } } });
export const jason = endUser("jason");

/**
 * The label every upstream sample Gateway selects the ingress gateway by, written as upstream
 * writes it; the analyzer checks that the gateway the mesh installs carries it.
 */
export const ingressGatewaySelector = { istio: "ingressgateway" };
