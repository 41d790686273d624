// The contract between a platform stack and the lab stacks on it: what the platform publishes as
// its `labPlatform` output (and its secret `kubeconfig` output), and how a lab reads it back
// through a StackReference before it registers anything of its own.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { pinned } from "./cluster/pin";
import { sameCluster } from "./config/kubeconfig";
import { defaultLabTcpPort } from "./config/sibling-labs";
import { ConfigError } from "./config";
import { ambientRun, labModeRefusalMessage, meshModes, modeRefusal, type MeshMode } from "../catalog/scenarios/modes";
import type { ScenarioName } from "../catalog/scenarios/names";
import type { ScenarioSpec } from "../catalog/scenarios/scenario-spec";
import { inAmbient } from "../catalog/scenarios/waypoint";
import { selectApps } from "../catalog/apps";
import { analyzeScenario } from "./scenarios/analyzer";

/** The name of the platform's output that lab stacks read. */
export const labPlatformOutput = "labPlatform";
/** The platform's admin kubeconfig output (a secret), for platforms that hold the contents. */
export const kubeconfigOutput = "kubeconfig";

const labPlatform = z.object({
  /** The platform's provider clusterIdentifier: a lab's provider names the same cluster. */
  clusterIdentifier: z.string().min(1),
  /** A platform on source kubeconfig with a path: the file (unexpanded) and its pinned context. */
  kubeconfigPath: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /**
   * A platform on source kubeconfig: the cluster it recorded (its API server and CA digest), whose
   * clusterIdentifier stays the stack's name whatever cluster it reaches. Absent on older platforms.
   */
  server: z.string().min(1).optional(),
  caDigest: z.string().min(1).optional(),
  /** Each lab's host is `<namespace>.<labDomain>` on the shared ingress gateway. */
  labDomain: z.string().min(1),
  gatewayUrl: z.string().min(1),
  gatewayPortForward: z.string().min(1).optional(),
  /** Where the shared ingress gateway runs: the routes bound to it must be visible there. */
  gatewayNamespace: z.string().min(1),
  /** Namespaces a lab may not take: the platform's own lab and the mesh's. */
  reservedNamespaces: z.array(z.string()),
  imageRegistry: z.string().min(1).optional(),
  istioVersion: z.string().min(1),
  /**
   * The Gateway API's CRDs are installed whatever the platform's own scenario (istio-lab:mesh.gatewayApi,
   * and always in ambient mode): labs may use that form, and have waypoints. Absent on older platforms.
   */
  gatewayApi: z.boolean().optional(),
  /** The shared gateway's TCP ports that lab stacks hold, one lab each, read from its Service. Absent on older platforms. */
  labTcpPorts: z.array(z.int()).optional(),
  /**
   * What the platform's own scenario puts on the shared gateway (`RequestAuthentication/ingress-jwt`),
   * which acts on every host it serves, every lab's too. Absent on older platforms.
   */
  gatewayPolicies: z.array(z.string()).optional(),
  /** The platform's own scenario, for the messages of a lab it refuses. */
  scenario: z.string().optional(),
  /** The data plane (istio-lab:mesh.mode): a lab's namespace joins it, and a lab runs only its scenarios. Absent on older platforms, which are all sidecar. */
  meshMode: z.enum(meshModes).optional(),
});

/** The platform as its `labPlatform` output describes it. */
export type LabPlatform = z.infer<typeof labPlatform>;

/** A platform as a lab stack sees it: the published facts, and how to reach its cluster. */
export interface ResolvedPlatform extends LabPlatform {
  meshMode: MeshMode;
  /** The shared gateway's TCP port this lab holds, for a scenario with a TCP server. */
  tcpPort?: number;
  /** The stack reference the lab reads the platform through (a read, never a change). */
  reference: pulumi.StackReference;
  /** The platform's kubeconfig: its contents (a secret), or the path it was given. */
  kubeconfig: pulumi.Output<string> | string;
}

/**
 * Reads the platform stack's outputs before the lab registers anything else, so that a missing or
 * older platform, or a namespace the platform holds, fails as a config error naming the key.
 * A StackReference is read in a preview as in an update (pulumi/pulumi pkg/resource/deploy/
 * builtins.go reads the referenced stack's outputs in Read), so the values are always known here.
 */
export async function readPlatform(platform: string, namespace: string, needs: PlatformNeeds = { gatewayApi: false }): Promise<ResolvedPlatform> {
  const reference = new pulumi.StackReference("platform", { name: platform });
  const details = await reference.getOutputDetails(labPlatformOutput);
  const parsed = labPlatform.safeParse(details.value);
  if (!parsed.success) {
    throw new ConfigError([
      {
        key: "istio-lab:platform",
        message: `stack "${platform}" publishes no ${labPlatformOutput} output: it is not an istio-lab platform, or it was last updated by an older istio-lab; run \`pulumi up\` on it first`,
      },
    ]);
  }
  const published = parsed.data;
  if (published.reservedNamespaces.includes(namespace)) {
    throw new ConfigError([
      {
        key: "istio-lab:apps.namespace",
        message: `"${namespace}" is taken on platform ${platform} (it holds ${published.reservedNamespaces.join(", ")}); name another namespace, or give the lab stack another name`,
      },
    ]);
  }
  const meshMode = published.meshMode ?? "sidecar";
  const modeReason = needs.scenario ? modeRefusal(meshMode, needs.scenario.name, needs.scenario.api) : undefined;
  if (!modeReason) crdIssues(platform, published, meshMode, needs);
  const issues = [
    ...(needs.scenario ? labModeIssues(platform, meshMode, needs.scenario) : []),
    ...gatewayPolicyIssues(platform, published),
    ...tcpPortIssues(platform, published, needs),
  ];
  if (!published.kubeconfigPath) issues.push(...(await kubeconfigIssues(platform, reference)));
  if (issues.length > 0) throw new ConfigError(issues);
  const kubeconfig = published.kubeconfigPath ?? reference.requireOutput(kubeconfigOutput).apply((k) => String(k));
  // tcpPortIssues refused a platform without lab TCP ports, so a TCP lab has one here.
  const tcpPort = needs.tcp ? (needs.tcpPort ?? defaultLabTcpPort(published.labTcpPorts)) : undefined;
  return { ...published, meshMode, reference, kubeconfig: typeof kubeconfig === "string" ? kubeconfig : pulumi.secret(kubeconfig), ...(tcpPort !== undefined && { tcpPort }) };
}

/** What a lab asks of its platform beyond a namespace. */
export interface PlatformNeeds {
  /** Its scenario is in the Gateway API form. */
  gatewayApi: boolean;
  /** Its scenario holds a TCP port of the shared gateway; tcpPort is istio-lab:apps.tcpPort. */
  tcp?: boolean;
  tcpPort?: number;
  /**
   * The lab's scenario and its form: the platform's data plane must run it (catalog/scenarios/modes.ts);
   * with its spec, its form in that data plane passes the analyzer as the platform's own would.
   */
  scenario?: { name: ScenarioName; api: string; spec?: ScenarioSpec };
}

/**
 * A lab's scenario on its platform's data plane: refused where the mode does not run it, naming
 * the platform, its mode and what a lab runs there (catalog/scenarios/modes.ts); in ambient, its
 * ambient form checked by the analyzer's ambient rules as a platform stack checks its own
 * (config/parse.ts: there the mode is known while the config is read, here only once the platform is).
 */
export function labModeIssues(platform: string, meshMode: MeshMode, scenario: NonNullable<PlatformNeeds["scenario"]>): ConfigError["issues"] {
  const reason = modeRefusal(meshMode, scenario.name, scenario.api);
  if (reason) return [{ key: "istio-lab:scenario", message: labModeRefusalMessage(platform, meshMode, scenario.name, reason) }];
  return scenario.spec && meshMode === "ambient" ? analyzeScenario(scenario.name, inPlatformMode(scenario.spec, meshMode), { meshMode }) : [];
}

/**
 * A lab's scenario as its platform's data plane runs it: in ambient, the form catalog/scenarios/
 * waypoint.ts inAmbient gives (a waypoint of the lab's own, its policies on it), as a platform's own
 * lab takes it (config/parse.ts); in sidecar mode as it is. Throws a ConfigError, never a stack trace,
 * for a policy it cannot attach.
 */
export function inPlatformMode(spec: ScenarioSpec, meshMode: MeshMode): ScenarioSpec {
  if (meshMode !== "ambient") return spec;
  try {
    return inAmbient(spec, [...selectApps(spec.workloads), ...(spec.apps ?? [])]);
  } catch (e) {
    throw new ConfigError([{ key: "istio-lab:scenario", message: `${(e as Error).message}: in ambient mode a waypoint applies a policy only by targetRefs (docs/ambient.md)` }]);
  }
}

/**
 * A lab never creates or deletes a cluster-scoped object, so the Gateway API's CRDs are the
 * platform's: a scenario in the Gateway API form needs them, and so does a waypoint (a Gateway of
 * class istio-waypoint, which istiod only deploys once the CRDs are there). A platform in ambient
 * mode installs them whatever its own scenario (components/lab.ts); one updated by an older
 * istio-lab, or a sidecar platform without mesh.gatewayApi, has none.
 */
function crdIssues(platform: string, published: LabPlatform, meshMode: MeshMode, needs: PlatformNeeds): void {
  if (published.gatewayApi) return;
  const waypoint = needs.scenario && meshMode === "ambient" ? ambientRun(needs.scenario.name, needs.scenario.api)?.waypoint : undefined;
  if (waypoint) {
    throw new ConfigError([
      {
        key: "istio-lab:scenario",
        message:
          `${needs.scenario!.name} needs a waypoint in ambient mode, a Gateway API Gateway, so the Gateway API's CRDs, which platform ${platform} has not installed (a lab installs nothing cluster-wide): it was last updated by an older istio-lab, which installed them in ambient mode for its own scenario's waypoint only; ` +
          `run \`pulumi up\` on ${platform} first (an ambient platform now installs them whatever its scenario)`,
      },
    ]);
  }
  if (needs.gatewayApi) {
    throw new ConfigError([
      {
        key: "istio-lab:scenarioOptions.api",
        message:
          meshMode === "ambient"
            ? `gateway-api needs the Gateway API's CRDs, which platform ${platform} has not installed (a lab installs nothing cluster-wide): it was last updated by an older istio-lab; run \`pulumi up\` on ${platform} first (an ambient platform now installs them whatever its scenario)`
            : `gateway-api needs the Gateway API's CRDs, which platform ${platform} has not installed (a lab installs nothing cluster-wide); set istio-lab:mesh.gatewayApi: true on the platform and run \`pulumi up\` there`,
      },
    ]);
  }
}

/**
 * A platform whose own scenario puts a policy on the shared gateway takes no labs: a
 * RequestAuthentication selecting the gateway's pods validates every request they serve, whatever
 * its host (it has no host to scope it by: istio/api security/v1 RequestAuthentication has a
 * selector or targetRefs, and the Helm gateway is no Gateway API Gateway to target), so a forged
 * token on any lab's host answers 401. The platform's side: catalog/scenarios/jwt.ts, and the
 * platform stack's own refusal while lab stack files beside it name it (scenarios/gateway-policies.ts).
 */
function gatewayPolicyIssues(platform: string, published: LabPlatform): ConfigError["issues"] {
  const policies = published.gatewayPolicies ?? [];
  if (policies.length === 0) return [];
  return [
    {
      key: "istio-lab:platform",
      message:
        `platform ${platform}'s own scenario${published.scenario ? ` ${published.scenario}` : ""} puts ${policies.join(", ")} on the shared gateway, where it acts on every lab's host too (a request with an invalid token answers 401 whatever its host); ` +
        `run the lab once the platform's scenario is another (\`pulumi config set istio-lab:scenario bookinfo --stack ${platform}\` and \`pulumi up\` there), or on another platform`,
    },
  ];
}

/** The lab's TCP port: one of the platform's lab TCP ports, which an older platform does not have. */
function tcpPortIssues(platform: string, published: LabPlatform, needs: PlatformNeeds): ConfigError["issues"] {
  if (!needs.tcp) return [];
  const ports = published.labTcpPorts ?? [];
  if (ports.length === 0) {
    return [{ key: "istio-lab:scenario", message: `listens on a TCP port of the shared gateway, and platform ${platform} has none for its labs (it was last updated by an older istio-lab); run \`pulumi up\` on it first` }];
  }
  if (needs.tcpPort !== undefined && !ports.includes(needs.tcpPort)) {
    return [{ key: "istio-lab:apps.tcpPort", message: `${needs.tcpPort} is not a lab TCP port of platform ${platform}'s gateway; its Service has ${ports.join(", ")}` }];
  }
  return [];
}

/**
 * The platform's kubeconfig output as this stack reads it. It is a secret, decrypted with this
 * stack's secrets provider; what that cannot decrypt the engine hands over as `{}` and goes on
 * (pulumi/pulumi pkg/resource/deploy/builtins.go readStackReference, "eliding undecryptable secrets
 * for stack reference"; pkg/backend/secrets.go errorCatchingSecretsManager.DecryptValue returns
 * "{}"; a passphrase that is not the stack's gives pkg/secrets/passphrase/manager.go's locked
 * manager, whose every decryption fails). The provider would then fail on "[object Object]".
 */
async function kubeconfigIssues(platform: string, reference: pulumi.StackReference): Promise<ConfigError["issues"]> {
  const details = await reference.getOutputDetails(kubeconfigOutput);
  const value = details.secretValue ?? details.value;
  if (typeof value === "string" && value.length > 0) return [];
  if (value === undefined) return [{ key: "istio-lab:platform", message: `stack "${platform}" publishes no ${kubeconfigOutput} output for its labs to reach its cluster; run \`pulumi up\` on it first` }];
  return [
    {
      key: "istio-lab:platform",
      message:
        `this stack cannot read platform ${platform}'s kubeconfig output (a secret): the engine hands a stack reference \`{}\` for a secret its secrets provider cannot decrypt, so this stack's passphrase or secrets provider is not the platform's; ` +
        `run it with the platform's PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), or give it the platform's secrets provider (\`pulumi stack change-secrets-provider\`; docs/labs.md, "One secrets provider for a classroom")`,
    },
  ];
}

/**
 * A lab keeps to the cluster its platform had when the lab was first deployed: the platform's
 * clusterIdentifier and, for a platform on source kubeconfig (whose identifier is its name alone),
 * the cluster it recorded, in a Stash (cluster/pin.ts). When the platform's cluster was rebuilt or
 * moved, the lab's objects are not on the cluster its provider would now reach: an update would
 * create them anew and send the old deletes, through the lab's old provider, to a cluster that is
 * gone, or (pulumi-kubernetes DiffConfig keeps a provider whose identifier is unchanged) leave them
 * in the state, never created. So the lab stops first, naming the recipe.
 */
export async function keepToPlatform(name: string, platform: ResolvedPlatform): Promise<void> {
  const now = { clusterIdentifier: platform.clusterIdentifier, ...(platform.server && { server: platform.server }), ...(platform.caDigest && { caDigest: platform.caDigest }) };
  const recorded = await pinned<typeof now>("platform-pin", now);
  // A record without the cluster (a lab of an older platform, or the platform's) can only say the identifier.
  const moved = recorded.server !== undefined && now.server !== undefined && !sameCluster({ server: recorded.server, caDigest: recorded.caDigest }, { server: now.server, caDigest: now.caDigest });
  if (recorded.clusterIdentifier !== platform.clusterIdentifier || moved) {
    const was = moved ? `${recorded.server}, now ${now.server}` : `${recorded.clusterIdentifier}, now ${platform.clusterIdentifier}`;
    throw new ConfigError([
      {
        key: "istio-lab:platform",
        message:
          `${name}'s cluster is not the one this lab was deployed to (${was}): it was rebuilt or moved, and this lab's objects are not on it; ` +
          `deploy the lab anew: \`PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes\`, then \`pulumi up\` (docs/recovery.md, "A platform rebuilt under its labs")`,
      },
    ]);
  }
}
