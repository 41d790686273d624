// The egress gateway of the egress-gateway task: Istio's Helm `gateway` chart once more, released
// as `istio-egressgateway` in istio-system with a ClusterIP Service (traffic reaches it from the
// sidecars only). The mesh installs it only while the stack's scenario needs it
// (ScenarioSpec.egressGateway); its release name, pod labels, ports and Service host are written
// here once, for the mesh, the analyzer and verify.
import { logicalName } from "../logical-name";
import { gatewayChartValues } from "./gateway-chart";
import { istioNamespace } from "./istio-namespace";

export const egressGateway = {
  release: "istio-egressgateway",
  /** The chart's labels for this release name (app: <name>, istio: <name without istio->); the task's Gateway selects `istio: egressgateway`. */
  podLabels: { app: "istio-egressgateway", istio: "egressgateway" } as Readonly<Record<string, string>>,
  /** The chart's default Service ports, which the task's Gateway servers listen on. */
  ports: { status: 15021, http: 80, https: 443 },
  /** The Service as the task's DestinationRule and VirtualService name it. */
  host: `istio-egressgateway.${istioNamespace}.svc.cluster.local`,
} as const;

/**
 * Its release's Pulumi name. A scenario switch creates or deletes it with the scenario that needs
 * it, the one change outside the workloads and scenario layers a switch may make (tools/lib/plan.ts).
 */
export const egressGatewayResource = logicalName("HelmRelease", istioNamespace, egressGateway.release);

/** Helm values: a Service no one outside the cluster reaches. */
export function egressGatewayValues(): Record<string, unknown> {
  const { ports } = egressGateway;
  return gatewayChartValues("ClusterIP", [
    { name: "status-port", port: ports.status },
    { name: "http2", port: ports.http },
    { name: "https", port: ports.https },
  ]);
}
