// A ProbeContext for tests: the real HTTP transport, a fake cluster, short limits.
import { Deadline } from "../../tools/verify/deadline";
import { nodeHttp } from "../../tools/verify/http";
import type { ProbeContext } from "../../tools/verify/probes/context";
import { silentProgress } from "../../tools/verify/progress";
import { ClusterError, type ClusterTransport } from "../../tools/verify/types";

export const noCluster: ClusterTransport = {
  ping: () => Promise.reject(new ClusterError("no cluster in this test")),
  exec: () => Promise.reject(new ClusterError("no cluster in this test")),
  execEach: () => Promise.reject(new ClusterError("no cluster in this test")),
  logs: () => Promise.reject(new ClusterError("no cluster in this test")),
  runPlainPod: () => Promise.reject(new ClusterError("no cluster in this test")),
  podIp: () => Promise.reject(new ClusterError("no cluster in this test")),
  istioConfig: () => Promise.reject(new ClusterError("no cluster in this test")),
  meshPods: () => Promise.reject(new ClusterError("no cluster in this test")),
  labelsOf: () => Promise.reject(new ClusterError("no cluster in this test")),
  close() {},
};

export function testContext(overrides: Partial<ProbeContext> & { cluster?: ProbeContext["cluster"] } = {}): ProbeContext {
  let n = 0;
  return {
    http: nodeHttp(),
    cluster: async () => noCluster,
    gatewayUrl: "http://127.0.0.1:9",
    appNamespace: "bookinfo",
    timeoutMs: 3000,
    deadline: new Deadline(30),
    progress: silentProgress,
    logWaitMs: 40,
    marker: () => `m${++n}x`,
    ...overrides,
  };
}
