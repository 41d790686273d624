// Config cases as data: a valid base config per source plus an override, parsed the way Pulumi
// hands config to the program (every value a string, the secret keys listed).
import { expect } from "vitest";
import { ConfigError, parseLabConfig, type ConfigIssue, type LabConfig, type RawConfig } from "../../components/config";
import { istioLab } from "../../components/program";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { renderConfig, type Program } from "../../tools/lib/mock-engine";
import { ciphertext, configErrors } from "../harness";
import { stackConfig } from "../../tools/lib/stack-file";
import { standInFiles } from "../../tools/lib/stand-ins";

export type Source = "kubeconfig" | "vsphere" | "hosts";

/** A value stored with `pulumi config set --secret`. */
export class Secret {
  constructor(readonly value: string) {}
}
export const secret = (value: string) => new Secret(value);

/** Recognisable secret values: no message may contain them. */
export const sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAlabkey\n-----END OPENSSH PRIVATE KEY-----";
export const vspherePassword = "vc-Pa55w0rd!lab";
export const kubeconfigContents = "apiVersion: v1\nkind: Config\nclusters: []\nusers: [{name: admin, user: {token: tok3n-s3cret}}]";

export const vsphereBlock = {
  datacenter: "dc1",
  computeCluster: "lab",
  datastore: "datastore1",
  network: "VM Network",
  template: "rocky9-template",
};

/** Keys without a namespace are `istio-lab:` keys; a value of `undefined` in an override removes the key. */
export type Config = Record<string, unknown>;

export const base: Record<Source, Config> = {
  kubeconfig: { cluster: { source: "kubeconfig", kubeconfig: "~/.kube/config" } },
  hosts: { cluster: { source: "hosts" }, sshPrivateKey: secret(sshKey) },
  vsphere: {
    cluster: { source: "vsphere", vsphere: vsphereBlock },
    sshPrivateKey: secret(sshKey),
    "vsphere:vsphereServer": "vcenter.example.com",
    "vsphere:user": "administrator@vsphere.local",
    "vsphere:password": secret(vspherePassword),
  },
};

const qualify = (key: string) => (key.includes(":") ? key : `istio-lab:${key}`);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Secret);

/** Objects merge key by key, anything else (lists included) replaces, `undefined` removes. */
export function merge(target: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = merge(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** The base config of a source with an override; keys come out fully qualified. */
export function build(source: Source, override: Config = {}): Config {
  const qualified = (config: Config) => Object.fromEntries(Object.entries(config).map(([k, v]) => [qualify(k), v]));
  return merge(qualified(base[source]), qualified(override));
}

/** What Pulumi hands the program: strings, objects as JSON, and which keys were secret. */
export function raw(config: Config): RawConfig {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(config)) {
    const plain = value instanceof Secret ? value.value : value;
    if (value instanceof Secret) secretKeys.add(key);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  // A machine whose every kubeconfig path holds the render's stand-in kubeconfig.
  return { values, secretKeys, readFile: standInFiles };
}

/** The same config as written in a stack file (`{ secure: ... }` marks a secret), for test/harness.ts. */
export function stackFileConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v instanceof Secret ? ciphertext : v]));
}

export function parse(config: Config): LabConfig {
  return parseLabConfig(raw(config), analyzeScenario);
}

/** The problems a config has; [] when it parses. */
export function problemsOf(config: Config): ConfigIssue[] {
  try {
    parse(config);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
}

/** The problems of a source's base config with an override. */
export function problems(source: Source, override: Config = {}): ConfigIssue[] {
  return problemsOf(build(source, override));
}

/** Asserts one problem with exactly this key whose message contains every part. */
export function expectProblem(list: readonly ConfigIssue[], key: string, ...parts: string[]): void {
  expect(list).toContainEqual({ key, message: expect.stringMatching(new RegExp(parts.map(escape).map((p) => `(?=[\\s\\S]*${p})`).join(""))) });
}

/** Asserts that no problem is addressed to this key. */
export function expectNoProblemAt(list: readonly ConfigIssue[], key: string): void {
  expect(list.filter((issue) => issue.key === key)).toEqual([]);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Runs the whole program on a config under the mock engine and records every resource it
 * registers, also when the program fails: the type of each, and the error if any.
 */
export async function registrations(config: Config): Promise<{ error: unknown; types: string[] }> {
  let error: unknown;
  const program: Program = async (host) => {
    try {
      return await istioLab(undefined, host);
    } catch (caught) {
      error = caught;
      return {};
    }
  };
  const rendered = await renderConfig(stackConfig("test", stackFileConfig(config)), program);
  return { error, types: rendered.resources.map((resource) => resource.type) };
}

/** The `key: message` lines a stack fails with, through the whole program; fails if it renders. */
export function stackErrors(config: Config): Promise<string[]> {
  return configErrors(stackFileConfig(config));
}
