import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, project, type ScenarioAnalyzer, type StackConfig } from "./parse";
import { readSiblingClusters, readSiblingLabs, writesEmptyPlatform } from "./sibling-labs";
import { clusterDefaults } from "./schema";
import type { ReadFile } from "./kubeconfig";

// isConfigSecret is marked internal (absent from the typings), but it is the SDK's only record of
// which keys the CLI decrypted, and refusing plain-text secrets depends on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** What the program reads of the machine it runs on, besides Pulumi's config. */
export interface ProgramHost {
  /**
   * Where the project's stack files are: the program's working directory under the CLI. null: the
   * stack has no file beside others (a render of config that came from no stack file).
   */
  stackDir?: string | null;
  /** Whether a command is on PATH (sources kind and k3d run theirs here). */
  onPath?: (tool: string) => boolean;
  /** Reads a file (source kubeconfig's path, and the CA file it may name). */
  readFile?: ReadFile;
}

/** The stack's configuration as Pulumi passes it to the program, parsed and checked. */
export function readStackConfig(analyze: ScenarioAnalyzer, host: ProgramHost = {}): StackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
  const stackDir = host.stackDir === undefined ? process.cwd() : host.stackDir;
  const stack = pulumi.getStack();
  const lab = Boolean(values[`${project}:platform`]);
  // A lab checks its namespace and TCP port against them; a platform, its scenario (a policy on the shared gateway).
  const siblingLabs = stackDir !== null ? readSiblingLabs(stackDir, project) : [];
  const siblingClusters = !lab && stackDir !== null ? readSiblingClusters(stackDir, project, clusterDefaults) : [];
  const emptyPlatform = !lab && stackDir !== null && writesEmptyPlatform(stackDir, stack, project);
  return parseStackConfig(
    { values, secretKeys, stack, siblingLabs, siblingClusters, emptyPlatform, onPath: host.onPath ?? ((tool) => onPath(tool)), readFile: host.readFile ?? readLocalFile },
    analyze,
  );
}

/** A file's text where Pulumi runs, `~/` being the home folder as kubectl has it; undefined when unreadable. */
export function readLocalFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file, "utf8");
  } catch {
    return undefined;
  }
}

/** Whether an executable of that name is in a folder of PATH, as a shell would find it. */
export function onPath(tool: string, pathVariable = process.env.PATH ?? ""): boolean {
  return pathVariable.split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || ".", tool), fs.constants.X_OK);
      return fs.statSync(path.join(dir || ".", tool)).isFile();
    } catch {
      return false;
    }
  });
}
