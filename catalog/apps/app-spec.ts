// The shape of a sample application as data: what the one renderer turns into Kubernetes objects.

/** A volume the container mounts: scratch space, a Secret such as curl's client certificates, or one of the app's ConfigMaps. */
export interface VolumeSpec {
  name: string;
  mountPath: string;
  source: { emptyDir: Record<string, never> } | { secret: { secretName: string; optional: boolean } } | { configMap: { name: string } };
}

export interface ContainerSpec {
  name: string;
  /** The upstream image; `istio-lab:apps.imageRegistry` rewrites it at render time. */
  image: string;
  imagePullPolicy: "IfNotPresent" | "Always";
  ports: { containerPort: number; name?: string }[];
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  /**
   * The env values and args are secrets (your services', when istio-lab:apps is a secret key): the
   * renderer puts the env values in a Kubernetes Secret the container reads by secretKeyRef, and
   * keeps both Pulumi secrets, so that neither the Deployment, the state nor a render shows them.
   */
  secret?: boolean;
  /** Requests of the container. */
  resources?: { cpu?: string; memory?: string };
  /** An HTTP path on the container port that answers 200 when ready (the readiness probe). */
  readinessPath?: string;
  volumes?: VolumeSpec[];
}

/** One Deployment. Its pods carry `app` plus `version` when given: the labels subsets and Kiali select on. */
export interface VersionSpec {
  deployment: string;
  /** Absent for clients (curl, fortio), which upstream leaves unversioned and nothing routes to. */
  version?: string;
  container: ContainerSpec;
  podAnnotations?: Record<string, string>;
  /** Labels of the pods beside app and version: `istio-locality`, where a pod's locality is its own. */
  podLabels?: Record<string, string>;
  terminationGracePeriodSeconds?: number;
  /**
   * The Services (by app name) this version calls while it answers a request: the app's call graph,
   * which the traffic diagrams draw (docs/scenarios.md). Empty: it calls none. Absent: not known
   * (your own services, istio-lab:apps.custom, say nothing of whom they call).
   */
  calls?: readonly string[];
}

/** One application: its Service, ServiceAccount and every version of it that exists. */
export interface AppSpec {
  /** The `app` label, and the name of the Service. */
  app: string;
  service?: { port: number; portName: string; targetPort?: number; labels: Record<string, string>; morePorts?: { port: number; portName: string }[] };
  /** Absent when upstream runs the pods as the namespace's `default` account (fortio). */
  serviceAccount?: { name: string; labels?: Record<string, string> };
  versions: VersionSpec[];
  /**
   * The Deployment's name when a scenario deploys one version only: upstream's sample names its
   * single Deployment so (`httpbin`), and the tasks' `kubectl ... deploy/<name>` commands use it.
   */
  soleDeployment?: string;
  /** Files the app's pods mount (nginx.conf): each a ConfigMap, created before the Deployments. */
  configMaps?: { name: string; data: Record<string, string> }[];
  /**
   * A client the scenarios send requests from inside the mesh (`kubectl exec deploy/curl -- curl
   * ...`), never a destination: whom it calls is the scenario's (its probes' `from` and URL).
   */
  client?: boolean;
}

/** The port numbers of an app's Service, the first its main one; none without a Service. */
export const servicePortNumbers = (app: AppSpec): number[] => (app.service ? [app.service.port, ...(app.service.morePorts ?? []).map((p) => p.port)] : []);
