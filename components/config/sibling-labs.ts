// Two lab stacks of one project on one platform must not share a namespace (they would share its
// objects and its host on the gateway), nor a TCP port of the shared gateway. A lab cannot see
// another stack's config through Pulumi, but the stacks of a classroom live as Pulumi.<stack>.yaml
// files beside each other in the project folder, which is the program's working directory
// (pulumi/pulumi pkg/engine/project.go getPwdMain: pwd is the project root;
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go runs the program with cmd.Dir = req.Pwd). Labs
// whose stack files are elsewhere are still stopped, later, by the cluster: pulumi-kubernetes
// creates an object with a plain create unless the provider sets upsertExistingObjects
// (provider/pkg/await/await.go Creation, TestCreationBlocksUpsert), so the second lab's Namespace,
// or its TCP port's claim (components/scenarios/tcp-port-claim.ts), fails with AlreadyExists in its
// update. Not in its preview: provider/pkg/provider/provider.go Create takes AlreadyExists from a
// server-side dry run as a preview it cannot compute.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { CustomService } from "../../catalog/apps/custom";
import { resolveScenario } from "../../catalog/scenarios";
import type { ScenarioName } from "../../catalog/scenarios/names";
import { ingressTcpPorts, labTcpPorts } from "../../catalog/scenarios/tcp";

/**
 * The TCP port a lab holds when istio-lab:apps.tcpPort is unset: the first of the lab TCP ports (of
 * the ones a platform publishes, or of catalog/scenarios/tcp.ts labTcpPorts, which the mesh installs).
 * The one rule for the sibling check, the config's messages and the lab's read of its platform.
 */
export function defaultLabTcpPort(ports: readonly number[] = labTcpPorts): number | undefined {
  return ports[0];
}

/**
 * What a lab's scenario and istio-lab:apps.tcpPort say together: a lab holds one TCP port of the
 * shared gateway, and its placement moves every TCP server there (components/scenarios/
 * lab-placement.ts placeInLab), so a scenario with two is refused; a port for a scenario that holds
 * none would be ignored without a word, so it is refused too.
 */
export function labTcpIssues(scenario: string, spec: Parameters<typeof ingressTcpPorts>[0], tcpPort: number | undefined): { key: string; message: string }[] {
  const ports = ingressTcpPorts(spec);
  if (ports.length === 0 && tcpPort !== undefined) {
    return [
      {
        key: "istio-lab:apps.tcpPort",
        message: `is set (${tcpPort}), but scenario ${scenario} listens on no TCP port of the shared gateway (only tcp-shift-* do); remove it: \`pulumi config rm --path istio-lab:apps.tcpPort\``,
      },
    ];
  }
  if (ports.length > 1) {
    return [{ key: "istio-lab:scenario", message: `${scenario} listens on ${ports.length} TCP ports of the shared gateway (${ports.join(", ")}), and a lab holds one (istio-lab:apps.tcpPort); run it on a platform stack` }];
  }
  return [];
}

/** Ports as the docs and the schema name them: `31401-31408` when consecutive, else listed. */
export function portsText(ports: readonly number[] = labTcpPorts): string {
  const consecutive = ports.length > 2 && ports.every((p, i) => i === 0 || p === ports[i - 1] + 1);
  return consecutive ? `${ports[0]}-${ports[ports.length - 1]}` : ports.join(", ");
}

/** A lab stack found beside this one: its name, the platform it names, its namespace and its TCP port. */
export interface SiblingLab {
  stack: string;
  platform: string;
  namespace: string;
  /** Its scenario holds a TCP port of the shared gateway. */
  tcp?: boolean;
  /** The port it names (istio-lab:apps.tcpPort); unset: defaultLabTcpPort(). */
  tcpPort?: number;
}

const stackFileName = /^Pulumi\.([^.]+)\.ya?ml$/;

/**
 * The shipped template (Pulumi.lab-template.yaml, on `local`) is a stack file, not a stack: a
 * student's stack starts as a copy of it (docs/labs.md), and no lab runs from it, so it holds no
 * namespace or port and keeps no scenario from its platform.
 */
export const labTemplateStack = "lab-template";

/** Whether a sibling's scenario, as its stack file names it, takes a TCP port of the gateway; false when it cannot be read (its own stack's error). */
function holdsTcpPort(value: (key: string) => unknown): boolean {
  try {
    const apps = value("apps") as { custom?: CustomService[] } | undefined;
    const spec = resolveScenario((value("scenario") ?? "bookinfo") as ScenarioName, value("scenarioOptions"), apps?.custom ?? []);
    return ingressTcpPorts(spec).length > 0;
  } catch {
    return false;
  }
}

/** The lab stacks whose stack files sit in the folder (unreadable files are their own stack's error). */
export function readSiblingLabs(folder: string, project: string): SiblingLab[] {
  return readStackConfigs(folder).flatMap(({ stack, config }) => {
    if (stack === labTemplateStack) return [];
    // The CLI reads a key without a namespace as the project's own.
    const value = (key: string) => config[`${project}:${key}`] ?? config[key];
    const platform = value("platform");
    if (typeof platform !== "string" || platform === "") return [];
    const apps = value("apps") as { namespace?: unknown; tcpPort?: unknown } | undefined;
    const namespace = apps?.namespace;
    const tcpPort = typeof apps?.tcpPort === "number" ? apps.tcpPort : typeof apps?.tcpPort === "string" && /^\d+$/.test(apps.tcpPort) ? Number(apps.tcpPort) : undefined;
    return [{ stack, platform, namespace: typeof namespace === "string" ? namespace : stack, tcp: holdsTcpPort(value), ...(tcpPort !== undefined && { tcpPort }) }];
  });
}

/** The `config:` of every stack file in the folder, by stack name (unreadable files are their own stack's error). */
function readStackConfigs(folder: string): { stack: string; config: Record<string, unknown> }[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const stack = stackFileName.exec(name)?.[1];
    if (stack === undefined) return [];
    try {
      const config = (parse(fs.readFileSync(path.join(folder, name), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
      return [{ stack, config }];
    } catch {
      return [];
    }
  });
}

/**
 * Whether this stack's own file writes `istio-lab:platform:` with no value. The CLI hands the
 * program "" then (an empty scalar, as tools/lib/cli-config.ts reads it), as it does for a stack
 * that leaves the key out (Pulumi.yaml's default ""), so only the file tells a lab stack that forgot
 * its platform's name from a platform stack that forgot its cluster.
 */
export function writesEmptyPlatform(folder: string, stack: string, project: string): boolean {
  const own = readStackConfigs(folder).find((s) => s.stack === stack);
  if (!own) return false;
  for (const name of [`${project}:platform`, "platform"]) {
    if (name in own.config && (own.config[name] === null || own.config[name] === "")) return true;
  }
  return false;
}

/** A kind or k3d cluster a stack file beside this one makes on the machine: its name and its port on 127.0.0.1. */
export interface SiblingCluster {
  stack: string;
  source: "kind" | "k3d";
  /** `istio-lab-<stack>` when unset, as cluster-source.ts names it. */
  name: string;
  /** 8000 when unset (schema.ts clusterDefaults.hostPort). */
  hostPort: number;
}

/**
 * The local clusters the stack files in the folder make. Their stacks run on this machine too:
 * two of one tool with one name are one cluster (kind and k3d name containers and contexts after
 * it: the second stack's create fails, or with cluster.adopt takes the first's cluster), and two
 * with one host port cannot both listen on 127.0.0.1:<port> (Docker refuses the second binding).
 */
export function readSiblingClusters(folder: string, project: string, defaults: { hostPort: number }): SiblingCluster[] {
  return readStackConfigs(folder).flatMap(({ stack, config }) => {
    const value = (key: string) => config[`${project}:${key}`] ?? config[key];
    if (typeof value("platform") === "string" && value("platform") !== "") return [];
    const cluster = value("cluster") as { source?: unknown; name?: unknown; hostPort?: unknown } | undefined;
    if (cluster === null || typeof cluster !== "object" || (cluster.source !== "kind" && cluster.source !== "k3d")) return [];
    const hostPort = typeof cluster.hostPort === "number" ? cluster.hostPort : typeof cluster.hostPort === "string" && /^\d+$/.test(cluster.hostPort) ? Number(cluster.hostPort) : defaults.hostPort;
    return [{ stack, source: cluster.source, name: typeof cluster.name === "string" ? cluster.name : `istio-lab-${stack}`, hostPort }];
  });
}

/** A stack reference's parts as the backend reads them; `org` absent where the name leaves it to the backend. */
export interface StackReferenceName {
  org?: string;
  project: string;
  stack: string;
}

/**
 * A StackReference name as the Pulumi CLI's backends parse it (pulumi/pulumi pkg/backend/diy/store.go
 * projectReferenceStore.ParseReference; pkg/backend/httpstate/backend.go parseStackName and
 * ParseStackReference): `<stack>`, `<org>/<stack>` or `<org>/<project>/<stack>`. A name without a
 * project is of the current project; one without an organization is of the backend's default (on
 * a file or bucket backend the literal `organization`, the only one it accepts; on Pulumi Cloud
 * the default organization, else the user). So a two-part name is org/stack, never project/stack.
 */
export function parseStackReference(name: string, project: string): StackReferenceName {
  const parts = name.split("/");
  if (parts.length === 3) return { org: parts[0], project: parts[1], stack: parts[2] };
  if (parts.length === 2) return { org: parts[0], project, stack: parts[1] };
  return { project, stack: parts[0] };
}

/**
 * Whether two platform names, as `pulumi.StackReference` takes them, can name the same stack: stack
 * and project agree, and the organisations where both give one (`local` and `acme/local` are the
 * same stack on Pulumi Cloud when acme is the default organization).
 */
export function samePlatform(a: string, b: string, project: string): boolean {
  const [x, y] = [parseStackReference(a, project), parseStackReference(b, project)];
  return x.stack === y.stack && x.project === y.project && (x.org === undefined || y.org === undefined || x.org === y.org);
}

/** The sibling lab on the same platform that already claims this lab's namespace, if any. */
export function namespaceClaimedBy(self: SiblingLab, siblings: readonly SiblingLab[], project: string): SiblingLab | undefined {
  return siblings.find((other) => other.stack !== self.stack && other.namespace === self.namespace && samePlatform(other.platform, self.platform, project));
}

/**
 * The sibling lab on the same platform whose scenario holds the TCP port this lab's would, if any:
 * the same istio-lab:apps.tcpPort, unset being defaultLabTcpPort().
 */
export function tcpPortClaimedBy(self: SiblingLab, siblings: readonly SiblingLab[], project: string): SiblingLab | undefined {
  if (!self.tcp) return undefined;
  const port = (lab: SiblingLab) => lab.tcpPort ?? defaultLabTcpPort();
  return siblings.find((other) => other.stack !== self.stack && other.tcp === true && port(other) === port(self) && samePlatform(other.platform, self.platform, project));
}

/**
 * What another local stack beside this one already holds of this one's cluster: its name (same
 * tool) and its host port (any tool), each refused naming the other stack's file.
 */
export function localClusterClaims(self: SiblingCluster, siblings: readonly SiblingCluster[], given: { name: boolean; hostPort: boolean }): { key: string; message: string }[] {
  const others = siblings.filter((s) => s.stack !== self.stack);
  const issues: { key: string; message: string }[] = [];
  const named = others.find((s) => s.source === self.source && s.name === self.name);
  if (named) {
    issues.push({
      key: "istio-lab:cluster.name",
      message: `"${self.name}"${given.name ? "" : " (unset: istio-lab-<stack>)"} is also the ${self.source} cluster of stack ${named.stack} (Pulumi.${named.stack}.yaml) on this machine: this stack's create would fail, or with cluster.adopt deploy onto the other's cluster; give one of them another: \`pulumi config set --path istio-lab:cluster.name <name>\``,
    });
  }
  const port = others.find((s) => s.hostPort === self.hostPort);
  if (port) {
    const taken = new Set(others.map((s) => s.hostPort));
    let free = self.hostPort + 1;
    while (taken.has(free)) free++;
    issues.push({
      key: "istio-lab:cluster.hostPort",
      message: `${self.hostPort}${given.hostPort ? "" : " (unset: the default)"} is also the host port of stack ${port.stack}'s ${port.source} cluster (Pulumi.${port.stack}.yaml), and only one cluster can listen on 127.0.0.1:${self.hostPort}; give one of them another, such as \`pulumi config set --path istio-lab:cluster.hostPort ${free}\``,
    });
  }
  return issues;
}
