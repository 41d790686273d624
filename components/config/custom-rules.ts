// What scenario custom's options say of your own services (istio-lab:apps.custom), resolved or
// refused before anything is registered: a policy names a declared service, a rule a TCP service
// cannot carry is refused on it, a mirror goes to a version that does not already serve every
// request. And values written in plain text that are credentials, anywhere in the stack file.
import type { CustomService } from "../../catalog/apps/custom";
import { credentialEnvName, credentialInValue } from "../../catalog/apps/values";
import { customIngressName, type CustomOptions } from "../../catalog/scenarios/custom";
import type { ConfigIssue } from "./errors";

const options = "istio-lab:scenarioOptions";

/**
 * Route fields the custom scenario writes into a VirtualService's `http` rules (catalog/scenarios/
 * custom.ts httpRoute). Istio applies `http` rules to HTTP ports only: a port named tcp gets a TCP
 * listener, whose filter chains read the VirtualService's `tcp` rules alone (istio/istio
 * release-1.31 pilot/pkg/networking/core/tls.go buildSidecarOutboundTCPFilterChainOpts), so on a
 * tcp service each of them would be ignored without a word.
 */
const httpOnlyRouteFields = {
  match: "headers and path prefixes, which a TCP connection has none of",
  fault: "injected delays and aborts, which Istio injects into HTTP requests only",
  retries: "retries, which Istio makes of HTTP requests only",
  timeout: "a request timeout, which Istio applies to HTTP requests only",
  mirror: "a mirror, which Istio makes of HTTP requests only",
  weights: "weights, which the custom scenario writes as HTTP rules that Istio does not apply to a TCP port",
} as const;

/** Policy fields that are HTTP-only (DestinationRule connectionPool.http, consistent hashing on HTTP attributes). */
const httpOnlyPolicyProblems = (policy: NonNullable<CustomOptions["policies"]>[string]): [string, string][] => {
  const found: [string, string][] = [];
  for (const field of ["http1MaxPendingRequests", "maxRequestsPerConnection"] as const) {
    if (policy.connectionPool?.[field] !== undefined) found.push([`connectionPool.${field}`, "limits HTTP requests, which a TCP connection does not carry"]);
  }
  const hash = policy.consistentHash;
  if (hash && !("sourceIp" in hash)) found.push(["consistentHash", "hashes on an HTTP header, cookie or query parameter, which a TCP connection has none of; hash on sourceIp"]);
  return found;
};

export function customReferenceRules(custom: CustomOptions, services: readonly CustomService[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byName = new Map(services.map((s) => [s.name, s]));
  const declared = services.map((s) => s.name).join(", ") || "none";
  for (const [name, policy] of Object.entries(custom.policies ?? {})) {
    const service = byName.get(name);
    if (!service) {
      issues.push({ key: `${options}.policies.${name}`, message: `names no service of istio-lab:apps.custom (declared: ${declared}); declare it there, or remove this policy` });
      continue;
    }
    if (service.protocol === "tcp") {
      for (const [field, why] of httpOnlyPolicyProblems(policy)) {
        issues.push({ key: `${options}.policies.${name}.${field}`, message: `service ${name} is tcp, and this ${why}; remove it, or declare ${name}'s protocol http` });
      }
    }
  }
  custom.routes.forEach((route, i) => {
    const service = byName.get(route.service);
    // A route to an undeclared service is the analyzer's to report (a destination without a Service).
    if (!service) return;
    if (service.protocol === "tcp") {
      for (const [field, what] of Object.entries(httpOnlyRouteFields)) {
        if (route[field as keyof typeof httpOnlyRouteFields] === undefined) continue;
        issues.push({ key: `${options}.routes[${i}].${field}`, message: `service ${service.name} is tcp: ${what}; remove it, or declare ${service.name}'s protocol http if it speaks HTTP` });
      }
      return;
    }
    if (route.mirror) {
      const serving = Object.entries(route.weights ?? {}).filter(([, weight]) => weight > 0);
      const sole = serving.length === 1 ? serving[0][0] : route.weights === undefined && service.versions.length === 1 ? service.versions[0].name : undefined;
      if (sole === route.mirror.version) {
        issues.push({
          key: `${options}.routes[${i}].mirror.version`,
          message: `is ${sole}, which already serves every request of this route: the copies would go to the same pods and show nothing; mirror another version of ${service.name}`,
        });
      }
    }
  });
  return issues;
}

/**
 * Names the lab gives its own objects in a custom plan: a service of that name would make a second
 * VirtualService of it (the gateway's, catalog/scenarios/custom.ts), one URN twice.
 */
export function reservedCustomNames(services: readonly CustomService[]): ConfigIssue[] {
  return services.flatMap((s, i) =>
    s.name === customIngressName
      ? [{ key: `istio-lab:apps.custom[${i}].name`, message: `is the name of the VirtualService the lab writes for the ingress gateway (${customIngressName}); give your service another name` }]
      : [],
  );
}

/**
 * Credentials written in plain text in a key that is not a secret: a URL holding a password or
 * token anywhere, and an app's env value whose name says it is one. The CLI marks a key secret as a
 * whole when any value inside it is (pulumi/pulumi sdk/go/common/resource/config/object.go Secure,
 * map.go SecureKeys), so one `--path --secret` value makes the whole key a secret, and then every
 * value of it stays one (components/workloads: env values in a Kubernetes Secret).
 */
export function plainCredentials(values: Readonly<Record<string, string>>, secretKeys: ReadonlySet<string>, project: string, keysWithoutSecrets: readonly string[] = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const hint = (path: string) =>
    keysWithoutSecrets.some((k) => path === `${project}:${k}` || path.startsWith(`${project}:${k}.`) || path.startsWith(`${project}:${k}[`))
      ? "this key cannot keep a secret (its values reach the cluster and the outputs as they are): leave the credential out of it"
      : `store it as a secret: \`pulumi config set --path --secret '${path}' <value>\``;
  const walk = (value: unknown, path: string, inEnv: boolean) => {
    if (typeof value === "string") {
      const why = credentialInValue(value);
      const name = path.slice(path.lastIndexOf(".") + 1);
      if (why) issues.push({ key: path, message: `is ${why}, written in plain text, which the stack file, the state and a render would show; ${hint(path)}` });
      // An absolute path names a file that holds the credential (GOOGLE_APPLICATION_CREDENTIALS), not the credential.
      else if (inEnv && value !== "" && !/^\/\S*$/.test(value) && credentialEnvName.test(name)) {
        issues.push({ key: path, message: `names a credential (${name}) and is written in plain text, which the stack file, the state and the Deployment would show; ${hint(path)}` });
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, false));
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, path.endsWith(".env"));
    }
  };
  for (const [key, text] of Object.entries(values)) {
    if (!key.startsWith(`${project}:`) || secretKeys.has(key)) continue;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a plain string
    }
    walk(parsed, key, false);
  }
  return issues;
}
