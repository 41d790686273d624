// The `npm run render` contract of DESIGN.md, exercised through the real command line.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ciphertext } from "../harness";
import { validateObject } from "../validate";
import { runRender } from "../../tools/lib/render-cli";
import { npmScriptArgs } from "../npm-script";
import { hostInLab } from "../../catalog/lab-host";
import { ofKind } from "../../catalog/istio-resources";
import { exampleScenario } from "../../catalog/scenarios/examples";

const root = path.resolve(__dirname, "../..");

/** `npm run render -- ...` in a process of its own, as a user runs it. */
function spawnRender(...args: string[]) {
  const result = spawnSync(process.execPath, [...npmScriptArgs("render"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same command in this process (tools/lib/render-cli.ts, what tools/render.ts runs), once per
 * distinct command line: a process costs over a second of module loading, so only the checks
 * that need one (a second process's identical document, stdout drained, the exit code) spawn it.
 */
const runs = new Map<string, Promise<{ status: number; stdout: string; stderr: string }>>();
function render(...args: string[]) {
  const key = JSON.stringify(args);
  if (!runs.has(key)) {
    let stdout = "";
    let stderr = "";
    const io = { out: (text: string) => void (stdout += text), err: (text: string) => void (stderr += text) };
    runs.set(key, runRender(args, io).then((status) => ({ status, stdout, stderr })));
  }
  return runs.get(key)!;
}

/** A stack file in a scratch project directory, beside a copy of the real Pulumi.yaml. */
function stackFile(stack: string, config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-render-"));
  fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, JSON.stringify({ config }));
  return file;
}

describe("npm run render", () => {
  it("prints the resource tree of a stack file", async () => {
    const { status, stdout } = await render("Pulumi.local.yaml");
    expect(status).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^stack local: \d+ resources$/);
    expect(lines[1]).toBe("pulumi:pulumi:Stack  istio-lab-local");
    expect(lines[2]).toBe("└─ istio-lab:index:Lab  lab");
    expect(stdout).toContain("│  ├─ kubernetes:helm.sh/v3:Release  HelmRelease/istio-system/istiod  (after HelmRelease/istio-system/istio-base)");
  });

  it("renders the same document in two processes, so renders can be diffed between machines and runs, and drains a large one into a pipe", async () => {
    const [first, second] = [await render("Pulumi.dev.yaml", "--json"), spawnRender("Pulumi.dev.yaml", "--json")];
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(first.stdout).resources.length).toBeGreaterThan(70);
  });

  // One run serves the JSON contract and --out, written to this folder.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-out-"));

  it("prints only the JSON contract with --json", async () => {
    const { status, stdout } = await render("Pulumi.local.yaml", "--json", "--out", out);
    expect(status).toBe(0);
    const doc = JSON.parse(stdout) as { stack: string; resources: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(["stack", "resources"]);
    expect(doc.stack).toBe("local");
    for (const r of doc.resources) expect(Object.keys(r)).toEqual(["type", "name", "parent", "dependsOn", "inputs", "options", "provider"]);
    expect(doc.resources.find((r) => r.name === "HelmRelease/istio-system/istiod")).toMatchObject({
      type: "kubernetes:helm.sh/v3:Release",
      parent: "mesh",
      dependsOn: ["HelmRelease/istio-system/istio-base"],
    });
  });

  it("writes every Kubernetes object as YAML with --out, each valid against its schema, and each Helm release", async () => {
    const { status, stdout } = await render("Pulumi.local.yaml", "--json", "--out", out);
    expect(status).toBe(0);
    const objects = (JSON.parse(stdout).resources as { type: string; inputs: { kind?: string } }[]).filter(
      (r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string",
    );
    const files = fs.readdirSync(out).filter((f) => f.endsWith(".yaml"));
    const releases = files.filter((f) => f.startsWith("HelmRelease_"));
    expect(files.length - releases.length).toBe(objects.length);
    expect(files).toContain("Namespace_bookinfo.yaml");
    for (const file of files.filter((f) => !releases.includes(f))) await validateObject(parse(fs.readFileSync(path.join(out, file), "utf8")));
    expect(parse(fs.readFileSync(path.join(out, "HelmRelease_istio-system_istiod.yaml"), "utf8"))).toMatchObject({
      release: "istiod",
      namespace: "istio-system",
      chart: "istiod",
      version: "1.31.1",
      repository: "https://istio-release.storage.googleapis.com/charts",
      values: { pilot: { autoscaleEnabled: false } },
    });
  });

  it("renders --out over its own earlier render only: the files it listed go, a file of yours stays, and a folder of other files is refused", async () => {
    // The folder the local render above wrote, rendered over by another stack.
    expect((await render("Pulumi.local.yaml", "--json", "--out", out)).status).toBe(0);
    const written = fs.readdirSync(out).filter((f) => f.endsWith(".yaml"));
    expect(written).toContain("Deployment_bookinfo_reviews-v1.yaml");
    // The manifest lists what the render wrote, and nothing else.
    const listed = () => fs.readFileSync(path.join(out, ".istio-lab-render"), "utf8").split("\n").filter((l) => l.endsWith(".yaml"));
    expect(listed().sort()).toEqual(written.sort());
    fs.writeFileSync(path.join(out, "mine.yaml"), "kind: Mine\n");
    fs.writeFileSync(path.join(out, "notes.txt"), "mine");
    const mirror = stackFile("mirror", { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": "mirroring" });
    const over = await render(mirror, "--out", out);
    expect(over.status).toBe(0);
    expect(over.stderr).toContain(`note: --out ${out} keeps 2 files render did not write: mine.yaml, notes.txt`);
    const after = fs.readdirSync(out);
    expect(after).not.toContain("Deployment_bookinfo_reviews-v1.yaml");
    expect(after).toContain("Deployment_bookinfo_httpbin-v1.yaml");
    expect(fs.readFileSync(path.join(out, "mine.yaml"), "utf8")).toBe("kind: Mine\n");
    expect(fs.readFileSync(path.join(out, "notes.txt"), "utf8")).toBe("mine");
    expect(listed()).not.toContain("mine.yaml");
    // A file of yours under a name the render would write is refused, and nothing is written.
    fs.writeFileSync(path.join(out, ".istio-lab-render"), `${listed().filter((f) => f !== "Namespace_bookinfo.yaml").join("\n")}\n`);
    fs.writeFileSync(path.join(out, "Namespace_bookinfo.yaml"), "kind: Namespace # mine\n");
    const state = () => fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f), "utf8")]);
    const before = state();
    const clash = await render("Pulumi.local.yaml", "--out", out);
    expect(clash.status).toBe(1);
    expect(clash.stdout).toBe("");
    expect(clash.stderr.trim()).toBe(`--out ${out}: Namespace_bookinfo.yaml would be replaced, and render did not write it; move it or give another folder`);
    expect(state()).toEqual(before);
    const foreign = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-foreign-"));
    fs.writeFileSync(path.join(foreign, "notes.txt"), "mine");
    const refused = await render("Pulumi.local.yaml", "--out", foreign);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr.trim()).toBe(`--out ${foreign}: the folder holds files render did not write; give a new or empty folder`);
    expect(fs.readdirSync(foreign)).toEqual(["notes.txt"]);
    const file = path.join(foreign, "notes.txt");
    const notFolder = await render("Pulumi.local.yaml", "--out", file);
    expect(notFolder.status).toBe(1);
    expect(notFolder.stderr.trim()).toBe(`--out ${file}: not a folder`);
    expect(fs.readFileSync(file, "utf8")).toBe("mine");
  });

  it("turns secure: values into placeholders and prints every secret input as [secret]", async () => {
    const file = stackFile("secrets", {
      "istio-lab:cluster": { source: "kubeconfig" },
      "istio-lab:kubeconfig": ciphertext,
    });
    const { status, stdout } = await render(file, "--json");
    expect(status).toBe(0);
    const provider = JSON.parse(stdout).resources.find((r: { type: string }) => r.type === "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(stdout).not.toContain("placeholder for the secret");
    expect(stdout).not.toContain("ciphertext");
  });

  it("renders a secret inside an object, a chart repository URL as much as an env value, and never prints its stand-in", async () => {
    const file = stackFile("nested-secrets", {
      "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" },
      "istio-lab:mesh": { chartRepository: ciphertext },
    });
    const { status, stdout, stderr } = await render(file, "--json");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const releases = JSON.parse(stdout).resources.filter((r: { type: string }) => r.type === "kubernetes:helm.sh/v3:Release");
    expect(releases.length).toBeGreaterThan(3);
    for (const release of releases) expect(release.inputs.repositoryOpts).toBe("[secret]");
    expect(stdout).not.toContain("placeholder-for-a-secret");
  });

  it("fails a bad config on stderr, with a non-zero exit and no resources", async () => {
    const file = stackFile("broken", { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config", podCIDR: "10.2.0.0/16" } });
    const { status, stdout, stderr } = await render(file, "--json");
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^ {2}- istio-lab:cluster(\.podCIDR)?: unknown key "podCIDR"; did you mean "podCidr"\?$/m);
  });

  it("refuses a stack the Pulumi CLI would refuse, with the CLI's message and before the program runs", async () => {
    const file = stackFile("typed", { "istio-lab:scenario": { name: "bookinfo" } });
    const { status, stdout, stderr } = await render(file, "--json");
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe("error: validating stack config: Stack 'typed' with configuration key 'scenario' must be of type 'string'");
  });

  it("renders a shipped machine stack with placeholders for the secrets it does not set yet, and says so", async () => {
    const { status, stdout, stderr } = await render("Pulumi.dev.yaml", "--json");
    expect(status).toBe(0);
    expect(stderr).toContain("note: Pulumi.dev.yaml sets no istio-lab:sshPrivateKey, vsphere:password; rendered with placeholder secrets");
    const vm = JSON.parse(stdout).resources.find((r: { type: string }) => r.type === "vsphere:index/virtualMachine:VirtualMachine");
    expect(vm.options).toMatchObject({ deleteBeforeReplace: true, ignoreChanges: ["clone.templateUuid"], version: "4.17.0" });
  });

  it("assumes the template's disk a vSphere stack's diskGb implies, and says so, instead of refusing it against a disk it made up", async () => {
    const vsphere = (stack: string, fields: Record<string, unknown>) =>
      stackFile(stack, {
        "vsphere:vsphereServer": "vcenter.example.com",
        "vsphere:user": "administrator@vsphere.local",
        "vsphere:password": ciphertext,
        "istio-lab:sshPrivateKey": ciphertext,
        "istio-lab:cluster": { source: "vsphere", vsphere: { datacenter: "dc", computeCluster: "c", datastore: "ds", network: "VM Network", template: "rocky9-base", ...fields } },
      });
    const diskOf = (stdout: string) => JSON.parse(stdout).resources.find((r: { type: string }) => r.type === "vsphere:index/virtualMachine:VirtualMachine").inputs.disks[0].size;
    const linked = await render(vsphere("linked", { linkedClone: true, diskGb: 60 }), "--json");
    expect(linked.status).toBe(0);
    expect(diskOf(linked.stdout)).toBe(60);
    expect(linked.stderr).toContain("note: Pulumi.linked.yaml: the template rocky9-base's disk was assumed to be 60 GB (cluster.vsphere.diskGb): a render cannot ask vCenter");
    const small = await render(vsphere("small", { diskGb: 10 }), "--json");
    expect(small.status).toBe(0);
    expect(diskOf(small.stdout)).toBe(10);
    expect(small.stderr).toContain("note: Pulumi.small.yaml: the template rocky9-base's disk was assumed to be 10 GB (cluster.vsphere.diskGb)");
    // Nothing assumed where the stack's own disk stands.
    const full = await render(vsphere("full", { diskGb: 80 }), "--json");
    expect(diskOf(full.stdout)).toBe(80);
    expect(full.stderr).not.toContain("assumed");
  });

  it("takes the run id and a preview mode from flags, and refuses an unknown flag with its usage", async () => {
    const gated = stackFile("gated", { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:verify": { gate: true, gatewayUrl: "http://127.0.0.1:8080" } });
    const gate = (out: string) => JSON.parse(out).resources.find((r: { name: string }) => r.name === "verify-run").inputs.triggers;
    const previewed = await render(gated, "--json", "--run-id", "run-7", "--preview");
    expect(previewed.status).toBe(0);
    expect(gate(previewed.stdout)).toEqual(["run-7"]);
    const unknown = await render(gated, "--jsn");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--jsn'");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it("draws the stack's scenario traffic as a Mermaid flowchart with --diagram, and takes --json or --diagram, not both", async () => {
    const mirroring = stackFile("mirror", { "istio-lab:cluster": { source: "kubeconfig", kubeconfig: "~/.kube/config" }, "istio-lab:scenario": "mirroring" });
    const { status, stdout } = await render(mirroring, "--diagram");
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toBe("flowchart LR");
    // The request path from the scenario's own client, which the stack's config names; the addons' pods are outside the mesh.
    expect(stdout).toContain("  cl_curl --> wl_httpbin_v1\n");
    expect(stdout).toContain('  cl_curl -.->|"mirror 100%"| wl_httpbin_v2\n');
    expect(stdout).not.toContain("jaeger");
    const both = await render(mirroring, "--json", "--diagram");
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("[--json | --diagram]");
  });

  it("draws a lab stack's gateway hosts beneath the lab's own host, as the lab serves them", async () => {
    const dir = path.dirname(stackFile("unused", {}));
    fs.copyFileSync(path.join(root, "Pulumi.local.yaml"), path.join(dir, "Pulumi.local.yaml"));
    for (const [stack, scenario] of [
      ["lab-a", "route-jason-v2"],
      ["lab-b", "ingress-httpbin"],
    ] as const) {
      const file = path.join(dir, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(file, JSON.stringify({ config: { "istio-lab:platform": "local", "istio-lab:scenario": scenario } }));
      const lab = JSON.parse(/^ {2}labHost: (.*)$/m.exec((await render(file)).stdout)![1]) as string;
      const { status, stdout } = await render(file, "--diagram");
      expect(status).toBe(0);
      // Each server of the catalog's Gateway, its hosts moved beneath the lab's (catalog/lab-host.ts).
      for (const gateway of ofKind(exampleScenario(scenario).resources, "Gateway")) {
        for (const server of gateway.spec.servers) {
          expect(stdout).toContain(`Gateway ${gateway.name}<br/>${server.port.protocol} ${server.port.number}: ${server.hosts.map((h) => hostInLab(h, lab)).join(", ")}"`);
        }
      }
      expect(stdout).not.toMatch(/example\.com|: \*/);
    }
  });

  it("explains its usage when the stack file is missing", async () => {
    // As a process: the exit code is the process's, and no stack trace reaches the terminal.
    const { status, stderr } = spawnRender();
    expect(status).toBe(2);
    expect(stderr).toContain("usage: npm run render -- <Pulumi.<stack>.yaml>");
  });
});
