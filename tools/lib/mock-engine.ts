// Runs the program under Pulumi's mock engine and records every resource it registers: the one
// code path behind `npm run render`, the tests and the benchmark.
import * as pulumi from "@pulumi/pulumi";
import { istioLab } from "../../components/program";
import { defaultStandIns, type StandIns } from "./stand-ins";
import { readStackFile, type StackConfig } from "./stack-file";

// Internal to the SDK but exported: waitForRPCs resolves once every registration was answered;
// the monitor is wrapped because the mock drops the plugin version an invoke asks for.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  getMonitor(): { invoke(request: { getTok(): string; getVersion(): string }, callback: unknown): unknown };
};

/** Resource options worth asserting on, as the program passed them. */
export interface SeenOptions {
  version?: string;
  additionalSecretOutputs?: string[];
  customTimeouts?: pulumi.CustomTimeouts;
  deleteBeforeReplace?: boolean;
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
  /** What the program passed, with every secret as "[secret]". */
  inputs: Record<string, unknown>;
  options: SeenOptions;
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
  outputs: Record<string, unknown>;
  invokes: RenderedInvoke[];
}

export type Program = () => Record<string, pulumi.Input<unknown>> | Promise<Record<string, pulumi.Input<unknown>>>;

const secretSignature = "4dabf18193072939515e22adb298388d";
const secretMarker = "1b47061264138c4ac30d75fd1eb44270";

/** Pulumi's wire form of a secret is an object keyed by the signature; print it as "[secret]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[secretSignature] === secretMarker) return "[secret]";
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** The program as a render runs it: with a fixed run id, so that two renders of a stack are equal. */
export const renderProgram: Program = () => istioLab("offline-render");

export async function renderStackFile(stackFile: string, program: Program = renderProgram): Promise<Rendered> {
  return renderConfig(readStackFile(stackFile), program);
}

export async function renderConfig(config: StackConfig, program: Program = renderProgram, standIns: StandIns = defaultStandIns): Promise<Rendered> {
  const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  const versions: string[] = [];
  // Transformations run in the constructors, so their order is the program's order; the mock's
  // registrations arrive in whatever order promises settle.
  const seen = new Map<string, { order: number; parent: string | null; parentType: string | null; dependsOn: string[]; options: SeenOptions }>();
  const keyOf = (type: string, name: string) => `${type}::${name}`;
  const stackName = `${config.project}-${config.stack}`;
  let failure: { error: unknown } | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs });
        return { id: `${name}-id`, state: { ...inputs, ...standIns.outputs?.(type, name, inputs) } };
      },
      call: ({ token, inputs }) => {
        invokes.push({ token, inputs });
        return standIns.invokes?.[token] ?? { ...inputs, id: `${token}-id` };
      },
    },
    config.project,
    config.stack,
    false,
  );
  pulumi.runtime.setAllConfig(config.values, [...config.secretKeys]);
  const monitor = settings.getMonitor();
  const invoke = monitor.invoke.bind(monitor);
  monitor.invoke = (request, callback) => {
    versions.push(request.getVersion());
    return invoke(request, callback);
  };

  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
      const dependsOn = Array.isArray(opts.dependsOn) ? opts.dependsOn : opts.dependsOn ? [opts.dependsOn] : [];
      const custom = opts as pulumi.CustomResourceOptions;
      seen.set(keyOf(type, name), {
        order: seen.size,
        parent: opts.parent ? pulumi.resourceName(opts.parent) : stackName,
        parentType: opts.parent ? pulumi.resourceType(opts.parent) : "pulumi:pulumi:Stack",
        dependsOn: dependsOn.filter(pulumi.Resource.isInstance).map((r) => pulumi.resourceName(r)),
        options: {
          version: custom.version,
          additionalSecretOutputs: custom.additionalSecretOutputs,
          customTimeouts: opts.customTimeouts,
          deleteBeforeReplace: custom.deleteBeforeReplace,
        },
      });
      return undefined;
    });
    // A program error (a ConfigError above all) is rethrown once the engine is idle; thrown from
    // here it would also reject the stack's own outputs, which nothing awaits.
    try {
      return await program();
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  await settings.waitForRPCs();
  if (failure) throw failure.error;

  const order = (r: { type: string; name: string }) => seen.get(keyOf(r.type, r.name))?.order ?? -1;
  return {
    stack: config.stack,
    resources: registered
      .sort((a, b) => order(a) - order(b))
      .map(({ type, name, inputs }) => {
        const s = seen.get(keyOf(type, name));
        const root = type === "pulumi:pulumi:Stack";
        return {
          type,
          name,
          parent: root ? null : (s?.parent ?? stackName),
          parentType: root ? null : (s?.parentType ?? "pulumi:pulumi:Stack"),
          dependsOn: s?.dependsOn ?? [],
          inputs: redact(inputs) as Record<string, unknown>,
          options: s?.options ?? {},
        };
      }),
    outputs: redact(outputs ?? {}) as Record<string, unknown>,
    invokes: invokes.map((call, i) => ({ ...call, version: versions[i] ?? "" })),
  };
}
