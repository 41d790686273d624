import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, project, type ScenarioAnalyzer, type StackConfig } from "./parse";
import { readSiblingLabs } from "./sibling-labs";

// isConfigSecret is marked internal (absent from the typings), but it is the SDK's only record of
// which keys the CLI decrypted, and refusing plain-text secrets depends on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * The stack's configuration as Pulumi passes it to the program, parsed and checked; stackDir is
 * where the project's stack files are (the program's working directory under the CLI).
 */
export function readStackConfig(analyze: ScenarioAnalyzer, stackDir = process.cwd()): StackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
  const siblingLabs = values[`${project}:platform`] ? readSiblingLabs(stackDir, project) : [];
  return parseStackConfig({ values, secretKeys, stack: pulumi.getStack(), siblingLabs }, analyze);
}
