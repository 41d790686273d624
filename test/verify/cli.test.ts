// `npm run verify` against the local stand-in of the lab: in this process where the command's own
// code is what is tested, as a process where the process is (its exit code, its environment).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deadPort, startStub, type Stub } from "./stub";
import { main, type CliIo } from "../../tools/verify/cli";
import { ClusterError } from "../../tools/verify/types";
import { noCluster } from "./context";
import { npmScriptArgs } from "../npm-script";

const root = path.resolve(__dirname, "../..");

/** Runs the CLI without blocking this process, which serves the stub meanwhile. */
function verify(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...npmScriptArgs("verify"), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A bound for a hang only, far above what a busy machine needs.
    const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * The same command in this process (tools/verify/cli.ts's main, what tools/verify.ts runs): a
 * process costs a second and a half of module loading, so only the checks that need one spawn it.
 */
async function verifyHere(args: string[], cluster?: CliIo["cluster"]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), progressTty: false, ...(cluster && { cluster }) });
  return { status, stdout, stderr };
}

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

// --ready-timeout 0: no cluster here to wait for (readiness is tested in readiness.test.ts).
const flags = (gateway: string, scenario = "route-jason-v2") => ["--scenario", scenario, "--namespace", "bookinfo", "--gateway-url", gateway, "--requests", "10", "--ready-timeout", "0"];

describe("npm run verify", () => {
  it("--help documents every flag and exits 0", async () => {
    const { status, stdout } = await verify(["--help"]);
    expect(status).toBe(0);
    for (const flag of ["--stack", "--scenario", "--options", "--kubeconfig", "--context", "--gateway-url", "--namespace", "--requests", "--json", "--timeout", "--deadline"]) expect(stdout).toContain(flag);
    expect(stdout).toContain("route-jason-v2");
  });

  it("prints only JSON with --json and exits 0 when the lab behaves", async () => {
    stub = await startStub({ reviews: (_n, user) => (user === "jason" ? "v2" : "v1") });
    const { status, stdout, stderr } = await verifyHere([...flags(stub.url), "--json"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ scenario: "route-jason-v2", namespace: "bookinfo", source: "flags", ok: true, exitCode: 0, failed: 0, errors: 0 });
    expect(doc.probes.map((p: any) => p.probe)).toEqual(["productpage x10, anonymous", "productpage x10 as jason"]);
    expect(doc.probes[1].checks.find((c: any) => c.name === "reviews versions")).toMatchObject({ pass: true, observed: "v2 100 % of 10" });
  });

  it("waits for readiness before the probes unless --ready-timeout 0, and reports a cluster it cannot ask instead of failing", async () => {
    stub = await startStub({ reviews: (_n, user) => (user === "jason" ? "v2" : "v1") });
    const withoutWait = flags(stub.url).slice(0, -2);
    let asked = 0;
    const cluster: CliIo["cluster"] = async () => ({
      ...noCluster,
      istioConfig: () => {
        asked++;
        return Promise.reject(new ClusterError("listing virtualservices.networking.istio.io in bookinfo: HTTP 403: forbidden"));
      },
    });
    const text = await verifyHere(withoutWait, cluster);
    expect(asked).toBe(1);
    expect(text.status).toBe(0);
    expect(text.stdout.split("\n")[1]).toBe("readiness not checked: listing virtualservices.networking.istio.io in bookinfo: HTTP 403: forbidden");
    const skipped = await verifyHere([...flags(stub.url), "--json"], cluster);
    expect(asked).toBe(1);
    expect(JSON.parse(skipped.stdout).readiness).toEqual({ checked: false, why: "--ready-timeout 0" });
  });

  it("exits 1 and says which check failed when the lab misbehaves", async () => {
    stub = await startStub({ reviews: () => "v1" });
    const json = await verifyHere([...flags(stub.url), "--json"]);
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 1, failed: 1 });
    const text = await verifyHere(flags(stub.url));
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/productpage x10 as jason\n {2}check +expected +observed +result\n/);
    expect(text.stdout).toMatch(/reviews versions +v2 100 %; every answer shows one +v1 100 %, v2 0 % of 10 +FAIL/);
    expect(text.stdout).toMatch(/^FAIL: 4 of 5 checks passed/m);
  });

  it("exits 2 with a clear message when the gateway is unreachable, before any probe runs", async () => {
    const gateway = `http://127.0.0.1:${await deadPort()}`;
    const { status, stdout, stderr } = await verifyHere([...flags(gateway), "--json"]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/verify: the ingress gateway at http:\/\/127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED\)/);
    // Stopped at the first refused connection, not after every probe's timeout.
    expect(JSON.parse(stdout)).toEqual({ ok: false, exitCode: 2, error: expect.stringContaining("unreachable"), probes: [] });
  });

  it("exits 2 when the cluster's API server is unreachable, through the real client", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-verify-"));
    const kubeconfig = path.join(dir, "config");
    const server = `https://127.0.0.1:${await deadPort()}`;
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "lab", cluster: { server, "insecure-skip-tls-verify": true } }],
        users: [{ name: "lab", user: { token: "t" } }],
        contexts: [{ name: "lab", context: { cluster: "lab", user: "lab" } }],
        "current-context": "lab",
      }),
    );
    const { status, stdout, stderr } = await verifyHere(["--scenario", "mirroring", "--namespace", "bookinfo", "--gateway-url", "http://127.0.0.1:1", "--kubeconfig", kubeconfig]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`cannot reach the Kubernetes API at ${server}`);
    const missing = await verifyHere(["--scenario", "mirroring", "--namespace", "bookinfo", "--gateway-url", "http://127.0.0.1:1", "--kubeconfig", path.join(dir, "nope")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot load the kubeconfig");
  });

  it("exits 2 on usage errors and names the fix when there is no Pulumi CLI", async () => {
    const bad = await verifyHere(["--requests", "0"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--requests must be a number from 1 to 1000");
    const unknown = await verifyHere(["--scenario", "no-such", "--namespace", "n", "--gateway-url", "http://127.0.0.1:1"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "no-such"');
    const noPulumi = await verify(["--stack", "lab"], { PATH: "/nonexistent" });
    expect(noPulumi.status).toBe(2);
    expect(noPulumi.stderr).toContain("cannot read the outputs of stack lab (the Pulumi CLI is not installed); pass --scenario, --namespace and --gateway-url");
  });
});
