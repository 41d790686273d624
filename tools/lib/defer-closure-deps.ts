// Loaded before @pulumi/pulumi by every process that renders (the render and bench commands,
// vitest's setup file): the SDK's closure serializer loads TypeScript and npm's Arborist when the
// SDK is imported, not when a function is serialized. Neither is ever used by a render (istio-lab
// serializes no function and has no dynamic provider), yet the two are 60 % of the SDK's import
// time: measured with a require hook on this machine, 0.88 s -> 0.62 s a process. Each stands
// behind a proxy that loads the real module on its first use, so behaviour stays the SDK's own.
// Sources: @pulumi/pulumi runtime/closure/parseFunction.js (`require("../../typescript-shim")` at
// module scope) and runtime/closure/codePaths.js (`__importStar(require("@npmcli/arborist"))`).
import { createRequire } from "node:module";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));

/** Module ids as the SDK resolves them, so the proxy is what its `require` finds. */
export const deferredModules = ["typescript", "@npmcli/arborist"] as const;

/** Answers true on a proxy whose module has not loaded yet (for the test that guards this). */
export const notLoadedYet = Symbol.for("istio-lab.defer-closure-deps.not-loaded-yet");

for (const id of deferredModules) {
  let file: string;
  try {
    file = sdkRequire.resolve(id);
  } catch {
    continue; // not installed here: the SDK falls back on its own copy, loaded as before
  }
  if (sdkRequire.cache[file]) continue;
  let real: Record<PropertyKey, unknown> | undefined;
  const load = () => {
    if (!real) {
      delete sdkRequire.cache[file];
      real = sdkRequire(file) as Record<PropertyKey, unknown>;
    }
    return real;
  };
  // Module loaders ask two interop questions of a module's exports as they load it; neither may
  // load the real module. `__importStar` (TypeScript's CommonJS interop) asks `__esModule`: true
  // makes it hand the proxy itself to the SDK, whose first real use (`arborist.Arborist`) loads
  // the module. tsx asks for a "module.exports" property (Node's require(esm) interop): there is none.
  const interop = (key: PropertyKey) => !real && (key === "__esModule" || key === "module.exports" || key === notLoadedYet);
  const proxy = new Proxy(
    {},
    {
      get: (_, key) => (interop(key) ? key !== "module.exports" : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        if (interop(key)) return undefined;
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  sdkRequire.cache[file] = { id: file, filename: file, loaded: true, exports: proxy } as NodeJS.Module;
}
