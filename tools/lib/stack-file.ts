// Reads a stack the way the Pulumi CLI would hand it to the program: Pulumi.yaml's config
// defaults, then the stack file's values, every value a string and the secret keys listed.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { RawConfig } from "../../components/config";

export interface StackConfig extends RawConfig {
  project: string;
  stack: string;
}

/** Stands in for a `secure:` value, whose ciphertext only the stack's owner can decrypt. */
export const secretPlaceholder = (key: string) => `placeholder for the secret ${key}`;

export function readStackFile(stackFile: string): StackConfig {
  const match = /^Pulumi\.([^.]+)\.ya?ml$/.exec(path.basename(stackFile));
  if (!match) throw new Error(`${stackFile}: a stack file is named Pulumi.<stack>.yaml`);
  const stackDoc = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as StackDocument;
  return stackConfig(match[1], stackDoc.config ?? {}, path.dirname(stackFile));
}

interface StackDocument {
  config?: Record<string, unknown>;
}

/** A stack's config as written in its stack file, on top of the Pulumi.yaml found in projectDir. */
export function stackConfig(stack: string, config: Record<string, unknown>, projectDir = "."): StackConfig {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
  if (!projectFile) throw new Error(`no Pulumi.yaml in ${projectDir}`);
  const projectDoc = parse(fs.readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, unknown> };
  const project = projectDoc.name;
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const set = (key: string, value: unknown) => {
    const { plain, secret } = revealPlaceholders(key, value);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.add(key);
    else secretKeys.delete(key);
  };

  for (const [key, declaration] of Object.entries(projectDoc.config ?? {})) {
    const isSchema = declaration !== null && typeof declaration === "object" && !Array.isArray(declaration);
    const value = isSchema ? ((declaration as { default?: unknown; value?: unknown }).default ?? (declaration as { value?: unknown }).value) : declaration;
    if (value !== undefined) set(qualify(key), value);
  }
  for (const [key, value] of Object.entries(config)) set(qualify(key), value);
  return { project, stack, values, secretKeys };
}

/** Replaces every `{ secure: ... }` (also nested, as `pulumi config set --path --secret` writes) with a placeholder. */
function revealPlaceholders(key: string, value: unknown): { plain: unknown; secret: boolean } {
  let secret = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      if (entries.length === 1 && entries[0][0] === "secure") {
        secret = true;
        return secretPlaceholder(key);
      }
      return Object.fromEntries(entries.map(([k, inner]) => [k, walk(inner)]));
    }
    return v;
  };
  const plain = walk(value);
  return { plain: typeof plain === "number" || typeof plain === "boolean" ? String(plain) : plain, secret };
}
