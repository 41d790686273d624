// httpbin, curl and fortio as samples/httpbin and samples/curl describe them (research/istio.md section 5).
import { curlImage, fortioImage, httpbinImage, tcpEchoImage } from "../versions";
import type { AppSpec, VersionSpec } from "./app-spec";

/**
 * go-httpbin listens on 8080 behind Service port 8000. Upstream's samples/httpbin/httpbin.yaml
 * ships one Deployment `httpbin` (version v1), which is what a scenario with one version gets;
 * the mirroring task runs `httpbin-v1` and `httpbin-v2` (its own YAML), as the lab does when both
 * are deployed. Both run the same image, so only the `version` label, which the subsets select
 * on, tells them apart.
 */
const httpbinVersion = (version: string): VersionSpec => ({
  deployment: `httpbin-${version}`,
  version,
  // It answers from itself: /status, /delay, /headers call nothing further.
  calls: [],
  container: { name: "httpbin", image: httpbinImage, imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 8080 }] },
});

export const httpbin: AppSpec = {
  app: "httpbin",
  service: { port: 8000, targetPort: 8080, portName: "http", labels: { app: "httpbin", service: "httpbin" } },
  serviceAccount: { name: "httpbin" },
  versions: [httpbinVersion("v1"), httpbinVersion("v2")],
  soleDeployment: "httpbin",
};

/**
 * samples/curl/curl.yaml mounts the optional Secret `curl-secret` at /etc/curl/tls: where the secure
 * ingress scenarios put the CA they made (and a client certificate for mutual TLS).
 */
export const curlTls = { secret: "curl-secret", dir: "/etc/curl/tls", ca: "ca.crt", clientCert: "client.crt", clientKey: "client.key" } as const;

/** A shell to send requests from inside the mesh: `kubectl exec deploy/curl -- curl ...`. */
export const curl: AppSpec = {
  app: "curl",
  service: { port: 80, portName: "http", labels: { app: "curl", service: "curl" } },
  serviceAccount: { name: "curl" },
  client: true,
  versions: [
    {
      deployment: "curl",
      terminationGracePeriodSeconds: 0,
      container: {
        name: "curl",
        image: curlImage,
        imagePullPolicy: "IfNotPresent",
        command: ["/bin/sleep", "infinity"],
        ports: [],
        volumes: [{ name: "secret-volume", mountPath: curlTls.dir, source: { secret: { secretName: curlTls.secret, optional: true } } }],
      },
    },
  ],
};

/** The load generator of the circuit-breaking task; its sidecar exposes the outbound overflow counters. */
export const fortio: AppSpec = {
  app: "fortio",
  service: { port: 8080, portName: "http", labels: { app: "fortio", service: "fortio" } },
  client: true,
  versions: [
    {
      deployment: "fortio-deploy",
      podAnnotations: {
        "proxy.istio.io/config":
          'proxyStatsMatcher:\n  inclusionPrefixes:\n  - "cluster.outbound"\n  - "cluster_manager"\n  - "listener_manager"\n  - "server"\n  - "cluster.xds-grpc"',
      },
      container: {
        name: "fortio",
        image: fortioImage,
        imagePullPolicy: "Always",
        ports: [
          { containerPort: 8080, name: "http-fortio" },
          { containerPort: 8079, name: "grpc-ping" },
        ],
      },
    },
  ],
};

/**
 * samples/tcp-echo/tcp-echo-services.yaml: v1 answers each line with "one <line>", v2 with
 * "two <line>", on ports 9000 and 9001 (9002 listens but has no Service port, on purpose upstream).
 */
export const tcpEcho: AppSpec = {
  app: "tcp-echo",
  service: { port: 9000, portName: "tcp", labels: { app: "tcp-echo", service: "tcp-echo" }, morePorts: [{ port: 9001, portName: "tcp-other" }] },
  versions: (["v1", "v2"] as const).map((version) => ({
    deployment: `tcp-echo-${version}`,
    version,
    calls: [],
    container: {
      name: "tcp-echo",
      image: tcpEchoImage,
      imagePullPolicy: "IfNotPresent" as const,
      args: ["9000,9001,9002", version === "v1" ? "one" : "two"],
      ports: [{ containerPort: 9000 }, { containerPort: 9001 }],
    },
  })),
};
