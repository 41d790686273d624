import { describe, expect, it } from "vitest";
import { localCluster, renderStack, resource } from "./harness";
import { validateObject } from "./validate";

describe("a kubeconfig stack", () => {
  it("renders the layers in order on one provider", async () => {
    const rendered = await renderStack({ "istio-lab:cluster": localCluster });
    const ns = resource(rendered, "kubernetes:core/v1:Namespace", "Namespace/bookinfo");
    expect(ns.inputs).toMatchObject({ metadata: { name: "bookinfo", labels: { "istio-injection": "enabled" } } });
    await validateObject(ns.inputs);
    expect(resource(rendered, "istio-lab:scenarios:Scenario", "scenario").dependsOn).toEqual(["mesh", "workloads"]);
  });
});
