// The node scripts (components/cluster/scripts/*.sh), read when the program runs and sent as the
// command text of a remote.Command, with lib.sh in front so each command stands alone.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { shellQuote } from "../../shell";

export const scriptsDir = path.join(__dirname, "..", "scripts");

export type ScriptName =
  | "wait-ready"
  | "prep-os"
  | "install-kubernetes"
  | "install-containerd"
  | "pull-images"
  | "kubeadm-init"
  | "read-kubeconfig"
  | "join-command"
  | "kubeadm-join"
  | "flannel-apply"
  | "smoke-check"
  | "reset-node"
  | "local-cluster"
  | "check-fresh"
  | "seal-template";

/** The bound of a node's preparation step (a package install, a pull of the lab's images), in minutes. */
export const preparationStepMinutes = 30;

export interface NodeScript {
  name: ScriptName;
  /** lib.sh followed by the script. */
  text: string;
  /** sha256 of the text: a `triggers` entry where a changed script must run again. */
  hash: string;
}

export const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

export function nodeScript(name: ScriptName): NodeScript {
  const read = (file: string) => fs.readFileSync(path.join(scriptsDir, file), "utf8");
  const text = `${read("lib.sh")}\n${read(`${name}.sh`)}`;
  return { name, text, hash: sha256(text) };
}

/**
 * The command text that runs a script as root: parameters become `VAR=value` prefixes (sshd's
 * AcceptEnv refuses remote.Command `environment`), the script is bash's `-c` argument and its
 * name is `$0`. A non-root SSH user goes through passwordless sudo.
 */
export function scriptCommand(script: NodeScript, vars: Record<string, string>, sshUser: string): string {
  const assignments = Object.entries(vars).map(([key, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new Error(`script parameter ${key} is not an upper-case shell variable name`);
    return `${key}=${shellQuote(value)}`;
  });
  const sudo = sshUser === "root" ? [] : ["sudo", "-n"];
  return [...sudo, "env", ...assignments, "bash", "-c", shellQuote(script.text), script.name].join(" ");
}
