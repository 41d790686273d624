// Verify's TCP probe: nc from the curl pod to the ingress gateway's TCP port, each answer's version
// read from the echo server's prefix, the shares judged as the HTTP splits are.
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../catalog/scenarios";
import { onLabTcpPort, tcpAnswers, tcpCommand } from "../../tools/verify/probes/tcp";
import { exitCode, runProbes } from "../../tools/verify/run";
import type { ClusterTransport, PodTarget } from "../../tools/verify/types";
import { noCluster, testContext } from "./context";

/** A cluster whose curl pod gets, for its i-th connection, the answer `answer(i)` ("" for none). */
function echoCluster(answer: (i: number) => string): ClusterTransport & { execs: { target: PodTarget; command: string[] }[] } {
  const execs: { target: PodTarget; command: string[] }[] = [];
  return {
    ...noCluster,
    labelsOf: async () => ({ namespace: {} }),
    execs,
    async exec(target, command) {
      execs.push({ target, command });
      const n = Number(/seq (\d+)/.exec(command[2])![1]);
      return { stdout: Array.from({ length: n }, (_, i) => `answer:${answer(i)}\n`).join(""), stderr: "", exitCode: 0 };
    },
  };
}

const probes = (name: "tcp-shift-80-20" | "tcp-shift-v2") => resolveScenario(name, undefined).probes;

describe("tcp probe", () => {
  it("sends each connection with nc to the gateway's TCP port from curl, and passes an 80/20 split", async () => {
    const cluster = echoCluster((i) => (i % 5 === 0 ? "two istio-lab-verify" : "one istio-lab-verify"));
    const results = await runProbes(testContext({ cluster: async () => cluster }), probes("tcp-shift-80-20"));
    expect(results[0].probe).toBe("tcp: curl -> ingress gateway :31400 x40");
    expect(results[0].checks.map((c) => [c.observed, c.pass])).toEqual([["v1 80 %, v2 20 % of 40", true]]);
    expect(cluster.execs[0].target).toEqual({ deployment: "curl", container: "curl" });
    expect(cluster.execs[0].command[2]).toContain("nc -w");
    expect(cluster.execs[0].command[2]).toContain("istio-ingressgateway.istio-system 31400");
    expect(exitCode(results)).toBe(0);
  });

  it("fails a shift that did not happen, and connections that got no answer", async () => {
    const none = await runProbes(testContext({ cluster: async () => echoCluster(() => "one istio-lab-verify") }), probes("tcp-shift-v2"));
    expect(none[0].checks[0]).toMatchObject({ pass: false, observed: "v1 100 %, v2 0 % of 10" });
    const silent = await runProbes(testContext({ cluster: async () => echoCluster(() => "") }), probes("tcp-shift-v2"));
    expect(silent[0].checks[0]).toMatchObject({ pass: false, observed: "v2 0 % of 0; 10 without a version" });
  });

  it("reads answers by their prefix, pads the missing ones, and bounds every nc", () => {
    expect(tcpAnswers("answer:one x\nnoise\nanswer:two x\nanswer:\n", { one: "v1", two: "v2" }, 4)).toEqual(["v1", "v2", "", ""]);
    expect(tcpCommand(31400, 3, 2)).toEqual(["sh", "-c", 'for i in $(seq 3); do echo "answer:$( (echo istio-lab-verify; sleep 1) | nc -w 2 istio-ingressgateway.istio-system 31400)"; done']);
  });
});

describe("connect probe (authz-tcp)", () => {
  /** tcp-echo behind tcp-policy: 9000 and 9001 answered, anything else refused. */
  function policyCluster(allowed: number[]): ClusterTransport & { hosts: string[] } {
    const hosts: string[] = [];
    return {
      ...noCluster,
      labelsOf: async () => ({ namespace: {} }),
      hosts,
      podIp: async (target) => (target.deployment === "tcp-echo-v1" ? "10.2.1.9" : "10.2.1.1"),
      async exec(_target, command) {
        const [, host, port] = /nc -w \d+ (\S+) (\d+)/.exec(command[2])!;
        hosts.push(host);
        const n = Number(/seq (\d+)/.exec(command[2])![1]);
        return { stdout: Array.from({ length: n }, () => `answer:${allowed.includes(Number(port)) ? "one istio-lab-verify" : ""}\n`).join(""), stderr: "", exitCode: 0 };
      },
    };
  }

  it("passes when 9000 and 9001 answer through the Service and 9002 at the pod's address does not", async () => {
    const cluster = policyCluster([9000, 9001]);
    const results = await runProbes(testContext({ cluster: async () => cluster }), resolveScenario("authz-tcp", undefined).probes);
    expect(results.map((r) => [r.probe, r.checks[0].observed, r.checks[0].pass])).toEqual([
      ["connect: curl -> tcp-echo:9000", "3 of 3", true],
      ["connect: curl -> tcp-echo:9001", "3 of 3", true],
      ["connect: curl -> pod of tcp-echo-v1:9002, refused", "0 of 3", true],
    ]);
    expect(cluster.hosts).toEqual(["tcp-echo", "tcp-echo", "10.2.1.9"]);
  });

  it("fails without the policy (9002 answered) and with one that refuses everything", async () => {
    for (const allowed of [[9000, 9001, 9002], []]) {
      const results = await runProbes(testContext({ cluster: async () => policyCluster(allowed) }), resolveScenario("authz-tcp", undefined).probes);
      expect(exitCode(results), JSON.stringify(allowed)).toBe(1);
    }
  });
});

describe("a lab's own TCP port", () => {
  it("sends a lab's connections to the gateway port it holds (its output tcpPort), never the task's 31400", async () => {
    const { resolveTarget } = await import("../../tools/verify/stack");
    const { parseVerifyArgs } = await import("../../tools/verify/args");
    const lab = { scenario: "tcp-shift-80-20", appNamespace: "student-7", gatewayUrl: "http://127.0.0.1:8000", labHost: "student-7.istio-lab.test", tcpPort: 31402 };
    const target = await resolveTarget(parseVerifyArgs(["--stack", "student-7"]), async (_command, args) => (args[0] === "stack" ? JSON.stringify(lab) : "{}"));
    expect(target.spec.probes.filter((p) => p.kind === "tcp").map((p) => p.port)).toEqual([31402]);
    const cluster = echoCluster((i) => (i % 5 === 0 ? "two istio-lab-verify" : "one istio-lab-verify"));
    const results = await runProbes(testContext({ cluster: async () => cluster }), target.spec.probes);
    expect(results[0].probe).toBe("tcp: curl -> ingress gateway :31402 x40");
    expect(cluster.execs[0].command[2]).toContain("istio-ingressgateway.istio-system 31402");
    // A platform's own lab, which publishes no tcpPort, keeps the task's port.
    const platform = await resolveTarget(parseVerifyArgs(["--stack", "local"]), async (_command, args) => (args[0] === "stack" ? JSON.stringify({ ...lab, labHost: undefined, tcpPort: undefined }) : "{}"));
    expect(platform.spec.probes.filter((p) => p.kind === "tcp").map((p) => p.port)).toEqual([31400]);
    // The verify gate passes it as a flag, with every other fact (components/verify-gate.ts).
    const flags = ["--scenario", "tcp-shift-80-20", "--namespace", "student-7", "--gateway-url", "http://127.0.0.1:8000", "--tcp-port", "31403"];
    const gate = await resolveTarget(parseVerifyArgs(flags), async () => "{}");
    expect(gate.spec.probes.filter((p) => p.kind === "tcp").map((p) => p.port)).toEqual([31403]);
    expect(() => parseVerifyArgs(["--tcp-port", "http"])).toThrow('--tcp-port must be a number from 1 to 65535, not "http"');
  });

  it("moves only TCP probes", () => {
    const probes = resolveScenario("mirroring", undefined).probes;
    expect(onLabTcpPort(probes, 31405)).toEqual(probes);
  });
});
