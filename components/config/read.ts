import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type ScenarioAnalyzer, type StackConfig } from "./parse";

// isConfigSecret is marked internal (absent from the typings), but it is the SDK's only record of
// which keys the CLI decrypted, and refusing plain-text secrets depends on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** The stack's configuration as Pulumi passes it to the program, parsed and checked. */
export function readStackConfig(analyze: ScenarioAnalyzer): StackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
  return parseStackConfig({ values, secretKeys, stack: pulumi.getStack() }, analyze);
}
