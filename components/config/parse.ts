// Reads the whole stack configuration into one typed LabConfig, or fails with every problem at once.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { CustomService } from "../../catalog/apps/custom";
import { resolveScenario, splitApiOption } from "../../catalog/scenarios";
import { gatewayApiRefusal, gatewayApiRefusalMessage } from "../../catalog/scenarios/gateway-api";
import { scenarioNames, type ScenarioName } from "../../catalog/scenarios/names";
import { scenarioOptionSchemas } from "../../catalog/scenarios/options";
import { modeRefusal, modeRefusalMessage, type MeshMode } from "../../catalog/scenarios/modes";
import { inAmbient } from "../../catalog/scenarios/waypoint";
import { selectApps } from "../../catalog/apps";
import { platformOnlyReasons, type ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { isLocalCluster, resolveCluster, type ClusterConfig, type Secret } from "./cluster-source";
import type { ReadFile } from "./kubeconfig";
import { closestKey, ConfigError, describeIssue, fromZod, unknownKeyMessage, type ConfigIssue } from "./errors";
import * as rules from "./rules";
import * as schema from "./schema";
import { defaultLabTcpPort, labTcpIssues, localClusterClaims, namespaceClaimedBy, samePlatform, tcpPortClaimedBy, type SiblingCluster, type SiblingLab } from "./sibling-labs";
import { nodeImageRules } from "./node-image";
import { customReferenceRules, plainCredentials, reservedCustomNames } from "./custom-rules";
import type { CustomOptions } from "../../catalog/scenarios/custom";
import { ingressTcpPorts, labTcpPorts } from "../../catalog/scenarios/tcp";
import { projectKeyNames, vsphereKeyProblem, vsphereProviderKeys } from "./stack-keys";

export const project = "istio-lab";
const topLevelKeys: readonly string[] = projectKeyNames;
/** The other namespace whose keys the program checks: the vSphere provider's, which source vsphere configures. */
const providerNamespace = "vsphere";

/** Keys of what a platform owns (the cluster and the mesh): a lab stack sets none of them. */
const platformOnlyKeys = ["cluster", "mesh", "sshPrivateKey", "kubeconfig"];

export type { ClusterConfig, ExistingClusterConfig, LocalClusterConfig, MachineClusterConfig, Secret } from "./cluster-source";

/** A platform stack: it builds the cluster and the mesh, and runs its own lab on them. */
export interface LabConfig {
  platform?: undefined;
  scenario: ScenarioName;
  /** Validated against the scenario's own schema in catalog/scenarios/options.ts. */
  scenarioOptions: unknown;
  /** The scenario resolved from the catalog, once: its workloads, Istio resources and probes. */
  scenarioSpec: ScenarioSpec;
  cluster: ClusterConfig;
  /** `secret`: istio-lab:mesh holds a secret (`pulumi config set --path --secret`), which makes the whole key one, so its URLs are Pulumi secrets. */
  mesh: schema.Mesh & { secret?: true };
  apps: schema.Apps;
  verify: schema.Verify;
  /** One `pulumi up` without the provider's clusterIdentifier (docs/recovery.md, stacks deployed before the cluster's identity). */
  identifierUpgrade: boolean;
}

/**
 * A lab stack (istio-lab:platform set): its namespace, workloads and scenario on the cluster and
 * mesh of the platform stack it names, and nothing else.
 */
export interface LabOnPlatformConfig {
  /** The platform stack, as `pulumi.StackReference` takes it: `<stack>` of this project or `<org>/<project>/<stack>`. */
  platform: string;
  scenario: ScenarioName;
  scenarioOptions: unknown;
  scenarioSpec: ScenarioSpec;
  /** `namespace` defaults to the lab stack's name; `imageRegistry` to the platform's. */
  apps: { namespace: string; imageRegistry?: string; custom?: CustomService[]; tcpPort?: number };
  verify: schema.Verify;
  identifierUpgrade: boolean;
}

export type StackConfig = LabConfig | LabOnPlatformConfig;

/** What Pulumi hands a program: every config value as a string, and which keys were secret. */
export interface RawConfig {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
  /** The stack's name: a lab's namespace by default. */
  stack?: string;
  /** The lab stacks whose stack files sit beside this one's: no two on a platform share a namespace; a platform they name runs no policy on the shared gateway. */
  siblingLabs?: readonly SiblingLab[];
  /** The kind and k3d clusters the stack files beside this one make on this machine: no two share a name or a host port. */
  siblingClusters?: readonly SiblingCluster[];
  /** This stack's file writes `istio-lab:platform:` with no value (the CLI hands "" then, as for no key). */
  emptyPlatform?: boolean;
  /** Whether a command is on the PATH of the machine that runs Pulumi (sources kind and k3d need theirs). */
  onPath?: (tool: string) => boolean;
  /** Reads a file on the machine that runs Pulumi (source kubeconfig's path). */
  readFile?: ReadFile;
}

/**
 * Checks a resolved scenario against the mesh and its workloads (components/scenarios/analyzer.ts).
 * The program hands it in, so that its findings join the config's problems, all reported at once
 * before any resource, while config imports nothing from the layers built on it.
 */
export type ScenarioAnalyzer = (scenario: ScenarioName, spec: ScenarioSpec, context?: ScenarioContext) => ConfigIssue[];

/** Where the scenario runs, as far as the analyzer asks. */
export interface ScenarioContext {
  /** A platform stack: the lab stacks beside it that name it (a policy on the shared gateway would act on their hosts). */
  labsOnPlatform?: readonly SiblingLab[];
  /** The data plane the scenario's objects were made for (ambient: catalog/scenarios/waypoint.ts inAmbient); sidecar when absent. */
  meshMode?: MeshMode;
}

const secretHint = (key: string) =>
  `is a secret and was given as plain text; store it with \`pulumi config set --secret ${key}\``;

/** A platform stack's config; a lab stack's is refused (for callers that build a whole lab). */
export function parseLabConfig(raw: RawConfig, analyze: ScenarioAnalyzer): LabConfig {
  const config = parseStackConfig(raw, analyze);
  if (config.platform !== undefined) throw new ConfigError([{ key: `${project}:platform`, message: "is set: this is a lab stack, which builds no cluster or mesh" }]);
  return config;
}

export function parseStackConfig(
  { values, secretKeys, stack, siblingLabs = [], siblingClusters = [], emptyPlatform = false, onPath = () => true, readFile = () => undefined }: RawConfig,
  analyze: ScenarioAnalyzer,
): StackConfig {
  const issues: ConfigIssue[] = [];
  const key = (name: string) => `${project}:${name}`;

  for (const name of Object.keys(values)) {
    // A namespace one typo away from the project's (istio_lab:, istiolab:) or the vSphere
    // provider's is one of them, misspelt: the CLI and the program would otherwise ignore the key
    // without a word.
    const namespace = name.split(":")[0];
    const meant = closestKey(namespace, [project, providerNamespace]);
    if (namespace !== project && namespace !== providerNamespace && meant !== undefined) {
      issues.push({ key: name, message: `is in the namespace "${namespace}", which nothing reads; did you mean "${meant}:${name.slice(namespace.length + 1)}"?` });
      continue;
    }
    const short = name.slice(namespace.length + 1);
    if (namespace === providerNamespace) {
      // The provider refuses a key it does not know, but only once a vSphere cluster is built.
      const known = Object.keys(vsphereProviderKeys);
      const problem = known.includes(short) ? vsphereKeyProblem(short, values[name]) : unknownKeyMessage(short, known);
      if (problem) issues.push({ key: name, message: problem });
      continue;
    }
    if (namespace !== project) continue;
    if (!topLevelKeys.includes(short)) issues.push({ key: name, message: unknownKeyMessage(short, topLevelKeys) });
  }

  const object = (name: string): unknown => {
    const text = values[key(name)];
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      // Pulumi.yaml declares the optional objects with `default: {}`, so the CLI hands every stack
      // that leaves one out an empty object: it means "not set".
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return Object.keys(parsed).length > 0 ? parsed : undefined;
    } catch {
      // reported below
    }
    issues.push({ key: key(name), message: `must be an object; set its fields with \`pulumi config set --path '${name}.<field>' <value>\`` });
    return null;
  };

  // `given` says the input is a value the stack wrote, so that null is its own (`api:` left empty)
  // rather than object()'s mark of a key already reported.
  const parse = <S extends z.ZodType>(name: string, s: S, input: unknown, given = false): z.infer<S> | undefined => {
    if (input === null && !given) return undefined;
    const result = s.safeParse(input, { error: describeIssue });
    if (result.success) return result.data;
    issues.push(...fromZod(key(name), result.error));
    return undefined;
  };

  const secret = (fullKey: string): Secret | undefined => {
    const value = values[fullKey];
    if (value === undefined) return undefined;
    if (!secretKeys.has(fullKey)) issues.push({ key: fullKey, message: secretHint(fullKey) });
    return pulumi.secret(value);
  };

  // An object key that is absent takes its default; one that is not an object (null) is reported
  // once by object() and skipped by parse().
  const orDefault = (input: unknown, fallback: unknown) => (input === undefined ? fallback : input);

  const scenario = (values[key("scenario")] ?? "bookinfo") as ScenarioName;
  const inCatalog = scenarioNames.includes(scenario);
  if (!inCatalog) {
    const meant = closestKey(scenario, scenarioNames);
    issues.push({ key: key("scenario"), message: `"${scenario}" is not in the catalog; ${meant ? `did you mean "${meant}"? The catalog: ` : "choose one of "}${scenarioNames.join(", ")}` });
  }
  // `api` applies to every scenario; the rest are the scenario's own options.
  const { api: rawApi, own: ownOptions } = splitApiOption(object("scenarioOptions"));
  const api = rawApi === undefined ? "istio" : parse("scenarioOptions.api", schema.scenarioApi, rawApi, true);
  const noGatewayApiForm = api === "gateway-api" && inCatalog ? gatewayApiRefusal(scenario) : undefined;
  if (noGatewayApiForm) issues.push({ key: key("scenarioOptions.api"), message: gatewayApiRefusalMessage(scenario, noGatewayApiForm) });
  const optionSchema = scenarioOptionSchemas[scenario];
  let scenarioOptions: unknown;
  if (optionSchema) {
    scenarioOptions = parse("scenarioOptions", optionSchema.schema, orDefault(ownOptions, optionSchema.default ?? {}));
  } else if (ownOptions && inCatalog) {
    issues.push({ key: key("scenarioOptions"), message: `scenario ${scenario} takes no options${rawApi === undefined ? "" : " but api"}; remove istio-lab:scenarioOptions` });
  }
  // verify resolves the scenario from these options too, so they carry the API.
  if (api === "gateway-api") scenarioOptions = { ...(scenarioOptions as object | undefined), api };

  const appsInput = object("apps");
  // Scenario custom routes the services istio-lab:apps.custom declares; a malformed declaration is
  // reported where apps is parsed below, and the scenario then waits for it.
  const declared = schema.apps.shape.custom.safeParse((appsInput as { custom?: unknown } | null | undefined)?.custom);
  if (scenario === "custom" && declared.success && (declared.data ?? []).length === 0) {
    issues.push({ key: key("apps.custom"), message: "is required for scenario custom: declare your services (name, port, versions with their images)" });
  }
  const resolvedSpec =
    inCatalog && declared.success && !issues.some((i) => i.key.startsWith(key("scenarioOptions")) || i.key === key("apps.custom"))
      ? resolveScenario(scenario, scenarioOptions, declared.data ?? [])
      : undefined;
  // In a platform stack's ambient mode a scenario that runs there takes its ambient form (a waypoint,
  // policies on it: catalog/scenarios/waypoint.ts), which is what the analyzer checks and the lab
  // applies; a refused one is reported on mesh.mode below. A lab stack's mode is its platform's,
  // read later (components/platform.ts inPlatformMode), where a lab takes the same ambient form,
  // a waypoint of its own included (ambientPairs("lab") in catalog/scenarios/modes.ts).
  const modeText = values[key("platform")] ? undefined : (object("mesh") as { mode?: unknown } | null | undefined)?.mode;
  const meshMode = schema.mesh.shape.mode.safeParse(modeText).data ?? "sidecar";
  const ambientForm = resolvedSpec && meshMode === "ambient" && !modeRefusal(meshMode, scenario, typeof api === "string" ? api : "istio");
  const scenarioSpec = resolvedSpec && ambientForm ? inAmbient(resolvedSpec, [...selectApps(resolvedSpec.workloads), ...(resolvedSpec.apps ?? [])]) : resolvedSpec;
  // A platform stack (no istio-lab:platform) reads the lab stack files beside it that name it.
  const labsOnPlatform = !values[key("platform")] && stack !== undefined ? siblingLabs.filter((s) => samePlatform(s.platform, stack, project)) : [];
  if (scenarioSpec) issues.push(...analyze(scenario, scenarioSpec, { labsOnPlatform, meshMode: ambientForm ? "ambient" : "sidecar" }));
  if (scenarioSpec && scenario === "custom" && declared.success) {
    issues.push(...reservedCustomNames(declared.data ?? []), ...customReferenceRules(scenarioOptions as CustomOptions, declared.data ?? []));
  }
  issues.push(...plainCredentials(values, secretKeys, project, keysWithoutSecrets));
  // A secret inside a key makes the whole key one (the CLI's config/object.go Secure, map.go
  // SecureKeys), and the program keeps secrets only where it knows what they are: sshPrivateKey,
  // kubeconfig, the env and args of your services (apps), the chart and CRD URLs (mesh). These keys
  // go into the cluster's objects, the stack's outputs and verify's command line as they are.
  for (const name of keysWithoutSecrets) {
    if (secretKeys.has(key(name))) issues.push({ key: key(name), message: `holds a secret (set with --secret), which this key cannot keep: its values reach the cluster's objects and the stack's outputs in plain text; set it without --secret` });
  }
  // A value stored with `--path --secret` inside apps makes the whole key a secret (the CLI's
  // object.go Secure): every env value and argument of your services then stays one.
  const spec = scenarioSpec && secretKeys.has(key("apps")) ? withSecretEnv(scenarioSpec) : scenarioSpec;

  const verify = parse("verify", schema.verify, orDefault(object("verify"), {}));
  const upgradeText = values[key("identifierUpgrade")];
  const identifierUpgrade = upgradeText === undefined ? false : (parse("identifierUpgrade", schema.flag, upgradeText) ?? false);
  // Pulumi.yaml declares `platform` with the default "": a platform stack.
  const platform = values[key("platform")] || undefined;
  if (platform !== undefined) {
    parse("platform", schema.platform, platform);
    // The CLI hands every stack the declared defaults (`{}`), so only a non-empty value is "set".
    for (const name of platformOnlyKeys) {
      const text = values[key(name)];
      if (text !== undefined && text !== "{}") issues.push({ key: key(name), message: `is set in a lab stack: the cluster and the mesh are the platform's (istio-lab:platform: ${platform}); remove it` });
    }
    const lab = labApps(parse("apps", schema.labApps, orDefault(appsInput, {})), { stack, platform, siblingLabs, tcp: scenarioSpec ? ingressTcpPorts(scenarioSpec).length > 0 : false }, issues);
    for (const reason of scenarioSpec ? platformOnlyReasons(scenarioSpec) : []) {
      issues.push({ key: key("scenario"), message: `${scenario} ${reason}; run it on a platform stack` });
    }
    if (scenarioSpec) issues.push(...labTcpIssues(scenario, scenarioSpec, lab?.apps.tcpPort));
    if (issues.length > 0 || !spec || !lab || !verify) throw new ConfigError(redactSecrets(issues, values, secretKeys));
    return { platform, scenario, scenarioOptions, scenarioSpec: spec, apps: lab.apps, verify, identifierUpgrade };
  }

  const mesh = parse("mesh", schema.mesh, orDefault(object("mesh"), {}));
  const apps = parse("apps", schema.apps, orDefault(appsInput, {}));
  if (mesh) issues.push(...rules.meshOptionRules(mesh));
  // The data plane runs only the scenarios the catalog gives it (catalog/scenarios/modes.ts).
  const modeReason = mesh && inCatalog ? modeRefusal(mesh.mode, scenario, typeof api === "string" ? api : "istio") : undefined;
  if (mesh && modeReason) issues.push({ key: key("mesh.mode"), message: modeRefusalMessage(mesh.mode, scenario, modeReason) });

  const rawCluster = object("cluster");
  const cluster = rawCluster === undefined ? undefined : parse("cluster", schema.cluster, rawCluster);
  if (rawCluster === undefined && emptyPlatform) {
    issues.push({
      key: key("platform"),
      message: "is empty: a lab stack names the platform stack whose cluster and mesh it uses (`pulumi config set istio-lab:platform local`); a platform stack leaves the key out and sets istio-lab:cluster instead",
    });
  } else if (rawCluster === undefined) {
    issues.push({ key: key("cluster"), message: `is required: where the cluster comes from (cluster.source: ${schema.clusterSources.join(", ")}); or set istio-lab:platform to make this stack a lab on another stack's cluster and mesh` });
  }
  const sshPrivateKey = secret(key("sshPrivateKey"));
  const kubeconfigSecret = secret(key("kubeconfig"));
  secret("vsphere:password"); // only checked: the vSphere provider reads its own keys

  // When a field of the cluster is wrong, the rules about the source still apply to what was given,
  // so that every problem is reported at once.
  const given: Partial<Record<keyof schema.RawCluster, unknown>> =
    cluster ?? (rawCluster !== null && typeof rawCluster === "object" ? (rawCluster as Record<string, unknown>) : {});
  const source = rawCluster === undefined ? undefined : schema.cluster.shape.source.safeParse(given.source).data;
  const resolved = source
    ? resolveCluster({ source, given, parsed: cluster, sshPrivateKey, kubeconfigSecret, hasConfig: (k) => values[k] !== undefined, stack, onPath, readFile })
    : { issues: [] };
  issues.push(...resolved.issues);
  // The Istio release is checked whatever the source; the Kubernetes range only where istio-lab
  // installs Kubernetes itself.
  if (mesh) issues.push(...rules.istioRules(mesh, resolved.kubernetesVersion));

  if (verify && mesh && source) issues.push(...rules.verifyRules(verify, source, mesh));
  if (mesh && source) issues.push(...rules.localClusterRules(source, mesh));
  if (mesh && (source === "kind" || source === "k3d") && (given.nodeImage === undefined || typeof given.nodeImage === "string")) {
    issues.push(...nodeImageRules(source, given.nodeImage, mesh.istioVersion));
  }
  const local = resolved.config && isLocalCluster(resolved.config) ? resolved.config : undefined;
  if (local && stack !== undefined) {
    issues.push(...localClusterClaims({ stack, source: local.source, name: local.name, hostPort: local.hostPort }, siblingClusters, { name: given.name !== undefined, hostPort: given.hostPort !== undefined }));
  }

  if (issues.length > 0 || !spec || !resolved.config || !mesh || !apps || !verify) throw new ConfigError(redactSecrets(issues, values, secretKeys));
  // One mirror for every image: the cluster istio-lab builds pulls its own through it too.
  const clusterConfig = (resolved.config.source === "vsphere" || resolved.config.source === "hosts") && apps.imageRegistry ? { ...resolved.config, imageRegistry: apps.imageRegistry } : resolved.config;
  // A value stored with `--path --secret` inside mesh makes the whole key a secret (the CLI's
  // config/object.go Secure, map.go SecureKeys): which field it was is not known, so every URL is one.
  const meshConfig = secretKeys.has(key("mesh")) ? { ...mesh, secret: true as const } : mesh;
  return { scenario, scenarioOptions, scenarioSpec: spec, cluster: clusterConfig, mesh: meshConfig, apps, verify, identifierUpgrade };
}

/** Your services with every env value and argument marked secret (app-spec.ts ContainerSpec.secret). */
function withSecretEnv(spec: ScenarioSpec): ScenarioSpec {
  if (!spec.apps) return spec;
  return {
    ...spec,
    apps: spec.apps.map((app) => ({
      ...app,
      versions: app.versions.map((v) => (v.container.env || v.container.args ? { ...v, container: { ...v.container, secret: true } } : v)),
    })),
  };
}

/**
 * A lab's apps: its namespace is the stack's name unless apps.namespace names one, so that labs
 * made with `pulumi stack init <student>` never share one.
 */
function labApps(
  apps: schema.LabApps | undefined,
  { stack, platform, siblingLabs, tcp }: { stack?: string; platform: string; siblingLabs: readonly SiblingLab[]; tcp: boolean },
  issues: ConfigIssue[],
): { apps: LabOnPlatformConfig["apps"] } | undefined {
  if (!apps) return undefined;
  const namespace = apps.namespace ?? stack;
  if (namespace === undefined) return undefined;
  const named = schema.apps.shape.namespace.safeParse(namespace, { error: describeIssue });
  if (!named.success) {
    issues.push({ key: `${project}:apps.namespace`, message: `is needed: the stack's name "${namespace}" is not a namespace name of its own (${named.error.issues[0].message}); set one` });
    return undefined;
  }
  const other = stack === undefined ? undefined : namespaceClaimedBy({ stack, platform, namespace }, siblingLabs, project);
  if (other) {
    // One namespace means one host on the shared gateway too (catalog/lab-host.ts).
    issues.push({
      key: `${project}:apps.namespace`,
      message: `"${namespace}" is also the namespace of lab stack ${other.stack} (Pulumi.${other.stack}.yaml) on platform ${platform}: two labs would share its objects and its host; give one of them another istio-lab:apps.namespace`,
    });
    return undefined;
  }
  // A TCP port of the shared gateway is one lab's at a time (catalog/scenarios/tcp.ts ingressTcpPorts).
  const holder = tcp && stack !== undefined ? tcpPortClaimedBy({ stack, platform, namespace, tcp, ...(apps.tcpPort !== undefined && { tcpPort: apps.tcpPort }) }, siblingLabs, project) : undefined;
  if (holder) {
    const port = apps.tcpPort ?? defaultLabTcpPort();
    const held = new Set(siblingLabs.filter((s) => s.tcp && s.stack !== stack && samePlatform(s.platform, platform, project)).map((s) => s.tcpPort ?? defaultLabTcpPort()));
    const free = labTcpPorts.filter((p) => !held.has(p) && p !== port);
    issues.push({
      key: `${project}:apps.tcpPort`,
      message:
        `${apps.tcpPort === undefined ? `port ${port} (unset: the first lab TCP port)` : `port ${port}`} of the shared gateway is also held by lab stack ${holder.stack} (Pulumi.${holder.stack}.yaml) on platform ${platform}, and Istio serves a TCP port with one lab's pods only; ` +
        `give one of them another lab TCP port${free.length > 0 ? ` (free: ${free.join(", ")})` : " (none is free: the platform has " + labTcpPorts.length + ")"}: \`pulumi config set --path istio-lab:apps.tcpPort <port>\``,
    });
    return undefined;
  }
  return {
    apps: {
      namespace,
      ...(apps.imageRegistry && { imageRegistry: apps.imageRegistry }),
      ...(apps.custom && { custom: apps.custom }),
      ...(apps.tcpPort !== undefined && { tcpPort: apps.tcpPort }),
    },
  };
}

/** The project's keys that never hold a secret: one stored in them would end up in plain text. */
const keysWithoutSecrets = ["platform", "scenario", "scenarioOptions", "cluster", "verify"] as const;

/** Keys whose values are secrets whether or not they were stored as such. */
const secretConfigKeys = [`${project}:sshPrivateKey`, `${project}:kubeconfig`, "vsphere:password"];

/** No message may repeat a secret value, even one echoed back as the wrong input. */
function redactSecrets(issues: ConfigIssue[], values: RawConfig["values"], secretKeys: ReadonlySet<string>): ConfigIssue[] {
  const secrets = [...new Set([...secretKeys, ...secretConfigKeys])]
    .map((name) => values[name])
    // Very short values would mangle every message and hide nothing.
    .filter((value): value is string => value !== undefined && value.length >= 4)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string) => secrets.reduce((out, value) => out.split(value).join("[secret]"), text);
  return issues.map((issue) => ({ key: issue.key, message: redact(issue.message) }));
}
