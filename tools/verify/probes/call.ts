// CallProbe: one GET from a client inside the mesh, judged by its status (403 where an
// AuthorizationPolicy denies it: Envoy's "RBAC: access denied").
import type { CallProbe } from "../../../catalog/scenarios/probes";
import { judgeCallStatus } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom } from "./in-mesh";

export const callTitle = (probe: CallProbe) =>
  `call: ${probe.from} -> ${probe.url}${Object.entries(probe.headers ?? {}).map(([k, v]) => ` (${k}: ${v})`).join("")}`;

export async function runCall(ctx: ProbeContext, probe: CallProbe): Promise<Check[]> {
  const [call] = await callFrom(ctx, probe.from, probe.url, probe.headers ?? {});
  return [judgeCallStatus(call.status, probe.status)];
}
