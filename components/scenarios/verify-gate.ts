import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ScenarioName } from "../../stacks/names";
import { shellQuote } from "../shell";

export interface VerifyGateArgs {
  scenario: ScenarioName;
  options: unknown;
  namespace: string;
  gatewayUrl: string;
  /** A kubeconfig file where Pulumi runs, or the lab's admin kubeconfig (secret). */
  kubeconfig: { path: pulumi.Input<string> } | { contents: pulumi.Input<string> };
  requests?: number;
  /** Differs on every deployment, so that every `pulumi up` verifies the live mesh again. */
  runId: string;
}

const projectRoot = path.resolve(__dirname, "../..");

/**
 * The last step of `pulumi up` when `istio-lab:verify.gate` is on: `npm run verify` on the machine
 * running Pulumi, failing the update when the mesh does not behave as the scenario says. The admin
 * kubeconfig travels in the environment (ISTIO_LAB_KUBECONFIG), never on a command line or a disk.
 */
export class VerifyGate extends pulumi.ComponentResource {
  constructor(name: string, args: VerifyGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:scenarios:VerifyGate", name, {}, opts);
    const { kubeconfig } = args;
    const flags = pulumi
      .output("path" in kubeconfig ? ["--kubeconfig", kubeconfig.path] : [])
      .apply((kubeconfigFlag) => [
        "--scenario",
        args.scenario,
        "--namespace",
        args.namespace,
        "--gateway-url",
        args.gatewayUrl,
        ...(args.options === undefined ? [] : ["--options", JSON.stringify(args.options)]),
        ...(args.requests === undefined ? [] : ["--requests", String(args.requests)]),
        ...kubeconfigFlag,
      ]);
    new command.local.Command(
      `${name}-run`,
      {
        create: flags.apply((f) => ["npm", "run", "--silent", "verify", "--", ...f].map(shellQuote).join(" ")),
        dir: projectRoot,
        ...("contents" in kubeconfig ? { environment: { ISTIO_LAB_KUBECONFIG: pulumi.secret(kubeconfig.contents) } } : {}),
        triggers: [args.runId],
        addPreviousOutputInEnv: false,
      },
      { parent: this, customTimeouts: { create: "15m", update: "15m" } },
    );
    this.registerOutputs({});
  }
}
