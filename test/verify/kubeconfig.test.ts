import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { kubeCluster } from "../../tools/verify/cluster";

describe("loading the kubeconfig", () => {
  it("never repeats kubeconfig contents in its error", async () => {
    const content = "apiVersion: v1\nusers:\n- user: { client-key-data: c2VjcmV0LWtleS1tYXRlcmlhbA== \n";
    const error = await kubeCluster({ kind: "inline", content }, "bookinfo", "curl").then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^cannot load the kubeconfig: it is not valid kubeconfig YAML$/);
    expect(error?.message).not.toContain("c2VjcmV0");
  });

  it("reads a path under ~ from the home folder, as the stack writes it", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-home-"));
    fs.writeFileSync(path.join(home, "lab.kubeconfig"), "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n");
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const error = await kubeCluster({ kind: "file", path: "~/lab.kubeconfig" }, "bookinfo", "curl").then(
        () => undefined,
        (e: Error) => e,
      );
      // Loaded: what is missing now is a cluster in it, not the file.
      expect(error?.message).toBe("the kubeconfig names no current cluster (pass --kubeconfig, or set its current-context)");
    } finally {
      process.env.HOME = saved;
    }
  });

  it("never repeats a kubeconfig file's contents either, but says when the file is missing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-kc-"));
    const file = path.join(dir, "broken");
    fs.writeFileSync(file, "apiVersion: v1\nusers:\n- user: { client-key-data: c2VjcmV0LWtleS1tYXRlcmlhbA== \n");
    const load = (p: string) => kubeCluster({ kind: "file", path: p }, "bookinfo", "curl").then(() => undefined, (e: Error) => e.message);
    expect(await load(file)).toBe(`cannot load the kubeconfig ${file}: it is not valid kubeconfig YAML`);
    expect(await load(path.join(dir, "absent"))).toMatch(/^cannot load the kubeconfig .*absent: ENOENT/);
  });

  it("looks at the context the lab pins, and says so when the kubeconfig lacks it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-lab-kc-"));
    const file = path.join(dir, "two");
    // Both on loopback ports nothing listens on: a request fails at once, naming the server it tried.
    const cluster = (name: string, port: number) => ({ name, cluster: { server: `https://127.0.0.1:${port}` } });
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [cluster("lab", 1), cluster("other", 2)],
        users: [{ name: "u", user: {} }],
        contexts: [
          { name: "lab", context: { cluster: "lab", user: "u" } },
          { name: "other", context: { cluster: "other", user: "u" } },
        ],
        "current-context": "other",
      }),
    );
    const missing = await kubeCluster({ kind: "file", path: file }, "bookinfo", "curl", "gone").then(() => undefined, (e: Error) => e.message);
    expect(missing).toBe("the kubeconfig has no context gone (istio-lab:cluster.context, --context)");
    const transport = await kubeCluster({ kind: "file", path: file }, "bookinfo", "curl", "lab");
    const reached = await transport.ping(5000).then(() => "answered", (e: Error) => e.message);
    transport.close();
    expect(reached).toContain("https://127.0.0.1:1");
  });
});
