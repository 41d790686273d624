// CallProbe: one GET from a client inside the mesh, judged by its status (403 where an
// AuthorizationPolicy denies it: Envoy's "RBAC: access denied").
import type { CallProbe } from "../../../catalog/scenarios/probes";
import { judgeCallStatus } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom } from "./in-mesh";

/** A header as the report shows it: a long value (a token) cut short. */
const shown = (value: string) => (value.length > 24 ? `${value.slice(0, 20)}...` : value);

export const callTitle = (probe: CallProbe) =>
  `call: ${probe.from} -> ${probe.url}${Object.entries(probe.headers ?? {}).map(([k, v]) => ` (${k}: ${shown(v)})`).join("")}`;

export async function runCall(ctx: ProbeContext, probe: CallProbe): Promise<Check[]> {
  const [call] = await callFrom(ctx, probe.from, probe.url, probe.headers ?? {});
  return [judgeCallStatus(call.status, probe.status)];
}
