// The ingress gateway every scenario binds to: Istio's Helm `gateway` chart, released as
// `istio-ingressgateway` in istio-system. Its release name, pod labels, Service ports, Helm values
// and URL are written here once; the mesh installs it from here, the analyzer checks scenarios
// against it, and the stack outputs point at it.
import type { NodePortEntry } from "../cluster/cluster";
import type { LabConfig } from "../config";
import { gatewayChartValues, type GatewayServicePort } from "./gateway-chart";
import { istioNamespace } from "./istio-namespace";
import { labTcpPorts } from "../../catalog/scenarios/tcp";

const release = "istio-ingressgateway";

export const ingressGateway = {
  release,
  /** Its Service as a client inside the mesh names it (the tasks' INGRESS_HOST from within). */
  service: `${release}.${istioNamespace}`,
  /** Its Service's host, as routes and a Gateway API Gateway's `addresses` name it. */
  host: `${release}.${istioNamespace}.svc.cluster.local`,
  /**
   * The chart derives its pod labels from the release name; every upstream sample Gateway selects
   * `istio: ingressgateway`.
   */
  podLabels: { app: "istio-ingressgateway", istio: "ingressgateway" } as Readonly<Record<string, string>>,
  /**
   * The chart's Service ports map 80->80 and 443->443 (not istioctl's 80->8080), so a Gateway
   * server must listen on http or https, or it gets a listener no Service port reaches.
   */
  ports: { status: 15021, http: 80, https: 443, tcp: 31400 },
  /** The NodePort the demo profile gave http2, familiar from the tutorials. */
  defaultHttpNodePort: 31380,
  /** Where a port-forward serves the gateway on the operator's machine when no node port is reachable. */
  localPort: 8080,
} as const;

/** The Service's ports as the Helm values give them (the HTTP node port aside): the one list of them. */
const servicePorts: readonly GatewayServicePort[] = [
  { name: "status-port", port: ingressGateway.ports.status },
  { name: "http2", port: ingressGateway.ports.http },
  { name: "https", port: ingressGateway.ports.https },
  // The demo profile's TCP port, which the TCP tasks' Gateways listen on (tcp-echo-all-v1.yaml).
  { name: "tcp", port: ingressGateway.ports.tcp },
  // One TCP port for each lab stack that holds one (catalog/scenarios/tcp.ts labTcpPorts).
  ...labTcpPorts.map((port, i) => ({ name: `tcp-lab-${i + 1}`, port })),
];

/** Helm values: the chart's Service ports, with the HTTP node port pinned so the lab URL is stable. */
export function gatewayValues(mesh: LabConfig["mesh"]): Record<string, unknown> {
  const withNodePort = mesh.ingress.serviceType !== "ClusterIP";
  return gatewayChartValues(
    mesh.ingress.serviceType,
    servicePorts.map((p) => (p.port === ingressGateway.ports.http && withNodePort ? { ...p, nodePort: gatewayNodePort(mesh) } : p)),
  );
}

/**
 * The ports a Gateway server may listen on, read from the Helm values the mesh installs (every
 * Service port but the status port): the analyzer and the platform's offer to its labs read these,
 * so a port dropped from the Service is a port no scenario may use. The Service type changes no port.
 */
export function gatewayServerPortsOf(values: Record<string, unknown>): number[] {
  const ports = (values.service as { ports: { port: number }[] }).ports.map((p) => p.port);
  return ports.filter((p) => p !== ingressGateway.ports.status);
}

/** The Service ports a Gateway server may listen on, as the mesh installs them. */
export const gatewayServerPorts: readonly number[] = gatewayServerPortsOf(gatewayValues({ ingress: { serviceType: "ClusterIP" } } as LabConfig["mesh"]));

/** The gateway's HTTP node port: the stack's, or the tutorials' default. */
export function gatewayNodePort(mesh: LabConfig["mesh"]): number {
  return mesh.ingress.httpNodePort ?? ingressGateway.defaultHttpNodePort;
}

/**
 * How the operator reaches the gateway: its node port where the cluster says how (a node
 * istio-lab built, or the port kind and k3d publish on 127.0.0.1), or else a port-forward bound
 * to 127.0.0.1.
 */
export function gatewayAccess(mesh: LabConfig["mesh"], entry: NodePortEntry | undefined): { gatewayUrl: string; gatewayPortForward?: string } {
  if (entry !== undefined && mesh.ingress.serviceType !== "ClusterIP") {
    return { gatewayUrl: `http://${entry.address}:${entry.port}` };
  }
  return {
    gatewayUrl: `http://127.0.0.1:${ingressGateway.localPort}`,
    gatewayPortForward: portForward(ingressGateway.release, ingressGateway.localPort, ingressGateway.ports.http),
  };
}

/** A port-forward to a Service of istio-system, bound to 127.0.0.1 so it never leaves the operator's machine. */
export function portForward(service: string, localPort: number, servicePort: number): string {
  return `kubectl -n ${istioNamespace} port-forward --address 127.0.0.1 svc/${service} ${localPort}:${servicePort}`;
}
