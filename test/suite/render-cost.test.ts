// What keeps a render cheap stays in effect: the SDK's closure-serializer dependencies, deferred by
// tools/lib/defer-closure-deps.ts, are not loaded by importing the SDK or by rendering a stack.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { deferredModules, notLoadedYet } from "../../tools/lib/defer-closure-deps";
import { renderFile } from "../harness";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));

describe("the render's import cost", () => {
  it("defers TypeScript and Arborist past a whole render of the machine stack", async () => {
    await renderFile("Pulumi.dev.yaml");
    for (const id of deferredModules) {
      const cached = sdkRequire.cache[sdkRequire.resolve(id)];
      // The proxy stands in the module cache, its module still unloaded.
      expect(cached?.exports[notLoadedYet], id).toBe(true);
    }
  });

  it("loads the real module on its first use, as the SDK would have", () => {
    const ts = sdkRequire("typescript") as { version: string; createSourceFile: unknown };
    expect(typeof ts.createSourceFile).toBe("function");
    expect(ts.version).toMatch(/^5\./);
  });
});
