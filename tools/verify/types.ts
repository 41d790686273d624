// The seams of the verify tool: what it needs from the network and the cluster, and what it reports.
// Everything but http.ts and cluster.ts works on these interfaces, so tests inject fakes and stubs.
import type { ConfigObject, PodFacts, StatusObject } from "./judge/readiness";

/** One HTTP exchange; `seconds` is the wall time until the whole body arrived. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  seconds: number;
}

export interface HttpRequest {
  method?: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Every request has one; the transport aborts the exchange after it. */
  timeoutMs: number;
}

/** Requests through the ingress gateway. Rejects with `HttpError` when no HTTP answer came. */
export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** Why no HTTP answer came: the connection failed (refused, reset, DNS) or the time ran out. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: "timeout" | "connect" | "other",
    readonly seconds: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The command's exit code; null when the exec session ended without one. */
  exitCode: number | null;
}

/** A pod of a Deployment, and optionally which of its containers. */
export interface PodTarget {
  /** The Deployment; with `selector`, only the name the pods are reported by (a waypoint's Gateway, the ztunnel DaemonSet). */
  deployment: string;
  /** Pods found by these labels instead of the Deployment's selector. */
  selector?: Record<string, string>;
  container?: string;
  /** Default: the app namespace. */
  namespace?: string;
}

/** A throwaway pod outside the mesh (no sidecar, not captured by ztunnel): the plaintext client of the mTLS check. */
export interface PlainPodRequest {
  /** Name prefix; the transport adds a random suffix. */
  name: string;
  command: string[];
  timeoutMs: number;
}

/** The cluster, in the app namespace. Rejects with `ClusterError` when it cannot do what is asked. */
export interface ClusterTransport {
  /** Cheap call that proves the API server answers and the namespace exists. */
  ping(timeoutMs: number): Promise<void>;
  exec(target: PodTarget, command: string[], timeoutMs: number): Promise<ExecResult>;
  /** The command in every ready pod of the target, each result with its pod's name. */
  execEach(target: PodTarget, command: string[], timeoutMs: number): Promise<(ExecResult & { pod: string })[]>;
  /** The logs of every ready pod of the Deployment since `sinceSeconds` ago, concatenated. */
  logs(target: PodTarget, sinceSeconds: number, timeoutMs: number): Promise<string>;
  /** Runs the command to completion in a new pod outside the mesh (no sidecar, not captured by ztunnel) and deletes the pod afterwards. */
  runPlainPod(req: PlainPodRequest): Promise<ExecResult>;
  /**
   * The Istio config of these namespaces as the API server has it (readiness.ts configKinds): Istio's
   * own kinds with their versions, the Gateway API's with their status; a kind without its CRD is none.
   * `services`: the Services labelled istio.io/use-waypoint, each with its last change (a push to ztunnel).
   */
  istioConfig(namespaces: readonly string[], timeoutMs: number): Promise<{ config: ConfigObject[]; status: StatusObject[]; services?: ConfigObject[] }>;
  /**
   * The running and pending pods of these namespaces (none being deleted), with their labels, annotations and
   * their namespace's labels: which carry a proxy istiod configures, and which ztunnel carries
   * (judge/readiness.ts podExpectations).
   */
  meshPods(namespaces: readonly string[], timeoutMs: number): Promise<PodFacts[]>;
  /**
   * The labels of a namespace (default: the app namespace) and, when named, of one of its Services
   * (absent when there is none): the mesh mode and the waypoint they choose.
   */
  labelsOf(what: { namespace?: string; service?: string }, timeoutMs: number): Promise<{ namespace: Record<string, string>; service?: Record<string, string> }>;
  /** The address of a ready pod of the Deployment, for a port its Service does not publish. */
  podIp(target: PodTarget, timeoutMs: number): Promise<string>;
  close(): void;
}

/** The cluster or a pod could not be reached or found: not an observation, so exit code 2. */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClusterError";
  }
}

/** One row of a report: an aspect of a probe, what the scenario promises and what was seen. */
export interface Check {
  name: string;
  expected: string;
  observed: string;
  pass: boolean;
  /** What would have failed it: the observations outside what it accepts, and the wrong behaviours that land there. */
  failsOn?: string;
  /** Too little was observed to tell a right lab from a wrong one: not a pass, not a finding. */
  inconclusive?: true;
}

/**
 * The outcome of one probe: its checks, or `error` when it could not observe at all (cluster or pod
 * unreachable, gateway refusing connections); an error is never a pass.
 */
export interface ProbeResult {
  probe: string;
  checks: Check[];
  error?: string;
}
