import * as path from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ScenarioName } from "../catalog/scenarios/names";
import { curlImage } from "../catalog/versions";
import { mirrored } from "./images";
import { shellQuote } from "./shell";

export interface VerifyGateArgs {
  scenario: ScenarioName;
  options: unknown;
  namespace: string;
  gatewayUrl: string;
  /** A lab's host on a shared gateway (catalog/lab-host.ts), sent as the Host header. */
  host?: string;
  /** A lab's TCP port on the shared gateway, where its TCP probes connect (components/scenarios/lab-placement.ts). */
  tcpPort?: number;
  /** A kubeconfig file where Pulumi runs, or the lab's admin kubeconfig (secret). */
  kubeconfig: { path: pulumi.Input<string> } | { contents: pulumi.Output<string> };
  /** The context the lab recorded at its first deployment (cluster/pin.ts), so verify looks at the lab's cluster. */
  context?: string;
  requests?: number;
  /**
   * The stack's image mirror (istio-lab:apps.imageRegistry): verify's one image of its own, the
   * sidecar-less curl of the mTLS check, comes through it as every other image of the lab does.
   */
  imageRegistry?: string;
  /** Differs on every deployment, so that every `pulumi up` verifies the live mesh again. */
  runId: string;
}

const projectRoot = path.resolve(__dirname, "..");

/**
 * The last step of `pulumi up` when `istio-lab:verify.gate` is on (`verify-run`): `npm run verify`
 * on the machine running Pulumi, failing the update when the mesh does not behave as the scenario
 * says. The admin kubeconfig travels in the environment (ISTIO_LAB_KUBECONFIG), never on a command
 * line or a disk. It was the one child of a VerifyGate component named `verify`; the alias keeps
 * its URN in existing stacks.
 */
export function verifyGate(args: VerifyGateArgs, opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] }): command.local.Command {
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
      ...(args.host === undefined ? [] : ["--host", args.host]),
      ...(args.tcpPort === undefined ? [] : ["--tcp-port", String(args.tcpPort)]),
      ...(args.options === undefined ? [] : ["--options", JSON.stringify(args.options)]),
      ...(args.requests === undefined ? [] : ["--requests", String(args.requests)]),
      ...(args.imageRegistry === undefined ? [] : ["--plaintext-image", mirrored(curlImage, args.imageRegistry)]),
      ...kubeconfigFlag,
      ...(args.context ? ["--context", args.context] : []),
    ]);
  return new command.local.Command(
    "verify-run",
    {
      create: flags.apply((f) => ["npm", "run", "--silent", "verify", "--", ...f].map(shellQuote).join(" ")),
      dir: projectRoot,
      ...("contents" in kubeconfig ? { environment: { ISTIO_LAB_KUBECONFIG: kubeconfig.contents } } : {}),
      triggers: [args.runId],
      addPreviousOutputInEnv: false,
    },
    {
      ...opts,
      customTimeouts: { create: "15m", update: "15m" },
      aliases: [{ parent: pulumi.createUrn("verify", "istio-lab:scenarios:VerifyGate", opts.parent) }],
    },
  );
}
