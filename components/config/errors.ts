import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** One problem in a stack's configuration, addressed by its full key path. */
export interface ConfigIssue {
  /** `istio-lab:cluster.nodes[1].ip`, `vsphere:password`, ... */
  key: string;
  message: string;
}

/**
 * Every configuration problem at once. A RunError makes Pulumi print the message without a stack
 * trace, and it is thrown before the program registers any resource.
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      [
        `istio-lab: ${issues.length} configuration problem${issues.length === 1 ? "" : "s"}; nothing was created:`,
        ...issues.map((issue) => `  - ${issue.key}: ${issue.message}`),
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

export type Path = readonly PropertyKey[];

/** `istio-lab:cluster` + `["nodes", 1, "ip"]` -> `istio-lab:cluster.nodes[1].ip`. */
export function keyPath(configKey: string, path: Path = []): string {
  return path.reduce<string>(
    (key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`),
    configKey,
  );
}

/**
 * The known key within Levenshtein distance 2 of a mistyped one, as the Pulumi CLI suggests; the
 * distance must also stay under half the key's length, so that "v4" is not taken for "v1".
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(unknown.length / 2));
  for (const candidate of [...known].sort()) {
    const distance = levenshtein(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  return suggestion
    ? `unknown key "${key}"; did you mean "${suggestion}"?`
    : `unknown key "${key}"; known keys are ${known.map((k) => `"${k}"`).join(", ")}`;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

const typeNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/**
 * Plain-language messages for zod's built-in checks. Schemas that know better (an IPv4 address,
 * a NodePort) carry their own message, which zod prefers over this map.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case "invalid_value": {
      const choices = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return issue.input === undefined ? `is required: one of ${choices}` : `must be one of ${choices}`;
    }
    case "too_small":
      return issue.origin === "array"
        ? `needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`
        : issue.origin === "string"
          ? "must not be empty"
          : `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" ? `takes at most ${issue.maximum} entries` : `must be at most ${issue.maximum}`;
    case "unrecognized_keys": {
      const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {};
      // One line per key; fromZod splits them into one issue each, addressed by the key itself.
      return issue.keys.map((key) => unknownKeyMessage(key, Object.keys(shape))).join("\n");
    }
    default:
      return undefined;
  }
};

/** Turns zod issues under one config key into ConfigIssues. */
export function fromZod(configKey: string, error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const messages = issue.message.split("\n");
      if (messages.length === issue.keys.length) {
        return issue.keys.map((key, i) => ({ key: keyPath(configKey, [...issue.path, key]), message: messages[i] }));
      }
    }
    return [{ key: keyPath(configKey, issue.path), message: issue.message }];
  });
}
