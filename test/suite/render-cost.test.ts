// What keeps a render cheap stays in effect: the SDK's closure-serializer dependencies, deferred by
// tools/lib/defer-closure-deps.ts, are not loaded by importing the SDK or by rendering a stack; and
// while a render runs, stack traces are short and plain (tools/lib/mock-engine.ts).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { deferredModules, notLoadedYet } from "../../tools/lib/defer-closure-deps";
import { renderConfig, renderStackFrames } from "../../tools/lib/mock-engine";
import { stackConfig } from "../../tools/lib/stack-file";
import { renderFile } from "../harness";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));

// In this order, also under --sequence.shuffle: the second test loads what the first finds deferred.
describe("the render's import cost", { shuffle: false }, () => {
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

describe("stack traces during a render", () => {
  it("are short and unmapped while the program runs, and as they were once it ends", async () => {
    const before = { limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace };
    let during: unknown;
    await renderConfig(stackConfig("test", {}), () => {
      during = { limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace };
      return {};
    });
    expect(renderStackFrames).toBeGreaterThanOrEqual(1); // the frame that threw, to find a bug by
    expect(renderStackFrames).toBeLessThan(before.limit);
    expect(during).toEqual({ limit: renderStackFrames, sourceMaps: false, prepare: undefined });
    expect({ limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace }).toEqual(before);
  });
});
