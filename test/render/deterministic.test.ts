import { describe, expect, it } from "vitest";
import { renderFile, resource } from "../harness";

describe("an offline render", () => {
  it("is the same every time, so renders can be diffed in review", async () => {
    const first = await renderFile("Pulumi.dev.yaml");
    const second = await renderFile("Pulumi.dev.yaml");
    expect(second.resources).toEqual(first.resources);
    expect(resource(first, "command:remote:Command", "control-plane-join-command").inputs.triggers).toEqual(["offline-render"]);
  });
});
