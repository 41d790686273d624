// Two lab stacks of one project on one platform must not share a namespace (they would share its
// objects and its host on the gateway), nor a TCP port of the shared gateway. A lab cannot see
// another stack's config through Pulumi, but the stacks of a classroom live as Pulumi.<stack>.yaml
// files beside each other in the project folder, which is the program's working directory
// (pulumi/pulumi pkg/engine/project.go getPwdMain: pwd is the project root;
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go runs the program with cmd.Dir = req.Pwd). Labs
// whose stack files are elsewhere are still stopped, later, by the cluster for a namespace:
// pulumi-kubernetes creates an object that exists with a client-side create unless the provider
// sets upsertExistingObjects (provider/pkg/await/await.go, TestCreationBlocksUpsert), so the second
// lab's Namespace fails with AlreadyExists, in its preview (a dry-run create) as in its update. For
// a TCP port nothing stops them: Istio keeps the older Gateway's server (docs/labs.md).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { CustomService } from "../../catalog/apps/custom";
import { resolveScenario } from "../../catalog/scenarios";
import type { ScenarioName } from "../../catalog/scenarios/names";
import { ingressTcpPorts, labTcpPorts } from "../../catalog/scenarios/tcp";

/** A lab stack found beside this one: its name, the platform it names, its namespace and its TCP port. */
export interface SiblingLab {
  stack: string;
  platform: string;
  namespace: string;
  /** Its scenario holds a TCP port of the shared gateway. */
  tcp?: boolean;
  /** The port it names (istio-lab:apps.tcpPort); unset: the first of labTcpPorts. */
  tcpPort?: number;
}

const stackFileName = /^Pulumi\.([^.]+)\.ya?ml$/;

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
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const stack = stackFileName.exec(name)?.[1];
    if (stack === undefined) return [];
    let config: Record<string, unknown>;
    try {
      config = ((parse(fs.readFileSync(path.join(folder, name), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    } catch {
      return [];
    }
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
 * the same istio-lab:apps.tcpPort, unset being the first of labTcpPorts.
 */
export function tcpPortClaimedBy(self: SiblingLab, siblings: readonly SiblingLab[], project: string): SiblingLab | undefined {
  if (!self.tcp) return undefined;
  const port = (lab: SiblingLab) => lab.tcpPort ?? labTcpPorts[0];
  return siblings.find((other) => other.stack !== self.stack && other.tcp === true && port(other) === port(self) && samePlatform(other.platform, self.platform, project));
}
