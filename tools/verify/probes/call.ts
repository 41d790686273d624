// CallProbe: one GET from a client inside the mesh, judged by its status (403 where an
// AuthorizationPolicy denies it: Envoy's "RBAC: access denied").
import type { CallProbe } from "../../../catalog/scenarios/probes";
import { judgeBody, judgeCallStatus, judgeUpstream } from "../judge/mesh";
import type { Check } from "../types";
import type { ProbeContext } from "./context";
import { callFrom, markedCallFromLog } from "./in-mesh";
import { curlTls } from "../../../catalog/apps/clients";
import { ingressGateway } from "../../../components/mesh/ingress-gateway";

/** A header as the report shows it: a long value (a token) cut short. */
const shown = (value: string) => (value.length > 24 ? `${value.slice(0, 20)}...` : value);

export const callTitle = (probe: CallProbe) =>
  `call: ${probe.from} -> ${probe.url}${Object.entries(probe.headers ?? {}).map(([k, v]) => ` (${k}: ${shown(v)})`).join("")}${
    probe.viaGateway ? ` via the gateway${probe.viaGateway.clientCert ? " with a client certificate" : ""}` : ""
  }`;

/**
 * HTTPS to the ingress gateway from inside the mesh: the URL's host and port go to the gateway's
 * Service, the scenario's CA (and client certificate) from the curl client's Secret.
 */
export function gatewayCurlArgs(url: string, clientCert: boolean, service: string = ingressGateway.service): string[] {
  const { hostname, port } = new URL(url);
  const at = (file: string) => `${curlTls.dir}/${file}`;
  return [
    "--connect-to",
    `${hostname}:${port || 443}:${service}:${ingressGateway.ports.https}`,
    "--cacert",
    at(curlTls.ca),
    ...(clientCert ? ["--cert", at(curlTls.clientCert), "--key", at(curlTls.clientKey)] : []),
  ];
}

export async function runCall(ctx: ProbeContext, probe: CallProbe): Promise<Check[]> {
  if (probe.upstream !== undefined) {
    const { call, lines } = await markedCallFromLog(ctx, probe.from, probe.url, probe.headers);
    return [judgeCallStatus(call.status, probe.status === "none" ? 0 : probe.status), judgeUpstream(lines, probe.upstream)];
  }
  const curlArgs = probe.viaGateway ? gatewayCurlArgs(probe.url, probe.viaGateway.clientCert ?? false, probe.viaGateway.service) : [];
  const [call] = await callFrom(ctx, probe.from, probe.url, probe.headers ?? {}, 1, curlArgs);
  if (probe.status === "none") return [{ name: "status", expected: "no answer (refused)", observed: call.status === null ? "no answer" : String(call.status), pass: call.status === null }];
  return [judgeCallStatus(call.status, probe.status), ...(probe.body === undefined ? [] : [judgeBody(call.body, probe.body)])];
}
