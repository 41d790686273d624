// Your own services as a lab (istio-lab:apps.custom): declared in stack config, checked here field
// by field, and turned into the same AppSpec the catalog's samples are, so that the one workload
// renderer, the analyzer and the verify tool treat them as they treat Bookinfo.
import { z } from "zod";
import type { AppSpec } from "./app-spec";
import { apps as catalogApps } from "./index";
import { dns1123Label, imageReference, port, sidecarPorts } from "./values";

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/, { error: "must be a Kubernetes quantity such as 100m or 128Mi" });

const version = z.strictObject({
  /** The `version` label, which subsets select on. */
  name: dns1123Label,
  image: imageReference,
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), z.string()).optional(),
  args: z.array(z.string()).optional(),
  /** Requests of the container (its sidecar adds the mesh's). */
  resources: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  /** An HTTP path answering 200 once the version is ready. */
  readinessPath: z.string().regex(/^\/\S*$/, { error: "must be a path such as /healthz" }).optional(),
});

/**
 * Whether a body pattern is one verify can read a version with: it compiles as a JavaScript
 * RegExp (tools/verify/probes/versions.ts runs `new RegExp(marker.body).exec(body)?.[1]`) and has
 * a capturing group, whose text is the version.
 */
function bodyPatternProblem(pattern: string): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern);
  } catch (error) {
    return `is not a regular expression verify can compile (${(error as Error).message.replace(/^Invalid regular expression: /, "")}); write one such as "version: (v\\d+)"`;
  }
  // An alternative that matches the empty text shows how many groups the pattern has.
  const groups = (new RegExp(`${compiled.source}|`).exec("")?.length ?? 1) - 1;
  return groups === 0 ? 'has no capturing group, and verify reads the version from the first one; write one such as "version: (v\\d+)"' : undefined;
}

/** How verify tells the versions apart in an answer: a response header holding the version, or a body pattern capturing it. */
const marker = z.union([
  z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]+$/, { error: "must be a header name such as x-version" }) }),
  z.strictObject({
    body: z
      .string()
      .min(1)
      .superRefine((pattern, ctx) => {
        const problem = bodyPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  }),
]);

/**
 * An exposed path: a prefix the gateway matches as written (Istio's StringMatch prefix, no
 * wildcards), so `/api/*` would only match a path that holds a `*`.
 */
const exposedPath = z
  .string()
  .regex(/^\/\S*$/, { error: "must be a path such as /api" })
  .refine((p) => !/[*?[\]{}]/.test(p), { error: "is matched as a prefix, as written: a wildcard (*, ?, [...]) would only match itself; write the prefix, such as /api for /api/*" });

/** Where a sidecar port is used by a service, and why it cannot be. */
const sidecarPortProblem = (p: number) => `${p} is the port of Istio's sidecar in every pod (${sidecarPorts[p]}); your service cannot listen on it: choose another`;

/** The catalog's clients, which a lab deploys beside your services (curl always: verify's and yours). */
export const reservedServiceNames = Object.values(catalogApps as Record<string, AppSpec>)
  .filter((app) => app.client)
  .map((app) => app.app);

export const customService = z
  .strictObject({
    /** The Service's name and the `app` label. */
    name: dns1123Label.refine((name) => !reservedServiceNames.includes(name), {
      error: `is the name of a client the lab deploys itself (${reservedServiceNames.join(", ")}): its Service, ServiceAccount and Deployment would be registered twice; give your service another name`,
    }),
    port,
    /** Istio's protocol selection by port name (http, grpc, tcp). */
    protocol: z.enum(["http", "grpc", "tcp"]).default("http"),
    versions: z.array(version).min(1, { error: "needs at least one version" }),
    /** Paths the ingress gateway serves this service on (prefixes). */
    expose: z.strictObject({ paths: z.array(exposedPath).min(1) }).optional(),
    marker: marker.optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.versions.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: "custom", path: ["versions", i, "name"], message: `declares version ${v.name} twice` });
      seen.add(v.name);
    });
    if (s.expose && s.protocol === "tcp") ctx.addIssue({ code: "custom", path: ["expose"], message: "serves paths, which a tcp service has none of; use protocol http or grpc" });
    if (sidecarPorts[s.port]) ctx.addIssue({ code: "custom", path: ["port"], message: sidecarPortProblem(s.port) });
  });

export const customServices = z.array(customService).superRefine((list, ctx) => {
  const seen = new Set<string>();
  const deployments = new Map<string, string>();
  const exposedBy = new Map<string, string>();
  list.forEach((s, i) => {
    if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `declares service ${s.name} twice` });
    seen.add(s.name);
    // Deployments are named <service>-<version>: service a's version b-c and service a-b's version c are one name.
    s.versions.forEach((v, j) => {
      const name = customDeployment(s.name, v.name);
      const other = deployments.get(name);
      if (other !== undefined && other !== s.name) {
        ctx.addIssue({ code: "custom", path: [i, "versions", j, "name"], message: `makes the Deployment ${name}, which service ${other} makes too (Deployments are named <service>-<version>); rename this version or the service` });
      }
      deployments.set(name, s.name);
    });
    // The gateway serves one service per path: the first rule to match wins, the other is never reached.
    s.expose?.paths.forEach((p, j) => {
      const other = exposedBy.get(p);
      if (other !== undefined) {
        const message =
          other === s.name ? `${p} is listed twice` : `${p} is also exposed by service ${other}, and the gateway sends a path to one service only; give each service its own path`;
        ctx.addIssue({ code: "custom", path: [i, "expose", "paths", j], message });
      }
      if (other === undefined) exposedBy.set(p, s.name);
    });
  });
});

export type CustomService = z.infer<typeof customService>;

/** Deployment names: `<service>-<version>`, as the catalog's versioned samples are named. */
export const customDeployment = (service: string, version: string) => `${service}-${version}`;

/** A declared service as the renderer's AppSpec: ServiceAccount, Service and one Deployment per version. */
export function customApp(service: CustomService): AppSpec {
  return {
    app: service.name,
    service: { port: service.port, portName: service.protocol, labels: { app: service.name, service: service.name } },
    serviceAccount: { name: service.name },
    versions: service.versions.map((v) => ({
      deployment: customDeployment(service.name, v.name),
      version: v.name,
      container: {
        name: service.name,
        image: v.image,
        imagePullPolicy: "IfNotPresent",
        ports: [{ containerPort: service.port }],
        ...(v.env && { env: v.env }),
        ...(v.args && { args: v.args }),
        ...(v.resources && { resources: v.resources }),
        ...(v.readinessPath && { readinessPath: v.readinessPath }),
      },
    })),
  };
}
