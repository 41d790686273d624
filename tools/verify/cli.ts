// `npm run verify`: flags -> where the lab is -> reach it -> run the scenario's probes -> report.
import { randomBytes } from "node:crypto";
import { help, parseVerifyArgs, UsageError } from "./args";
import { kubeCluster } from "./cluster";
import { Deadline, DeadlineError } from "./deadline";
import { nodeHttp } from "./http";
import type { ProbeContext } from "./probes/context";
import { silentProgress, terminalProgress } from "./progress";
import { istioNamespace } from "../../components/mesh/istio-namespace";
import { awaitReadiness } from "./readiness";
import { formatJson, formatJsonError, formatText, type RunInfo } from "./report";
import { exitCode, preflight, runProbes, UnreachableError } from "./run";
import { resolveTarget, type CommandRunner } from "./stack";
import { ClusterError, type ClusterTransport, type HttpTransport } from "./types";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress on stderr only when it is a terminal. */
  progressTty: boolean;
  run?: CommandRunner;
  /** Transports; the real ones unless a test gives others. */
  http?: () => HttpTransport;
  cluster?: (target: Awaited<ReturnType<typeof resolveTarget>>, plaintextImage: string) => Promise<ClusterTransport>;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  progressTty: Boolean(process.stderr.isTTY),
};

/** The wait before the probes; a cluster verify cannot reach is reported, not fatal (gateway-only probes need none). */
async function ready(ctx: ProbeContext, limitSeconds: number, appNamespace: string): Promise<RunInfo["readiness"]> {
  if (limitSeconds === 0) return { checked: false, why: "--ready-timeout 0" };
  try {
    return await awaitReadiness(ctx, { appNamespace, meshNamespace: istioNamespace, limitMs: limitSeconds * 1000 });
  } catch (error) {
    if (error instanceof ClusterError) return { checked: false, why: error.message };
    throw error;
  }
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const json = argv.includes("--json");
  const fail = (message: string, code: number) => {
    io.stderr(`verify: ${message}\n`);
    if (json) io.stdout(formatJsonError(message, code));
    return code;
  };
  let args;
  try {
    args = parseVerifyArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n${help.split("\n")[0]} (see --help)`, 2);
    throw error;
  }
  if (args.help) {
    io.stdout(help);
    return 0;
  }
  const started = performance.now();
  const deadline = new Deadline(args.deadlineSeconds);
  let target;
  try {
    target = await resolveTarget(args, io.run);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    throw error;
  }
  const http = (io.http ?? nodeHttp)();
  let cluster: Promise<ClusterTransport> | undefined;
  const ctx: ProbeContext = {
    http,
    cluster: () => (cluster ??= (io.cluster ?? ((t, image) => kubeCluster(t.kubeconfig, t.namespace, image, t.context)))(target, target.plaintextImage)),
    gatewayUrl: target.gatewayUrl,
    appNamespace: target.namespace,
    ...(target.host && { host: target.host }),
    requests: args.requests,
    timeoutMs: args.timeoutSeconds * 1000,
    deadline,
    progress: io.progressTty ? terminalProgress() : silentProgress,
    logWaitMs: 8000,
    marker: () => `v${randomBytes(6).toString("hex")}`,
  };
  try {
    const hint = target.gatewayPortForward ? `is the port-forward running? ${target.gatewayPortForward}` : undefined;
    await preflight(ctx, target.spec.probes, hint);
    const readiness = await ready(ctx, args.readyTimeoutSeconds, target.namespace);
    const results = await runProbes(ctx, target.spec.probes);
    const code = exitCode(results);
    const info = { scenario: target.scenario, namespace: target.namespace, gatewayUrl: target.gatewayUrl, source: target.source, seconds: (performance.now() - started) / 1000, readiness };
    io.stdout(json ? formatJson(info, results, code) : formatText(info, results));
    return code;
  } catch (error) {
    if (error instanceof UnreachableError || error instanceof DeadlineError) return fail(error.message, 2);
    throw error;
  } finally {
    http.close();
    if (cluster) await cluster.then((c) => c.close(), () => undefined);
  }
}
