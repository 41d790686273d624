// What the mesh analyzer reads: the Istio resources and the Services and pods they point at. Plain
// data, so a CrossGuard policy pack can build it from the Kubernetes objects of any stack.
import { egressGateway } from "../mesh/egress-gateway";
import { gatewayServerPorts, ingressGateway } from "../mesh/ingress-gateway";
import { podLabels } from "../workloads/app-objects";
import { servicePortNumbers, type AppSpec } from "../../catalog/apps/app-spec";
import type { GatewayApiResource } from "../../catalog/gateway-api-resources";
import type { IstioResource } from "../../catalog/istio-resources";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { labTcpPorts } from "../../catalog/scenarios/tcp";

export interface ServiceView {
  name: string;
  ports: number[];
  selector: Record<string, string>;
}

export interface PodView {
  /** The Deployment the pods belong to. */
  owner: string;
  labels: Record<string, string>;
}

/** A gateway the mesh installs: what a Gateway's selector and servers, and a route to it, must match. */
export interface GatewayView {
  release: string;
  podLabels: Readonly<Record<string, string>>;
  /** The ports a Gateway server may listen on. */
  serverPorts: readonly number[];
  /** Its Service's host, for routes to the gateway itself (the egress task's). */
  host: string;
}

export interface MeshView {
  resources: readonly IstioResource[];
  /** The Gateway API form's objects (scenarioOptions.api: gateway-api); its per-version Services are among `services`. */
  gatewayApi: readonly GatewayApiResource[];
  services: readonly ServiceView[];
  pods: readonly PodView[];
  /** The ingress gateway, and the egress gateway where the scenario has the mesh install it. */
  gateways: readonly GatewayView[];
}

/** One problem: which resource, which field (a path into it), and what is wrong. */
export interface Finding {
  /** `VirtualService/reviews`. */
  resource: string;
  /** `spec.http[0].route[1].destination.subset`. */
  field: string;
  message: string;
}

/**
 * The ingress gateway as a scenario sees it: the ports of the Service the mesh installs (its Helm
 * values, components/mesh/ingress-gateway.ts), but the ones lab stacks hold, which no scenario as the
 * catalog writes it may take (a lab's is moved there by components/scenarios/lab-placement.ts).
 */
const ingress: GatewayView = {
  release: ingressGateway.release,
  podLabels: ingressGateway.podLabels,
  serverPorts: gatewayServerPorts.filter((port) => !labTcpPorts.includes(port)),
  host: ingressGateway.host,
};
const egress: GatewayView = { release: egressGateway.release, podLabels: egressGateway.podLabels, serverPorts: [egressGateway.ports.http, egressGateway.ports.https], host: egressGateway.host };

/** The view of a scenario: its objects of both APIs, its apps' Services and pods, the mesh's gateways it has installed. */
export function meshView(resources: readonly IstioResource[], apps: readonly AppSpec[], extra: { egressGateway?: boolean; gatewayApi?: ScenarioSpec["gatewayApi"] } = {}): MeshView {
  // A per-version Service publishes its app's ports (components/workloads/app-objects.ts).
  const versionServices = (extra.gatewayApi?.versionServices ?? []).map((v) => {
    const app = apps.find((a) => a.app === v.app);
    return { name: v.name, ports: app ? servicePortNumbers(app) : [], selector: v.selector };
  });
  return {
    resources,
    gatewayApi: extra.gatewayApi?.resources ?? [],
    gateways: extra.egressGateway ? [ingress, egress] : [ingress],
    services: [
      ...apps.flatMap((app) => (app.service ? [{ name: app.app, ports: servicePortNumbers(app), selector: { app: app.app } }] : [])),
      ...versionServices,
    ],
    pods: apps.flatMap((app) => app.versions.map((v) => ({ owner: v.deployment, labels: podLabels(app, v) }))),
  };
}
