// ProductPageProbe: page loads through the ingress gateway, anonymous or signed in.
import type { ProductPageProbe } from "../../../catalog/scenarios/probes";
import { judgeContains, judgeLacks, judgeLatency, judgeStatus, type Answer } from "../judge/answers";
import { judgeReviews, judgeShares } from "../judge/distribution";
import { readReviews, signedInAs, type PageReviews } from "../stars";
import { HttpError, type Check } from "../types";
import { gatewayHeaders, gatewayPath, type ProbeContext } from "./context";

/** Page loads in flight at once: enough to keep a 100-request split short, few enough not to load the lab. */
export const pageConcurrency = 4;

export interface PageAnswer extends Answer {
  reviews: PageReviews | "none";
  /** Per text of `contains`, whether this page had it. */
  found: boolean[];
  signedIn: boolean;
}

export const productPageTitle = (probe: ProductPageProbe, n: number) => `productpage x${n}${probe.user ? ` as ${probe.user}` : ", anonymous"}`;

/** productpage answered the sign-in, but not with a session: a finding, not an unreachable lab. */
export class SignInError extends Error {}

/**
 * productpage's sign-in (samples/bookinfo/src/productpage/productpage.py): POST /login with the
 * form field `username` (and `passwd`, which it ignores) stores the user in Flask's signed
 * `session` cookie and redirects to the Referer; every later request with that cookie makes
 * productpage send `end-user: <user>` to reviews and details. Returns the Cookie header to send.
 */
export async function signIn(ctx: ProbeContext, user: string): Promise<string> {
  const res = await ctx.http.request({
    method: "POST",
    url: gatewayPath(ctx.gatewayUrl, "/login"),
    headers: gatewayHeaders(ctx, { "content-type": "application/x-www-form-urlencoded", referer: gatewayPath(ctx.gatewayUrl, "/productpage") }),
    body: new URLSearchParams({ username: user, passwd: "istio-lab-verify" }).toString(),
    timeoutMs: ctx.deadline.budget(ctx.timeoutMs),
  });
  const setCookie = res.headers["set-cookie"];
  const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(";")[0].trim()).filter((c) => c.includes("="));
  if (cookies.length === 0) throw new SignInError(`POST /login answered ${res.status} without a cookie`);
  return cookies.join("; ");
}

/** Runs `total` jobs, `width` at a time, in order of index. */
export async function pool<T>(total: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, worker));
  return results;
}

export async function loadPages(ctx: ProbeContext, probe: ProductPageProbe, n: number): Promise<PageAnswer[]> {
  const cookie = probe.user ? await signIn(ctx, probe.user) : undefined;
  // Every text of `contains`, then the one of `containsShare`, then those of `lacks`: each answer says which it has.
  const texts = [...(probe.contains ?? []), ...(probe.containsShare ? [probe.containsShare.text] : []), ...(probe.lacks ?? [])];
  ctx.progress.start(productPageTitle(probe, n), n);
  try {
    return await pool(n, pageConcurrency, async () => {
      const timeoutMs = ctx.deadline.budget(ctx.timeoutMs);
      try {
        const res = await ctx.http.request({ url: gatewayPath(ctx.gatewayUrl, "/productpage"), headers: gatewayHeaders(ctx, cookie ? { cookie } : {}), timeoutMs });
        return {
          status: res.status,
          seconds: res.seconds,
          reviews: readReviews(res.body).reviews,
          found: texts.map((t) => res.body.includes(t)),
          signedIn: probe.user ? signedInAs(res.body, probe.user) : false,
        };
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return { status: null, seconds: error.seconds, reviews: "none", found: texts.map(() => false), signedIn: false };
      } finally {
        ctx.progress.tick();
      }
    });
  } finally {
    ctx.progress.done();
  }
}

/** Every promise of a ProductPageProbe, as checks over the answers. */
export function judgePages(probe: ProductPageProbe, answers: readonly PageAnswer[]): Check[] {
  const checks = [judgeStatus(answers, probe.status)];
  if (probe.user) {
    const shown = answers.filter((a) => a.signedIn).length;
    checks.push({ name: `signed in as ${probe.user}`, expected: `all ${answers.length}`, observed: `${shown} of ${answers.length}`, pass: shown === answers.length && shown > 0 });
  }
  if (probe.reviews) checks.push(judgeReviews(answers.map((a) => a.reviews), probe.reviews, probe.previous));
  if (probe.latencySeconds) checks.push(judgeLatency(answers, probe.latencySeconds));
  (probe.contains ?? []).forEach((text, i) => checks.push(judgeContains(text, answers.map((a) => a.found[i]))));
  if (probe.containsShare) {
    const { text, percent } = probe.containsShare;
    const at = probe.contains?.length ?? 0;
    // Each answer with the text or without it: a binomial share, judged as a weighted split is.
    const seen = answers.map((a) => (a.status === probe.status ? (a.found[at] ? "with" : "without") : "no answer"));
    checks.push(judgeShares(`share with "${text}"`, seen, ["with", "without"], { with: percent, without: 100 - percent }));
  }
  const lacksAt = (probe.contains?.length ?? 0) + (probe.containsShare ? 1 : 0);
  (probe.lacks ?? []).forEach((text, i) => checks.push(judgeLacks(text, answers.map((a) => a.found[lacksAt + i]))));
  return checks;
}

export async function runProductPage(ctx: ProbeContext, probe: ProductPageProbe): Promise<Check[]> {
  try {
    return judgePages(probe, await loadPages(ctx, probe, ctx.requests ?? probe.requests));
  } catch (error) {
    if (!(error instanceof SignInError)) throw error;
    return [{ name: `signed in as ${probe.user}`, expected: "a session cookie from POST /login", observed: error.message, pass: false }];
  }
}
