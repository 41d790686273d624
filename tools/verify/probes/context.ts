// What every probe runner gets: the transports, where the lab is, and the limits it must keep.
import type { Deadline } from "../deadline";
import type { Progress } from "../progress";
import type { ClusterTransport, HttpTransport } from "../types";

export interface ProbeContext {
  http: HttpTransport;
  /** The cluster, connected on first use; probes that need none never touch it. */
  cluster: () => Promise<ClusterTransport>;
  gatewayUrl: string;
  /** The lab's namespace, where the scenario's workloads run. */
  appNamespace: string;
  /** A lab's host on a shared gateway (catalog/lab-host.ts): every gateway request carries it. */
  host?: string;
  /**
   * Overrides the sample size of the probes judged by shares or by every answer alike (product
   * pages, versions, shares, TCP connections); never a count that carries meaning (a rate-limit
   * bucket, a circuit breaker's load, retries, sticky keys). Below what the rates need, a share
   * check is inconclusive.
   */
  requests?: number;
  /** Per HTTP request and per exec, before the run's deadline cuts it. */
  timeoutMs: number;
  deadline: Deadline;
  progress: Progress;
  /** How long to wait for an access log to show a call (sidecars flush about every second). */
  logWaitMs: number;
  /** A marker unique to this run, put in URLs so logs can be searched for exactly our calls. */
  marker: () => string;
}

/** The headers of a request through the gateway: the lab's Host, when it has one, then the rest. */
export const gatewayHeaders = (ctx: Pick<ProbeContext, "host">, headers: Record<string, string> = {}): Record<string, string> => ({
  ...(ctx.host && { host: ctx.host }),
  ...headers,
});

/** The URL of a gateway path, whatever slashes the gateway URL ends with. */
export const gatewayPath = (gatewayUrl: string, path: string) => `${gatewayUrl.replace(/\/+$/, "")}${path}`;
