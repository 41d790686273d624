// Orchestration: reach the lab first, then run each probe of the scenario and judge what it saw.
import type { Probe } from "../../catalog/scenarios/probes";
import { DeadlineError } from "./deadline";
import type { ProbeContext } from "./probes/context";
import { gatewayHeaders, gatewayPath } from "./probes/context";
import { callTitle, runCall } from "./probes/call";
import { egressTitle, runEgress } from "./probes/egress";
import { runShares, sharesTitle } from "./probes/shares";
import { ingressTitle, runIngress } from "./probes/ingress";
import { limitedTitle, runLimited } from "./probes/limited";
import { loadTitle, runLoad } from "./probes/load";
import { mirroredTitle, runMirrored } from "./probes/mirrored";
import { mtlsTitle, runMtls } from "./probes/mtls";
import { productPageTitle, runProductPage } from "./probes/productpage";
import { retriedTitle, runRetried } from "./probes/retried";
import { runSticky, stickyTitle } from "./probes/sticky";
import { connectTitle, runConnect, runTcp, tcpTitle } from "./probes/tcp";
import { runVersions, versionsTitle } from "./probes/versions";
import { ClusterError, HttpError, type Check, type ProbeResult } from "./types";

/** Probes that go through the ingress gateway; every other kind works through the cluster API. */
const throughGateway = (probe: Probe) => probe.kind === "productpage" || probe.kind === "ingress" || probe.kind === "versions";

/** What each probe kind is called in the report, and how it runs. */
interface ProbeHandler<P extends Probe> {
  title(probe: P, requests: number): string;
  run(ctx: ProbeContext, probe: P): Promise<Check[]>;
}

const handlers: { [K in Probe["kind"]]: ProbeHandler<Extract<Probe, { kind: K }>> } = {
  productpage: { title: productPageTitle, run: runProductPage },
  ingress: { title: ingressTitle, run: runIngress },
  retried: { title: retriedTitle, run: runRetried },
  mirrored: { title: mirroredTitle, run: runMirrored },
  load: { title: loadTitle, run: runLoad },
  sticky: { title: stickyTitle, run: runSticky },
  mtls: { title: mtlsTitle, run: runMtls },
  versions: { title: versionsTitle, run: runVersions },
  call: { title: callTitle, run: runCall },
  tcp: { title: tcpTitle, run: runTcp },
  connect: { title: connectTitle, run: runConnect },
  egress: { title: egressTitle, run: runEgress },
  shares: { title: sharesTitle, run: runShares },
  limited: { title: limitedTitle, run: runLimited },
};

// The table is keyed by kind, so the handler found for a probe always takes that probe's type.
const handlerOf = (probe: Probe) => handlers[probe.kind] as ProbeHandler<Probe>;

/** The probes whose count is a sample size, which --requests may change; every other count carries meaning. */
export const scalable = (probe: Probe) => probe.kind === "productpage" || probe.kind === "versions" || probe.kind === "shares" || probe.kind === "tcp";

export function probeTitle(probe: Probe, requests?: number): string {
  const own = "requests" in probe ? probe.requests : "connections" in probe ? probe.connections : 0;
  return handlerOf(probe).title(probe, scalable(probe) ? (requests ?? own) : own);
}

function runProbe(ctx: ProbeContext, probe: Probe): Promise<Check[]> {
  return handlerOf(probe).run(ctx, probe);
}

/** The lab could not be reached at all: nothing was observed, so nothing is judged (exit 2). */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreachableError";
  }
}

/** Short, so an unreachable lab is reported in seconds rather than after every probe's timeout. */
const preflightMs = 5000;

/**
 * Proves each side the probes need answers before any traffic runs: the gateway gives any HTTP
 * answer, the cluster API lists the namespace. Throws UnreachableError with what to do about it.
 */
export async function preflight(ctx: ProbeContext, probes: readonly Probe[], hint?: string): Promise<void> {
  if (probes.some(throughGateway)) {
    try {
      await ctx.http.request({ url: gatewayPath(ctx.gatewayUrl, "/"), headers: gatewayHeaders(ctx), timeoutMs: ctx.deadline.budget(Math.min(ctx.timeoutMs, preflightMs)) });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      throw new UnreachableError(`the ingress gateway at ${ctx.gatewayUrl} is unreachable (${error.message})${hint ? `; ${hint}` : ""}`);
    }
  }
  if (probes.some((p) => !throughGateway(p))) {
    try {
      const cluster = await ctx.cluster();
      await cluster.ping(ctx.deadline.budget(Math.min(ctx.timeoutMs, 10_000)));
    } catch (error) {
      if (error instanceof ClusterError) throw new UnreachableError(error.message);
      throw error;
    }
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Every probe in order. A probe that cannot observe (cluster error, deadline) is an error, not a pass. */
export async function runProbes(ctx: ProbeContext, probes: readonly Probe[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    const title = probeTitle(probe, ctx.requests);
    if (ctx.deadline.remainingMs() <= 0) {
      results.push({ probe: title, checks: [], error: `not run: ${new DeadlineError(ctx.deadline.seconds).message}` });
      continue;
    }
    try {
      // Judged once: readiness.ts waited until the proxies serve the scenario before the first probe.
      results.push({ probe: title, checks: await runProbe(ctx, probe) });
    } catch (error) {
      ctx.progress.done();
      if (!(error instanceof ClusterError || error instanceof DeadlineError || error instanceof HttpError)) throw error;
      results.push({ probe: title, checks: [], error: message(error) });
    }
  }
  return results;
}

/** 0 all checks passed; 1 some check failed; 2 some probe could not observe, or could not tell. */
export function exitCode(results: readonly ProbeResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.error !== undefined)) return 2;
  if (results.some((r) => r.checks.some((c) => !c.pass && !c.inconclusive))) return 1;
  if (results.some((r) => r.checks.some((c) => c.inconclusive))) return 2;
  return 0;
}
