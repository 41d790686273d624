// What ambient mode's proxies show where a sidecar showed it: ztunnel's access log (L4: one line per
// connection) and a waypoint's Envoy (L7: Istio's default access log, and its counters). Pure:
// tools/verify/probes/evidence.ts reads the logs and stats, this reads them.
import type { Check } from "../types";
import { tally } from "./format";

/** One "connection complete" line of ztunnel's access log, in the fields verify reads. */
export interface ZtunnelConnection {
  /** "inbound" where the destination's ztunnel logged it, "outbound" where the source's did. */
  direction: string;
  src: { workload?: string; namespace?: string; identity?: string };
  dst: { workload?: string; namespace?: string; service?: string; identity?: string };
  bytesSent: number;
  bytesRecv: number;
  /** Why it ended in an error (a policy rejection: "connection closed due to policy rejection: ..."). */
  error?: string;
}

/**
 * One line of ztunnel's log: `<RFC3339 time>\t<level>\t<target>\t<message>\t<k=v ...>`, as its
 * IstioFormat writes it (istio/ztunnel 1.31 src/telemetry.rs format_event and Visitor: the message,
 * a tab, then `name=value` fields separated by spaces, strings in Rust's Debug quoting, addresses
 * and numbers bare). `undefined` for a line of another shape (JSON logs, LOG_FORMAT=json, are not read).
 */
export function parseZtunnelLine(line: string): { level: string; target: string; message: string; fields: Record<string, string> } | undefined {
  const parts = line.split("\t");
  if (parts.length < 4 || !/^\d{4}-\d\d-\d\dT/.test(parts[0])) return undefined;
  const [, level, target, message, rest = ""] = parts;
  const fields: Record<string, string> = {};
  for (const m of rest.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) fields[m[1]] = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
  return { level, target, message, fields };
}

/**
 * The connections ztunnel logged as complete: target `access`, message "connection complete", at
 * info or, with an `error` field, error (src/proxy/metrics.rs access_log! and
 * ConnectionResult::record_internal, which names the fields read here).
 */
export function ztunnelConnections(log: string): ZtunnelConnection[] {
  return log.split("\n").flatMap((line) => {
    const parsed = parseZtunnelLine(line.trim());
    if (!parsed || parsed.target !== "access" || parsed.message !== "connection complete") return [];
    const f = parsed.fields;
    return [
      {
        direction: f.direction ?? "",
        src: { workload: f["src.workload"], namespace: f["src.namespace"], identity: f["src.identity"] },
        dst: { workload: f["dst.workload"], namespace: f["dst.namespace"], service: f["dst.service"], identity: f["dst.identity"] },
        bytesSent: Number(f.bytes_sent ?? 0),
        bytesRecv: Number(f.bytes_recv ?? 0),
        ...(f.error !== undefined && { error: f.error }),
      },
    ];
  });
}

/** ztunnel's words for a connection its authorization policy refused (src/proxy.rs Error::AuthorizationPolicyRejection). */
export const policyRejection = "connection closed due to policy rejection";

/** The workload a pod name belongs to: a Deployment's pod name without its ReplicaSet hash and pod suffix. */
const workloadOf = (pod: string | undefined) => (pod ?? "unknown").replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, "");

/**
 * Where ambient's evidence for a TCP probe is ztunnel's: the destination's ztunnel logged the
 * connections into `namespace` (direction inbound), each in mTLS (a peer identity, which ztunnel
 * writes only for a mutual-TLS connection), `expected` of them at least; or, for connections a
 * policy refuses, that many lines with ztunnel's policy rejection.
 */
export function judgeZtunnelLog(connections: readonly ZtunnelConnection[], namespace: string, expected: { connections: number; refused: boolean }): Check {
  const inbound = connections.filter((c) => c.direction === "inbound" && c.dst.namespace === namespace);
  const refused = inbound.filter((c) => c.error?.startsWith(policyRejection));
  const carried = inbound.filter((c) => c.error === undefined);
  const shown = (cs: readonly ZtunnelConnection[]) => (cs.length ? tally(cs.map((c) => `${workloadOf(c.src.workload)} -> ${workloadOf(c.dst.workload)}${c.src.identity ? "" : " (no mTLS)"}`)) : "none");
  if (expected.refused) {
    return {
      name: "refused by ztunnel",
      expected: `at least ${expected.connections} inbound connection${expected.connections === 1 ? "" : "s"} into ${namespace} logged with "${policyRejection}"`,
      observed: `${refused.length} refused (${shown(refused)}); ${carried.length} carried`,
      failsOn: "fewer: the connections refused by something else than ztunnel's policy (nothing listening, a NetworkPolicy), or not refused at all",
      pass: refused.length >= expected.connections,
    };
  }
  const mtls = carried.filter((c) => c.src.identity && c.dst.identity);
  return {
    name: "carried by ztunnel",
    expected: `at least ${expected.connections} inbound connection${expected.connections === 1 ? "" : "s"} into ${namespace} in ztunnel's access log, each in mTLS (peer identities)`,
    observed: `${carried.length} (${shown(carried)})`,
    failsOn: "fewer: the connections bypassed ztunnel (the pods not captured), or one without mTLS",
    pass: mtls.length >= expected.connections && mtls.length === carried.length,
  };
}

/**
 * A waypoint's clusters for a destination: `inbound-vip|<port>|<subset or protocol>|<host>`
 * (pilot/pkg/model/service.go BuildSubsetKey with TrafficDirectionInboundVIP; the names
 * pilot/pkg/xds/waypoint_test.go reads, e.g. `inbound-vip|80|http|*.domain.com`).
 */
export const waypointCluster = /^inbound-vip\|\d+\|[^|]*\|(.+)$/;

/**
 * The sum of one counter over a waypoint's clusters for `host` (every destination's without it),
 * from Envoy's admin /stats (text: `cluster.<name>.<stat>: <value>` a line).
 */
export function clusterCounter(stats: string, host: string | undefined, stat: string): number {
  let sum = 0;
  for (const line of stats.split("\n")) {
    const m = /^cluster\.(.+)\.([a-z_]+): (\d+)$/.exec(line.trim());
    const clusterHost = m ? waypointCluster.exec(m[1])?.[1] : undefined;
    if (m && m[2] === stat && clusterHost !== undefined && (host === undefined || clusterHost === host)) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Retries where a waypoint routes: one call went out, the waypoint logged it once (Envoy logs the
 * downstream request, not each attempt), and its retry counter for the destination's clusters rose
 * by the retries (upstream_rq_retry): 1 + retries is the sidecar's count of requests logged.
 */
export function judgeWaypointAttempts(waypoint: string, logged: number, retries: number, expected: number): Check[] {
  return [
    {
      name: `call logged by ${waypoint}`,
      expected: "1 line with this run's marker",
      observed: logged ? `${logged} line${logged > 1 ? "s" : ""}` : "not logged",
      failsOn: "no line: the call did not go through the waypoint",
      pass: logged === 1,
    },
    {
      name: `attempts by ${waypoint}`,
      expected: String(expected),
      observed: `${1 + retries} (upstream_rq_retry rose by ${retries})`,
      failsOn: `any other count (${expected - 1 > 0 ? "no retry: 1; " : ""}more attempts: ${expected + 1})`,
      pass: 1 + retries === expected,
    },
  ];
}

/**
 * Mirroring where a waypoint routes: the waypoint logged the call once (Envoy's access log has the
 * downstream request only, never its shadow copies), and sent upstream the call and one shadow copy
 * per mirror (upstream_rq_total over its destinations' clusters).
 */
export function judgeWaypointMirror(waypoint: string, logged: number, sentUpstream: number, mirrors: number): Check[] {
  return [
    {
      name: `answered through ${waypoint}`,
      expected: "the call in its access log",
      observed: logged > 0 ? `${logged} line${logged > 1 ? "s" : ""}` : "not logged",
      failsOn: "no line with this run's marker",
      pass: logged > 0,
    },
    {
      name: `sent upstream by ${waypoint}`,
      expected: `${1 + mirrors} (the call and ${mirrors} shadow cop${mirrors === 1 ? "y" : "ies"})`,
      observed: `${sentUpstream} (upstream_rq_total)`,
      failsOn: `1: no copy; more: another request through the waypoint meanwhile`,
      pass: sentUpstream === 1 + mirrors,
    },
  ];
}

/**
 * Which waypoint serves a Service (Istio 1.31 pilot/pkg/serviceregistry/ambient/waypoints.go
 * fetchWaypointForTarget and GetUseWaypoint): the Service's own istio.io/use-waypoint label, `none`
 * opting out, else its namespace's; istio.io/use-waypoint-namespace beside it names the waypoint's
 * namespace, else it is the Service's.
 */
export function waypointFor(serviceLabels: Record<string, string>, namespaceLabels: Record<string, string>, namespace: string): { name: string; namespace: string } | undefined {
  const use = (labels: Record<string, string>) => {
    const name = labels["istio.io/use-waypoint"];
    if (name === undefined) return undefined;
    return name === "none" ? null : { name, namespace: labels["istio.io/use-waypoint-namespace"] ?? namespace };
  };
  const own = use(serviceLabels);
  if (own === null) return undefined;
  return own ?? use(namespaceLabels) ?? undefined;
}
