// EgressProbe: one call to a host outside the mesh, and the egress gateway's access log showing
// that it left through the gateway (the task's `kubectl logs -l istio=egressgateway`).
import type { EgressProbe } from "../../../catalog/scenarios/probes";
import { egressGateway } from "../../../components/mesh/egress-gateway";
import { istioNamespace } from "../../../components/mesh/istio-namespace";
import { judgeCallStatus, judgeSeen } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { markedCall } from "./in-mesh";

export const egressTitle = (probe: EgressProbe) => `egress: ${probe.from} -> ${probe.url} through ${egressGateway.release}`;

export async function runEgress(ctx: ProbeContext, probe: EgressProbe): Promise<Check[]> {
  const { call, counts } = await markedCall(ctx, probe.from, probe.url, { [egressGateway.release]: 1 }, istioNamespace);
  return [judgeCallStatus(call.status, probe.status), judgeSeen(`${istioNamespace}/${egressGateway.release}`, counts[egressGateway.release], "egress")];
}
