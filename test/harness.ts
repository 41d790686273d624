// Test helpers over the render engine: the same code path as `npm run render`.
import { cloneRendered } from "../tools/lib/engine-secrets";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../components/config";
import { renderConfig, renderStackFile, type Rendered, type RenderedResource } from "../tools/lib/mock-engine";
import { stackConfig, type StackConfig } from "../tools/lib/stack-file";

export type { Rendered, RenderedResource };

/**
 * A stack file's `secure:` value: well-formed passphrase ciphertext (`v1:<nonce>:<sealed>`, as
 * the CLI checks it), which only the stack's owner could decrypt; renders read it as a placeholder.
 */
export const ciphertext = { secure: "v1:bm9uY2Utb2YtMTI=:c2VhbGVkIGJ5IHRoZSBvd25lcg==" } as const;

/**
 * One render per distinct input in a fork (vitest reuses a fork for the next file): tests share
 * the render and each gets its own copy, so none can change what another sees.
 */
export function memoised<A extends unknown[]>(render: (...args: A) => Promise<Rendered>): (...args: A) => Promise<Rendered> {
  const cache = new Map<string, Promise<Rendered>>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    if (!cache.has(key)) cache.set(key, render(...args));
    // cloneRendered keeps each resource's secret plaintext, which a plan diffs (tools/lib/engine-secrets.ts).
    return cache.get(key)!.then((rendered) => cloneRendered(rendered));
  };
}

/** Renders a stack's parsed config with the program's fixed run id, once per distinct config in a fork. */
export const renderStackConfig = memoised((config: StackConfig) => renderConfig(config));

/** Renders a stack whose config is written as in a stack file (`{ secure: ... }` marks a secret). */
export const renderStack = memoised((config: Record<string, unknown>, stack: string = "test") => renderConfig(stackConfig(stack, config)));

export const renderFile = memoised((stackFile: string) => renderStackFile(stackFile));

/** The messages of the ConfigError a stack fails with, `key: message` each; fails if it renders. */
export async function configErrors(config: Record<string, unknown>): Promise<string[]> {
  try {
    await renderStack(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
    throw error;
  }
  throw new Error("expected a configuration error, but the stack rendered");
}

/** A value as the engine receives it, secrets revealed: what a provider gets, keys and all. */
export function reveal(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return reveal(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

export const localCluster = { source: "kubeconfig", kubeconfig: "~/.kube/config" };

export function resource(rendered: Rendered, type: string, name: string): RenderedResource {
  const found = rendered.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; rendered: ${rendered.resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
  return found;
}

export function ofType(rendered: Rendered, type: string): RenderedResource[] {
  return rendered.resources.filter((r) => r.type === type);
}

/** Kubernetes objects (typed or custom resources) among the rendered resources. */
export function kubernetesObjects(rendered: Rendered): RenderedResource[] {
  return rendered.resources.filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string");
}
