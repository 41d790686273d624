// Bookinfo as samples/bookinfo/platform/kube/bookinfo.yaml describes it (research/istio.md section 2).
import { bookinfoImage } from "../versions";
import type { AppSpec, ContainerSpec, VersionSpec } from "./app-spec";

const port = 9080;
const tmp = { name: "tmp", mountPath: "/tmp", source: { emptyDir: {} } } as const;

/**
 * Whom each version calls while it answers, as Bookinfo's architecture draws it (samples/bookinfo,
 * istio.io's "Bookinfo Application"): productpage calls details and reviews; reviews v1 shows no
 * stars and calls nothing, v2 (black stars) and v3 (red) call ratings.
 */
export const bookinfoCalls: Record<string, Record<string, readonly string[]>> = {
  productpage: { v1: ["details", "reviews"] },
  details: { v1: [] },
  reviews: { v1: [], v2: ["ratings"], v3: ["ratings"] },
  ratings: { v1: [] },
};

/** Every Bookinfo Deployment is one container on 9080 named after its service; only the extras differ. */
function version(service: string, version: string, extras: Partial<ContainerSpec> & Pick<VersionSpec, "podAnnotations"> = {}): VersionSpec {
  const { podAnnotations, ...container } = extras;
  return {
    deployment: `${service}-${version}`,
    version,
    calls: bookinfoCalls[service][version],
    container: {
      name: service,
      image: bookinfoImage(service, version),
      imagePullPolicy: "IfNotPresent",
      ports: [{ containerPort: port }],
      ...container,
    },
    ...(podAnnotations ? { podAnnotations } : {}),
  };
}

function app(service: string, versions: VersionSpec[]): AppSpec {
  return {
    app: service,
    service: { port, portName: "http", labels: { app: service, service } },
    serviceAccount: { name: `bookinfo-${service}`, labels: { account: service } },
    versions,
  };
}

/** reviews is a Liberty server: it writes logs and its output directory, so both are scratch space. */
const reviewsContainer: Partial<ContainerSpec> = {
  env: { LOG_DIR: "/tmp/logs" },
  volumes: [tmp, { name: "wlp-output", mountPath: "/opt/ibm/wlp/output", source: { emptyDir: {} } }],
};

export const details = app("details", [version("details", "v1")]);
export const ratings = app("ratings", [version("ratings", "v1")]);
export const reviews = app("reviews", ["v1", "v2", "v3"].map((v) => version("reviews", v, reviewsContainer)));
export const productpage = app("productpage", [
  version("productpage", "v1", {
    volumes: [tmp],
    // Prometheus' kubernetes-pods job scrapes the app's own metrics through these.
    podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": "/metrics" },
  }),
]);
