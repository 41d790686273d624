// EgressProbe: one call to a host outside the mesh, and the egress gateway's access log showing
// that it left through the gateway (the task's `kubectl logs -l istio=egressgateway`; in its Gateway
// API form `kubectl logs -l gateway.networking.k8s.io/gateway-name=cnn-egress-gateway`, the pods of
// the Deployment istiod made for the Gateway in the app namespace: probe.gatewayDeployment).
import type { EgressProbe } from "../../../catalog/scenarios/probes";
import { egressGateway } from "../../../components/mesh/egress-gateway";
import { istioNamespace } from "../../../components/mesh/istio-namespace";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { markedCall } from "./in-mesh";

/** The gateway whose log must show the call: its Deployment, and its namespace (undefined: the app namespace). */
export const egressGatewayOf = (probe: EgressProbe): { deployment: string; namespace?: string } =>
  probe.gatewayDeployment ? { deployment: probe.gatewayDeployment } : { deployment: egressGateway.release, namespace: istioNamespace };

export const egressTitle = (probe: EgressProbe) => `egress: ${probe.from} -> ${probe.url} through ${egressGatewayOf(probe).deployment}`;

export async function runEgress(ctx: ProbeContext, probe: EgressProbe): Promise<Check[]> {
  const { deployment, namespace } = egressGatewayOf(probe);
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [deployment]: 1 }, namespace);
  return [judgeCallStatus(call.status, probe.status), judgeSeen(namespace ? `${namespace}/${deployment}` : deployment, counts[deployment], "egress")];
}
