// Two lab stacks of one project on one platform must not share a namespace: they would share its
// objects and its host on the gateway. A lab cannot see another stack's config through Pulumi, but
// the stacks of a classroom live as Pulumi.<stack>.yaml files beside each other in the project
// folder, which is the program's working directory (pulumi/pulumi pkg/engine/project.go
// getPwdMain: pwd is the project root; sdk/nodejs/cmd/pulumi-language-nodejs/main.go runs the
// program with cmd.Dir = req.Pwd). Labs whose stack files are elsewhere
// are still stopped, later, by the cluster: pulumi-kubernetes creates an object that exists with
// a client-side create unless the provider sets upsertExistingObjects (provider/pkg/await/
// await.go, TestCreationBlocksUpsert), so the second lab's Namespace fails with AlreadyExists, in
// its preview (a dry-run create) as in its update.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** A lab stack found beside this one: its name, the platform it names and its namespace. */
export interface SiblingLab {
  stack: string;
  platform: string;
  namespace: string;
}

const stackFileName = /^Pulumi\.([^.]+)\.ya?ml$/;

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
    const namespace = (value("apps") as { namespace?: unknown } | undefined)?.namespace;
    return [{ stack, platform, namespace: typeof namespace === "string" ? namespace : stack }];
  });
}

/**
 * Whether two platform names, as `pulumi.StackReference` takes them (`<stack>` of this project or
 * `<org>/<project>/<stack>`), can name the same stack: stack and project agree, and the
 * organisations where both give one.
 */
export function samePlatform(a: string, b: string, project: string): boolean {
  // [stack, project, org?], the project filled in where the name leaves it out.
  const parts = (name: string) => {
    const [stack, ...rest] = name.split("/").reverse();
    return [stack, rest[0] ?? project, ...rest.slice(1)];
  };
  const [x, y] = [parts(a), parts(b)];
  return x.slice(0, Math.min(x.length, y.length)).every((part, i) => part === y[i]);
}

/** The sibling lab on the same platform that already claims this lab's namespace, if any. */
export function namespaceClaimedBy(self: SiblingLab, siblings: readonly SiblingLab[], project: string): SiblingLab | undefined {
  return siblings.find((other) => other.stack !== self.stack && other.namespace === self.namespace && samePlatform(other.platform, self.platform, project));
}
