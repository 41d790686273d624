// What a render keeps of each resource beyond what it prints: secret inputs by their plaintext, so
// that a plan sees a changed SSH key or secret stdin, and whether the resource is custom. None of it
// is ever printed: the render prints every secret as "[secret]" (mock-engine.ts redact), and these
// facts live in a WeakMap beside the printed resource, not in it, so neither `npm run render --json`
// nor JSON.stringify of a render shows a secret or a digest of one.
//
// Upstream: the engine diffs inputs with their secrets unwrapped (pulumi/pulumi
// pkg/resource/deploy/step_generator.go diffResource: `unwrapResourceSecretsAndOutputs(oldInputs)
// .Diff(...)` when a provider answers DiffUnknown; sdk/go/common/resource/properties_diff.go
// PropertyValue.diff compares a secret's element by DeepEquals), so a new plaintext under the
// same "[secret]" is a change, reported at the secret's own path.
import * as pulumi from "@pulumi/pulumi";
import { inspect, isDeepStrictEqual } from "node:util";
import type { Rendered, RenderedResource } from "./mock-engine";

/**
 * A secret input's plaintext, held in a private field: JSON.stringify, util.inspect and vitest's
 * printer show "[secret]", structuredClone and Object.keys see nothing.
 */
export class SecretValue {
  readonly #plaintext: unknown;
  constructor(plaintext: unknown) {
    this.#plaintext = plaintext;
  }
  /** The plaintext, for a diff only. */
  static plaintext(value: unknown): unknown {
    if (value instanceof SecretValue) return SecretValue.plaintext(value.#plaintext);
    if (Array.isArray(value)) return value.map((v) => SecretValue.plaintext(v));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SecretValue.plaintext(v)]));
    return value;
  }
  toJSON(): string {
    return "[secret]";
  }
  [inspect.custom](): string {
    return "[secret]";
  }
}

/** Whether two diffable values are equal, secrets by their plaintext. */
export function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(SecretValue.plaintext(a), SecretValue.plaintext(b));
}

/** The wire form of inputs (secrets as the SDK's signature objects) with each secret as a SecretValue. */
export function sealSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sealSecrets);
  if (value !== null && typeof value === "object") {
    if (pulumi.runtime.isRpcSecret(value)) return new SecretValue(reveal(pulumi.runtime.unwrapRpcSecret(value)));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sealSecrets(v)]));
  }
  return value;
}

/** The wire form with every secret (nested ones too) unwrapped. */
function reveal(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return reveal(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** Whether the wire form holds a secret anywhere. */
export function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value !== null && typeof value === "object") return pulumi.runtime.isRpcSecret(value) || Object.values(value).some(holdsSecret);
  return false;
}

interface Facts {
  /** The inputs with secrets as SecretValue (the printed inputs themselves when none is secret). */
  inputs: Record<string, unknown>;
  /** Whether a provider manages it (the mock's `custom`), as opposed to a component. */
  custom: boolean;
}

const facts = new WeakMap<RenderedResource, Facts>();

export function recordFacts(resource: RenderedResource, known: Facts): void {
  facts.set(resource, known);
}

/**
 * The inputs two renders' versions of a resource are diffed by: by plaintext when both renders kept
 * theirs, else as printed. A render copied by structuredClone (the tests' memoised renders) or read
 * back from JSON (render-diff) keeps no plaintext; mixing such a copy with a fresh render must not
 * turn every "[secret]" into a change, so then both sides are compared as printed.
 */
export function inputsForDiff(old: RenderedResource, current: RenderedResource): [Record<string, unknown>, Record<string, unknown>] {
  const [a, b] = [facts.get(old), facts.get(current)];
  return a && b ? [a.inputs, b.inputs] : [old.inputs, current.inputs];
}

/** Whether a rendered resource is custom (managed by a provider) rather than a component. */
export function isCustom(resource: RenderedResource): boolean {
  const known = facts.get(resource);
  if (known) return known.custom;
  // A copy without its facts: components are the stack and this project's own types, and every
  // custom resource of this program is another package's (kubernetes, command, vsphere, tls, pulumi).
  return resource.type !== "pulumi:pulumi:Stack" && !resource.type.startsWith("istio-lab:");
}

/** A deep copy of a render that keeps what the render knows beyond what it prints. */
export function cloneRendered(rendered: Rendered): Rendered {
  const copy = structuredClone(rendered);
  rendered.resources.forEach((r, i) => {
    const known = facts.get(r);
    if (known) facts.set(copy.resources[i], known);
  });
  return copy;
}
