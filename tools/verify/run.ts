// Orchestration: reach the lab first, then run each probe of the scenario and judge what it saw.
import type { Probe } from "../../components/scenarios/probes";
import { DeadlineError } from "./deadline";
import type { ProbeContext } from "./probes/context";
import { gatewayPath } from "./probes/context";
import { ingressTitle, runIngress } from "./probes/ingress";
import { loadTitle, runLoad } from "./probes/load";
import { mirroredTitle, runMirrored } from "./probes/mirrored";
import { mtlsTitle, runMtls } from "./probes/mtls";
import { productPageTitle, runProductPage } from "./probes/productpage";
import { retriedTitle, runRetried } from "./probes/retried";
import { runSticky, stickyTitle } from "./probes/sticky";
import { ClusterError, HttpError, type Check, type ProbeResult } from "./types";

/** Probes that go through the ingress gateway; every other kind works through the cluster API. */
const throughGateway = (probe: Probe) => probe.kind === "productpage" || probe.kind === "ingress";

export function probeTitle(probe: Probe, requests?: number): string {
  switch (probe.kind) {
    case "productpage":
      return productPageTitle(probe, requests ?? probe.requests);
    case "ingress":
      return ingressTitle(probe);
    case "retried":
      return retriedTitle(probe);
    case "mirrored":
      return mirroredTitle(probe);
    case "load":
      return loadTitle(probe, requests ?? probe.requests);
    case "sticky":
      return stickyTitle(probe);
    case "mtls":
      return mtlsTitle(probe);
  }
}

function runProbe(ctx: ProbeContext, probe: Probe): Promise<Check[]> {
  switch (probe.kind) {
    case "productpage":
      return runProductPage(ctx, probe);
    case "ingress":
      return runIngress(ctx, probe);
    case "retried":
      return runRetried(ctx, probe);
    case "mirrored":
      return runMirrored(ctx, probe);
    case "load":
      return runLoad(ctx, probe);
    case "sticky":
      return runSticky(ctx, probe);
    case "mtls":
      return runMtls(ctx, probe);
  }
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
      await ctx.http.request({ url: gatewayPath(ctx.gatewayUrl, "/"), timeoutMs: ctx.deadline.budget(Math.min(ctx.timeoutMs, preflightMs)) });
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
      results.push({ probe: title, checks: await runProbe(ctx, probe) });
    } catch (error) {
      ctx.progress.done();
      if (!(error instanceof ClusterError || error instanceof DeadlineError || error instanceof HttpError)) throw error;
      results.push({ probe: title, checks: [], error: message(error) });
    }
  }
  return results;
}

/** 0 all checks passed; 1 some check failed; 2 some probe could not observe. */
export function exitCode(results: readonly ProbeResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.error !== undefined)) return 2;
  if (results.some((r) => r.checks.some((c) => !c.pass))) return 1;
  return 0;
}
