// Renders one catalog scenario on a kubeconfig stack and reads its objects back.
import { kubernetesObjects, localCluster, renderStack, resource, type Rendered, type RenderedResource } from "../harness";

export async function renderScenario(scenario: string, scenarioOptions?: unknown, extra: Record<string, unknown> = {}): Promise<Rendered> {
  return renderStack({
    "istio-lab:cluster": localCluster,
    "istio-lab:scenario": scenario,
    ...(scenarioOptions !== undefined && { "istio-lab:scenarioOptions": scenarioOptions }),
    ...extra,
  });
}

const istioTypes: Record<string, string> = {
  VirtualService: "kubernetes:networking.istio.io/v1:VirtualService",
  DestinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  Gateway: "kubernetes:networking.istio.io/v1:Gateway",
  PeerAuthentication: "kubernetes:security.istio.io/v1:PeerAuthentication",
  AuthorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  EnvoyFilter: "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter",
  RequestAuthentication: "kubernetes:security.istio.io/v1:RequestAuthentication",
  ServiceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
  Sidecar: "kubernetes:networking.istio.io/v1:Sidecar",
};

/** The spec of an Istio object in the bookinfo namespace. */
export function istioSpec(rendered: Rendered, kind: keyof typeof istioTypes, name: string): Record<string, unknown> {
  const found = resource(rendered, istioTypes[kind], `${kind}/bookinfo/${name}`);
  return found.inputs.spec as Record<string, unknown>;
}

/** `Kind/name` of every object the scenario layer rendered, sorted. */
export function scenarioObjects(rendered: Rendered): string[] {
  return rendered.resources.filter((r) => r.parent === "scenario").map((r) => `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`).sort();
}

/** `Kind/name` of every object the workloads layer rendered, sorted. */
export function workloadObjects(rendered: Rendered): string[] {
  return rendered.resources.filter((r) => r.parent === "workloads").map((r) => `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`).sort();
}

export function objectsOf(rendered: Rendered, parent: string): RenderedResource[] {
  return kubernetesObjects(rendered).filter((r) => r.parent === parent);
}

/** productpage, reviews, ratings and details, routed to v1 (virtual-service-all-v1.yaml). */
export const toV1 = (host: string) => ({ hosts: [host], http: [{ route: [{ destination: { host, subset: "v1" } }] }] });

export const subset = (host: string, name: string, weight?: number) => ({ destination: { host, subset: name }, ...(weight !== undefined && { weight }) });
