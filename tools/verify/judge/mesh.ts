// Judgements over what the cluster showed: access-log counts, which pod answered, plaintext outcome.
import type { MtlsProbe } from "../../../catalog/scenarios/probes";
import type { Check } from "../types";
import { tally } from "./format";

const statusText = (s: number | null) => (s === null ? "no answer" : String(s));

/** The one in-mesh call got the status the route ends with. */
export function judgeCallStatus(status: number | null, expected: number | "2xx"): Check {
  return {
    name: "status",
    expected: String(expected),
    observed: statusText(status),
    failsOn: `any other status, or no answer`,
    pass: expected === "2xx" ? status !== null && status >= 200 && status < 300 : status === expected,
  };
}

/** The answer's body says what the scenario's claim needs it to say (the denial's own words). */
export function judgeBody(body: string, text: string): Check {
  const shown = body.trim().replace(/\s+/g, " ");
  return {
    name: "body",
    expected: `contains "${text}"`,
    observed: shown.length === 0 ? "empty" : `"${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}"`,
    pass: body.includes(text),
    failsOn: "a body without it (a refusal by anything but the policy: the app, another filter)",
  };
}

/**
 * Where the client's own sidecar sent the call on: its access-log line (this run's marker) names the
 * upstream cluster (Istio's default format, %UPSTREAM_CLUSTER_RAW% as a field of its own).
 */
export function judgeUpstream(lines: readonly string[], cluster: string): Check {
  const clusters = lines.map((line) => /\s(outbound\|\S*|PassthroughCluster|BlackHoleCluster)\s/.exec(line)?.[1] ?? "none named");
  return {
    name: "sent on to",
    expected: cluster,
    observed: clusters.length ? tally(clusters) : "not logged",
    failsOn: "another cluster (plain HTTP to the site's 80 is outbound|80||<host>), or no line with this run's marker",
    pass: lines.some((line) => line.split(/\s+/).includes(cluster)),
  };
}

/**
 * Retries: one call went out, the destination's access log holds exactly `expected` requests
 * carrying the call's marker (the first try plus each retry).
 */
export function judgeLoggedCount(deployment: string, logged: number, expected: number): Check {
  return {
    name: `requests logged by ${deployment}`,
    expected: String(expected),
    observed: String(logged),
    failsOn: `any other count (${expected - 1 > 0 ? `no retry: 1; ` : ""}more attempts: ${expected + 1})`,
    pass: logged === expected,
  };
}

const seenAs = {
  answered: { name: "answered by", expected: "the call in its access log" },
  mirrored: { name: "mirrored to", expected: "the shadow copy in its access log" },
  egress: { name: "left through", expected: "the call in its access log" },
};

/** Mirroring and egress: the call (or its shadow copy) shows up at least once in the Deployment's log. */
export function judgeSeen(deployment: string, logged: number, role: keyof typeof seenAs): Check {
  return {
    name: `${seenAs[role].name} ${deployment}`,
    expected: seenAs[role].expected,
    observed: logged > 0 ? `${logged} line${logged > 1 ? "s" : ""}` : "not logged",
    failsOn: "no line with this run's marker",
    pass: logged > 0,
  };
}

/** What one hash-key value reached: the pod of each answer, `null` when it did not answer. */
export interface KeyedAnswers {
  key: string;
  pods: (string | null)[];
}

/** Consistent hashing: every request with one key value reached one and the same pod. */
export function judgeSticky(answers: readonly KeyedAnswers[]): Check {
  const split = answers.filter((a) => new Set(a.pods).size !== 1 || a.pods.includes(null));
  const requests = answers.reduce((n, a) => n + a.pods.length, 0);
  const pods = new Set(answers.flatMap((a) => a.pods.filter((p): p is string => p !== null)));
  return {
    name: "one pod per key",
    expected: `each of ${answers.length} key value${answers.length === 1 ? "" : "s"} always reaches the same pod`,
    observed:
      split.length === 0
        ? `${requests} requests, every key on one pod (${pods.size} pod${pods.size === 1 ? "" : "s"} in all: ${[...pods].sort().join(", ")})`
        : split.map((a) => `${a.key}: ${tally(a.pods.map((p) => p ?? "no answer"))}`).join("; "),
    failsOn: "one key reaching a second pod, or an unanswered request",
    pass: answers.length > 0 && requests > 0 && split.length === 0,
  };
}

/** What the plaintext client outside the mesh saw: curl's exit code and the HTTP status (null: 000). */
export interface PlaintextOutcome {
  exitCode: number | null;
  status: number | null;
}

/**
 * STRICT mTLS resets a plaintext connection: curl exits 56 (recv failure) or 52 (empty reply) with
 * no status. Refused connections (7), DNS failures (6) and timeouts (28) say the service is not
 * there at all, which proves nothing about mTLS, so they fail either expectation.
 */
export function judgeMtls(outcome: PlaintextOutcome, expected: MtlsProbe["outsideMesh"]): Check {
  const reset = outcome.status === null && (outcome.exitCode === 56 || outcome.exitCode === 52);
  const answered = outcome.status !== null;
  const observed = answered
    ? `answered ${outcome.status}`
    : `no answer, curl exit ${outcome.exitCode ?? "unknown"}${reset ? " (connection reset)" : " (not an mTLS refusal)"}`;
  return {
    name: "plaintext from outside the mesh",
    expected: expected === "refused" ? "refused (connection reset, curl exit 56 or 52)" : "accepted (any HTTP answer)",
    failsOn: expected === "refused" ? "an HTTP answer (PERMISSIVE), or no service at all (refused, DNS, timeout)" : "no HTTP answer",
    observed,
    pass: expected === "refused" ? reset : answered,
  };
}
