// The command line of `npm run verify`: flags, their defaults, and the help text.
import { parseArgs } from "node:util";
import { curlImage } from "../../catalog/versions";
import { scenarioNames } from "../../catalog/scenarios/names";

export const help = `usage: npm run verify -- [flags]

Sends traffic to a running lab and checks that the mesh behaves as its scenario promises:
reviews versions (stars) per user, delays, faults, retries, mirroring, circuit breaking,
sticky sessions and STRICT mTLS. Prints a table per probe (expected, observed, PASS/FAIL).

Where the lab is: the Pulumi stack's outputs (pulumi stack output --show-secrets --json), each
overridden by a flag. With --scenario, --namespace and --gateway-url all given, the Pulumi CLI is
not used at all; the kubeconfig then comes from --kubeconfig, KUBECONFIG or ~/.kube/config.

flags:
  -s, --stack NAME        Pulumi stack to read outputs from (default: the selected stack)
      --scenario NAME     scenario to verify (default: the stack output 'scenario')
      --options JSON      the scenario's options, its form included ('{"api":"gateway-api"}')
                          (default: the stack's istio-lab:scenarioOptions)
      --kubeconfig PATH   kubeconfig file (default: the contents in ISTIO_LAB_KUBECONFIG, the
                          stack output 'kubeconfig', then KUBECONFIG, then ~/.kube/config)
      --context NAME      kubeconfig context (default: its current-context)
      --gateway-url URL   ingress gateway, e.g. http://127.0.0.1:8080 (default: the stack
                          output 'gatewayUrl'); on a local stack run 'gatewayPortForward' first
      --namespace NS      app namespace (default: the stack output 'appNamespace')
      --host HOST         a lab's host on a shared platform's gateway, sent as the Host header
                          (default: the stack output 'labHost'; none for a platform's own lab)
      --tcp-port PORT     a lab's TCP port on a shared platform's gateway, where its TCP probes
                          connect (default: the stack output 'tcpPort'; the scenario's own port
                          for a platform's own lab)
      --requests N        the sample size of the probes judged by shares or answer by answer
                          (product pages, your services' versions, locality shares, TCP
                          connections), 1-1000 (default: each probe's own, the fewest that meet
                          the rates below, e.g. 80 for a 90/10 split). Counts that carry meaning
                          never change: a rate-limit bucket, a circuit breaker's load, retries,
                          sticky keys. Fewer than the rates need makes a share check INCONCLUSIVE.
      --timeout SECONDS   limit of each HTTP request and each exec (default 20)
      --deadline SECONDS  limit of the whole run (default 600)
      --ready-timeout SECONDS
                          before any probe, wait up to this long until istiod holds the
                          lab's Istio config as the cluster has it and every proxy on its
                          path acknowledged a push made since (default 120; 0: no wait, and
                          the report says so). Each probe is then judged once.
      --plaintext-image IMAGE
                          image of the sidecar-less client of the mTLS check
                          (default ${curlImage}, through the stack's output
                          imageRegistry when it has one)
      --json              print one JSON document on stdout and nothing else there
  -h, --help              this text

rates: a share check (weighted routes, a percentage fault, locality) fails a correct lab at
most 1 in 1000 runs (exact binomial tails), and passes the nearest wrong behaviour (a version
that should get traffic getting none, all traffic on one version, the scenario's previous step)
at most 1 in 1000 runs; each table line "fails on" says what would have failed the check.
Counts that carry meaning are exact, not rates: the rate limiter's sequence (its bucket emptied,
then full again after a fill interval, then the task's 200 x4 and 429 with x-local-rate-limit),
retries, a circuit breaker's load. What each probe proves and what fails it: docs/verify.md.

exit codes: 0 every check passed; 1 a check failed; 2 usage error, an inconclusive check (too
few answers to tell), or the gateway, the cluster or a pod could not be reached.

scenarios: ${scenarioNames.join(", ")}
`;

export interface VerifyArgs {
  stack?: string;
  scenario?: string;
  options?: unknown;
  kubeconfig?: string;
  context?: string;
  gatewayUrl?: string;
  namespace?: string;
  host?: string;
  /** A lab's TCP port on a shared gateway (its output tcpPort). */
  tcpPort?: number;
  requests?: number;
  timeoutSeconds: number;
  deadlineSeconds: number;
  /** The bound of the wait until the proxies serve the scenario (readiness.ts); 0: no wait. */
  readyTimeoutSeconds: number;
  /** Without the flag: curl, through the stack's image mirror (Target.plaintextImage). */
  plaintextImage?: string;
  json: boolean;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function count(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || n < min || n > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max}, not "${text}"`);
  return n;
}

export function parseVerifyArgs(argv: string[]): VerifyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        stack: { type: "string", short: "s" },
        scenario: { type: "string" },
        options: { type: "string" },
        kubeconfig: { type: "string" },
        context: { type: "string" },
        "gateway-url": { type: "string" },
        namespace: { type: "string" },
        host: { type: "string" },
        "tcp-port": { type: "string" },
        requests: { type: "string" },
        timeout: { type: "string" },
        deadline: { type: "string" },
        "ready-timeout": { type: "string" },
        "plaintext-image": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let options: unknown;
  if (values.options !== undefined) {
    try {
      options = JSON.parse(values.options);
    } catch {
      throw new UsageError(`--options must be JSON, e.g. '{"weights":{"v1":80,"v2":20}}', not ${values.options}`);
    }
  }
  if (values["gateway-url"] !== undefined && !/^https?:\/\/[^/]/.test(values["gateway-url"])) {
    throw new UsageError(`--gateway-url must be an http:// or https:// URL, not "${values["gateway-url"]}"`);
  }
  if (values.host !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(values.host)) {
    throw new UsageError(`--host must be a host name such as student-7.istio-lab.test, not "${values.host}"`);
  }
  const tcpPort = count("tcp-port", values["tcp-port"], 1, 65535);
  if (tcpPort !== undefined && !Number.isInteger(tcpPort)) throw new UsageError(`--tcp-port must be a whole number, not ${values["tcp-port"]}`);
  const requests = count("requests", values.requests, 1, 1000);
  if (requests !== undefined && !Number.isInteger(requests)) throw new UsageError(`--requests must be a whole number, not ${values.requests}`);
  return {
    stack: values.stack,
    scenario: values.scenario,
    options,
    kubeconfig: values.kubeconfig,
    context: values.context,
    gatewayUrl: values["gateway-url"],
    namespace: values.namespace,
    host: values.host,
    ...(tcpPort !== undefined && { tcpPort }),
    requests,
    timeoutSeconds: count("timeout", values.timeout, 1, 600) ?? 20,
    deadlineSeconds: count("deadline", values.deadline, 1, 7200) ?? 600,
    readyTimeoutSeconds: count("ready-timeout", values["ready-timeout"], 0, 1800) ?? 120,
    plaintextImage: values["plaintext-image"],
    json: values.json ?? false,
    help: values.help ?? false,
  };
}
