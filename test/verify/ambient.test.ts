// Verify's evidence in ambient mode, where no sidecar logs: ztunnel's access log for L4 probes, a
// waypoint's access log and counters for the probes that read a sidecar's log (docs/verify.md).
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import type { Probe } from "../../catalog/scenarios/probes";
import { clusterCounter, judgeZtunnelLog, parseZtunnelLine, policyRejection, waypointFor, ztunnelConnections } from "../../tools/verify/judge/ambient";
import { ztunnelPods } from "../../tools/verify/probes/evidence";
import { exitCode, runProbes } from "../../tools/verify/run";
import type { ClusterTransport, PodTarget } from "../../tools/verify/types";
import { noCluster, testContext } from "./context";

/**
 * A "connection complete" line as ztunnel 1.31 writes it: IstioFormat (src/telemetry.rs
 * format_event: time, tab, level, tab, target, tab, message, tab, fields; Visitor: `name=value`
 * separated by spaces, strings Debug-quoted), with the fields of src/proxy/metrics.rs
 * record_internal, and the values of ztunnel's README.md example access log (its "Logging" section).
 */
const ztunnelLine = (fields: { src?: string; dst?: string; ns?: string; direction?: string; mtls?: boolean; error?: string }) => {
  const { src = "shell-6d8bcd654d-t88gp", dst = "echo-7f4b9c8d5-x2x4z", ns = "default", direction = "inbound", mtls = true, error } = fields;
  const ids = (who: string) => (mtls ? ` ${who}.identity="spiffe://cluster.local/ns/${ns}/sa/default"` : "");
  return (
    `2024-04-11T15:38:42.182974Z\t${error ? "error" : "info"}\taccess\tconnection complete\t` +
    `src.addr=10.244.0.24:46238 src.workload="${src}" src.namespace="istio-system"${ids("src")} ` +
    `dst.addr=10.244.0.42:15008 dst.hbone_addr=10.96.108.116:80 dst.service="echo.${ns}.svc.cluster.local" dst.workload="${dst}" dst.namespace="${ns}"${ids("dst")} ` +
    `direction="${direction}" bytes_sent=67 bytes_recv=490 duration="13ms"${error ? ` error="${error}"` : ""}`
  );
};

describe("ztunnel's access log", () => {
  it("is read field by field as ztunnel's formatter writes it", () => {
    expect(parseZtunnelLine(ztunnelLine({}))).toMatchObject({
      level: "info",
      target: "access",
      message: "connection complete",
      fields: { "src.workload": "shell-6d8bcd654d-t88gp", "dst.namespace": "default", direction: "inbound", bytes_sent: "67", duration: "13ms", "dst.hbone_addr": "10.96.108.116:80" },
    });
    // ztunnel's other lines (xDS, certificates) and Envoy's are not connections.
    const log = [ztunnelLine({}), "2024-04-11T15:38:40.000000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url=\"type.googleapis.com/istio.workload.Address\" size=12", '[2026-11-01T00:00:00Z] "GET / HTTP/1.1" 200'].join("\n");
    expect(ztunnelConnections(log)).toEqual([
      {
        direction: "inbound",
        src: { workload: "shell-6d8bcd654d-t88gp", namespace: "istio-system", identity: "spiffe://cluster.local/ns/default/sa/default" },
        dst: { workload: "echo-7f4b9c8d5-x2x4z", namespace: "default", service: "echo.default.svc.cluster.local", identity: "spiffe://cluster.local/ns/default/sa/default" },
        bytesSent: 67,
        bytesRecv: 490,
      },
    ]);
  });

  it("carries a probe's connections when the destination's ztunnel logged enough of them into the namespace, each in mTLS", () => {
    const carried = ztunnelConnections([1, 2, 3].map(() => ztunnelLine({})).join("\n"));
    expect(judgeZtunnelLog(carried, "default", { connections: 3, refused: false })).toMatchObject({ pass: true, observed: "3 (shell -> echo x3)" });
    expect(judgeZtunnelLog(carried, "default", { connections: 4, refused: false }).pass).toBe(false);
    expect(judgeZtunnelLog(carried, "other", { connections: 1, refused: false }).pass).toBe(false);
    // The source's ztunnel logs the same connection outbound: not the destination's record.
    expect(judgeZtunnelLog(ztunnelConnections(ztunnelLine({ direction: "outbound" })), "default", { connections: 1, refused: false }).pass).toBe(false);
    const plain = ztunnelConnections([ztunnelLine({}), ztunnelLine({ mtls: false })].join("\n"));
    expect(judgeZtunnelLog(plain, "default", { connections: 1, refused: false })).toMatchObject({ pass: false, observed: "2 (shell -> echo x1, shell -> echo (no mTLS) x1)" });
  });

  it("refuses by policy only where ztunnel logged its policy rejection (src/proxy.rs AuthorizationPolicyRejection)", () => {
    // AuthorizationRejectionError::NotAllowed's words: "allow policies exist, but none allowed".
    const denied = ztunnelConnections(ztunnelLine({ error: `${policyRejection}: allow policies exist, but none allowed` }));
    expect(judgeZtunnelLog(denied, "default", { connections: 1, refused: true })).toMatchObject({ pass: true });
    const failed = ztunnelConnections(ztunnelLine({ error: "connection failed: Connection refused (os error 111)" }));
    expect(judgeZtunnelLog(failed, "default", { connections: 1, refused: true }).pass).toBe(false);
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

  it("counts a destination's requests in its inbound-vip clusters (pilot/pkg/xds/waypoint_test.go names them so)", () => {
    const stats = [
      "cluster.inbound-vip|8000|http|httpbin.bookinfo.svc.cluster.local.upstream_rq_retry: 3",
      "cluster.inbound-vip|8000|http/v1|httpbin.bookinfo.svc.cluster.local.upstream_rq_retry: 1",
      "cluster.inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local.upstream_rq_retry: 7",
      "cluster.inbound-vip|8000|http|httpbin.bookinfo.svc.cluster.local.upstream_rq_total: 9",
      "cluster.xds-grpc.upstream_rq_retry: 5",
    ].join("\n");
    expect(clusterCounter(stats, "httpbin.bookinfo.svc.cluster.local", "upstream_rq_retry")).toBe(4);
    expect(clusterCounter(stats, undefined, "upstream_rq_retry")).toBe(11);
  });
});

/**
 * An ambient lab: the app namespace labelled ambient and using `waypoint` (or none), ztunnel's log
 * holding `ztunnel`, the waypoint's access log one line per call (Istio's default format,
 * pilot/pkg/model/telemetry_logging.go EnvoyTextLogFormat), and its counters rising by `retries`
 * and `upstream` per call.
 */
function ambientCluster(options: { waypoint?: string; ztunnel?: string; retries?: number; upstream?: number; reply?: string }) {
  const reads: PodTarget[] = [];
  let calls = 0;
  let url = "";
  const stats = () =>
    [
      `cluster.inbound-vip|8000|http|httpbin.bookinfo.svc.cluster.local.upstream_rq_retry: ${calls * (options.retries ?? 0)}`,
      `cluster.inbound-vip|8000|http|httpbin-v2.bookinfo.svc.cluster.local.upstream_rq_total: ${calls * (options.upstream ?? 1)}`,
    ].join("\n");
  const cluster: ClusterTransport = {
    ...noCluster,
    labelsOf: async () => ({ namespace: { "istio.io/dataplane-mode": "ambient", ...(options.waypoint && { "istio.io/use-waypoint": options.waypoint }) }, service: {} }),
    async exec(_target, command) {
      if (command[0] === "pilot-agent") return { stdout: stats(), stderr: "", exitCode: 0 };
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
      if (target.selector?.app === "ztunnel") return options.ztunnel ?? "";
      const { pathname, search } = new URL(url);
      return calls ? `[2026-12-06T06:00:00.000Z] "GET ${pathname}${search} HTTP/1.1" 200 - via_upstream - "-" 0 9 3 2 "-" "curl/8.16.0" "id" "httpbin:8000" "10.2.0.7:8080" inbound-vip|8000|http|httpbin.bookinfo.svc.cluster.local 10.2.0.9:51234 10.96.0.12:8000 10.2.0.5:40000 - default` : "";
    },
    podIp: async () => "10.2.1.9",
  };
  return { cluster, reads };
}

const run = (cluster: ClusterTransport, probes: Probe[]) => runProbes(testContext({ cluster: async () => cluster }), probes);

describe("the probes in ambient mode", () => {
  it("count retries where a waypoint serves the destination: its log line and its retry counter", async () => {
    const probe: Probe = { kind: "retried", from: "curl", url: "http://httpbin:8000/status/503", status: 503, loggedBy: "httpbin", requestsLogged: 4 };
    const { cluster, reads } = ambientCluster({ waypoint: "waypoint", retries: 3 });
    const results = await run(cluster, [probe]);
    expect(results[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "503", true],
      ["call logged by bookinfo/waypoint waypoint", "1 line", true],
      ["attempts by bookinfo/waypoint waypoint", "4 (upstream_rq_retry rose by 3)", true],
    ]);
    expect(reads[0]).toEqual({ deployment: "waypoint waypoint", selector: { "gateway.networking.k8s.io/gateway-name": "waypoint" }, namespace: "bookinfo", container: "istio-proxy" });
    const none = await run(ambientCluster({ waypoint: "waypoint", retries: 0 }).cluster, [probe]);
    expect(none[0].checks[2]).toMatchObject({ pass: false, observed: "1 (upstream_rq_retry rose by 0)" });
  });

  it("see a shadow copy in what the waypoint sent upstream", async () => {
    const probe = resolveScenario("mirroring", undefined).probes;
    const mirrored = await run(ambientCluster({ waypoint: "waypoint", upstream: 2 }).cluster, probe);
    expect(mirrored[0].checks.map((c) => c.pass)).toEqual([true, true, true]);
    const unmirrored = await run(ambientCluster({ waypoint: "waypoint", upstream: 1 }).cluster, probe);
    expect(unmirrored[0].checks[2]).toMatchObject({ pass: false, observed: "1 (upstream_rq_total)" });
  });

  it("cite ztunnel's log for the TCP connections the gateway sent into the lab", async () => {
    const probes = resolveScenario("tcp-shift-v2", undefined).probes;
    const lines = Array.from({ length: 10 }, () => ztunnelLine({ src: "istio-ingressgateway-5c8d9f7b6d-xk2lq", dst: "tcp-echo-v2-7dd5c5dcfb-abcde", ns: "bookinfo" })).join("\n");
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
  });

  it("cite ztunnel's policy rejection for the connections authz-tcp refuses", async () => {
    const refused = resolveScenario("authz-tcp", undefined).probes.filter((p) => p.kind === "connect" && !p.answered);
    expect(refused.length).toBeGreaterThan(0);
    const lines = Array.from({ length: 10 }, () => ztunnelLine({ src: "curl-5b549b49b8-mg7nl", dst: "tcp-echo-v1-7dd5c5dcfb-abcde", ns: "bookinfo", error: `${policyRejection}: allow policies exist, but none allowed` })).join("\n");
    const results = await run(ambientCluster({ ztunnel: lines }).cluster, refused.slice(0, 1));
    expect(results[0].checks.map((c) => [c.name, c.pass])).toEqual([
      ["connections answered", true],
      ["refused by ztunnel", true],
    ]);
  });
});
