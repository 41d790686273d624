// What keeps a render cheap stays in effect: the SDK's closure-serializer dependencies, deferred by
// tools/lib/defer-closure-deps.ts, are not loaded by importing the SDK or by rendering a stack; and
// while a render runs, stack traces are short and plain (tools/lib/mock-engine.ts).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { deferredModules, notLoadedYet } from "../../tools/lib/defer-closure-deps";
import { debuggable, renderConfig } from "../../tools/lib/mock-engine";
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
  const settings = () => ({ debuggablePromise: debuggable.debuggablePromise, limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace });
  const expectAsBefore = (before: ReturnType<typeof settings>) => {
    const after = settings();
    for (const key of Object.keys(before) as (keyof typeof before)[]) expect(after[key], key).toBe(before[key]);
  };

  it("cost the SDK's own promises no frame, leave an error all of its own, and are as they were once the render ends", async () => {
    const before = settings();
    let during: Record<string, unknown> = {};
    await renderConfig(stackConfig("test", {}), () => {
      // The SDK writes its trace on the promise it is given (runtime/debuggable.js).
      const promise: Promise<void> & { _debugStackTrace?: string } = Promise.resolve();
      void debuggable.debuggablePromise(promise, "probe");
      const error = new Error("a bug").stack!.split("\n");
      during = { promiseTrace: promise._debugStackTrace, errorFrames: error.length - 1, firstFrame: error[1], limit: Error.stackTraceLimit, sourceMaps: process.sourceMapsEnabled };
      return {};
    });
    expect(during).toMatchObject({ promiseTrace: "Error", limit: before.limit, sourceMaps: false });
    expect(during.errorFrames).toBeGreaterThan(1);
    expect(during.firstFrame).toMatch(/render-cost\.test\.ts:\d+:\d+\)?$/); // where it was thrown
    expectAsBefore(before);
  });

  it("are as they were after a render that fails", async () => {
    const before = settings();
    await expect(
      renderConfig(stackConfig("test", {}), () => {
        throw new Error("a bug in the program");
      }),
    ).rejects.toThrow("a bug in the program");
    expectAsBefore(before);
  });
});
