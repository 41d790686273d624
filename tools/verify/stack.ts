// Where the lab is: the Pulumi stack's outputs, each overridden by a flag; or flags alone.
import { execFile } from "node:child_process";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { resolveScenario, splitApiOption } from "../../catalog/scenarios";
import { gatewayApiRefusal, gatewayApiRefusalMessage } from "../../catalog/scenarios/gateway-api";
import { scenarioOptionSchemas } from "../../catalog/scenarios/options";
import { describeIssue, fromZod } from "../../components/config/errors";
import * as schema from "../../components/config/schema";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { customServices as customServicesSchema } from "../../catalog/apps/custom";
import { curlImage } from "../../catalog/versions";
import { mirrored } from "../../components/images";
import { UsageError, type VerifyArgs } from "./args";
import { onLabTcpPort } from "./probes/tcp";

/** Runs a command and gives its stdout; rejects when it cannot start, fails or overruns. */
export type CommandRunner = (command: string, args: string[], timeoutMs: number) => Promise<string>;

export const execRunner: CommandRunner = (command, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });

/** The kubeconfig: a file, the stack's secret output (kept in memory only), or client-node's default. */
export type KubeconfigSource = { kind: "file"; path: string } | { kind: "inline"; content: string } | { kind: "default" };

export interface Target {
  scenario: ScenarioName;
  spec: ScenarioSpec;
  namespace: string;
  gatewayUrl: string;
  /** A lab's host on a shared platform's gateway. */
  host?: string;
  kubeconfig: KubeconfigSource;
  /** The kubeconfig context to use, when the lab pins one (istio-lab:cluster.context). */
  context?: string;
  /** What the stack says to run when the gateway is only reachable through a port-forward. */
  gatewayPortForward?: string;
  /** Where the facts came from, for the report: `flags` or `stack <name>`. */
  source: string;
  /** The mTLS check's sidecar-less client: --plaintext-image, or curl through the lab's mirror. */
  plaintextImage: string;
}

const pulumiTimeoutMs = 60_000;

function pulumiFailure(what: string, error: unknown): UsageError {
  const e = error as NodeJS.ErrnoException & { stderr?: string };
  const why = e.code === "ENOENT" ? "the Pulumi CLI is not installed" : (e.stderr?.trim().split("\n").at(-1) ?? e.message);
  return new UsageError(`cannot read ${what} (${why}); pass --scenario, --namespace and --gateway-url (and --kubeconfig) instead`);
}

async function stackOutputs(args: VerifyArgs, run: CommandRunner): Promise<Record<string, unknown>> {
  const stack = args.stack ? ["--stack", args.stack] : [];
  let stdout: string;
  try {
    stdout = await run("pulumi", ["stack", "output", "--show-secrets", "--json", ...stack], pulumiTimeoutMs);
  } catch (error) {
    throw pulumiFailure(`the outputs of ${args.stack ? `stack ${args.stack}` : "the selected stack"}`, error);
  }
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new UsageError("pulumi stack output --json printed something that is not JSON");
  }
}

/** `istio-lab:scenarioOptions` of the stack's config, when set; absent or unreadable means none. */
/** A stack's `istio-lab:` config value, parsed (objects come as JSON text or as objectValue). */
async function stackConfigValues(args: VerifyArgs, run: CommandRunner): Promise<{ scenarioOptions?: unknown; customServices?: unknown }> {
  try {
    const config = JSON.parse(await run("pulumi", ["config", "--json", ...(args.stack ? ["--stack", args.stack] : [])], pulumiTimeoutMs)) as Record<
      string,
      { value?: string; objectValue?: unknown } | undefined
    >;
    const value = (key: string) => {
      const entry = config[key];
      return entry ? (entry.objectValue ?? (entry.value !== undefined ? JSON.parse(entry.value) : undefined)) : undefined;
    };
    return { scenarioOptions: value("istio-lab:scenarioOptions"), customServices: (value("istio-lab:apps") as { custom?: unknown } | undefined)?.custom };
  } catch {
    return {};
  }
}

const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}

/** The scenario's data for its options; a bad name or bad options is a usage error naming the fix. */
export function scenarioSpec(name: string, options: unknown, customServices?: unknown): { scenario: ScenarioName; spec: ScenarioSpec } {
  if (!isScenarioName(name)) throw new UsageError(`unknown scenario "${name}"; the catalog has: ${scenarioNames.join(", ")}`);
  const declared = customServicesSchema.safeParse(customServices ?? []);
  if (name === "custom" && (!declared.success || declared.data.length === 0)) {
    throw new UsageError("scenario custom checks the services the stack declares (istio-lab:apps.custom): pass --stack, not --scenario alone");
  }
  const problems = optionProblems(name, options);
  if (problems.length > 0) {
    const example = scenarioOptionSchemas[name]?.example;
    throw new UsageError(`scenario ${name} needs valid options (--options JSON): ${problems.join("; ")}${example ? `; for example --options '${JSON.stringify(example)}'` : ""}`);
  }
  return { scenario: name, spec: resolveScenario(name, options, declared.success ? declared.data : []) };
}

/**
 * What is wrong with a scenario's options, in the words the stack's own check uses for
 * istio-lab:scenarioOptions (components/config/errors.ts describeIssue), each under its path.
 */
function optionProblems(name: ScenarioName, options: unknown): string[] {
  const { api, own } = splitApiOption(options);
  const at = (issues: { key: string; message: string }[]) => issues.map((i) => `${i.key.replace(/^options\.?/, "") || "(the options)"} ${i.message}`);
  const problems: string[] = [];
  if (api !== undefined) {
    const parsed = schema.scenarioApi.safeParse(api, { error: describeIssue });
    if (!parsed.success) problems.push(...at(fromZod("options", parsed.error, ["api"])));
    else if (parsed.data === "gateway-api" && gatewayApiRefusal(name)) problems.push(`api: ${gatewayApiRefusalMessage(name, gatewayApiRefusal(name)!)}`);
  }
  const optionSchema = scenarioOptionSchemas[name];
  if (optionSchema) {
    const parsed = optionSchema.schema.safeParse(own ?? optionSchema.default ?? {}, { error: describeIssue });
    if (!parsed.success) problems.push(...at(fromZod("options", parsed.error)));
  } else if (own !== undefined) {
    problems.push(`scenario ${name} takes no options${api === undefined ? "" : " but api"}`);
  }
  return problems;
}

/** Kubeconfig contents handed over in the environment, as the `pulumi up` gate does: never a file, never a flag. */
export const kubeconfigEnv = "ISTIO_LAB_KUBECONFIG";

export async function resolveTarget(args: VerifyArgs, run: CommandRunner = execRunner, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const flagsOnly = args.scenario !== undefined && args.namespace !== undefined && args.gatewayUrl !== undefined;
  const outputs = flagsOnly ? {} : await stackOutputs(args, run);
  const scenario = args.scenario ?? text(outputs.scenario);
  const namespace = args.namespace ?? text(outputs.appNamespace);
  const gatewayUrl = args.gatewayUrl ?? text(outputs.gatewayUrl);
  const missing = [!scenario && "--scenario (output scenario)", !namespace && "--namespace (output appNamespace)", !gatewayUrl && "--gateway-url (output gatewayUrl)"].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`the stack does not say, so pass: ${missing.join(", ")}`);
  const stackConfig = flagsOnly ? {} : await stackConfigValues(args, run);
  const options = args.options !== undefined || flagsOnly ? args.options : stackConfig.scenarioOptions;
  const stackKubeconfig = text(outputs.kubeconfig);
  const inline = text(env[kubeconfigEnv]) ?? stackKubeconfig;
  // A stack on a kubeconfig file says which file and which context it recorded (components/cluster/pin.ts).
  const file = args.kubeconfig ?? text(outputs.kubeconfigPath);
  const kubeconfig: KubeconfigSource = args.kubeconfig
    ? { kind: "file", path: args.kubeconfig }
    : inline
      ? { kind: "inline", content: inline }
      : file
        ? { kind: "file", path: file }
        : { kind: "default" };
  const context = args.context ?? text(outputs.kubeContext);
  const resolved = scenarioSpec(scenario!, options, stackConfig.customServices);
  const tcpPort = args.tcpPort ?? (outputs.tcpPort === undefined ? undefined : Number(outputs.tcpPort));
  return {
    // A lab's TCP probes go to the gateway port it holds (output tcpPort).
    ...resolved,
    spec: { ...resolved.spec, probes: onLabTcpPort(resolved.spec.probes, tcpPort) },
    namespace: namespace!,
    gatewayUrl: gatewayUrl!,
    ...((args.host ?? text(outputs.labHost)) && { host: args.host ?? text(outputs.labHost) }),
    kubeconfig,
    ...(context && { context }),
    ...(text(outputs.gatewayPortForward) && { gatewayPortForward: text(outputs.gatewayPortForward) }),
    source: flagsOnly ? "flags" : `stack ${args.stack ?? "(selected)"}`,
    // One mirror for every image (istio-lab:apps.imageRegistry): the lab's nodes may reach no other registry.
    plaintextImage: args.plaintextImage ?? mirrored(curlImage, text(outputs.imageRegistry)),
  };
}
