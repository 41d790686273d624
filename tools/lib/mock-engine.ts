// Runs the program under Pulumi's mock engine and records every resource it registers: the one
// code path behind `npm run render`, the tests and the benchmark.
import "./defer-closure-deps"; // first: before the SDK loads
import * as pulumi from "@pulumi/pulumi";
import * as schema from "../../components/config/schema";
import { istioLab } from "../../components/program";
import type { ProgramHost } from "../../components/config";
import { assumedTemplate, defaultStandIns, getVirtualMachineToken, standInFiles, vsphereTemplate, type StandIns } from "./stand-ins";
import { platformProblem, platformStackFile, readStackFileForRender, StackFileError, type StackConfig } from "./stack-file";
import { holdsSecret, recordFacts, sealSecrets } from "./engine-secrets";

// Internal to the SDK but exported: waitForRPCs resolves once every registration was answered;
// the monitor is wrapped because the mock drops the plugin version an invoke asks for.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  getMonitor(): { invoke(request: { getTok(): string; getVersion(): string }, callback: unknown): unknown };
};

// Internal to the SDK but exported, and every call site reads it from this module's exports
// (`debuggable_1.debuggablePromise(...)`), so a render can stand in for it (withPlainStacks).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(promise: Promise<T>, ctx: unknown): Promise<T> };

/**
 * The resource options that decide what the engine does with a resource beyond its inputs: how a
 * change replaces it, in which order, and how long a step may take.
 */
export interface SeenOptions {
  version?: string;
  additionalSecretOutputs?: string[];
  customTimeouts?: pulumi.CustomTimeouts;
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
  /** Name of the resource whose deletion takes this one with it. */
  deletedWith?: string;
  /** Names of the resources whose replacement replaces this one too (pulumi/pulumi #20693, v3.207.0). */
  replaceWith?: string[];
  retainOnDelete?: boolean;
  protect?: boolean;
  /** The URNs the resource was known by before (its `aliases`), so that existing stacks keep it. */
  aliases?: string[];
}

export interface RenderedResource {
  type: string;
  name: string;
  /** Name of the parent resource; null for the stack itself. */
  parent: string | null;
  /** Type of the parent, since names repeat across types (a VM and the Node on it). */
  parentType: string | null;
  /** Names of the explicit dependsOn resources. */
  dependsOn: string[];
  /**
   * What the program passed, with every secret as "[secret]". The plaintext, which a plan diffs
   * by, is kept beside the resource and never printed (engine-secrets.ts).
   */
  inputs: Record<string, unknown>;
  options: SeenOptions;
  /** Name of the explicit provider resource the engine hands the resource to; null for components and for the package's default provider. */
  provider: string | null;
}

export interface RenderedInvoke {
  token: string;
  inputs: Record<string, unknown>;
  /** The provider plugin version the invoke asked for. */
  version: string;
}

export interface Rendered {
  stack: string;
  resources: RenderedResource[];
  /** The stack's outputs, each secret one as "[secret]". */
  outputs: Record<string, unknown>;
  /** Which outputs are secrets (what the engine records as a stack's secret output names). */
  secretOutputs: string[];
  invokes: RenderedInvoke[];
  /** What the render assumed where only a provider could know (a vSphere template's disk), one sentence each. */
  assumptions?: string[];
}

/** The program, given the machine it stands for: its stack file's folder and its PATH. */
export type Program = (host?: ProgramHost) => Record<string, pulumi.Input<unknown>> | Promise<Record<string, pulumi.Input<unknown>>>;

/**
 * What the engine refuses while the program registers (a duplicate URN): the deployment fails with
 * the engine's own message, as `pulumi up` and `pulumi preview` print it.
 */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineError";
  }
}

/**
 * The engine's message for a second registration of a URN (pulumi/pulumi
 * sdk/go/common/diag/errors.go GetDuplicateResourceURNError, raised by pkg/resource/deploy/
 * step_generator.go generateURN).
 */
export const duplicateUrnMessage = (urn: string) => `Duplicate resource URN '${urn}'; try giving it a unique name`;

/** Pulumi's wire form of a secret is an object keyed by the signature; print it as "[secret]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (pulumi.runtime.isRpcSecret(record)) return "[secret]";
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** The run id of an offline render, fixed so that two renders of a stack are equal. */
export const offlineRunId = "offline-render";

/** The program as a render runs it, with a given run id (see LabArgs.runId). */
export const renderProgram =
  (runId = offlineRunId): Program =>
  (host) =>
    istioLab(runId, host);

export interface RenderMode {
  /**
   * Run as `pulumi preview` of a new stack does: what providers compute (ids, command output,
   * the kubeconfig read from a control plane) is unknown, and no apply callback on it runs.
   */
  preview?: boolean;
  /**
   * The stacks a StackReference may read, by the name it gives (a lab's platform): their outputs
   * as a render of their stack file printed them, and which are secrets.
   */
  stackReferences?: Readonly<Record<string, StackOutputs>>;
  /** Which commands the machine has on PATH (default: all of them). */
  onPath?: (tool: string) => boolean;
  /** The files the machine has (source kubeconfig's path; default: a stand-in kubeconfig at every path). */
  readFile?: (path: string) => string | undefined;
  /**
   * What earlier deployments stored, by Stash name: a Stash's `output` keeps the value it was first
   * created with (pulumi/pulumi pkg/resource/deploy/builtins.go, Create copies `input` to
   * `output`, Update keeps the old `output`). Absent: a stack's first deployment.
   */
  stashed?: Readonly<Record<string, unknown>>;
}

export interface StackOutputs {
  outputs: Record<string, unknown>;
  secretOutputs: string[];
}

export const stackReferenceType = "pulumi:pulumi:StackReference";
export const stashType = "pulumi:index:Stash";

export async function renderStackFile(stackFile: string, program: Program = renderProgram()): Promise<Rendered> {
  const { config } = readStackFileForRender(stackFile);
  return renderConfig(config, program, defaultStandIns, { stackReferences: await platformReferences(stackFile, config) });
}

/**
 * What a lab stack's StackReference reads in an offline render: its platform's outputs, from a
 * render of the platform's stack file in the lab's folder (`istio-lab:platform: dev` or
 * `org/istio-lab/dev` -> Pulumi.dev.yaml). A platform stack reads none.
 */
export async function platformReferences(stackFile: string, config: StackConfig, runId = offlineRunId): Promise<Record<string, StackOutputs>> {
  const platform = config.values["istio-lab:platform"];
  // No platform, or a name the program's config check refuses with the key named.
  if (!platform || !schema.platform.safeParse(platform).success) return {};
  // This project's stacks only, their names read as the CLI reads them (stack-file.ts platformStackFile).
  const file = platformStackFile(stackFile, config);
  try {
    const platformConfig = readStackFileForRender(file).config;
    if (platformConfig.values["istio-lab:platform"]) {
      throw new StackFileError(`istio-lab:platform: ${platform} is itself a lab (on ${platformConfig.values["istio-lab:platform"]}); a lab's platform must be a platform stack`);
    }
    const { outputs, secretOutputs } = await renderConfig(platformConfig, renderProgram(runId));
    return { [platform]: { outputs, secretOutputs } };
  } catch (error) {
    if (error instanceof StackFileError && error.message.startsWith("istio-lab:platform:")) throw error;
    // The platform's own mistake names its file and its key, not a key of the lab's.
    throw platformProblem(file, error) ?? error;
  }
}

export async function renderConfig(
  config: StackConfig,
  program: Program = renderProgram(),
  standIns: StandIns = defaultStandIns,
  mode: RenderMode = {},
): Promise<Rendered> {
  return withPlainStacks(() => render(config, program, standIns, mode));
}

let plainStackDepth = 0;
let savedStacks: { sourceMaps: boolean; prepare: typeof Error.prepareStackTrace; debuggablePromise: typeof debuggable.debuggablePromise } | undefined;

/**
 * Cheap stack traces while a render runs, and no fewer frames for an error.
 * - The SDK takes a stack trace for every resource (Resource.sourcePosition) and formats it; with
 *   source maps on (tsx, vitest's module runner), mapping every frame costs half a render (340 ms
 *   -> 184 ms on the dev stack). A render prints no source position, so plain V8 traces stand in.
 * - It also takes one for every output and operation it creates (debuggablePromise's
 *   `new Error().stack`), kept only for its report of leaked promises. Capturing Node's 10 frames
 *   for each was two thirds of what remained (dev stack, interleaved in one process: 174 ms ->
 *   75 ms a render, minimum of 12), so those are taken with no frame at all. Errors keep theirs.
 */
async function withPlainStacks<T>(run: () => Promise<T>): Promise<T> {
  if (plainStackDepth++ === 0) {
    const traced = debuggable.debuggablePromise;
    savedStacks = { sourceMaps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace, debuggablePromise: traced };
    process.setSourceMapsEnabled(false);
    Reflect.deleteProperty(Error, "prepareStackTrace");
    debuggable.debuggablePromise = (promise, ctx) => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return traced(promise, ctx);
      } finally {
        Error.stackTraceLimit = limit;
      }
    };
  }
  try {
    return await run();
  } finally {
    if (--plainStackDepth === 0 && savedStacks) {
      process.setSourceMapsEnabled(savedStacks.sourceMaps);
      if (savedStacks.prepare) Error.prepareStackTrace = savedStacks.prepare;
      debuggable.debuggablePromise = savedStacks.debuggablePromise;
    }
  }
}

async function render(config: StackConfig, program: Program, standIns: StandIns, mode: RenderMode): Promise<Rendered> {
  const registered: { type: string; name: string; inputs: Record<string, unknown>; provider: string | null; custom: boolean }[] = [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  const versions: string[] = [];
  // Transformations run in the constructors, so their order is the program's order; the mock's
  // registrations arrive in whatever order promises settle.
  const seen = new Map<string, { order: number; parent: string | null; parentType: string | null; dependsOn: string[]; options: SeenOptions }>();
  const keyOf = (type: string, name: string) => `${type}::${name}`;
  const stackName = `${config.project}-${config.stack}`;
  let failure: { error: unknown } | undefined;
  // Each resource's URN as the engine makes it (pkg/resource/deploy/deployment.go generateURN: the
  // stack, the project, the parent's qualified type chain, the type and the name; the parent's name
  // is no part of it), by the resource object the SDK hands every transformation.
  const qualifiedTypes = new WeakMap<pulumi.Resource, string>();
  const urns = new Map<string, string>();
  let refused: EngineError | undefined;
  const pendingAliases: Promise<unknown>[] = [];
  const secretOutputs = new Set<string>();
  // The stand-in template takes the disk the stack implies, and says so (stand-ins.ts assumedTemplate);
  // a template a caller gave stays as given.
  const assumed = standIns.invokes?.[getVirtualMachineToken] === vsphereTemplate ? assumedTemplate(config.values) : undefined;
  const invokeAnswers: Record<string, Record<string, unknown>> | undefined = assumed ? { ...standIns.invokes, [getVirtualMachineToken]: assumed.template } : standIns.invokes;

  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs, provider, custom }) => {
        // A provider reference is `<provider URN>::<id>`; the URN ends in the provider's name.
        registered.push({ type, name, inputs, provider: provider ? provider.split("::").slice(-2)[0] : null, custom: custom ?? true });
        // A read, resolved in a preview as in an update (see components/platform.ts).
        if (type === stackReferenceType) return readStackReference(String(inputs.name), mode);
        // The builtin provider answers a Stash in a preview as in an update (its Create and Update
        // run with Preview set), so its output is known either way.
        if (type === stashType) return { id: mode.preview ? undefined : `${name}-id`, state: { input: inputs.input, output: name in (mode.stashed ?? {}) ? mode.stashed![name] : inputs.input } };
        // In a preview, a new resource has no id and no computed outputs yet: only its inputs.
        if (mode.preview) return { id: undefined, state: inputs };
        return { id: `${name}-id`, state: { ...inputs, ...standIns.outputs?.(type, name, inputs) } };
      },
      call: ({ token, inputs }) => {
        invokes.push({ token, inputs });
        return invokeAnswers?.[token] ?? { ...inputs, id: `${token}-id` };
      },
    },
    config.project,
    config.stack,
    mode.preview ?? false,
  );
  pulumi.runtime.setAllConfig(config.values, [...config.secretKeys]);
  const monitor = settings.getMonitor();
  const invoke = monitor.invoke.bind(monitor);
  monitor.invoke = (request, callback) => {
    versions.push(request.getVersion());
    return invoke(request, callback);
  };

  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
      // The engine refuses a second registration of a URN (step_generator.go generateURN); the
      // render does too, with its message. It also keys what it records by type and name, so two
      // URNs that share both are a program it cannot render faithfully: refused, saying so.
      const parentType = opts.parent ? qualifiedTypes.get(opts.parent) : undefined;
      const qualifiedType = parentType ? `${parentType}$${type}` : type;
      qualifiedTypes.set(resource, qualifiedType);
      const urn = `urn:pulumi:${config.stack}::${config.project}::${qualifiedType}::${name}`;
      const sameKey = urns.get(keyOf(type, name));
      if (sameKey !== undefined) {
        refused ??= new EngineError(
          sameKey === urn ? duplicateUrnMessage(urn) : `the offline render tells resources apart by type and name, and ${urn} shares both with ${sameKey}; give one another name`,
        );
        return undefined;
      }
      urns.set(keyOf(type, name), urn);
      const aliasUrns = (opts.aliases ?? []).flatMap((alias) =>
        typeof alias === "object" && alias !== null && "parent" in alias && alias.parent !== undefined
          ? [new Promise<string>((resolve) => pulumi.createUrn(alias.name ?? name, alias.type ?? type, alias.parent).apply(resolve))]
          : [],
      );
      if (aliasUrns.length > 0) pendingAliases.push(Promise.all(aliasUrns).then((urns) => (seen.get(keyOf(type, name))!.options.aliases = urns)));
      const dependsOn = Array.isArray(opts.dependsOn) ? opts.dependsOn : opts.dependsOn ? [opts.dependsOn] : [];
      const custom = opts as pulumi.CustomResourceOptions;
      seen.set(keyOf(type, name), {
        order: seen.size,
        parent: opts.parent ? pulumi.resourceName(opts.parent) : stackName,
        parentType: opts.parent ? pulumi.resourceType(opts.parent) : "pulumi:pulumi:Stack",
        dependsOn: dependsOn.filter(pulumi.Resource.isInstance).map((r) => pulumi.resourceName(r)),
        options: definedOnly({
          version: custom.version,
          additionalSecretOutputs: custom.additionalSecretOutputs,
          customTimeouts: opts.customTimeouts,
          deleteBeforeReplace: custom.deleteBeforeReplace,
          replaceOnChanges: opts.replaceOnChanges,
          ignoreChanges: opts.ignoreChanges,
          deletedWith: custom.deletedWith ? pulumi.resourceName(custom.deletedWith) : undefined,
          replaceWith: opts.replaceWith?.map((r) => pulumi.resourceName(r)),
          retainOnDelete: opts.retainOnDelete,
          protect: opts.protect,
        }),
      });
      return undefined;
    });
    // A program error (a ConfigError above all) is rethrown once the engine is idle; thrown from
    // here it would also reject the stack's own outputs, which nothing awaits.
    try {
      // A render stands for a machine with the tools a stack's source runs (kind, k3d) unless told.
      // Config that came from no stack file has no stack files beside it (null), not the working directory's.
      const result = await program({ stackDir: config.stackDir ?? null, onPath: mode.onPath ?? (() => true), readFile: mode.readFile ?? standInFiles });
      // The stack's outputs resolve to plain values below; which of them are secrets is read now.
      for (const [key, value] of Object.entries(result)) {
        if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.add(key);
      }
      return result;
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  await settings.waitForRPCs();
  await Promise.all(pendingAliases);
  // The engine stops at the duplicate registration, whatever the program did after it.
  if (refused) throw refused;
  if (failure) throw failure.error;

  const order = (r: { type: string; name: string }) => seen.get(keyOf(r.type, r.name))?.order ?? -1;
  return {
    stack: config.stack,
    resources: registered
      .sort((a, b) => order(a) - order(b))
      .map(({ type, name, inputs, provider, custom }) => {
        const s = seen.get(keyOf(type, name));
        const root = type === "pulumi:pulumi:Stack";
        const printed = redact(inputs) as Record<string, unknown>;
        const resource: RenderedResource = {
          type,
          name,
          parent: root ? null : (s?.parent ?? stackName),
          parentType: root ? null : (s?.parentType ?? "pulumi:pulumi:Stack"),
          dependsOn: s?.dependsOn ?? [],
          inputs: printed,
          options: s?.options ?? {},
          provider,
        };
        recordFacts(resource, { inputs: holdsSecret(inputs) ? (sealSecrets(inputs) as Record<string, unknown>) : printed, custom });
        return resource;
      }),
    outputs: Object.fromEntries(Object.entries(redact(outputs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, secretOutputs.has(k) ? "[secret]" : v])),
    secretOutputs: [...secretOutputs].sort(),
    invokes: invokes.map((call, i) => ({ ...call, version: versions[i] ?? "" })),
    assumptions: assumed?.assumption && invokes.some((call) => call.token === getVirtualMachineToken) ? [assumed.assumption] : [],
  };
}

/** What the engine's builtin provider answers for a StackReference: the named stack's outputs. */
function readStackReference(name: string, mode: RenderMode): { id: string; state: Record<string, unknown> } {
  const stack = mode.stackReferences?.[name];
  // As the engine: reading a stack that does not exist fails the read.
  if (!stack) throw new Error(`unknown stack "${name}": the render was given no stack file for it`);
  return { id: name, state: { name, outputs: stack.outputs, secretOutputNames: stack.secretOutputs } };
}

/** The options the program set, without the keys it left out. */
function definedOnly(options: SeenOptions): SeenOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SeenOptions;
}
