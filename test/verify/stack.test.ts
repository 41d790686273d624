// Where the lab is: stack outputs through the Pulumi CLI (faked here), each overridden by a flag.
import { describe, expect, it } from "vitest";
import { parseVerifyArgs, UsageError } from "../../tools/verify/args";
import { resolveTarget, scenarioSpec, type CommandRunner } from "../../tools/verify/stack";

const outputs = {
  clusterSource: "kubeconfig",
  kubeconfig: "apiVersion: v1\nkind: Config\n",
  scenario: "canary",
  appNamespace: "bookinfo",
  gatewayUrl: "http://127.0.0.1:8080",
  productPageUrl: "http://127.0.0.1:8080/productpage",
  gatewayPortForward: "kubectl -n istio-system port-forward --address 127.0.0.1 svc/istio-ingressgateway 8080:80",
};

function fakePulumi(config: Record<string, unknown> = { "istio-lab:scenarioOptions": { value: '{"weights":{"v1":70,"v3":30}}', objectValue: { weights: { v1: 70, v3: 30 } }, secret: false } }) {
  const calls: string[][] = [];
  const run: CommandRunner = async (command, args) => {
    calls.push([command, ...args]);
    if (args[0] === "stack") return JSON.stringify(outputs);
    if (args[0] === "config") return JSON.stringify(config);
    throw new Error("unexpected");
  };
  return { run, calls };
}

describe("resolveTarget", () => {
  it("reads the stack's outputs and scenario options, the kubeconfig kept in memory", async () => {
    const { run, calls } = fakePulumi();
    const target = await resolveTarget(parseVerifyArgs(["--stack", "lab"]), run);
    expect(calls).toEqual([
      ["pulumi", "stack", "output", "--show-secrets", "--json", "--stack", "lab"],
      ["pulumi", "config", "--json", "--stack", "lab"],
    ]);
    expect(target).toMatchObject({ scenario: "canary", namespace: "bookinfo", gatewayUrl: "http://127.0.0.1:8080", source: "stack lab", gatewayPortForward: outputs.gatewayPortForward });
    expect(target.kubeconfig).toEqual({ kind: "inline", content: outputs.kubeconfig });
    expect(target.spec.probes[0]).toMatchObject({ kind: "productpage", reviews: { v1: 70, v3: 30 } });
  });

  it("lets every flag override the stack", async () => {
    const { run } = fakePulumi();
    const target = await resolveTarget(parseVerifyArgs(["--gateway-url", "http://10.0.0.1:31380", "--kubeconfig", "/tmp/k", "--options", '{"weights":{"v2":100}}']), run);
    expect(target).toMatchObject({ gatewayUrl: "http://10.0.0.1:31380", kubeconfig: { kind: "file", path: "/tmp/k" } });
    expect(target.spec.probes[0]).toMatchObject({ reviews: { v2: 100 } });
  });

  it("takes a lab stack's host on the shared gateway from its labHost output, or from --host", async () => {
    const { run } = fakePulumi();
    expect((await resolveTarget(parseVerifyArgs(["--stack", "lab"]), run)).host).toBeUndefined();
    const labRun: CommandRunner = async (_command, args) => (args[0] === "stack" ? JSON.stringify({ ...outputs, scenario: "mirroring", labHost: "student-7.istio-lab.test" }) : "{}");
    expect((await resolveTarget(parseVerifyArgs(["--stack", "student-7"]), labRun)).host).toBe("student-7.istio-lab.test");
    expect((await resolveTarget(parseVerifyArgs(["--stack", "student-7", "--host", "other.istio-lab.test"]), labRun)).host).toBe("other.istio-lab.test");
    expect(() => parseVerifyArgs(["--host", "http://student-7"])).toThrow('--host must be a host name such as student-7.istio-lab.test, not "http://student-7"');
  });

  it("goes to the file and the context a stack on a kubeconfig file recorded, unless flags say otherwise", async () => {
    const recorded = { ...outputs, scenario: "mirroring", kubeconfig: undefined, kubeconfigPath: "~/.kube/config", kubeContext: "kind-lab" };
    const run: CommandRunner = async (_command, args) => (args[0] === "stack" ? JSON.stringify(recorded) : "{}");
    expect(await resolveTarget(parseVerifyArgs(["--stack", "existing"]), run)).toMatchObject({ kubeconfig: { kind: "file", path: "~/.kube/config" }, context: "kind-lab" });
    expect(await resolveTarget(parseVerifyArgs(["--stack", "existing", "--kubeconfig", "/tmp/k", "--context", "other"]), run)).toMatchObject({
      kubeconfig: { kind: "file", path: "/tmp/k" },
      context: "other",
    });
  });

  it("never calls Pulumi when scenario, namespace and gateway come as flags", async () => {
    const { run, calls } = fakePulumi();
    const target = await resolveTarget(parseVerifyArgs(["--scenario", "mirroring", "--namespace", "lab", "--gateway-url", "http://127.0.0.1:8080"]), run);
    expect(calls).toEqual([]);
    expect(target).toMatchObject({ scenario: "mirroring", source: "flags", kubeconfig: { kind: "default" } });
  });

  it("takes kubeconfig contents from ISTIO_LAB_KUBECONFIG before the stack's, but after --kubeconfig", async () => {
    const { run } = fakePulumi();
    const env = { ISTIO_LAB_KUBECONFIG: "apiVersion: v1\nkind: Config\n# from the gate\n" };
    const flags = ["--scenario", "mirroring", "--namespace", "bookinfo", "--gateway-url", "http://10.0.0.1:31380"];
    expect((await resolveTarget(parseVerifyArgs(flags), run, env)).kubeconfig).toEqual({ kind: "inline", content: env.ISTIO_LAB_KUBECONFIG });
    expect((await resolveTarget(parseVerifyArgs([...flags, "--kubeconfig", "/tmp/k"]), run, env)).kubeconfig).toEqual({ kind: "file", path: "/tmp/k" });
    expect((await resolveTarget(parseVerifyArgs(flags), run, {})).kubeconfig).toEqual({ kind: "default" });
  });

  it("names the option a scenario lacks", async () => {
    const { run } = fakePulumi({});
    await expect(resolveTarget(parseVerifyArgs([]), run)).rejects.toThrow(/scenario canary needs valid options \(--options JSON\): weights is required/);
  });

  it("says what is wrong with --options in the stack check's words, with an example, never in the schema library's", () => {
    const message = (name: string, options: unknown) => {
      try {
        scenarioSpec(name, options);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message("canary", { weights: { v1: 80 } })).toBe(`scenario canary needs valid options (--options JSON): weights must sum to 100 (they sum to 80); for example --options '{"weights":{"v1":80,"v2":20}}'`);
    expect(message("mirroring", { api: "gateway" })).toBe('scenario mirroring needs valid options (--options JSON): api must be one of "istio", "gateway-api", not the text "gateway"');
    expect(message("mirroring", { x: 1 })).toBe("scenario mirroring needs valid options (--options JSON): scenario mirroring takes no options");
    expect(message("sticky-sessions", { hashBy: "ip" })).toMatch(/hashBy must be one of "header", "cookie", "sourceIp", "query", not the text "ip"/);
    for (const options of [{ weights: { v4: 100 } }, "x", { weights: [] }]) expect(message("canary", options)).not.toMatch(/Invalid input|expected .*, received/i);
  });

  it("rejects bad flags as usage errors", () => {
    expect(() => parseVerifyArgs(["--requests", "1.5"])).toThrow(UsageError);
    expect(() => parseVerifyArgs(["--gateway-url", "127.0.0.1:8080"])).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parseVerifyArgs(["--options", "{"])).toThrow(/--options must be JSON/);
    expect(() => parseVerifyArgs(["--bogus"])).toThrow(UsageError);
    expect(parseVerifyArgs([])).toMatchObject({ timeoutSeconds: 20, deadlineSeconds: 600, json: false });
  });
});
