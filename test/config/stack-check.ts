// A stack file's `config:` checked the two ways it is: by the JSON Schema an editor reads
// (schema/stack-config.schema.json, with ajv as an editor's validator would), and by the program
// (the CLI's own rules, then the program's config check) as `pulumi preview` runs it.
import Ajv, { type ErrorObject } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseStackConfig, type ConfigIssue } from "../../components/config";
import { analyzeScenario } from "../../components/scenarios/analyzer";
import { CliRefusal } from "../../tools/lib/cli-config";
import { schemaFile, type Json } from "../../tools/lib/config-reference";
import { projectRoot, readStackFileForRender, stackConfig, type StackConfig } from "../../tools/lib/stack-file";
import { standInFiles } from "../../tools/lib/stand-ins";

export const root = projectRoot;

/** An editor's validator: draft-07, every error at once, strict about the schema itself. */
export function validatorFor(schema: Json): (file: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // The two formats zod writes; an editor checks them too.
  ajv.addFormat("ipv4", /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/);
  ajv.addFormat("uri", (text: string) => URL.canParse(text));
  const validate = ajv.compile(schema);
  return (file) => (validate(file) ? [] : [...(validate.errors ?? [])]);
}

let committed: ((file: unknown) => ErrorObject[]) | undefined;

/** What the committed schema says of a stack file's `config:`: its errors, [] when it passes. */
export function schemaErrors(config: Record<string, unknown>): ErrorObject[] {
  committed ??= validatorFor(JSON.parse(fs.readFileSync(path.join(root, schemaFile), "utf8")) as Json);
  return committed({ config });
}

/** What the CLI and the program say of a stack file's `config:`: their problems, [] when it passes. */
export function programProblems(config: Record<string, unknown>, stack = "test"): ConfigIssue[] {
  return problemsOf(() => stackConfig(stack, config));
}

/**
 * The same of a stack file as a render reads it: a shipped file holds no ciphertext (its owner adds
 * it), so the secrets its source needs stand in as placeholders.
 */
export function stackFileProblems(file: string): ConfigIssue[] {
  return problemsOf(() => readStackFileForRender(file).config);
}

function problemsOf(read: () => StackConfig): ConfigIssue[] {
  try {
    parseStackConfig({ ...read(), readFile: standInFiles, onPath: () => true }, analyzeScenario);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    if (error instanceof CliRefusal) return [{ key: "(the Pulumi CLI)", message: error.message }];
    throw error;
  }
}
