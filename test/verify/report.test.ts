// The verdict as people and machines read it, and the progress line only a terminal sees.
import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../tools/verify/progress";
import { formatJson, formatText } from "../../tools/verify/report";
import type { ProbeResult } from "../../tools/verify/types";

const readiness = { ready: true, seconds: 2.5, detail: "istiod holds the lab's 3 Istio objects; 7 proxies on the path acknowledged them" };
const info = { scenario: "mirroring", namespace: "bookinfo", gatewayUrl: "http://127.0.0.1:8080", source: "flags", seconds: 1.25, readiness };
const results: ProbeResult[] = [
  { probe: "mirroring: curl -> http://httpbin:8000/headers", checks: [{ name: "status", expected: "2xx", observed: "200", pass: true }, { name: "mirrored to httpbin-v2", expected: "the shadow copy in its access log", observed: "not logged", pass: false }] },
  { probe: "load: fortio -c 3 -n 30 http://httpbin:8000/get", checks: [], error: "Deployment bookinfo/fortio-deploy has no ready pod (0 pods in all)" },
];

describe("report", () => {
  it("prints a table per probe, errors in place of a table, and the verdict", () => {
    const text = formatText(info, results);
    expect(text).toContain("  check                   expected                           observed    result\n");
    expect(text).toContain("  mirrored to httpbin-v2  the shadow copy in its access log  not logged  FAIL\n");
    expect(text).toContain("load: fortio -c 3 -n 30 http://httpbin:8000/get\n  ERROR  Deployment bookinfo/fortio-deploy has no ready pod (0 pods in all)\n");
    expect(text.trimEnd().split("\n").at(-1)).toBe("ERROR: 1 of 2 checks passed, 1 probe could not run in 1.3 s");
  });

  it("says before the probes how long it waited for the proxies, that readiness is not confirmed, or why it was not checked", () => {
    expect(formatText(info, results).split("\n")[1]).toBe("ready after 2.5 s: istiod holds the lab's 3 Istio objects; 7 proxies on the path acknowledged them");
    const late = formatText({ ...info, readiness: { ready: false, seconds: 120, detail: "1 of 7 proxies not yet serving the scenario" } }, results).split("\n")[1];
    expect(late).toMatch(/^NOT CONFIRMED READY after 120\.0 s \(judged anyway.*\): 1 of 7 proxies/);
    expect(formatText({ ...info, readiness: { checked: false, why: "--ready-timeout 0" } }, results).split("\n")[1]).toBe("readiness not checked: --ready-timeout 0");
  });

  it("says INCONCLUSIVE, exits 2, and lets a real failure win", async () => {
    const { exitCode } = await import("../../tools/verify/run");
    const unsure: ProbeResult = { probe: "page loads", checks: [{ name: "reviews versions", expected: "v1 80 %", observed: "v1 100 % of 1", pass: false, inconclusive: true }] };
    const text = formatText({ scenario: "shift-80-20", namespace: "bookinfo", gatewayUrl: "http://x", source: "flags", seconds: 1, readiness }, [unsure]);
    expect(text).toContain("INCONCLUSIVE");
    expect(text.trimEnd().split("\n").at(-1)).toBe("INCONCLUSIVE: 0 of 1 checks passed, 1 inconclusive in 1.0 s");
    expect(exitCode([unsure])).toBe(2);
    const failed: ProbeResult = { probe: "status", checks: [{ name: "status", expected: "200", observed: "503", pass: false }] };
    expect(exitCode([unsure, failed])).toBe(1);
  });

  it("gives machines one JSON document with counts", () => {
    expect(JSON.parse(formatJson(info, results, 2))).toMatchObject({ ...info, ok: false, exitCode: 2, checks: 2, failed: 1, errors: 1, probes: results });
  });
});

describe("progress", () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream };
  };

  it("draws on a terminal and clears its line when done", () => {
    const s = stream(true);
    const progress = terminalProgress(s.stream);
    progress.start("productpage x4", 4);
    progress.tick();
    progress.done();
    expect(s.writes[1]).toBe("\r\x1b[2Kproductpage x4 [#####               ] 1/4");
    expect(s.writes.at(-1)).toBe("\r\x1b[2K");
  });

  it("writes nothing when stderr is not a terminal", () => {
    const s = stream(false);
    const progress = terminalProgress(s.stream);
    progress.start("x", 2);
    progress.tick();
    progress.done();
    expect(s.writes).toEqual([]);
  });
});
