// Runs the program under Pulumi's mock engine and records every resource it registers: the one
// code path behind `npm run render`, the tests and the benchmark.
import * as pulumi from "@pulumi/pulumi";
import { istioLab } from "../../components/program";
import { readStackFile, type StackConfig } from "./stack-file";

// Internal to the SDK but exported: resolves once every outstanding registration has been answered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface RenderedResource {
  type: string;
  name: string;
  /** Name of the parent resource; null for the stack itself. */
  parent: string | null;
  /** Names of the explicit dependsOn resources. */
  dependsOn: string[];
  /** What the program passed, with every secret as "[secret]". */
  inputs: Record<string, unknown>;
}

export interface Rendered {
  stack: string;
  resources: RenderedResource[];
  outputs: Record<string, unknown>;
}

export type Program = () => Record<string, pulumi.Input<unknown>>;

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

/** Stand-ins for what providers compute, so that outputs the program reads resolve. */
export type ComputedOutputs = (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

export async function renderStackFile(stackFile: string, program: Program = istioLab): Promise<Rendered> {
  return renderConfig(readStackFile(stackFile), program);
}

export async function renderConfig(config: StackConfig, program: Program = istioLab, computed: ComputedOutputs = () => ({})): Promise<Rendered> {
  const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  // Transformations run in the constructors, so their order is the program's order; the mock's
  // registrations arrive in whatever order promises settle.
  const options = new Map<string, { order: number; parent: string | null; dependsOn: string[] }>();
  const keyOf = (type: string, name: string) => `${type}::${name}`;
  const stackName = `${config.project}-${config.stack}`;

  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs });
        return { id: `${name}-id`, state: { ...inputs, ...computed(type, name, inputs) } };
      },
      call: ({ token, inputs }) => ({ ...inputs, id: `${token}-id` }),
    },
    config.project,
    config.stack,
    false,
  );
  pulumi.runtime.setAllConfig(config.values, [...config.secretKeys]);

  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
      const dependsOn = Array.isArray(opts.dependsOn) ? opts.dependsOn : opts.dependsOn ? [opts.dependsOn] : [];
      options.set(keyOf(type, name), {
        order: options.size,
        parent: opts.parent ? pulumi.resourceName(opts.parent) : stackName,
        dependsOn: dependsOn.filter(pulumi.Resource.isInstance).map((r) => pulumi.resourceName(r)),
      });
      return undefined;
    });
    return program();
  });
  await waitForRPCs();

  const order = (r: { type: string; name: string }) => options.get(keyOf(r.type, r.name))?.order ?? -1;
  return {
    stack: config.stack,
    resources: registered.sort((a, b) => order(a) - order(b)).map(({ type, name, inputs }) => ({
      type,
      name,
      parent: type === "pulumi:pulumi:Stack" ? null : (options.get(keyOf(type, name))?.parent ?? stackName),
      dependsOn: options.get(keyOf(type, name))?.dependsOn ?? [],
      inputs: redact(inputs) as Record<string, unknown>,
    })),
    outputs: redact(outputs ?? {}) as Record<string, unknown>,
  };
}
