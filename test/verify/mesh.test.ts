// Probes inside the mesh, over a fake cluster that plays httpbin, reviews and fortio.
import { describe, expect, it } from "vitest";
import type { Probe } from "../../catalog/scenarios/probes";
import { resolveScenario } from "../../catalog/scenarios";
import { exitCode, preflight, runProbes, UnreachableError } from "../../tools/verify/run";
import { ClusterError, type ClusterTransport, type ExecResult, type PlainPodRequest, type PodTarget } from "../../tools/verify/types";
import { noCluster, testContext } from "./context";

/** What the fake mesh does with a request from the client, and what it logs where. */
interface FakeMesh {
  /** Answer to one GET (url, headers): status, body, and the Deployments whose sidecars log it (once per entry). */
  route?: (url: string, headers: Record<string, string>) => { status: number; body?: string; loggedBy: string[]; upstream?: string };
  fortio?: Record<string, number>;
  plaintext?: ExecResult;
}

function fakeCluster(mesh: FakeMesh) {
  const logs = new Map<string, string[]>();
  const calls: { target: PodTarget; command: string[] }[] = [];
  const pods: PlainPodRequest[] = [];
  const cluster: ClusterTransport = {
    ping: async () => undefined,
    istioConfig: async () => ({ config: [], status: [] }),
    meshPods: async () => [],
    labelsOf: async () => ({ namespace: {} }),
    podIp: async (target) => `10.2.0.${target.deployment.length}`,
    execEach: noCluster.execEach,
    async exec(target, command) {
      calls.push({ target, command });
      if (command[0] === "fortio" && command[1] === "load") {
        if (!mesh.fortio) return { stdout: "", stderr: "fortio: cannot connect", exitCode: 1 };
        return { stdout: JSON.stringify({ RunType: "HTTP", RetCodes: mesh.fortio }), stderr: "", exitCode: 0 };
      }
      const headers: Record<string, string> = {};
      for (let i = 0; i < command.length; i++) if (command[i] === "-H") headers[command[i + 1].split(": ")[0]] = command[i + 1].split(": ")[1];
      const format = command[command.indexOf("-w") + 1];
      const urls = command.filter((a) => /^https?:\/\//.test(a));
      let stdout = "";
      for (const url of urls) {
        const answer = mesh.route!(url, headers);
        for (const d of answer.loggedBy) logs.set(d, [...(logs.get(d) ?? []), `[2026-11-01T00:00:00Z] "GET ${new URL(url).pathname}${new URL(url).search} HTTP/1.1" ${answer.status}${answer.upstream ? ` - via_upstream - "-" 0 0 30 29 "-" "curl/8.16.0" "id" "${new URL(url).host}" "151.101.3.5:443" ${answer.upstream} 10.2.0.9:51234 240.240.0.1:80 10.2.0.9:40000 - default` : ""}`]);
        stdout += (answer.body ?? "") + format.replace("%{http_code}", String(answer.status));
      }
      return { stdout, stderr: "", exitCode: 0 };
    },
    async logs(target) {
      if (target.container !== "istio-proxy") throw new Error("access logs are the sidecar's");
      // A Deployment outside the app namespace logs under `namespace/name`.
      return (logs.get(target.namespace ? `${target.namespace}/${target.deployment}` : target.deployment) ?? []).join("\n");
    },
    async runPlainPod(req) {
      pods.push(req);
      return mesh.plaintext ?? { stdout: "000", stderr: "", exitCode: 56 };
    },
    close() {},
  };
  return { cluster, calls, pods, logs };
}

const run = (cluster: ClusterTransport, probes: Probe[]) => runProbes(testContext({ cluster: async () => cluster }), probes);

describe("retries", () => {
  const retried = (attempts: number) => (url: string) => {
    const status = Number(/status\/(\d+)/.exec(url)![1]);
    return { status, loggedBy: Array<string>(status === 503 ? 1 + attempts : 1).fill("httpbin") };
  };

  it("passes when one 503 call shows up 1 + 3 times in httpbin's access log, and one 200 call once", async () => {
    const fake = fakeCluster({ route: retried(3) });
    const results = await run(fake.cluster, resolveScenario("retries", undefined).probes);
    expect(results.flatMap((r) => r.checks).map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "503", true],
      ["requests logged by httpbin", "4", true],
      ["status", "200", true],
      ["requests logged by httpbin", "1", true],
    ]);
    expect(fake.calls[0]).toMatchObject({ target: { deployment: "curl", container: "curl" } });
    expect(fake.calls[0].command.at(-1)).toMatch(/^http:\/\/httpbin:8000\/status\/503\?istio-lab-verify=m\d+x$/);
  });

  it("fails when no retry happens", async () => {
    const results = await run(fakeCluster({ route: retried(0) }).cluster, resolveScenario("retries", undefined).probes);
    expect(results[0].checks[1]).toMatchObject({ pass: false, expected: "4", observed: "1" });
    expect(exitCode(results)).toBe(1);
  });

  it("counts only this run's call, not other traffic in the log", async () => {
    const fake = fakeCluster({ route: retried(3) });
    fake.logs.set("httpbin", Array<string>(7).fill('"GET /status/503?istio-lab-verify=earlier HTTP/1.1" 503'));
    const results = await run(fake.cluster, resolveScenario("retries", undefined).probes);
    expect(results[0].checks[1].observed).toBe("4");
  });
});

describe("mirroring", () => {
  it("passes when v1 answers and v2 logs the shadow copy", async () => {
    const results = await run(fakeCluster({ route: () => ({ status: 200, loggedBy: ["httpbin-v1", "httpbin-v2"] }) }).cluster, resolveScenario("mirroring", undefined).probes);
    expect(results[0].checks.map((c) => [c.name, c.pass])).toEqual([
      ["status", true],
      ["answered by httpbin-v1", true],
      ["mirrored to httpbin-v2", true],
    ]);
  });

  it("fails when v2 never sees a copy", async () => {
    const results = await run(fakeCluster({ route: () => ({ status: 200, loggedBy: ["httpbin-v1"] }) }).cluster, resolveScenario("mirroring", undefined).probes);
    expect(results[0].checks[2]).toMatchObject({ pass: false, observed: "not logged" });
  });
});

describe("circuit breaking", () => {
  it("judges fortio's status codes per load", async () => {
    const probes = resolveScenario("circuit-breaking", undefined).probes;
    const tripping = await run(fakeCluster({ fortio: { "200": 20, "503": 10 } }).cluster, probes.slice(1));
    expect(tripping[0].checks[0]).toMatchObject({ name: "503 share", pass: true });
    const open = await run(fakeCluster({ fortio: { "200": 30 } }).cluster, probes.slice(1));
    expect(open[0].checks[0]).toMatchObject({ pass: false, observed: "0 % (0 of 30: 200 x30)" });
    const fake = fakeCluster({ fortio: { "200": 20 } });
    expect(exitCode(await run(fake.cluster, probes.slice(0, 1)))).toBe(0);
    expect(fake.calls[0]).toMatchObject({ target: { deployment: "fortio-deploy", container: "fortio" } });
    expect(fake.calls[0].command).toEqual(expect.arrayContaining(["-c", "1", "-n", "20"]));
  });

  it("keeps its counts whatever --requests says: the pool's overflow needs the probe's own load", async () => {
    const fake = fakeCluster({ fortio: { "200": 20, "503": 10 } });
    const results = await runProbes(testContext({ cluster: async () => fake.cluster, requests: 1 }), resolveScenario("circuit-breaking", undefined).probes);
    expect(fake.calls.map((c) => c.command[c.command.indexOf("-n") + 1])).toEqual(["20", "30"]);
    expect(results.map((r) => r.probe)).toEqual(["load: fortio -c 1 -n 20 http://httpbin:8000/get", "load: fortio -c 3 -n 30 http://httpbin:8000/get"]);
  });

  it("fails when fortio gives no result", async () => {
    const [result] = await run(fakeCluster({}).cluster, resolveScenario("circuit-breaking", undefined).probes.slice(1));
    expect(result.checks[0]).toMatchObject({ name: "fortio result", pass: false });
  });
});

describe("sticky sessions", () => {
  const pods = ["reviews-v1-a", "reviews-v2-b", "reviews-v3-c"];
  const hash = (s: string) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);

  it("passes when each header value keeps its pod, sending the header the rule hashes on", async () => {
    const fake = fakeCluster({ route: (_u, h) => ({ status: 200, body: JSON.stringify({ podname: pods[hash(h["end-user"]) % 3] }), loggedBy: [] }) });
    const results = await run(fake.cluster, resolveScenario("sticky-sessions", undefined).probes);
    expect(results[0].checks[0]).toMatchObject({ name: "one pod per key", pass: true });
    expect(fake.calls).toHaveLength(5);
    expect(fake.calls.every((c) => c.command.filter((a) => a.startsWith("http://")).length === 10)).toBe(true);
  });

  it("fails when the pods rotate whatever the key (no consistent hash)", async () => {
    let n = 0;
    const fake = fakeCluster({ route: () => ({ status: 200, body: JSON.stringify({ podname: pods[n++ % 3] }), loggedBy: [] }) });
    const results = await run(fake.cluster, resolveScenario("sticky-sessions", { hashBy: "query", name: "u" }).probes);
    expect(results[0].checks[0].pass).toBe(false);
    expect(fake.calls[0].command.at(-1)).toBe("http://reviews:9080/reviews/0?u=istio-lab-verify-1");
  });

  it("keys on the source address with a single key value", async () => {
    const fake = fakeCluster({ route: () => ({ status: 200, body: '{"podname": "reviews-v2-b"}', loggedBy: [] }) });
    const results = await run(fake.cluster, resolveScenario("sticky-sessions", { hashBy: "sourceIp" }).probes);
    expect(results[0].checks[0].pass).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });
});

describe("mTLS", () => {
  it("passes when the sidecar-less client's plaintext is reset", async () => {
    const fake = fakeCluster({});
    const results = await run(fake.cluster, resolveScenario("mtls-strict", undefined).probes.filter((p) => p.kind === "mtls"));
    expect(results[0].checks[0]).toMatchObject({ pass: true, observed: "no answer, curl exit 56 (connection reset)" });
    expect(fake.pods[0].command).toEqual(expect.arrayContaining(["curl", "http://productpage:9080/productpage"]));
  });

  it("fails when plaintext is answered (PERMISSIVE)", async () => {
    const results = await run(fakeCluster({ plaintext: { stdout: "200", stderr: "", exitCode: 0 } }).cluster, resolveScenario("mtls-strict", undefined).probes.filter((p) => p.kind === "mtls"));
    expect(results[0].checks[0]).toMatchObject({ pass: false, observed: "answered 200" });
  });
});

describe("an unreachable cluster or pod", () => {
  it("is an error of the probe with the cluster's message, exit 2", async () => {
    const fake = fakeCluster({});
    fake.cluster.exec = () => Promise.reject(new ClusterError("Deployment bookinfo/curl has no ready pod (0 pods in all)"));
    const results = await run(fake.cluster, resolveScenario("mirroring", undefined).probes);
    expect(results[0]).toMatchObject({ checks: [], error: "Deployment bookinfo/curl has no ready pod (0 pods in all)" });
    expect(exitCode(results)).toBe(2);
  });

  it("stops before any traffic when the API server does not answer", async () => {
    const fake = fakeCluster({});
    fake.cluster.ping = () => Promise.reject(new ClusterError("reading namespace bookinfo: cannot reach the Kubernetes API at https://127.0.0.1:6443 (ECONNREFUSED)"));
    const ctx = testContext({ cluster: async () => fake.cluster });
    await expect(preflight(ctx, resolveScenario("mirroring", undefined).probes)).rejects.toThrow(UnreachableError);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("authorization calls", () => {
  /** Envoy's RBAC filter answers a denied request 403 with this body. */
  const denied = { status: 403, body: "RBAC: access denied", loggedBy: ["httpbin"] };
  /** httpbin behind authz-deny's policy as the task writes it: GET is denied unless x-token is admin. */
  const denyUnlessAdmin = (url: string, headers: Record<string, string>) => (headers["x-token"] !== "admin" && url.includes("/get") ? denied : { status: 200, body: "{}", loggedBy: ["httpbin"] });

  it("authz-deny passes when admin is served and guest refused by the policy, with the headers sent as given", async () => {
    const fake = fakeCluster({ route: denyUnlessAdmin });
    const results = await run(fake.cluster, resolveScenario("authz-deny", undefined).probes);
    expect(results.map((r) => [r.probe, r.checks.map((c) => `${c.observed}${c.pass ? "" : " FAIL"}`)])).toEqual([
      ["call: curl -> http://httpbin:8000/get (x-token: admin)", ["200"]],
      ["call: curl -> http://httpbin:8000/get (x-token: guest)", ["403", '"RBAC: access denied"']],
    ]);
    expect(fake.calls[0].command).toEqual(expect.arrayContaining(["-H", "x-token: admin"]));
    expect(exitCode(results)).toBe(0);
  });

  it("fails on the inverted policy (admin denied, guest served), on no policy, and on denying everyone", async () => {
    const inverted = (_url: string, headers: Record<string, string>) => (headers["x-token"] === "admin" ? denied : { status: 200, loggedBy: ["httpbin"] });
    const everyone = () => denied;
    const none = () => ({ status: 200, loggedBy: ["httpbin"] });
    for (const [what, route] of [["inverted", inverted], ["everyone", everyone], ["none", none]] as const) {
      const results = await run(fakeCluster({ route }).cluster, resolveScenario("authz-deny", undefined).probes);
      expect(exitCode(results), what).toBe(1);
    }
  });

  it("fails on a 403 that is not the policy's (no RBAC body): the app or another filter refused", async () => {
    const appRefuses = (_url: string, headers: Record<string, string>) => (headers["x-token"] !== "admin" ? { status: 403, body: "Forbidden", loggedBy: ["httpbin"] } : { status: 200, loggedBy: ["httpbin"] });
    const results = await run(fakeCluster({ route: appRefuses }).cluster, resolveScenario("authz-deny", undefined).probes);
    expect(results[1].checks[1]).toMatchObject({ name: "body", pass: false, observed: '"Forbidden"' });
    expect(exitCode(results)).toBe(1);
  });
});

describe("jwt-auth", () => {
  it("passes 401 for an invalid token, 403 for none and 200 for the sample's, with the token sent and cut short in the report", async () => {
    const { demoToken } = await import("../../catalog/scenarios/jwt-samples");
    const route = (_url: string, headers: Record<string, string>) => {
      const auth = headers.authorization;
      return { status: auth === `Bearer ${demoToken}` ? 200 : auth ? 401 : 403, loggedBy: ["httpbin"] };
    };
    const fake = fakeCluster({ route });
    const results = await run(fake.cluster, resolveScenario("jwt-auth", undefined).probes);
    expect(results.map((r) => r.checks[0].observed)).toEqual(["401", "403", "200"]);
    expect(exitCode(results)).toBe(0);
    expect(results[2].probe).toBe("call: curl -> http://httpbin:8000/headers (authorization: Bearer eyJhbGciOiJSU...)");
    // Without the policies every call is served: a finding.
    expect(exitCode(await run(fakeCluster({ route: () => ({ status: 200, loggedBy: ["httpbin"] }) }).cluster, resolveScenario("jwt-auth", undefined).probes))).toBe(1);
  });
});

describe("egress-service-entry", () => {
  it("passes when httpbin.org answers and another host gets the BlackHoleCluster's 502; fails with outbound traffic open", async () => {
    const registryOnly = (url: string) => ({ status: url.startsWith("http://httpbin.org/") ? 200 : 502, loggedBy: [] });
    expect(exitCode(await run(fakeCluster({ route: registryOnly }).cluster, resolveScenario("egress-service-entry", undefined).probes))).toBe(0);
    expect(exitCode(await run(fakeCluster({ route: () => ({ status: 200, loggedBy: [] }) }).cluster, resolveScenario("egress-service-entry", undefined).probes))).toBe(1);
  });
});

describe("locality load balancing", () => {
  /** helloworld as the task's gen-helloworld.sh runs it: "Hello version: <locality>, instance: ...". */
  const answering = (pick: (n: number) => string) => {
    let n = 0;
    return () => ({ status: 200, body: `Hello version: ${pick(n++)}, instance: helloworld-x\n`, loggedBy: [] });
  };

  it("locality-failover: every answer from the client's own region1.zone1, or it fails", async () => {
    const results = await run(fakeCluster({ route: answering(() => "region1.zone1") }).cluster, resolveScenario("locality-failover", undefined).probes);
    expect(results[0].probe).toBe("shares: curl -> http://helloworld:5000/hello x10");
    expect(results[0].checks.map((c) => [c.name, c.pass])).toEqual([["status", true], ["answered by", true]]);
    const spread = await run(fakeCluster({ route: answering((n) => (n % 4 === 0 ? "region2.zone3" : "region1.zone1")) }).cluster, resolveScenario("locality-failover", undefined).probes);
    expect(exitCode(spread)).toBe(1);
  });

  it("locality-weighted: 70/20/10 passes, an even spread over the four does not", async () => {
    const split = (n: number) => (n % 10 < 7 ? "region1.zone1" : n % 10 < 9 ? "region1.zone2" : "region3.zone4");
    expect(exitCode(await run(fakeCluster({ route: answering(split) }).cluster, resolveScenario("locality-weighted", undefined).probes))).toBe(0);
    const even = (n: number) => ["region1.zone1", "region1.zone2", "region2.zone3", "region3.zone4"][n % 4];
    expect(exitCode(await run(fakeCluster({ route: answering(even) }).cluster, resolveScenario("locality-weighted", undefined).probes))).toBe(1);
  });
});

describe("ingress-passthrough", () => {
  it("calls nginx.example.com over HTTPS through the gateway from curl, trusting the lab's CA, and wants nginx's 200", async () => {
    const fake = fakeCluster({ route: () => ({ status: 200, loggedBy: [] }) });
    const results = await run(fake.cluster, resolveScenario("ingress-passthrough", undefined).probes);
    expect(exitCode(results)).toBe(0);
    const { command } = fake.calls[0];
    expect(command).toEqual(expect.arrayContaining(["--connect-to", "nginx.example.com:443:istio-ingressgateway.istio-system:443", "--cacert", "/etc/curl/tls/ca.crt", "https://nginx.example.com/"]));
    expect(exitCode(await run(fakeCluster({ route: () => ({ status: 503, loggedBy: [] }) }).cluster, resolveScenario("ingress-passthrough", undefined).probes))).toBe(1);
  });
});

describe("egress-gateway", () => {
  it("passes when the call gets the site's 301 and the egress gateway in istio-system logs it; fails when it leaves from the sidecar", async () => {
    const throughGateway = () => ({ status: 301, loggedBy: ["istio-system/istio-egressgateway"] });
    const fake = fakeCluster({ route: throughGateway });
    const [result] = await run(fake.cluster, resolveScenario("egress-gateway", undefined).probes);
    expect(result.probe).toBe("egress: curl -> http://edition.cnn.com/politics through istio-egressgateway");
    expect(result.checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "301", true],
      ["left through istio-system/istio-egressgateway", "1 line", true],
    ]);
    // The same answer, logged only by an egress gateway of the app namespace (or none): not through the mesh's.
    const direct = fakeCluster({ route: () => ({ status: 301, loggedBy: ["istio-egressgateway"] }) });
    expect(exitCode(await run(direct.cluster, resolveScenario("egress-gateway", undefined).probes))).toBe(1);
  });
});

describe("egress-tls-origination", () => {
  const tlsOrigination = "outbound|443|tls-origination|edition.cnn.com";
  const site = (status: number, upstream: string) => (url: string) =>
    url.startsWith("http://") ? { status, loggedBy: ["curl"], upstream } : { status: 200, loggedBy: [] };
  const verdict = async (route: FakeMesh["route"]) => exitCode(await run(fakeCluster({ route }).cluster, resolveScenario("egress-tls-origination", undefined).probes));

  it("passes when plain HTTP to edition.cnn.com gets 200 and the client's sidecar sent it on to the site's 443 through the TLS subset", async () => {
    const results = await run(fakeCluster({ route: site(200, tlsOrigination) }).cluster, resolveScenario("egress-tls-origination", undefined).probes);
    expect(results[0].checks.map((c) => [c.name, c.observed, c.pass])).toEqual([
      ["status", "200", true],
      ["sent on to", `${tlsOrigination} x1`, true],
    ]);
    expect(exitCode(results)).toBe(0);
  });

  it("fails on the site's 301 to https (no origination), on a 200 sent on in plain HTTP to port 80, and on no log line", async () => {
    expect(await verdict(site(301, "outbound|80||edition.cnn.com"))).toBe(1);
    expect(await verdict(site(200, "outbound|80||edition.cnn.com"))).toBe(1);
    expect(await verdict((url) => (url.startsWith("http://") ? { status: 200, loggedBy: [] } : { status: 200, loggedBy: [] }))).toBe(1);
  });
});

describe("secure ingress", () => {
  it("calls the gateway over HTTPS from curl with the lab's CA, and for mutual TLS its client certificate; no certificate, no answer", async () => {
    // The gateway answers 418 only to a client that presents its certificate.
    const fake = fakeCluster({ route: () => ({ status: 418, loggedBy: [] }) });
    const withCert = (command: string[]) => command.includes("--cert");
    const cluster: ClusterTransport = {
      ...fake.cluster,
      async exec(target, command, timeoutMs) {
        if (withCert(command)) return fake.cluster.exec(target, command, timeoutMs);
        return { stdout: "\n<<istio-lab-verify status 000>>\n", stderr: "curl: (56) alert certificate required", exitCode: 56 };
      },
    };
    const results = await run(cluster, resolveScenario("ingress-mtls", undefined).probes);
    expect(results.map((r) => [r.probe, r.checks[0].observed, r.checks[0].pass])).toEqual([
      ["call: curl -> https://httpbin.example.com/status/418 via the gateway with a client certificate", "418", true],
      ["call: curl -> https://httpbin.example.com/status/418 via the gateway", "no answer", true],
    ]);
    const command = fake.calls[0].command;
    expect(command).toEqual(expect.arrayContaining(["--connect-to", "httpbin.example.com:443:istio-ingressgateway.istio-system:443", "--cacert", "/etc/curl/tls/ca.crt", "--cert", "/etc/curl/tls/client.crt", "--key", "/etc/curl/tls/client.key"]));
    // A gateway that lets anyone in fails the second check.
    expect(exitCode(await run(fake.cluster, resolveScenario("ingress-mtls", undefined).probes))).toBe(1);
  });
});
