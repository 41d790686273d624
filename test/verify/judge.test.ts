// The pure judgements: shares by exact binomial tails at the stated rates, latency, status codes, logs, stickiness, mTLS.
import { describe, expect, it } from "vitest";
import { judgeContains, judgeLatency, judgeStatus, judgeStatusShares } from "../../tools/verify/judge/answers";
import { judgeReviews } from "../../tools/verify/judge/distribution";
import { judgeCallStatus, judgeLoggedCount, judgeMtls, judgeSeen, judgeSticky } from "../../tools/verify/judge/mesh";
import fc from "fast-check";
import { resolveScenario } from "../../catalog/scenarios";
import type { ProductPageProbe } from "../../catalog/scenarios/probes";
import { acceptanceRegion, acceptedCounts, alternatives, answersNeeded, binomialPmf, binomialWithin, rates } from "../../catalog/scenarios/statistics";

/** `counts` as a list of page readings, e.g. { v1: 42, v3: 58 }. */
const seen = (counts: Record<string, number>) => Object.entries(counts).flatMap(([v, n]) => Array<string>(n).fill(v));

/** A seeded generator (mulberry32), so generated runs are the same every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n page loads routed by weights, as a weighted route picks each request independently. */
function routed(weights: Record<string, number>, n: number, next: () => number): string[] {
  const entries = Object.entries(weights);
  return Array.from({ length: n }, () => {
    let r = next() * 100;
    for (const [v, w] of entries) if ((r -= w) < 0) return v;
    return entries.at(-1)![0];
  });
}

describe("exact binomial tails", () => {
  /** P(K = k) exactly, with big integers: C(n, k) p^k (1-p)^(n-k) for p = a/b. */
  const exact = (n: number, k: number, a: number, b: number) => {
    let c = 1n;
    for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
    const num = c * BigInt(a) ** BigInt(k) * BigInt(b - a) ** BigInt(n - k);
    const den = BigInt(b) ** BigInt(n);
    return Number((num * 10n ** 18n) / den) / 1e18;
  };

  it("equals the exact probabilities (big integers) for small n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 99 }), (n, percent) => {
        const pmf = binomialPmf(n, percent / 100);
        pmf.forEach((p, k) => expect(p).toBeCloseTo(exact(n, k, percent, 100), 12));
      }),
    );
  });

  it("sums to 1, and P(K <= k; p) = P(K >= n - k; 1 - p)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.nat(), (n, p, at) => {
        const k = at % (n + 1);
        expect(binomialPmf(n, p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        expect(binomialWithin(n, p, 0, k)).toBeCloseTo(binomialWithin(n, 1 - p, n - k, n), 9);
      }),
    );
  });

  it("a share's range misses a correct count at most alpha of the time, and is the narrowest such", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 99 }), fc.constantFrom(1e-3, 5e-4, 1e-2), (n, percent, alpha) => {
        const p = percent / 100;
        const { lo, hi } = acceptedCounts(n, p, alpha);
        expect(1 - binomialWithin(n, p, lo, hi)).toBeLessThanOrEqual(alpha * (1 + 1e-9));
        // One count narrower on either side would put more than alpha / 2 in that tail.
        if (lo < n) expect(binomialWithin(n, p, 0, lo)).toBeGreaterThan(alpha / 2);
        if (hi > 0) expect(binomialWithin(n, p, hi, n)).toBeGreaterThan(alpha / 2);
      }),
    );
  });

  it("states the rates, and the counts the catalog takes from them", () => {
    expect(rates).toEqual({ falseFail: 1e-3, falsePass: 1e-3 });
    // 0.9^n <= 1e-3 / 4 from n = 79: 90/10 needs 80 answers, 80/20 40, 50/50 20, an even three-way split 30.
    expect(answersNeeded({ v1: 90, v2: 10 })).toBe(80);
    expect(answersNeeded({ v1: 80, v2: 20 })).toBe(40);
    expect(answersNeeded({ v1: 50, v3: 50 })).toBe(20);
    expect(answersNeeded({ v1: 33, v2: 33, v3: 33 })).toBe(30);
    // All on one version after 50/50 (shift-v3): 0.5^n <= 1e-3 from n = 10.
    expect(answersNeeded({ v3: 100 }, { v1: 50, v3: 50 })).toBe(10);
  });
});

describe("judgeReviews", () => {
  it("fails shift-90-10 when every page shows v1, at the catalog's count (the 10 % version getting none)", () => {
    const probe = resolveScenario("shift-90-10", undefined).probes[0] as ProductPageProbe;
    const check = judgeReviews(seen({ v1: probe.requests }), probe.reviews!, probe.previous);
    expect(check).toMatchObject({ pass: false });
    expect(check).not.toHaveProperty("inconclusive");
    expect(check.failsOn).toContain("v2 outside");
    expect(check.failsOn).toContain("no v2");
  });

  it("refuses the nearest wrong behaviours of every weighted split, at most falsePass of the time (exact)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (share) => {
        const expected = { v1: 100 - share, v2: share };
        const n = answersNeeded(expected, { v1: 100 });
        for (const a of alternatives(n, expected, ["v1", "v2", "v3"], { v1: 100 })) expect(a.passChance, `${share}: ${a.name}`).toBeLessThanOrEqual(rates.falsePass);
        // ...and a correct lab fails it at most falseFail of the time.
        const region = acceptanceRegion(n, expected, ["v1", "v2", "v3"]);
        expect(1 - binomialWithin(n, share / 100, region.v2.lo, region.v2.hi)).toBeLessThanOrEqual(rates.falseFail);
      }),
    );
  });

  it("passes what a correct split shows and fails a version that is missing, all on one, or one never named", () => {
    expect(judgeReviews(seen({ v1: 72, v2: 8 }), { v1: 90, v2: 10 }).pass).toBe(true);
    expect(judgeReviews(seen({ v1: 80 }), { v1: 90, v2: 10 }).pass).toBe(false);
    expect(judgeReviews(seen({ v2: 80 }), { v1: 90, v2: 10 }).pass).toBe(false);
    expect(judgeReviews(seen({ v1: 70, v2: 9, v3: 1 }), { v1: 90, v2: 10 }).pass).toBe(false);
  });

  it("100 % is exact: one answer of another version fails", () => {
    expect(judgeReviews(seen({ v2: 20 }), { v2: 100 }).pass).toBe(true);
    const one = judgeReviews(seen({ v2: 19, v1: 1 }), { v2: 100 });
    expect(one.pass).toBe(false);
    expect(one.observed).toBe("v1 5 %, v2 95 % of 20");
  });

  it("fails when some answer shows no version, and when nothing answered", () => {
    const check = judgeReviews([...seen({ v1: 19 }), "unavailable"], { v1: 100 });
    expect(check.pass).toBe(false);
    expect(check.observed).toContain("1 without a version");
    expect(judgeReviews([], { v1: 100 }).pass).toBe(false);
  });

  it("shows what would fail it: each version's range and the wrong behaviours that land outside", () => {
    const check = judgeReviews(seen({ v1: 36, v2: 4 }), { v1: 80, v2: 20 });
    expect(check.expected).toBe("v1 80 %, v2 20 %; every answer shows one");
    expect(check.failsOn).toMatch(/^v1 outside \d+-\d+ of 40; v2 outside \d+-\d+ of 40; any v3; an answer without a version; so no v1, no v2, all v1, all v2 fail it \(each passes at most 0\.001\)$/);
  });

  it("does not fail correct splits by bad luck: generated runs at the catalog's counts", () => {
    const next = random(42);
    const splits: Record<string, number>[] = [{ v1: 50, v3: 50 }, { v1: 80, v2: 20 }, { v1: 90, v2: 10 }, { v1: 33, v2: 33, v3: 34 }];
    for (const weights of splits) {
      const n = answersNeeded(weights);
      const failures = Array.from({ length: 1000 }, () => judgeReviews(routed(weights, n, next), weights)).filter((c) => !c.pass).length;
      // At most 1e-3 of runs in expectation; 3 of 1000 by chance is already rare (p < 0.02).
      expect(failures, JSON.stringify(weights)).toBeLessThanOrEqual(3);
    }
  });

  it("calls a run too short to tell the split from the nearest wrong ones inconclusive, not passed (--requests 1 on 80/20)", () => {
    const one = judgeReviews(["v1"], { v1: 80, v2: 20 });
    expect(one).toMatchObject({ pass: false, inconclusive: true });
    expect(one.observed).toContain("too few answers to tell this from no v1, no v2, all v1");
    expect(one.observed).toContain("(40 needed): raise --requests");
    // 90/10 at 30 answers (3 of v2): chance alone would show no v2 too often.
    expect(judgeReviews(seen({ v1: 27, v2: 3 }), { v1: 90, v2: 10 }).inconclusive).toBe(true);
    // A route to one version against no route at all (even over v1, v2, v3): one page all v2 happens
    // once in three without the route, ten pages once in 59 049. A short run that already fails is a failure.
    expect(judgeReviews(["v2"], { v2: 100 })).toMatchObject({ pass: false, inconclusive: true });
    expect(judgeReviews(["v2"], { v2: 100 }).observed).toContain("no route (an even split over v1, v2, v3)");
    expect(judgeReviews(seen({ v2: 10 }), { v2: 100 }).pass).toBe(true);
    expect(judgeReviews(["v3"], { v1: 80, v2: 20 })).toMatchObject({ pass: false });
    expect(judgeReviews(["v3"], { v1: 80, v2: 20 })).not.toHaveProperty("inconclusive");
    // shift-v3 after 50/50: 5 pages all v3 happen under 50/50 once in 32.
    expect(judgeReviews(seen({ v3: 5 }), { v3: 100 }, { v1: 50, v3: 50 })).toMatchObject({ pass: false, inconclusive: true });
    expect(judgeReviews(seen({ v3: 10 }), { v3: 100 }, { v1: 50, v3: 50 }).pass).toBe(true);
  });

  it("catches a wrong split: 50/50 observed where 80/20 is routed, in generated runs", () => {
    const next = random(7);
    const caught = Array.from({ length: 100 }, () => judgeReviews(routed({ v1: 50, v2: 50 }, 100, next), { v1: 80, v2: 20 })).filter((c) => !c.pass).length;
    expect(caught).toBeGreaterThanOrEqual(99);
  });
});

describe("answers", () => {
  const answer = (status: number | null, seconds = 0.1) => ({ status, seconds });

  it("status: every answer has it", () => {
    expect(judgeStatus([answer(200), answer(200)], 200)).toMatchObject({ pass: true, observed: "200 x2" });
    expect(judgeStatus([answer(200), answer(503), answer(null)], 200)).toMatchObject({ pass: false, observed: "200 x1, 503 x1, no answer x1" });
    expect(judgeStatus([], 200).pass).toBe(false);
  });

  it("latency: every answer within the range", () => {
    expect(judgeLatency([answer(200, 6.1), answer(200, 5.9)], { min: 5, max: 8 }).pass).toBe(true);
    const fast = judgeLatency([answer(200, 6.1), answer(200, 0.2)], { min: 5, max: 8 });
    expect(fast).toMatchObject({ pass: false, expected: "5-8 s each" });
    expect(fast.observed).toBe("min 0.20 s, median 3.15 s, max 6.10 s; 1 outside");
    expect(judgeLatency([answer(200, 2.5)], { max: 2 }).pass).toBe(false);
    expect(judgeLatency([answer(null, 20)], { max: 2 }).pass).toBe(false);
  });

  it("contains: every page has the text", () => {
    expect(judgeContains("Ratings service is currently unavailable", [true, true]).pass).toBe(true);
    expect(judgeContains("x", [true, false])).toMatchObject({ pass: false, observed: "1 of 2" });
  });

  it("status shares: the circuit breaker's 503s and the clean run", () => {
    expect(judgeStatusShares({ "200": 20 }, { 200: { min: 100 } })[0].pass).toBe(true);
    expect(judgeStatusShares({ "200": 19, "503": 1 }, { 200: { min: 100 } })[0].pass).toBe(false);
    const [tripped] = judgeStatusShares({ "200": 20, "503": 10 }, { 503: { min: 10 } });
    expect(tripped).toMatchObject({ pass: true, expected: ">= 10 %", observed: "33.3 % (10 of 30: 200 x20, 503 x10)" });
    expect(judgeStatusShares({ "200": 28, "503": 2 }, { 503: { min: 10 } })[0].pass).toBe(false);
    expect(judgeStatusShares({}, { 503: { min: 0 } })[0].pass).toBe(false);
  });
});

describe("mesh judgements", () => {
  it("retries: exactly 1 + attempts requests in the log", () => {
    expect(judgeLoggedCount("httpbin-v1", 4, 4).pass).toBe(true);
    expect(judgeLoggedCount("httpbin-v1", 1, 4).pass).toBe(false);
    expect(judgeLoggedCount("httpbin-v1", 5, 4).pass).toBe(false);
    expect(judgeCallStatus(503, 503).pass).toBe(true);
    expect(judgeCallStatus(null, 503).pass).toBe(false);
    expect(judgeCallStatus(204, "2xx").pass).toBe(true);
    expect(judgeCallStatus(404, "2xx").pass).toBe(false);
  });

  it("mirroring: seen at least once", () => {
    expect(judgeSeen("httpbin-v2", 1, "mirrored")).toMatchObject({ pass: true, name: "mirrored to httpbin-v2" });
    expect(judgeSeen("httpbin-v2", 0, "mirrored")).toMatchObject({ pass: false, observed: "not logged" });
  });

  it("sticky: one pod per key, whichever pod it is", () => {
    const ok = judgeSticky([
      { key: "a", pods: ["reviews-v1-x", "reviews-v1-x"] },
      { key: "b", pods: ["reviews-v3-y", "reviews-v3-y"] },
    ]);
    expect(ok.pass).toBe(true);
    expect(ok.observed).toContain("2 pods in all: reviews-v1-x, reviews-v3-y");
    const split = judgeSticky([{ key: "a", pods: ["reviews-v1-x", "reviews-v2-z", "reviews-v1-x"] }]);
    expect(split).toMatchObject({ pass: false, observed: "a: reviews-v1-x x2, reviews-v2-z x1" });
    expect(judgeSticky([{ key: "a", pods: ["reviews-v1-x", null] }]).pass).toBe(false);
    expect(judgeSticky([]).pass).toBe(false);
  });

  it("mTLS: STRICT resets plaintext; a refused port or an answer is not that", () => {
    expect(judgeMtls({ exitCode: 56, status: null }, "refused").pass).toBe(true);
    expect(judgeMtls({ exitCode: 52, status: null }, "refused").pass).toBe(true);
    expect(judgeMtls({ exitCode: 0, status: 200 }, "refused")).toMatchObject({ pass: false, observed: "answered 200" });
    expect(judgeMtls({ exitCode: 7, status: null }, "refused").pass).toBe(false);
    expect(judgeMtls({ exitCode: 28, status: null }, "refused").pass).toBe(false);
    expect(judgeMtls({ exitCode: 0, status: 200 }, "accepted").pass).toBe(true);
    expect(judgeMtls({ exitCode: 56, status: null }, "accepted").pass).toBe(false);
  });
});
