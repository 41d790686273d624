// Your own services as a lab (istio-lab:apps.custom): declared in stack config, checked here field
// by field, and turned into the same AppSpec the catalog's samples are, so that the one workload
// renderer, the analyzer and the verify tool treat them as they treat Bookinfo.
import { z } from "zod";
import type { AppSpec } from "./app-spec";

const dns1123Label = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
});
const portRange = "must be a port number from 1 to 65535";
const port = z.int({ error: portRange }).min(1, { error: portRange }).max(65535, { error: portRange });

/** An image reference as the distribution spec reads one: [registry[:port]/]path[:tag][@digest]. */
export const imageReference = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
    error: "must be an image reference such as registry.example.com/team/back:1.4.2",
  });
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

/** How verify tells the versions apart in an answer: a response header holding the version, or a body pattern capturing it. */
const marker = z.union([
  z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]+$/, { error: "must be a header name such as x-version" }) }),
  z.strictObject({ body: z.string().min(1) }),
]);

export const customService = z
  .strictObject({
    /** The Service's name and the `app` label. */
    name: dns1123Label,
    port,
    /** Istio's protocol selection by port name (http, grpc, tcp). */
    protocol: z.enum(["http", "grpc", "tcp"]).default("http"),
    versions: z.array(version).min(1, { error: "needs at least one version" }),
    /** Paths the ingress gateway serves this service on (prefixes). */
    expose: z.strictObject({ paths: z.array(z.string().regex(/^\/\S*$/, { error: "must be a path such as /api" })).min(1) }).optional(),
    marker: marker.optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.versions.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: "custom", path: ["versions", i, "name"], message: `declares version ${v.name} twice` });
      seen.add(v.name);
    });
    if (s.expose && s.protocol === "tcp") ctx.addIssue({ code: "custom", path: ["expose"], message: "serves paths, which a tcp service has none of; use protocol http or grpc" });
  });

export const customServices = z.array(customService).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `declares service ${s.name} twice` });
    seen.add(s.name);
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
