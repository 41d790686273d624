// What ambient mode's proxies show where a sidecar showed it: ztunnel's access log (L4: one line per
// connection) and a waypoint's Envoy (L7: Istio's default access log, and its counters). Pure:
// tools/verify/probes/evidence.ts reads the logs and stats, this reads them.
import { waypointStatsPrefixes } from "../../../catalog/scenarios/waypoint";
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
  /** The line's own time (RFC 3339, as ztunnel wrote it when the connection closed), in ms since the epoch. */
  time: number;
  /**
   * The port the connection was for: dst.hbone_addr's where it came over HBONE (the inner
   * destination, its workload's port; dst.addr is then the HBONE port 15008: src/proxy/inbound.rs
   * "report the original destination (with 15008 port) as dst.addr, and the target address as
   * dst.hbone_addr", as tests/namespaced.rs asserts), else dst.addr's (a plaintext connection).
   */
  dstPort?: number;
}

/**
 * One line of ztunnel's log: `<RFC3339 time>\t<level>\t<target>\t<message>\t<k=v ...>`, as its
 * IstioFormat writes it (istio/ztunnel 1.31 src/telemetry.rs format_event and Visitor: the message,
 * a tab, then `name=value` fields separated by spaces, strings in Rust's Debug quoting, addresses
 * and numbers bare). `undefined` for a line of another shape (JSON logs, LOG_FORMAT=json, are not read).
 */
export function parseZtunnelLine(line: string): { time: string; level: string; target: string; message: string; fields: Record<string, string> } | undefined {
  const parts = line.split("\t");
  if (parts.length < 4 || !/^\d{4}-\d\d-\d\dT/.test(parts[0])) return undefined;
  const [time, level, target, message, rest = ""] = parts;
  const fields: Record<string, string> = {};
  for (const m of rest.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) fields[m[1]] = m[2].startsWith('"') ? rustDebugString(m[2]) : m[2];
  return { time, level, target, message, fields };
}

/**
 * A string as Rust's Debug writes it (core's str Debug, char::escape_debug): quoted, with `\\`,
 * `\"`, `\'`, `\n`, `\r`, `\t`, `\0` and `\u{<hex>}` escapes, the last no JSON parser takes. An
 * escape it does not know stays as written: a field is evidence to show, never a reason to throw.
 */
export function rustDebugString(quoted: string): string {
  const simple: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", n: "\n", r: "\r", t: "\t", "0": "\0" };
  return quoted.slice(1, -1).replace(/\\(u\{([0-9a-fA-F]{1,6})\}|.)/g, (whole, escape: string, hex: string | undefined) => {
    if (hex !== undefined) {
      const code = parseInt(hex, 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return simple[escape] ?? whole;
  });
}

/** The port of `<ip>:<port>` or `[<ipv6>]:<port>` (a SocketAddr's Display). */
const portOf = (addr: string | undefined) => {
  const m = addr === undefined ? null : /:(\d+)$/.exec(addr);
  return m ? Number(m[1]) : undefined;
};

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
        time: Date.parse(parsed.time),
        ...(portOf(f["dst.hbone_addr"] ?? f["dst.addr"]) !== undefined && { dstPort: portOf(f["dst.hbone_addr"] ?? f["dst.addr"]) }),
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
 * probe's own connections (direction inbound, into `namespace`, for the probe's destination port,
 * closed at or after the probe began by the line's own time), each in mTLS (a peer identity, which
 * ztunnel writes only for a mutual-TLS connection), `expected` of them at least; or, for
 * connections a policy refuses, that many lines with ztunnel's policy rejection. The port and the
 * time keep one probe from passing on another's lines (authz-tcp's 9001 on its 9000's), and a
 * connection that is not the probe's (another client's, plaintext) from failing it.
 */
export function judgeZtunnelLog(connections: readonly ZtunnelConnection[], namespace: string, expected: { connections: number; refused: boolean; port: number; since: number }): Check {
  const inbound = connections.filter((c) => c.direction === "inbound" && c.dst.namespace === namespace && c.dstPort === expected.port && c.time >= expected.since);
  const refused = inbound.filter((c) => c.error?.startsWith(policyRejection));
  const carried = inbound.filter((c) => c.error === undefined);
  const shown = (cs: readonly ZtunnelConnection[]) => (cs.length ? tally(cs.map((c) => `${workloadOf(c.src.workload)} -> ${workloadOf(c.dst.workload)}${c.src.identity ? "" : " (no mTLS)"}`)) : "none");
  if (expected.refused) {
    return {
      name: "refused by ztunnel",
      expected: `at least ${expected.connections} inbound connection${expected.connections === 1 ? "" : "s"} into ${namespace}:${expected.port} since the probe began, logged with "${policyRejection}"`,
      observed: `${refused.length} refused (${shown(refused)}); ${carried.length} carried`,
      failsOn: "fewer: the connections refused by something else than ztunnel's policy (nothing listening, a NetworkPolicy), or not refused at all",
      pass: refused.length >= expected.connections,
    };
  }
  const mtls = carried.filter((c) => c.src.identity && c.dst.identity);
  return {
    name: "carried by ztunnel",
    expected: `at least ${expected.connections} inbound connection${expected.connections === 1 ? "" : "s"} into ${namespace}:${expected.port} since the probe began in ztunnel's access log, each in mTLS (peer identities)`,
    observed: `${carried.length} (${shown(carried)})`,
    failsOn: "fewer: the connections bypassed ztunnel (the pods not captured), or one without mTLS",
    pass: mtls.length >= expected.connections && mtls.length === carried.length,
  };
}

/**
 * A waypoint's clusters for a destination host, `<direction>|<port>|<subset>|<host>`
 * (pilot/pkg/model/service.go BuildSubsetKey): `inbound-vip|<port>|<subset or protocol>|<host>` for
 * a Service the waypoint serves, `outbound|<port>|<subset>|<host>` for one it routes to without
 * serving it (pilot/pkg/networking/core/listener_waypoint.go getWaypointDestinationCluster: "this
 * waypoint proxy isn't responsible for this service so we use outbound"; cluster.go builds those
 * outbound clusters for a waypoint). pilot/pkg/xds/waypoint_test.go reads both kinds, e.g.
 * `inbound-vip|80|http|*.domain.com` and `outbound|15008||waypoint.default.svc.cluster.local`.
 * mirroring's route binds httpbin, whose waypoint sends the call to httpbin-v1 and its copy to
 * httpbin-v2 over outbound clusters.
 */
export const waypointCluster = /^(?:inbound-vip|outbound)\|\d+\|[^|]*\|(.+)$/;

// The cluster stats a waypoint keeps for verify are the ones its Gateway asks for (catalog/scenarios/waypoint.ts).
export { waypointStatsPrefixes };

/**
 * One counter over a waypoint's clusters for `host` (every port and subset, inbound-vip and
 * outbound), from Envoy's admin /stats (text: `cluster.<name>.<stat>: <value>` a line); undefined
 * when no such cluster has the counter (the waypoint routed nothing there yet, or keeps no such stats).
 */
export function clusterCounter(stats: string, host: string, stat: string): number | undefined {
  let sum: number | undefined;
  for (const line of stats.split("\n")) {
    const m = /^cluster\.(.+)\.([a-z_]+): (\d+)$/.exec(line.trim());
    if (m && m[2] === stat && waypointCluster.exec(m[1])?.[1] === host) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

/** A counter's rise for `host` between two reads of every pod of a waypoint (pod name -> its /stats); undefined where no pod has it after. */
export function counterRise(before: Record<string, string>, after: Record<string, string>, host: string, stat: string): number | undefined {
  let rise: number | undefined;
  for (const [pod, stats] of Object.entries(after)) {
    const now = clusterCounter(stats, host, stat);
    if (now !== undefined) rise = (rise ?? 0) + now - (clusterCounter(before[pod] ?? "", host, stat) ?? 0);
  }
  return rise;
}

const noCounter = (stat: string, host: string) =>
  `no ${stat} for ${host} (the waypoint routed nothing there, or keeps no cluster stats: its pods need sidecar.istio.io/statsInclusionPrefixes ${waypointStatsPrefixes.join(",")})`;

/**
 * Retries where a waypoint routes: one call went out, the waypoint logged it once (Envoy logs the
 * downstream request, not each attempt), and its retry counter for the destination's clusters rose
 * by the retries (upstream_rq_retry): 1 + retries is the sidecar's count of requests logged.
 */
export function judgeWaypointAttempts(waypoint: string, logged: number, destination: { host: string; retries: number | undefined }, expected: number): Check[] {
  const { host, retries } = destination;
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
      expected: `${expected} to ${host}`,
      observed: retries === undefined ? noCounter("upstream_rq_retry", host) : `${1 + retries} (upstream_rq_retry rose by ${retries})`,
      failsOn: `any other count (${expected - 1 > 0 ? "no retry: 1; " : ""}more attempts: ${expected + 1})`,
      pass: retries !== undefined && 1 + retries === expected,
    },
  ];
}

/** A destination of a mirrored call at a waypoint: the Deployment, its Service's host, and how much upstream_rq_total rose for it. */
export interface WaypointDestination {
  deployment: string;
  host: string;
  sent: number | undefined;
}

/**
 * Mirroring where a waypoint routes: the waypoint logged the call (Envoy's access log has the
 * downstream request only, never its shadow copies), sent it to the Deployment that answers (its
 * Service's clusters: upstream_rq_total rose by 1), and one shadow copy to each mirror's.
 */
export function judgeWaypointMirror(waypoint: string, logged: number, answered: WaypointDestination, mirrors: readonly WaypointDestination[]): Check[] {
  const sentTo = (d: WaypointDestination, role: "answered" | "mirrored"): Check => ({
    name: `${role === "answered" ? "answered by" : "mirrored to"} ${d.deployment}`,
    expected: `${waypoint} sent ${role === "answered" ? "the call" : "one shadow copy"} to ${d.host} (upstream_rq_total +1)`,
    observed: d.sent === undefined ? noCounter("upstream_rq_total", d.host) : `+${d.sent}`,
    failsOn: role === "answered" ? "0: the call went elsewhere; more: another request to it meanwhile" : "0: no copy; more: another request to it meanwhile",
    pass: d.sent === 1,
  });
  return [
    {
      name: `answered through ${waypoint}`,
      expected: "the call in its access log",
      observed: logged > 0 ? `${logged} line${logged > 1 ? "s" : ""}` : "not logged",
      failsOn: "no line with this run's marker",
      pass: logged > 0,
    },
    sentTo(answered, "answered"),
    ...mirrors.map((m) => sentTo(m, "mirrored")),
  ];
}
