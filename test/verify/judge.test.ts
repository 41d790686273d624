// The pure judgements: shares with a binomial bound, latency, status codes, logs, stickiness, mTLS.
import { describe, expect, it } from "vitest";
import { judgeContains, judgeLatency, judgeStatus, judgeStatusShares } from "../../tools/verify/judge/answers";
import { judgeReviews } from "../../tools/verify/judge/distribution";
import { judgeCallStatus, judgeLoggedCount, judgeMtls, judgeSeen, judgeSticky } from "../../tools/verify/judge/mesh";
import { shareBound } from "../../tools/verify/judge/stats";

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

describe("shareBound", () => {
  it("is 3 standard deviations of the binomial share", () => {
    expect(shareBound(50, 100)).toBeCloseTo(15, 6);
    expect(shareBound(80, 100)).toBeCloseTo(12, 6);
    expect(shareBound(90, 100)).toBeCloseTo(9, 6);
    expect(shareBound(50, 400)).toBeCloseTo(7.5, 6);
  });

  it("never is tighter than the probe's tolerance, and is exact for 0 and 100 %", () => {
    expect(shareBound(80, 100, 15)).toBe(15);
    expect(shareBound(50, 20, 15)).toBeCloseTo(33.54, 2);
    expect(shareBound(100, 20, 15)).toBe(0);
    expect(shareBound(0, 100, 15)).toBe(0);
  });
});

describe("judgeReviews", () => {
  it.each([
    [{ v1: 42, v3: 58 }, true],
    [{ v1: 35, v3: 65 }, true],
    [{ v1: 34, v3: 66 }, false],
    [{ v1: 30, v3: 70 }, false],
    [{ v1: 58, v3: 42 }, true],
  ])("50/50 at 100 requests: %j passes = %s", (counts, pass) => {
    expect(judgeReviews(seen(counts), { v1: 50, v3: 50 }).pass).toBe(pass);
  });

  it("80/20 with the catalog's tolerance of 15 accepts 66/34 and refuses 64/36", () => {
    expect(judgeReviews(seen({ v1: 66, v2: 34 }), { v1: 80, v2: 20 }, 15).pass).toBe(true);
    expect(judgeReviews(seen({ v1: 64, v2: 36 }), { v1: 80, v2: 20 }, 15).pass).toBe(false);
  });

  it("100 % is exact: one answer of another version fails", () => {
    expect(judgeReviews(seen({ v2: 20 }), { v2: 100 }, 15).pass).toBe(true);
    const one = judgeReviews(seen({ v2: 19, v1: 1 }), { v2: 100 }, 15);
    expect(one.pass).toBe(false);
    expect(one.observed).toBe("v1 5 %, v2 95 % of 20");
  });

  it("a version the route never names must not appear, whatever the tolerance", () => {
    expect(judgeReviews(seen({ v1: 49, v3: 50, v2: 1 }), { v1: 50, v3: 50 }, 15).pass).toBe(false);
  });

  it("fails when some answer shows no version, and when nothing answered", () => {
    const check = judgeReviews([...seen({ v1: 19 }), "unavailable"], { v1: 100 });
    expect(check.pass).toBe(false);
    expect(check.observed).toContain("1 without a version");
    expect(judgeReviews([], { v1: 100 }).pass).toBe(false);
  });

  it("shows the bound it applied", () => {
    expect(judgeReviews(seen({ v1: 50, v3: 50 }), { v1: 50, v3: 50 }, 15).expected).toBe("v1 50 % +-15.0 (35-65), v3 50 % +-15.0 (35-65); every answer shows one");
  });

  it("does not fail correct splits by bad luck: generated runs of 100 requests", () => {
    const next = random(42);
    const splits: Record<string, number>[] = [{ v1: 50, v3: 50 }, { v1: 80, v2: 20 }, { v1: 90, v2: 10 }, { v1: 33, v2: 33, v3: 34 }];
    for (const weights of splits) {
      const failures = Array.from({ length: 300 }, () => judgeReviews(routed(weights, 100, next), weights, 15)).filter((c) => !c.pass).length;
      expect(failures, JSON.stringify(weights)).toBeLessThanOrEqual(3);
    }
  });

  it("calls a run too short to tell the split from none inconclusive, not passed (--requests 1 on 80/20)", () => {
    const one = judgeReviews(["v1"], { v1: 80, v2: 20 }, 15);
    expect(one).toMatchObject({ pass: false, inconclusive: true });
    expect(one.observed).toContain("too few answers to tell this split from none: raise --requests");
    // Enough answers: conclusive, and a pass.
    const hundred = judgeReviews([...Array<string>(80).fill("v1"), ...Array<string>(20).fill("v2")], { v1: 80, v2: 20 }, 15);
    expect(hundred).toMatchObject({ pass: true });
    expect(hundred).not.toHaveProperty("inconclusive");
    // 90/10 needs more: at 30 answers chance alone would allow 0 % of v2.
    expect(judgeReviews([...Array<string>(27).fill("v1"), ...Array<string>(3).fill("v2")], { v1: 90, v2: 10 }, 15).inconclusive).toBe(true);
    // A route with no split is exact at any count; a short run that already fails is a failure.
    expect(judgeReviews(["v2"], { v2: 100 }).pass).toBe(true);
    expect(judgeReviews(["v3"], { v1: 80, v2: 20 }, 15)).toMatchObject({ pass: false });
    expect(judgeReviews(["v3"], { v1: 80, v2: 20 }, 15)).not.toHaveProperty("inconclusive");
  });

  it("catches a wrong split: 50/50 observed where 80/20 is routed, in generated runs", () => {
    const next = random(7);
    const caught = Array.from({ length: 100 }, () => judgeReviews(routed({ v1: 50, v2: 50 }, 100, next), { v1: 80, v2: 20 }, 15)).filter((c) => !c.pass).length;
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
