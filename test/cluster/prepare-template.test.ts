// npm run prepare-template: the node steps a vSphere stack's nodes run, on one VM, then its
// images and the seal, each over ssh, stopping at the first failure.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runPrepareTemplate, sshArgs, sshRunner, templateMachineName, type RemoteTarget } from "../../tools/lib/prepare-template-cli";
import { renderFile } from "../harness";

/** Runs the command with a stand-in for ssh that answers each step with the code `answer` gives. */
async function prepare(argv: string[], answer: (step: number) => number = () => 0) {
  const runs: { target: RemoteTarget; commandText: string }[] = [];
  const io = { out: "", err: "" };
  const code = await runPrepareTemplate(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t) }, async (target, commandText) => {
    runs.push({ target, commandText });
    return answer(runs.length - 1);
  });
  return { code, runs, ...io };
}

const root = path.resolve(__dirname, "../..");
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  tempDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return tempDirs.at(-1)!;
};
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Pulumi.dev.yaml with its config changed, written next to a copy of the project's Pulumi.yaml. */
function devWith(change: (config: Record<string, any>) => void): string {
  const stack = parse(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
  change(stack.config);
  const dir = tempDir("istio-lab-template-");
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = path.join(dir, "Pulumi.changed.yaml");
  fs.writeFileSync(file, stringify(stack));
  return file;
}

const created = (rendered: Awaited<ReturnType<typeof renderFile>>, name: string) => rendered.resources.find((r) => r.name === name)!.inputs.create as string;

describe("npm run prepare-template", () => {
  it("runs on the VM exactly the steps a dev node runs (its own name and address aside) after a check, then all the lab's images and the seal", async () => {
    const { code, runs, err } = await prepare(["Pulumi.dev.yaml", "192.168.56.50"]);
    expect(code, err).toBe(0);
    const dev = await renderFile("Pulumi.dev.yaml");
    const asTemplate = (text: string) =>
      `timeout --kill-after=30 1800 ${text}`
        .replace("NODE_NAME=linux-node1", `NODE_NAME=${templateMachineName}`)
        .replace("NODE_IP=192.168.56.11", "NODE_IP=192.168.56.50")
        .replace(/ env IMAGES=('[^']*') /, " env IMAGES=$1 REQUIRE_ALL=1 ");
    const texts = runs.map((r) => r.commandText);
    expect([texts[0], ...texts.slice(2, 6)]).toEqual(
      ["linux-node1-access", "linux-node1-os", "linux-node1-kubernetes", "linux-node1-containerd", "linux-node1-images"].map((step) => asTemplate(created(dev, step))),
    );
    expect(texts.map((t) => t.split(" ").at(-1))).toEqual(["wait-ready", "check-fresh", "prep-os", "install-kubernetes", "install-containerd", "pull-images", "seal-template"]);
    expect(texts[2]).toContain(`NODE_NAME=${templateMachineName}`);
    expect(texts[3]).toContain("NODE_IP=192.168.56.50");
    expect(texts[5]).toMatch(/^timeout --kill-after=30 1800 env IMAGES='[^']+' REQUIRE_ALL=1 bash -c /);
    expect(texts[6].split(" bash -c ")[0]).toBe("timeout --kill-after=30 1800 env K8S_VERSION=1.36.4");
    expect(runs.map((r) => r.target)).toEqual(Array(7).fill({ address: "192.168.56.50", user: "root", port: 22 }));
    expect(err).toMatch(/==> access \(wait-ready\.sh\)[\s\S]*==> seal \(seal-template\.sh\)[\s\S]*192\.168\.56\.50 is sealed and powering off/);
    expect(texts.join("\n")).not.toMatch(/placeholder for the secret|BEGIN OPENSSH/);
  });

  it("pulls kubeadm's images from the stack's mirror, through sudo for a non-root SSH user on the configured port", async () => {
    const file = devWith((values) => {
      values["istio-lab:cluster"].ssh = { user: "rocky", port: 2222 };
      values["istio-lab:apps"] = { imageRegistry: "mirror.example.com/lab" };
    });
    const { code, runs, err } = await prepare([file, "192.168.56.50"]);
    expect(code, err).toBe(0);
    expect(runs[6].commandText).toMatch(/^timeout --kill-after=30 1800 sudo -n env K8S_VERSION=1\.36\.4 IMAGE_REPOSITORY=mirror\.example\.com\/lab bash -c /);
    expect(runs[5].commandText).toContain("mirror.example.com/lab/");
    expect(runs[0].target).toEqual({ address: "192.168.56.50", user: "rocky", port: 2222 });
  });

  it("stops at the first step that fails or outlives its bound on the VM, saying which", async () => {
    const failed = await prepare(["Pulumi.dev.yaml", "192.168.56.50"], (step) => (step === 3 ? 7 : 0));
    expect(failed.code).toBe(1);
    expect(failed.runs).toHaveLength(4);
    expect(failed.err).toContain("prepare-template: kubernetes failed (exit 7); the VM is left as that step left it");
    expect(failed.err).not.toContain("sealed");
    const slow = await prepare(["Pulumi.dev.yaml", "192.168.56.50"], (step) => (step === 5 ? 124 : 0));
    expect([slow.code, slow.runs.length]).toEqual([1, 6]);
    expect(slow.err).toContain("prepare-template: images did not end within 30 min");
  });

  it("refuses a stack whose nodes are not cloned, a bad address and bad usage, before any ssh", async () => {
    const notVsphere = await prepare(["Pulumi.local.yaml", "192.168.56.50"]);
    expect([notVsphere.code, notVsphere.err, notVsphere.runs.length]).toEqual([1, "istio-lab:cluster.source is kind: a template is cloned only by source vsphere\n", 0]);
    const badAddress = await prepare(["Pulumi.dev.yaml", "template.example.com"]);
    expect([badAddress.code, badAddress.runs.length]).toEqual([2, 0]);
    expect(badAddress.err).toMatch(/^template\.example\.com: the VM's IPv4 address/);
    const badConfig = await prepare([devWith((values) => (values["istio-lab:cluster"].kubernetesVersion = "latest")), "192.168.56.50"]);
    expect([badConfig.code, badConfig.runs.length]).toEqual([1, 0]);
    expect(badConfig.err).toContain("istio-lab:cluster.kubernetesVersion: must be a release version");
    for (const argv of [["Pulumi.dev.yaml"], ["--nope", "Pulumi.dev.yaml", "192.168.56.50"]]) {
      const usage = await prepare(argv);
      expect([usage.code, usage.runs.length], argv.join(" ")).toEqual([2, 0]);
      expect(usage.err).toContain("usage: npm run prepare-template -- <Pulumi.<stack>.yaml>");
    }
  });

  it("runs ssh without prompts and bounded: batch mode, a first host key recorded, a connect timeout and keepalives", () => {
    const args = sshArgs({ address: "192.168.56.50", user: "rocky", port: 2222 }, "env bash -c true x");
    expect(args).toEqual([
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=30", "-o", "ServerAliveInterval=30", "-o", "ServerAliveCountMax=4"],
      ...["-p", "2222", "-l", "rocky", "192.168.56.50", "env bash -c true x"],
    ]);
  });

  it("passes each step's exit code through ssh, and stops a step that outlives its bound", async () => {
    const dir = tempDir("istio-lab-ssh-");
    const fakeSsh = path.join(dir, "ssh");
    // The stand-in answers with the exit code in the remote command's first word, or never.
    // Killed in a session, ssh exits 255 itself (OpenSSH clientloop.c), as the stand-in does.
    fs.writeFileSync(fakeSsh, '#!/bin/sh\neval "last=\\${$#}"\ncase "$last" in hang*) trap "kill \\$!; exit 255" TERM; sleep 600 & wait ;; esac\nexit "${last%% *}"\n', { mode: 0o755 });
    const messages: string[] = [];
    const target = { address: "192.168.56.50", user: "root", port: 22 };
    expect(await sshRunner((t) => messages.push(t), { command: fakeSsh })(target, "3 env bash -c x")).toBe(3);
    expect(await sshRunner((t) => messages.push(t), { command: fakeSsh })(target, "0 env bash -c x")).toBe(0);
    expect(await sshRunner((t) => messages.push(t), { command: fakeSsh, timeoutMs: 300 })(target, "hang")).toBe(124);
    expect(messages).toEqual([`prepare-template: no end of the step after 0.005 min; stopping ${fakeSsh}\n`]);
    expect(await sshRunner((t) => messages.push(t), { command: path.join(dir, "missing") })(target, "0")).toBe(127);
    expect(messages[1]).toMatch(/could not run .*missing .*install an OpenSSH client/);
  });
});
