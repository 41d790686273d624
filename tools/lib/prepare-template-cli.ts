// `npm run prepare-template -- <Pulumi.<stack>.yaml> <address>`: makes a running VM into what a
// vSphere stack's nodes would become before kubeadm (the node steps of
// components/cluster/nodes/node.ts, with the stack's versions, OS and image mirror), pulls every
// image the lab runs and kubeadm's own, then seals it (seal-template.sh) and powers it off, for you
// to make the stack's clone source. Clones of it then find their packages and images in place:
// the same idempotent steps run on every node and have nearly nothing left to do.
// tools/prepare-template.ts runs it as a process; tests run it in theirs.
import { spawn } from "node:child_process";
import { nodeScript, preparationStepMinutes, scriptCommand } from "../../components/cluster/nodes/scripts";
import { parseToolArgs, type ToolIo } from "./tool-args";

const usage = "usage: npm run prepare-template -- <Pulumi.<stack>.yaml> <address of the VM to prepare>";

/** The VM's hostname while it is prepared; each clone gets its node's name from vSphere's customization. */
export const templateMachineName = "istio-lab-template";

/** One script run on the VM; resolves with the remote command's exit code. */
export type RunRemote = (target: RemoteTarget, commandText: string) => Promise<number>;

export interface RemoteTarget {
  address: string;
  user: string;
  port: number;
}

/**
 * ssh with the user's own keys and agent, never a prompt; a first connection records the VM's host
 * key (which seal-template.sh then removes). A VM that does not answer within 30 s, or stops
 * answering for two minutes, ends the step.
 */
export const sshArgs = (target: RemoteTarget, commandText: string) => [
  "-o",
  "BatchMode=yes",
  "-o",
  "StrictHostKeyChecking=accept-new",
  "-o",
  "ConnectTimeout=30",
  "-o",
  "ServerAliveInterval=30",
  "-o",
  "ServerAliveCountMax=4",
  "-p",
  String(target.port),
  "-l",
  target.user,
  target.address,
  commandText,
];

/**
 * A step's bound: on the VM, coreutils' `timeout` stops the script after the node steps' own bound
 * (an ssh killed here would leave it running there, as sshd does not hang up a session without a
 * terminal); here, two minutes later, the ssh itself, in case the VM stopped answering.
 */
export const remoteBound = (commandText: string) => `timeout --kill-after=30 ${preparationStepMinutes * 60} ${commandText}`;
export const stepTimeoutMs = (preparationStepMinutes + 2) * 60_000;

/**
 * Runs each step with `ssh` (or a stand-in), its output shown as it comes, and kills one that
 * outlives `timeoutMs`: a hung dnf on a live connection would otherwise hold the command forever.
 */
export function sshRunner(err: (text: string) => void, options: { command?: string; timeoutMs?: number } = {}): RunRemote {
  const { command = "ssh", timeoutMs = stepTimeoutMs } = options;
  return (target, commandText) =>
    new Promise((resolve) => {
      const child = spawn(command, sshArgs(target, commandText), { stdio: ["ignore", "inherit", "inherit"] });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        err(`prepare-template: no end of the step after ${timeoutMs / 60_000} min; stopping ${command}\n`);
        child.kill("SIGTERM");
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        err(`prepare-template: could not run ${command} (${error.message}); install an OpenSSH client\n`);
        resolve(127);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        // ssh killed in a session exits 255 itself (OpenSSH clientloop.c), as for a lost connection.
        resolve(timedOut ? 124 : (code ?? 1));
      });
    });
}

/**
 * Runs the steps in order and stops at the first that fails: 0 when the VM is sealed, 1 for a bad
 * stack or a failed step, 2 for a usage error.
 */
export async function runPrepareTemplate(argv: readonly string[], io: ToolIo, runRemote: RunRemote): Promise<number> {
  const parsed = parseToolArgs(argv, {}, usage, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length !== 2) {
    io.err(`${usage}\n`);
    return 2;
  }
  const [stackFile, address] = parsed.positionals;
  const [{ ConfigError, parseLabConfig }, { ipv4 }, { analyzeScenario }, { readStackFileForRender, StackFileError }, nodes, { labImages }] = await Promise.all([
    import("./defer-closure-deps").then(() => import("../../components/config")),
    import("../../components/config/schema"),
    import("../../components/scenarios/analyzer"),
    import("./stack-file"),
    import("../../components/cluster/nodes/node"),
    import("../../components/lab"),
  ]);
  if (!ipv4.safeParse(address).success) {
    io.err(`${address}: the VM's IPv4 address, such as 192.168.56.50, is what the kubelet is given until a clone gets its own\n${usage}\n`);
    return 2;
  }
  let lab: ReturnType<typeof parseLabConfig>;
  try {
    lab = parseLabConfig(readStackFileForRender(stackFile).config, analyzeScenario);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StackFileError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const cluster = lab.cluster;
  if (cluster.source !== "vsphere") {
    io.err(`istio-lab:cluster.source is ${cluster.source}: a template is cloned only by source vsphere\n`);
    return 1;
  }
  const steps = [
    // First contact (boot and cloud-init done), then a lab node given by mistake is refused
    // before any step renames or rewrites it.
    { step: "access", script: nodeScript("wait-ready"), vars: {} },
    { step: "check", script: nodeScript("check-fresh"), vars: {} },
    ...nodes.preparationSteps(cluster, { name: templateMachineName, ip: address }),
    // Unlike a node's, this pull must get every image: a template without one is sealed for good.
    { step: "images", script: nodeScript("pull-images"), vars: { ...nodes.imagePullVars(cluster, labImages(lab)), REQUIRE_ALL: "1" } },
    { step: "seal", script: nodeScript("seal-template"), vars: { K8S_VERSION: cluster.kubernetesVersion, ...nodes.imageRepositoryVar(cluster) } },
  ];
  const target = { address, user: cluster.ssh.user, port: cluster.ssh.port };
  for (const { step, script, vars } of steps) {
    io.err(`==> ${step} (${script.name}.sh) on ${target.user}@${address}\n`);
    const code = await runRemote(target, remoteBound(scriptCommand(script, vars, target.user)));
    if (code !== 0) {
      const why = code === 124 ? `did not end within ${preparationStepMinutes} min` : `failed (exit ${code})`;
      io.err(`prepare-template: ${step} ${why}; the VM is left as that step left it. Every step is idempotent: fix the cause and run the command again.\n`);
      return 1;
    }
  }
  io.err(
    `prepare-template: ${address} is sealed and powering off. Make it the source istio-lab:cluster.vsphere.template names: mark it as a template, or for linked clones take its one snapshot and leave it a VM (docs/machines.md, "Linked clones").\n`,
  );
  return 0;
}
