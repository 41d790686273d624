// node --import tsx .ci/platform-state.mjs PLATFORM-STACK-FILE KUBECONFIG: prints a deployment for
// `pulumi stack import` that gives the platform stack the outputs the program publishes for it, and
// nothing else: how .ci/preview lets a lab stack's `pulumi preview` read a platform that was only
// previewed, never deployed. The outputs are the program's own for that stack file (its render under
// the mock engine, tools/lib/mock-engine.ts), except the secret `kubeconfig`, which becomes the
// contents of KUBECONFIG (the preview job's kind cluster), so the lab's objects meet a real API
// server. The platform's file must hold the `encryptionsalt` `pulumi stack init` wrote into it: the
// deployment names that passphrase secrets manager, which the CLI needs to encrypt the secret.
//
// The format, as pulumi/pulumi reads it (apitype.UntypedDeployment, version 3):
// - a secret is `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
//   "plaintext": "<its JSON>"}`, which `stack import` accepts and encrypts
//   (pkg/resource/stack/deployment.go DeserializePropertyValue: "exactly one of `ciphertext` or
//   `plaintext`"); serialising one needs the snapshot's secrets manager (SerializeDeploymentWithMetadata:
//   a panic crypter without one), so `secrets_providers` is the passphrase manager's
//   `{"type": "passphrase", "state": {"salt": ...}}` (pkg/secrets/passphrase/manager.go);
// - a StackReference reads the root resource of type pulumi:pulumi:Stack without a parent
//   (pkg/backend/backend.go GetStackOutputs, pkg/resource/stack/checkpoint.go GetRootStackResource);
// - `stack import` refuses a resource of another stack (pkg/cmd/pulumi/stack/io.go SaveSnapshot),
//   so the URN names this stack and project.
// JavaScript, since tsc and the suite's file globs leave dot-folders out; the program's own modules
// come through tsx, as every tool's do.
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { renderConfig, renderProgram } from "../tools/lib/mock-engine.ts";
import { readProjectFile, readStackFileForRender } from "../tools/lib/stack-file.ts";

/** A secret's signature: pulumi/pulumi sdk/go/common/resource/sig/sig.go, Key and Secret. */
export const secretSig = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/**
 * The deployment of a stack whose only resource is its root, with these outputs, the secret ones as plaintext secrets.
 * @param {{ project: string, stack: string, salt: string, outputs: Record<string, unknown>, secretOutputs: readonly string[], time?: string }} args
 */
export function platformDeployment(args) {
  const outputs = Object.fromEntries(
    Object.entries(args.outputs).map(([key, value]) => [key, args.secretOutputs.includes(key) ? { [secretSig.key]: secretSig.value, plaintext: JSON.stringify(value) } : value]),
  );
  return {
    version: 3,
    deployment: {
      manifest: { time: args.time ?? new Date().toISOString(), magic: "", version: "" },
      secrets_providers: { type: "passphrase", state: { salt: args.salt } },
      resources: [{ urn: `urn:pulumi:${args.stack}::${args.project}::pulumi:pulumi:Stack::${args.project}-${args.stack}`, custom: false, type: "pulumi:pulumi:Stack", outputs }],
    },
  };
}

/**
 * The platform's deployment from its stack file, as the program would publish it, on the given kubeconfig.
 * @param {string} stackFile
 * @param {string} kubeconfig
 */
export async function platformDeploymentOf(stackFile, kubeconfig) {
  const salt = parse(fs.readFileSync(stackFile, "utf8"))?.encryptionsalt;
  if (typeof salt !== "string") throw new Error(`${stackFile} has no encryptionsalt: run \`pulumi stack init\` (passphrase secrets) for its stack first`);
  const { config } = readStackFileForRender(stackFile);
  if (config.values["istio-lab:platform"]) throw new Error(`${stackFile} is a lab stack (istio-lab:platform), not a platform`);
  const rendered = await renderConfig(config, renderProgram());
  if (!rendered.outputs.labPlatform) throw new Error(`${stackFile}: the program publishes no labPlatform output for it`);
  if (!rendered.secretOutputs.includes("kubeconfig")) throw new Error(`${stackFile}: the program publishes no secret kubeconfig output for it (a platform on a kubeconfig path needs none of this)`);
  return platformDeployment({
    project: readProjectFile(path.dirname(path.resolve(stackFile))).name,
    stack: config.stack,
    salt,
    outputs: { ...rendered.outputs, kubeconfig: fs.readFileSync(kubeconfig, "utf8") },
    secretOutputs: rendered.secretOutputs,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [stackFile, kubeconfig] = process.argv.slice(2);
  if (!stackFile || !kubeconfig) {
    process.stderr.write("usage: node --import tsx .ci/platform-state.mjs PLATFORM-STACK-FILE KUBECONFIG\n");
    process.exit(2);
  }
  platformDeploymentOf(stackFile, kubeconfig).then(
    (deployment) => process.stdout.write(`${JSON.stringify(deployment, null, 2)}\n`),
    (error) => {
      process.stderr.write(`platform-state: ${error.message}\n`);
      process.exit(1);
    },
  );
}
