// Helm values of Istio's `gateway` chart, which both gateways the mesh installs are releases of.
import { istioProfile } from "./istio";

export interface GatewayServicePort {
  name: string;
  port: number;
  /** Pinned, for a NodePort or LoadBalancer Service. */
  nodePort?: number;
}

/** The demo profile, one replica, and the Service's ports, each forwarded to the same port on the pods. */
export function gatewayChartValues(serviceType: string, ports: readonly GatewayServicePort[]): Record<string, unknown> {
  return {
    profile: istioProfile,
    service: {
      type: serviceType,
      ports: ports.map(({ name, port, nodePort }) => ({ name, port, protocol: "TCP", targetPort: port, ...(nodePort !== undefined && { nodePort }) })),
    },
    autoscaling: { enabled: false },
  };
}
