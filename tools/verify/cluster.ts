// The cluster transport over @kubernetes/client-node: pods of a Deployment, exec, logs, and the
// throwaway sidecar-less pod of the mTLS check. The one part of verify that needs a cluster to test.
import { randomBytes } from "node:crypto";
import * as os from "node:os";
import { Writable } from "node:stream";
import type * as k8s from "@kubernetes/client-node";
import { sleep, withTimeout } from "./deadline";
import type { KubeconfigSource } from "./stack";
import { configObjectOf, istioGroups, statusObjectOf, type ApiItem, type ConfigObject, type PodFacts, type StatusObject } from "./judge/readiness";
import { configKinds } from "./readiness";
import { useWaypointLabel } from "../../catalog/scenarios/waypoint";
import { dataplaneModeLabel } from "../../catalog/scenarios/modes";
import { ClusterError, type ClusterTransport, type ExecResult, type PlainPodRequest, type PodTarget } from "./types";

/** Collects a stream into a string, capped so a chatty command cannot fill memory. */
class Collector extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) {
    if (this.text.length < 8 * 1024 * 1024) this.text += chunk.toString("utf8");
    done();
  }
}

/** The exit code in an exec session's final status: Success is 0, NonZeroExitCode carries it. */
export function exitCodeOf(status: k8s.V1Status): number | null {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  return cause?.message !== undefined && /^\d+$/.test(cause.message) ? Number(cause.message) : null;
}

function describe(error: unknown, server: string): string {
  const e = error as { code?: unknown; body?: unknown; message?: string; cause?: { code?: string; message?: string } };
  if (typeof e.code === "number") {
    const body = typeof e.body === "string" ? e.body : JSON.stringify(e.body ?? "");
    const reason = /"message":\s*"([^"]+)"/.exec(body)?.[1] ?? body.slice(0, 200);
    return `HTTP ${e.code}: ${reason}`;
  }
  const cause = e.cause?.code ?? e.cause?.message;
  return `cannot reach the Kubernetes API at ${server} (${cause ?? e.message ?? String(error)})`;
}

/**
 * The plaintext client's labels: outside the mesh in either mode. No sidecar (the injector skips a
 * pod labelled sidecar.istio.io/inject: "false"), and, in a namespace labelled
 * istio.io/dataplane-mode: ambient, not captured by ztunnel: the cni chart's default
 * enablementSelectors take a pod of such a namespace only where its own istio.io/dataplane-mode is
 * NotIn [none] (charts/istio-cni/values.yaml), which cni/pkg/util/enablement_selector.go Matches
 * applies; Istio's own waypoint pods opt out the same way (istio-discovery files/waypoint.yaml).
 */
export const plainPodLabels = { app: "istio-lab-verify", "sidecar.istio.io/inject": "false", [dataplaneModeLabel]: "none" } as const;

export async function kubeCluster(source: KubeconfigSource, namespace: string, plaintextImage: string, context?: string): Promise<ClusterTransport> {
  const lib = await import("@kubernetes/client-node");
  const kc = new lib.KubeConfig();
  try {
    // `~` as the stack writes it (the Kubernetes provider expands it too; a quoted argument does not).
    if (source.kind === "file") kc.loadFromFile(source.path.replace(/^~(?=$|\/)/, os.homedir()));
    else if (source.kind === "inline") kc.loadFromString(source.content);
    else kc.loadFromDefault();
  } catch (error) {
    // A parser's message quotes the offending line, which may be key material, from a file as much
    // as inline: only a file system error (no such file, no permission) is passed on.
    const fsCode = (error as NodeJS.ErrnoException).code;
    const why = source.kind === "file" && typeof fsCode === "string" && /^E[A-Z]+$/.test(fsCode) ? (error as Error).message : "it is not valid kubeconfig YAML";
    throw new ClusterError(`cannot load the kubeconfig${source.kind === "file" ? ` ${source.path}` : ""}: ${why}`);
  }
  if (context) {
    if (!kc.getContextObject(context)) throw new ClusterError(`the kubeconfig has no context ${context} (istio-lab:cluster.context, --context)`);
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentCluster()?.server;
  if (!current) throw new ClusterError("the kubeconfig names no current cluster (pass --kubeconfig, or set its current-context)");
  const server: string = current;
  const core = kc.makeApiClient(lib.CoreV1Api);
  const apps = kc.makeApiClient(lib.AppsV1Api);
  const custom = kc.makeApiClient(lib.CustomObjectsApi);
  const exec = new lib.Exec(kc);
  const sockets = new Set<{ close(): void }>();

  /** Every API call gets a limit and an error that says what was being done. */
  const call = <T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> =>
    withTimeout(promise, timeoutMs, () => new ClusterError(`${what}: no answer from the Kubernetes API at ${server} within ${Math.round(timeoutMs / 1000)} s`)).catch((error: unknown) => {
      if (error instanceof ClusterError) throw error;
      throw new ClusterError(`${what}: ${describe(error, server)}`);
    });

  /** The ready pods of a Deployment (or of the target's label selector), in the app namespace unless the target names another. */
  async function readyPods(target: PodTarget, timeoutMs: number): Promise<k8s.V1Pod[]> {
    const { deployment, namespace: where = namespace } = target;
    let labels = target.selector;
    if (!labels) {
      const d = await call(`reading Deployment ${where}/${deployment}`, apps.readNamespacedDeployment({ name: deployment, namespace: where }), timeoutMs);
      labels = d.spec?.selector?.matchLabels ?? {};
    }
    const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
    const list = await call(`listing the pods of ${where}/${deployment}`, core.listNamespacedPod({ namespace: where, labelSelector }), timeoutMs);
    const ready = list.items.filter(
      (p) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (ready.length === 0) throw new ClusterError(`${target.selector ? "" : "Deployment "}${where}/${deployment} has no ready pod (${list.items.length} pod${list.items.length === 1 ? "" : "s"} in all)`);
    return ready;
  }

  async function podIp(target: PodTarget, timeoutMs: number): Promise<string> {
    const [pod] = await readyPods(target, timeoutMs);
    const ip = pod.status?.podIP;
    if (!ip) throw new ClusterError(`pod ${pod.metadata?.namespace ?? namespace}/${pod.metadata?.name ?? target.deployment} has no address yet`);
    return ip;
  }

  function execIn(podNamespace: string, pod: string, container: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const stdout = new Collector();
    const stderr = new Collector();
    let exitCode: number | null = null;
    const what = `exec in ${podNamespace}/${pod} (${command[0]})`;
    return new Promise<ExecResult>((resolve, reject) => {
      let socket: { close(): void } | undefined;
      const timer = setTimeout(() => {
        socket?.close();
        reject(new ClusterError(`${what}: did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      exec.exec(podNamespace, pod, container, command, stdout, stderr, null, false, (status) => (exitCode = exitCodeOf(status))).then(
        (ws) => {
          socket = ws;
          sockets.add(ws);
          ws.on("close", () => {
            sockets.delete(ws);
            clearTimeout(timer);
            resolve({ stdout: stdout.text, stderr: stderr.text, exitCode });
          });
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(new ClusterError(`${what}: ${describe(error, server)}`));
        },
      );
    });
  }

  /** The objects of one kind in one namespace; none when the kind's CRD is not installed (404). */
  async function listKind(kind: (typeof configKinds)[number], where: string, timeoutMs: number): Promise<ApiItem[]> {
    const listing = custom.listNamespacedCustomObject({ group: kind.group, version: kind.version, namespace: where, plural: kind.plural }) as Promise<{ items?: ApiItem[] }>;
    try {
      return (await call(`listing ${kind.plural}.${kind.group} in ${where}`, listing, timeoutMs)).items ?? [];
    } catch (error) {
      if (error instanceof ClusterError && /: HTTP 404: /.test(error.message)) return [];
      throw error;
    }
  }

  return {
    podIp,

    async meshPods(namespaces, timeoutMs) {
      const pods: PodFacts[] = [];
      for (const where of namespaces) {
        const ns = await call(`reading namespace ${where}`, core.readNamespace({ name: where }), timeoutMs);
        const list = await call(`listing the pods of ${where}`, core.listNamespacedPod({ namespace: where }), timeoutMs);
        for (const p of list.items) {
          // Pending ones too: a Gateway's pod that is not running yet is one to wait for (judge/readiness.ts gatewayPods).
          const phase = p.status?.phase;
          if ((phase !== "Running" && phase !== "Pending") || p.metadata?.deletionTimestamp || !p.metadata?.name) continue;
          pods.push({
            name: p.metadata.name,
            namespace: where,
            labels: p.metadata.labels ?? {},
            annotations: p.metadata.annotations ?? {},
            hostNetwork: p.spec?.hostNetwork ?? false,
            namespaceLabels: ns.metadata?.labels ?? {},
            ...(phase === "Pending" && { pending: true as const }),
          });
        }
      }
      return pods;
    },

    async labelsOf(what, timeoutMs) {
      const where = what.namespace ?? namespace;
      const ns = await call(`reading namespace ${where}`, core.readNamespace({ name: where }), timeoutMs);
      if (!what.service) return { namespace: ns.metadata?.labels ?? {} };
      try {
        const svc = await call(`reading Service ${where}/${what.service}`, core.readNamespacedService({ name: what.service, namespace: where }), timeoutMs);
        return { namespace: ns.metadata?.labels ?? {}, service: svc.metadata?.labels ?? {} };
      } catch (error) {
        if (error instanceof ClusterError && /: HTTP 404: /.test(error.message)) return { namespace: ns.metadata?.labels ?? {} };
        throw error;
      }
    },

    async istioConfig(namespaces, timeoutMs) {
      const config: ConfigObject[] = [];
      const status: StatusObject[] = [];
      const services: ConfigObject[] = [];
      for (const where of namespaces) {
        for (const kind of configKinds) {
          for (const item of await listKind(kind, where, timeoutMs)) {
            if (istioGroups.includes(kind.group)) config.push(configObjectOf(kind.kind, item));
            else status.push(statusObjectOf(kind.kind, item));
          }
        }
        const bound = await call(`listing the Services of ${where} labelled ${useWaypointLabel}`, core.listNamespacedService({ namespace: where, labelSelector: useWaypointLabel }), timeoutMs);
        for (const svc of bound.items) services.push(configObjectOf("Service", { metadata: svc.metadata }));
      }
      return { config, status, services };
    },

    async ping(timeoutMs) {
      await call(`reading namespace ${namespace}`, core.readNamespace({ name: namespace }), timeoutMs);
    },

    async exec(target: PodTarget, command, timeoutMs) {
      const [pod] = await readyPods(target, timeoutMs);
      const container = target.container ?? pod.spec?.containers.find((c) => c.name !== "istio-proxy")?.name ?? "";
      return execIn(pod.metadata!.namespace ?? namespace, pod.metadata!.name!, container, command, timeoutMs);
    },

    async execEach(target: PodTarget, command, timeoutMs) {
      const pods = await readyPods(target, timeoutMs);
      return Promise.all(
        pods.map(async (pod) => {
          const container = target.container ?? pod.spec?.containers.find((c) => c.name !== "istio-proxy")?.name ?? "";
          return { pod: pod.metadata!.name!, ...(await execIn(pod.metadata!.namespace ?? namespace, pod.metadata!.name!, container, command, timeoutMs)) };
        }),
      );
    },

    async logs(target: PodTarget, sinceSeconds, timeoutMs) {
      const pods = await readyPods(target, timeoutMs);
      const logs = await Promise.all(
        pods.map((p) =>
          call(
            `reading the log of ${p.metadata!.namespace ?? namespace}/${p.metadata!.name}`,
            core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: p.metadata!.namespace ?? namespace, container: target.container, sinceSeconds: Math.max(1, Math.ceil(sinceSeconds)), limitBytes: 8 * 1024 * 1024 }),
            timeoutMs,
          ),
        ),
      );
      return logs.join("\n");
    },

    async runPlainPod(req: PlainPodRequest) {
      const name = `${req.name}-${randomBytes(3).toString("hex")}`;
      const until = performance.now() + req.timeoutMs;
      const left = () => Math.max(1000, until - performance.now());
      await call(
        `creating pod ${namespace}/${name}`,
        core.createNamespacedPod({
          namespace,
          body: {
            metadata: { name, labels: plainPodLabels, annotations: { "sidecar.istio.io/inject": "false" } },
            spec: {
              restartPolicy: "Never",
              terminationGracePeriodSeconds: 0,
              activeDeadlineSeconds: Math.ceil(req.timeoutMs / 1000),
              containers: [{ name: "client", image: plaintextImage, command: req.command }],
            },
          },
        }),
        left(),
      );
      try {
        for (;;) {
          const pod = await call(`reading pod ${namespace}/${name}`, core.readNamespacedPod({ name, namespace }), left());
          const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
          if (terminated) {
            const log = await call(`reading the log of ${namespace}/${name}`, core.readNamespacedPodLog({ name, namespace }), left());
            return { stdout: log, stderr: "", exitCode: terminated.exitCode ?? null };
          }
          if (performance.now() >= until) {
            const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
            throw new ClusterError(`pod ${namespace}/${name} (image ${plaintextImage}) did not finish in time${waiting ? `: ${waiting}` : ""}`);
          }
          await sleep(500);
        }
      } finally {
        await call(`deleting pod ${namespace}/${name}`, core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }), 10_000).catch(() => undefined);
      }
    },

    close() {
      for (const s of sockets) s.close();
    },
  };
}
