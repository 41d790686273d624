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
});
