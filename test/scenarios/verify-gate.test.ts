// The opt-in gate that makes `pulumi up` end with `npm run verify`.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { curlImage } from "../../catalog/versions";
import { mirrored } from "../../components/images";
import { shellQuote, shellWords } from "../../components/shell";
import { renderConfig } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { labCluster, twoContexts } from "../cluster/kubeconfigs";
import { ciphertext, configErrors, localCluster, ofType, renderStack, resource } from "../harness";

const gateType = "command:local:Command";
const hostsLab = {
  "istio-lab:sshPrivateKey": ciphertext,
  "istio-lab:cluster": { source: "hosts" },
};

describe("the verify gate", () => {
  it("is off by default", async () => {
    expect(ofType(await renderStack(hostsLab), gateType)).toEqual([]);
  });

  it("runs verify last against the node port, with the admin kubeconfig as a secret in the environment", async () => {
    const r = await renderStack({ ...hostsLab, "istio-lab:scenario": "route-jason-v2", "istio-lab:verify": { gate: true, requests: 40 } });
    const gate = resource(r, gateType, "verify-run");
    expect(gate.dependsOn).toEqual(["workloads", "scenario", "HelmRelease/istio-system/istio-ingressgateway"]);
    expect(gate.inputs.create).toBe(
      "npm run --silent verify -- --scenario route-jason-v2 --namespace bookinfo --gateway-url http://192.168.56.11:31380 --requests 40",
    );
    expect(gate.inputs.environment).toBe("[secret]");
    expect(gate.inputs.triggers).toHaveLength(1);
    expect(gate.inputs.dir).toBe(path.resolve(__dirname, "../.."));
  });

  it("hands a kubeconfig file over as a path, and the scenario options as one argument", async () => {
    const r = await renderStack({
      "istio-lab:cluster": localCluster,
      "istio-lab:scenario": "canary",
      "istio-lab:scenarioOptions": { weights: { v1: 80, v2: 20 } },
      "istio-lab:verify": { gate: true, gatewayUrl: "http://192.168.49.2:31380" },
    });
    const gate = resource(r, gateType, "verify-run");
    // The path as the stack writes it: verify expands `~` itself, and no home folder enters the state.
    expect(gate.inputs.create).toBe(
      `npm run --silent verify -- --scenario canary --namespace bookinfo --gateway-url http://192.168.49.2:31380 --options '{"weights":{"v1":80,"v2":20}}' --kubeconfig '~/.kube/config' --context kind-kind`,
    );
    expect(gate.inputs.environment).toBeUndefined();
  });

  it("passes the context the lab recorded, so verify looks at the lab's own cluster", async () => {
    // kind-kind is current now; the stack first deployed through kind-lab, which still reaches the same cluster.
    const r = await renderConfig(stackConfig("test", { "istio-lab:cluster": localCluster, "istio-lab:verify": { gate: true, gatewayUrl: "http://127.0.0.1:8080" } }), undefined, undefined, {
      readFile: () => twoContexts,
      stashed: { "cluster-pin": { context: "kind-lab", ...labCluster } },
    });
    expect(resource(r, gateType, "verify-run").inputs.create).toMatch(/ --kubeconfig '~\/\.kube\/config' --context kind-lab$/);
  });

  it("pulls verify's own client image through the stack's mirror, as every image of the lab", async () => {
    const r = await renderStack({ ...hostsLab, "istio-lab:scenario": "mtls-strict", "istio-lab:apps": { imageRegistry: "registry.lab.test:5000/mirror" }, "istio-lab:verify": { gate: true } });
    const create = String(resource(r, gateType, "verify-run").inputs.create);
    const image = /--plaintext-image (\S+)/.exec(create)?.[1];
    expect(image).toBe(mirrored(curlImage, "registry.lab.test:5000/mirror"));
    expect(image).toMatch(/^registry\.lab\.test:5000\/mirror\//);
    // Without a mirror verify picks its default (docker.io's curl) itself.
    expect(String(resource(await renderStack({ ...hostsLab, "istio-lab:verify": { gate: true } }), gateType, "verify-run").inputs.create)).not.toContain("--plaintext-image");
  });

  it("needs a gateway it can reach without a port-forward", async () => {
    expect(await configErrors({ "istio-lab:cluster": localCluster, "istio-lab:verify": { gate: true } })).toEqual([
      expect.stringMatching(/^istio-lab:verify\.gatewayUrl: is required for the gate on source kubeconfig/),
    ]);
    expect(await configErrors({ ...hostsLab, "istio-lab:mesh": { ingress: { serviceType: "ClusterIP" } }, "istio-lab:verify": { gate: true } })).toEqual([
      expect.stringMatching(/^istio-lab:verify\.gatewayUrl: is required for the gate when mesh\.ingress\.serviceType is ClusterIP/),
    ]);
  });

  it("quotes words for a POSIX shell", () => {
    expect(shellQuote("route-jason-v2")).toBe("route-jason-v2");
    expect(shellQuote("http://10.0.0.1:31380/x")).toBe("http://10.0.0.1:31380/x");
    expect(shellQuote('{"a":1}')).toBe(`'{"a":1}'`);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(spawnSync("sh", ["-c", `printf %s ${shellQuote("it's {\"a\": 1}")}`], { encoding: "utf8" }).stdout).toBe('it\'s {"a": 1}');
  });

  it("reads back the words it quoted, as sh does (shellWords, what the critical path reads the gate's flags with)", () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((w) => !w.includes("\0")), { minLength: 1, maxLength: 6 }), (words) => {
        const text = words.map(shellQuote).join(" ");
        expect(shellWords(text)).toEqual(words);
      }),
    );
    // An empty word is a word: sh reads '' as one.
    expect(shellWords([""].map(shellQuote).join(" "))).toEqual([""]);
    const words = ["npm", "run", "--options", '{"user": "jason", "it\'s": 1}'];
    const text = words.map(shellQuote).join(" ");
    expect(spawnSync("sh", ["-c", `for w in ${text}; do printf '%s\\n' "$w"; done`], { encoding: "utf8" }).stdout).toBe(words.map((w) => `${w}\n`).join(""));
    expect(shellWords(text)).toEqual(words);
  });

  it("runs a command the shell and verify understand: an unreachable gateway fails the update", async () => {
    const r = await renderStack({
      "istio-lab:cluster": localCluster,
      "istio-lab:scenario": "bookinfo",
      "istio-lab:verify": { gate: true, gatewayUrl: "http://127.0.0.1:9" },
    });
    const gate = resource(r, gateType, "verify-run");
    const run = spawnSync("sh", ["-c", String(gate.inputs.create)], { cwd: String(gate.inputs.dir), encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("127.0.0.1:9");
  });
});
