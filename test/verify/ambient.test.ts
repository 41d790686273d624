// Verify's evidence in ambient mode, where no sidecar logs: ztunnel's access log for L4 probes, a
// waypoint's access log and counters for the probes that read a sidecar's log (docs/verify.md).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import type { Probe } from "../../catalog/scenarios/probes";
import { waypointFor } from "../../catalog/scenarios/waypoint";
import { clusterCounter, counterRise, judgeZtunnelLog, parseZtunnelLine, policyRejection, rustDebugString, waypointCluster, waypointStatsPrefixes, ztunnelConnections } from "../../tools/verify/judge/ambient";
import { ztunnelPods } from "../../tools/verify/probes/evidence";
import { exitCode, runProbes } from "../../tools/verify/run";
import type { ClusterTransport, PodTarget } from "../../tools/verify/types";
import { noCluster, testContext } from "./context";

/**
 * ztunnel's own example of a "connection complete" line: its README's "Logging" section (a copy in
 * fixtures/ztunnel-readme-access-log.txt, its source named there), written as ztunnel 1.31 writes
 * it: the README shows it with newlines and `  INFO access: `, the real line is IstioFormat's
 * (src/telemetry.rs format_event: the time, `\t<level in lower case>\t`, the target, a tab, then
 * the Visitor: the message and a tab, then `name=value` fields separated by one space).
 */
function readmeLine(): string {
  const text = fs.readFileSync(path.join(__dirname, "fixtures/ztunnel-readme-access-log.txt"), "utf8");
  const block = text.split("```text\n")[1].split("```")[0].trimEnd().split("\n");
  const [time, level, ...head] = block[0].split(/\s+/);
  const [target, message] = head.join(" ").split(": ");
  return `${time}\t${level.toLowerCase()}\t${target}\t${message}\t${block.slice(1).map((l) => l.trim()).join(" ")}`;
}

/**
 * The README's line with fields set (a string Debug-quoted as the Visitor writes it, a number or an
 * address bare; undefined removes a field, as ztunnel omits an absent Option) and its time changed:
 * the inbound line the destination's ztunnel writes carries dst.workload, dst.namespace and, in
 * mTLS, the identities (src/proxy/metrics.rs record_internal), and `error` last (access_log!).
 */
function ztunnelLine(set: Record<string, string | number | undefined>, time?: string): string {
  const [at, level, target, message, rest] = readmeLine().split("\t");
  const fields = new Map([...rest.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => [m[1], m[2]]));
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) fields.delete(k);
    else fields.set(k, typeof v === "number" || /^[\d.:[\]a-f]+$/.test(v) ? String(v) : JSON.stringify(v));
  }
  const error = fields.get("error");
  fields.delete("error");
  const line = [...fields].map(([k, v]) => `${k}=${v}`).join(" ") + (error ? ` error=${error}` : "");
  return `${time ?? at}\t${error ? "error" : level}\t${target}\t${message}\t${line}`;
}

/** The inbound line of a connection into `ns` for port `port`, in mTLS or not, at `time` (default: the README's). */
const inbound = (o: { src?: string; dst?: string; ns?: string; port?: number; mtls?: boolean; error?: string; time?: string; hbone?: boolean } = {}) => {
  const { src = "shell-6d8bcd654d-t88gp", dst = "echo-7f4b9c8d5-x2x4z", ns = "default", port = 80, mtls = true, error, time, hbone = true } = o;
  const id = mtls ? `spiffe://cluster.local/ns/${ns}/sa/default` : undefined;
  return ztunnelLine(
    {
      "src.workload": src,
      "src.identity": id,
      "dst.addr": hbone ? "10.244.0.42:15008" : `10.244.0.42:${port}`,
      "dst.hbone_addr": hbone ? `10.244.0.42:${port}` : undefined,
      "dst.service": `echo.${ns}.svc.cluster.local`,
      "dst.workload": dst,
      "dst.namespace": ns,
      "dst.identity": id,
      direction: "inbound",
      error,
    },
    time,
  );
};

const readmeTime = Date.parse("2024-04-11T15:38:42.182974Z");
/** What a probe of port `port` begun at the README's time expects. */
const expecting = (connections: number, port = 80, refused = false) => ({ connections, refused, port, since: readmeTime });

describe("ztunnel's access log", () => {
  it("is read field by field as ztunnel's formatter writes its README's example", () => {
    expect(parseZtunnelLine(readmeLine())).toEqual({
      time: "2024-04-11T15:38:42.182974Z",
      level: "info",
      target: "access",
      message: "connection complete",
      fields: {
        "src.addr": "10.244.0.24:46238",
        "src.workload": "shell-6d8bcd654d-t88gp",
        "src.namespace": "default",
        "src.identity": "spiffe://cluster.local/ns/default/sa/default",
        "dst.addr": "10.244.0.42:15008",
        "dst.hbone_addr": "10.96.108.116:80",
        "dst.service": "echo.default.svc.cluster.local",
        direction: "outbound",
        bytes_sent: "67",
        bytes_recv: "490",
        duration: "13ms",
      },
    });
    // ztunnel's other lines (xDS, certificates) and Envoy's are not connections.
    const log = [readmeLine(), "2024-04-11T15:38:40.000000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url=\"type.googleapis.com/istio.workload.Address\" size=12", '[2026-11-01T00:00:00Z] "GET / HTTP/1.1" 200'].join("\n");
    expect(ztunnelConnections(log)).toEqual([
      {
        direction: "outbound",
        src: { workload: "shell-6d8bcd654d-t88gp", namespace: "default", identity: "spiffe://cluster.local/ns/default/sa/default" },
        dst: { service: "echo.default.svc.cluster.local" },
        bytesSent: 67,
        bytesRecv: 490,
        time: readmeTime,
        // dst.hbone_addr's port, the inner destination's, not dst.addr's HBONE 15008.
        dstPort: 80,
      },
    ]);
    // A plaintext connection has no dst.hbone_addr: dst.addr is the destination itself.
    expect(ztunnelConnections(inbound({ port: 9002, hbone: false, mtls: false }))[0].dstPort).toBe(9002);
  });

  it("reads Rust's Debug escapes, \\u{..} included, which JSON does not take", () => {
    // A workload name no Kubernetes object has, but a field value ztunnel quotes as Rust's str Debug does (core::char::escape_debug).
    const line = readmeLine().replace('src.workload="shell-6d8bcd654d-t88gp"', 'src.workload="a\\u{1b}b \\"q\\" \\\\ \\t\\u{301}"');
    expect(parseZtunnelLine(line)?.fields["src.workload"]).toBe('a\u001bb "q" \\ \t\u0301');
    expect(rustDebugString('"\\u{110000} \\x"')).toBe("\\u{110000} \\x");
  });

  it("carries a probe's connections when the destination's ztunnel logged enough of them, for its port since it began, each in mTLS", () => {
    const carried = ztunnelConnections([1, 2, 3].map(() => inbound()).join("\n"));
    expect(judgeZtunnelLog(carried, "default", expecting(3))).toMatchObject({ pass: true, observed: "3 (shell -> echo x3)" });
    expect(judgeZtunnelLog(carried, "default", expecting(4)).pass).toBe(false);
    expect(judgeZtunnelLog(carried, "other", expecting(1)).pass).toBe(false);
    // The source's ztunnel logs the same connection outbound: not the destination's record.
    expect(judgeZtunnelLog(ztunnelConnections(ztunnelLine({ "dst.namespace": "default" })), "default", expecting(1)).pass).toBe(false);
    const plain = ztunnelConnections([inbound(), inbound({ mtls: false })].join("\n"));
    expect(judgeZtunnelLog(plain, "default", expecting(1))).toMatchObject({ pass: false, observed: "2 (shell -> echo x1, shell -> echo (no mTLS) x1)" });
  });

  it("counts only the probe's own lines: its destination port, and closed at or after it began", () => {
    // authz-tcp's 9001 probe cannot pass on its 9000 probe's lines.
    const port9000 = ztunnelConnections([1, 2, 3].map(() => inbound({ port: 9000 })).join("\n"));
    expect(judgeZtunnelLog(port9000, "default", expecting(3, 9000)).pass).toBe(true);
    expect(judgeZtunnelLog(port9000, "default", expecting(3, 9001))).toMatchObject({ pass: false, observed: "0 (none)" });
    // Lines from before the probe began (an earlier probe's, an earlier run's) are not its.
    expect(judgeZtunnelLog(port9000, "default", { ...expecting(3, 9000), since: readmeTime + 1 }).pass).toBe(false);
    // An unrelated plaintext connection (another port, or earlier) cannot fail a correct lab.
    const beside = ztunnelConnections([...[1, 2, 3].map(() => inbound({ port: 9000 })), inbound({ port: 8080, mtls: false, hbone: false }), inbound({ port: 9000, mtls: false, hbone: false, time: "2024-04-11T15:38:41.000000Z" })].join("\n"));
    expect(judgeZtunnelLog(beside, "default", expecting(3, 9000))).toMatchObject({ pass: true, observed: "3 (shell -> echo x3)" });
  });

  it("refuses by policy only where ztunnel logged its policy rejection (src/proxy.rs AuthorizationPolicyRejection)", () => {
    // AuthorizationRejectionError::NotAllowed's words: "allow policies exist, but none allowed".
    const denied = ztunnelConnections(inbound({ port: 9002, error: `${policyRejection}: allow policies exist, but none allowed` }));
    expect(judgeZtunnelLog(denied, "default", expecting(1, 9002, true))).toMatchObject({ pass: true });
    expect(judgeZtunnelLog(denied, "default", expecting(1, 9001, true)).pass).toBe(false);
    const failed = ztunnelConnections(inbound({ port: 9002, error: "connection failed: Connection refused (os error 111)" }));
    expect(judgeZtunnelLog(failed, "default", expecting(1, 9002, true)).pass).toBe(false);
  });
});

describe("a waypoint", () => {
  it("is the Service's own istio.io/use-waypoint, else its namespace's; none opts out (waypoints.go GetUseWaypoint)", () => {
    expect(waypointFor({}, { "istio.io/use-waypoint": "waypoint" }, "bookinfo")).toEqual({ name: "waypoint", namespace: "bookinfo" });
    expect(waypointFor({ "istio.io/use-waypoint": "reviews-wp" }, { "istio.io/use-waypoint": "waypoint" }, "bookinfo")).toEqual({ name: "reviews-wp", namespace: "bookinfo" });
    expect(waypointFor({ "istio.io/use-waypoint": "none" }, { "istio.io/use-waypoint": "waypoint" }, "bookinfo")).toBeUndefined();
    expect(waypointFor({ "istio.io/use-waypoint": "egress", "istio.io/use-waypoint-namespace": "istio-egress" }, {}, "bookinfo")).toEqual({ name: "egress", namespace: "istio-egress" });
    expect(waypointFor({}, {}, "bookinfo")).toBeUndefined();
  });

  it("names its clusters as istiod does: inbound-vip for a Service it serves, outbound for one it routes to without serving it", () => {
    // Cluster names pilot/pkg/xds/waypoint_test.go reads from a waypoint's config.
    for (const [name, host] of [
      ["inbound-vip|80|http|*.domain.com", "*.domain.com"],
      ["inbound-vip|1433|tcp|sql.example.com", "sql.example.com"],
      ["outbound|15008||waypoint.default.svc.cluster.local", "waypoint.default.svc.cluster.local"],
      ["outbound|80||app.com", "app.com"],
    ]) {
      expect(waypointCluster.exec(name)?.[1]).toBe(host);
    }
    expect(waypointCluster.exec("inbound|8080||")).toBeNull();
    expect(waypointCluster.exec("xds-grpc")).toBeNull();
  });

  it("counts a counter per destination host over its clusters of either kind, never another destination's", () => {
    const stats = [
      statLine(subsetKey("outbound", "", "httpbin-v1.bookinfo.svc.cluster.local", 8000), "upstream_rq_total", 5),
      statLine(subsetKey("inbound-vip", "http", "httpbin-v1.bookinfo.svc.cluster.local", 8000), "upstream_rq_total", 2),
      statLine(subsetKey("outbound", "", "httpbin-v2.bookinfo.svc.cluster.local", 8000), "upstream_rq_total", 7),
      statLine(subsetKey("inbound-vip", "http", "httpbin.bookinfo.svc.cluster.local", 8000), "upstream_rq_total", 11),
      statLine(subsetKey("outbound", "", "httpbin-v1.bookinfo.svc.cluster.local", 8000), "upstream_rq_retry", 3),
      "cluster.xds-grpc.upstream_rq_total: 40",
    ].join("\n");
    expect(clusterCounter(stats, "httpbin-v1.bookinfo.svc.cluster.local", "upstream_rq_total")).toBe(7);
    expect(clusterCounter(stats, "httpbin-v2.bookinfo.svc.cluster.local", "upstream_rq_total")).toBe(7);
    expect(clusterCounter(stats, "httpbin-v1.bookinfo.svc.cluster.local", "upstream_rq_retry")).toBe(3);
    // A waypoint that keeps no cluster stats (Istio's default inclusion list) has no such counter at all.
    expect(clusterCounter("cluster.xds-grpc.upstream_rq_total: 40", "httpbin-v1.bookinfo.svc.cluster.local", "upstream_rq_total")).toBeUndefined();
    // The rise over every pod of the waypoint: the call may have gone to any of them.
    const host = "httpbin-v2.bookinfo.svc.cluster.local";
    const key = subsetKey("outbound", "", host, 8000);
    expect(counterRise({ a: statLine(key, "upstream_rq_total", 4), b: statLine(key, "upstream_rq_total", 1) }, { a: statLine(key, "upstream_rq_total", 4), b: statLine(key, "upstream_rq_total", 2) }, host, "upstream_rq_total")).toBe(1);
  });
});

/**
 * A cluster's name as istiod makes it: pilot/pkg/model/service.go BuildSubsetKey, `direction + "|" +
 * port + "|" + subset + "|" + hostname`, with the directions model.TrafficDirectionOutbound and
 * TrafficDirectionInboundVIP; the waypoint picks inbound-vip for a Service it serves and outbound
 * for any other (pilot/pkg/networking/core/listener_waypoint.go getWaypointDestinationCluster).
 */
const subsetKey = (direction: "outbound" | "inbound-vip", subset: string, hostname: string, port: number) => `${direction}|${port}|${subset}|${hostname}`;
/** One line of Envoy's admin /stats in text: `cluster.<cluster's stat name>.<counter>: <value>`. */
const statLine = (cluster: string, stat: string, value: number) => `cluster.${cluster}.${stat}: ${value}`;

/**
 * An ambient lab: the app namespace labelled ambient and using `waypoint` (or none), ztunnel's log
 * holding `ztunnel` (each line stamped with the time it is read, after the probe began), the
 * waypoint's access log one line per call (Istio's default format, pilot/pkg/model/telemetry_logging.go
 * EnvoyTextLogFormat), and its pods' counters: each call lands on the waypoint pod `callsTo` and
 * raises, there, each host's counters by `rise` (`retry` and `total`: upstream_rq_retry and upstream_rq_total).
 */
function ambientCluster(options: { waypoint?: string; ztunnel?: string; rise?: Record<string, { retry?: number; total?: number }>; reply?: string; pods?: string[]; callsTo?: string; keepsClusterStats?: boolean }) {
  const reads: PodTarget[] = [];
  const pods = options.pods ?? ["waypoint-5d8c7b9f4-abcde"];
  const callsTo = options.callsTo ?? pods[0];
  let calls = 0;
  let url = "";
  const stats = (pod: string) => {
    const n = pod === callsTo ? calls : 0;
    const lines = ["cluster.xds-grpc.upstream_rq_total: 17", "cluster.xds-grpc.upstream_rq_retry: 0"];
    if (options.keepsClusterStats === false) return lines.join("\n");
    for (const [host, rise] of Object.entries(options.rise ?? {})) {
      // Services the waypoint does not serve (httpbin-v1, -v2): outbound; the one it serves: inbound-vip.
      const key = host.startsWith("httpbin.") ? subsetKey("inbound-vip", "http", host, 8000) : subsetKey("outbound", "", host, 8000);
      lines.push(statLine(key, "upstream_rq_retry", 10 + n * (rise.retry ?? 0)), statLine(key, "upstream_rq_total", 100 + n * (rise.total ?? 0)));
    }
    return lines.join("\n");
  };
  const cluster: ClusterTransport = {
    ...noCluster,
    labelsOf: async () => ({ namespace: { "istio.io/dataplane-mode": "ambient", ...(options.waypoint && { "istio.io/use-waypoint": options.waypoint }) }, service: {} }),
    async execEach(_target, command) {
      expect(command.slice(0, 3)).toEqual(["pilot-agent", "request", "GET"]);
      return pods.map((pod) => ({ pod, stdout: stats(pod), stderr: "", exitCode: 0 }));
    },
    async exec(_target, command) {
      if (command[0] === "sh") {
        const n = Number(/seq (\d+)/.exec(command[2])![1]);
        return { stdout: Array.from({ length: n }, () => `answer:${options.reply ?? ""}\n`).join(""), stderr: "", exitCode: 0 };
      }
      calls++;
      url = command.at(-1)!;
      return { stdout: `{}\n<<istio-lab-verify status ${command.includes("http://httpbin:8000/status/503?istio-lab-verify=m1x") ? 503 : 200}>>\n`, stderr: "", exitCode: 0 };
    },
    async logs(target) {
      reads.push(target);
      // ztunnel writes a connection's line when it closes: after the probe began.
      if (target.selector?.app === "ztunnel") return (options.ztunnel ?? "").replaceAll(/^[^\t]+\t/gm, `${new Date().toISOString()}\t`);
      const { pathname, search } = new URL(url);
      return calls ? `[2026-12-06T06:00:00.000Z] "GET ${pathname}${search} HTTP/1.1" 200 - via_upstream - "-" 0 9 3 2 "-" "curl/8.16.0" "id" "httpbin:8000" "10.2.0.7:8080" outbound|8000||httpbin-v1.bookinfo.svc.cluster.local 10.2.0.9:51234 10.96.0.12:8000 10.2.0.5:40000 - default` : "";
    },
    podIp: async () => "10.2.1.9",
  };
  return { cluster, reads };
}

const run = (cluster: ClusterTransport, probes: Probe[]) => runProbes(testContext({ cluster: async () => cluster }), probes);
const v1 = "httpbin-v1.bookinfo.svc.cluster.local";
const v2 = "httpbin-v2.bookinfo.svc.cluster.local";
const httpbin = "httpbin.bookinfo.svc.cluster.local";

describe("the probes in ambient mode", () => {
  it("count retries where a waypoint serves the destination: its log line and its retry counter for the destination", async () => {
    const probe: Probe = { kind: "retried", from: "curl", url: "http://httpbin:8000/status/503", status: 503, loggedBy: "httpbin", requestsLogged: 4 };
    // Another destination's retries meanwhile are not this call's.
    const { cluster, reads } = ambientCluster({ waypoint: "waypoint", rise: { [httpbin]: { retry: 3 }, [v2]: { retry: 5 } } });
    const results = await run(cluster, [probe]);
    expect(results[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "503", true],
      ["call logged by bookinfo/waypoint waypoint", "1 line", true],
      ["attempts by bookinfo/waypoint waypoint", "4 (upstream_rq_retry rose by 3)", true],
    ]);
    expect(reads[0]).toEqual({ deployment: "waypoint waypoint", selector: { "gateway.networking.k8s.io/gateway-name": "waypoint" }, namespace: "bookinfo", container: "istio-proxy" });
    const none = await run(ambientCluster({ waypoint: "waypoint", rise: { [httpbin]: { retry: 0 }, [v2]: { retry: 3 } } }).cluster, [probe]);
    expect(none[0].checks[2]).toMatchObject({ pass: false, observed: "1 (upstream_rq_retry rose by 0)" });
  });

  it("see the call sent to v1 and its shadow copy to v2 at the waypoint, over the outbound clusters of Services it does not serve", async () => {
    const probe = resolveScenario("mirroring", undefined).probes;
    const mirrored = await run(ambientCluster({ waypoint: "waypoint", rise: { [v1]: { total: 1 }, [v2]: { total: 1 }, [httpbin]: { total: 0 } } }).cluster, probe);
    expect(mirrored[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "200", true],
      ["answered through bookinfo/waypoint waypoint", "1 line", true],
      ["answered by httpbin-v1", "+1", true],
      ["mirrored to httpbin-v2", "+1", true],
    ]);
    // No copy; the copy sent instead of the call (v2 twice, v1 never): a sum over destinations would pass both.
    const unmirrored = await run(ambientCluster({ waypoint: "waypoint", rise: { [v1]: { total: 2 }, [v2]: { total: 0 } } }).cluster, probe);
    expect(unmirrored[0].checks.map((c) => c.pass)).toEqual([true, true, false, false]);
    const swapped = await run(ambientCluster({ waypoint: "waypoint", rise: { [v1]: { total: 0 }, [v2]: { total: 2 } } }).cluster, probe);
    expect(swapped[0].checks.slice(2).map((c) => [c.observed, c.pass])).toEqual([
      ["+0", false],
      ["+2", false],
    ]);
  });

  it("read every waypoint pod: the call may land on any of them", async () => {
    const probe = resolveScenario("mirroring", undefined).probes;
    const { cluster } = ambientCluster({ waypoint: "waypoint", pods: ["waypoint-5d8c7b9f4-abcde", "waypoint-5d8c7b9f4-fghij"], callsTo: "waypoint-5d8c7b9f4-fghij", rise: { [v1]: { total: 1 }, [v2]: { total: 1 } } });
    expect((await run(cluster, probe))[0].checks.map((c) => c.pass)).toEqual([true, true, true, true]);
  });

  it("say so where the waypoint keeps no cluster stats (Istio's default inclusion list)", async () => {
    const probe = resolveScenario("mirroring", undefined).probes;
    const results = await run(ambientCluster({ waypoint: "waypoint", keepsClusterStats: false }).cluster, probe);
    expect(results[0].checks[2]).toMatchObject({ pass: false, observed: expect.stringContaining(`sidecar.istio.io/statsInclusionPrefixes ${waypointStatsPrefixes.join(",")}`) });
  });

  it("cite ztunnel's log for the TCP connections the gateway sent into the lab, to tcp-echo's port", async () => {
    const probes = resolveScenario("tcp-shift-v2", undefined).probes;
    const lines = Array.from({ length: 10 }, () => inbound({ src: "istio-ingressgateway-5c8d9f7b6d-xk2lq", dst: "tcp-echo-v2-7dd5c5dcfb-abcde", ns: "bookinfo", port: 9000 })).join("\n");
    const { cluster, reads } = ambientCluster({ ztunnel: lines, reply: "two istio-lab-verify" });
    const results = await run(cluster, probes);
    expect(results[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["tcp-echo versions", "v2 100 % of 10", true],
      ["carried by ztunnel", "10 (istio-ingressgateway -> tcp-echo-v2 x10)", true],
    ]);
    expect(reads).toEqual([ztunnelPods]);
    expect(exitCode(results)).toBe(0);
    const bypassed = await run(ambientCluster({ ztunnel: "", reply: "two istio-lab-verify" }).cluster, probes);
    expect(bypassed[0].checks[1]).toMatchObject({ name: "carried by ztunnel", pass: false, observed: "0 (none)" });
    const otherPort = await run(ambientCluster({ ztunnel: lines.replaceAll(":9000", ":9001"), reply: "two istio-lab-verify" }).cluster, probes);
    expect(otherPort[0].checks[1]).toMatchObject({ pass: false, observed: "0 (none)" });
  });

  it("hold each of authz-tcp's probes to its own port: the 9001 probe does not pass on the 9000 probe's lines", async () => {
    const [to9000, to9001] = resolveScenario("authz-tcp", undefined).probes.filter((p) => p.kind === "connect" && p.answered);
    expect([to9000, to9001].map((p) => p.kind === "connect" && p.to.port)).toEqual([9000, 9001]);
    const lines = Array.from({ length: 3 }, () => inbound({ src: "curl-5b549b49b8-mg7nl", dst: "tcp-echo-v1-7dd5c5dcfb-abcde", ns: "bookinfo", port: 9000 })).join("\n");
    const results = await run(ambientCluster({ ztunnel: lines, reply: "one istio-lab-verify" }).cluster, [to9000, to9001]);
    expect(results.map((r) => r.checks.map((c) => [c.name, c.pass]))).toEqual([
      [
        ["connections answered", true],
        ["carried by ztunnel", true],
      ],
      [
        ["connections answered", true],
        ["carried by ztunnel", false],
      ],
    ]);
  });

  it("cite ztunnel's policy rejection for the connections authz-tcp refuses", async () => {
    const refused = resolveScenario("authz-tcp", undefined).probes.filter((p) => p.kind === "connect" && !p.answered);
    expect(refused.length).toBeGreaterThan(0);
    const port = refused[0].kind === "connect" ? refused[0].to.port : 0;
    const lines = Array.from({ length: 10 }, () => inbound({ src: "curl-5b549b49b8-mg7nl", dst: "tcp-echo-v1-7dd5c5dcfb-abcde", ns: "bookinfo", port, error: `${policyRejection}: allow policies exist, but none allowed` })).join("\n");
    const results = await run(ambientCluster({ ztunnel: lines }).cluster, refused.slice(0, 1));
    expect(results[0].checks.map((c) => [c.name, c.pass])).toEqual([
      ["connections answered", true],
      ["refused by ztunnel", true],
    ]);
  });
});
