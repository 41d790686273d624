// The one renderer: an AppSpec in, the Kubernetes objects that run it out. Pure, so tests and
// a future policy pack can call it without an engine.
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mirrored } from "../images";
import type { AppSpec, VersionSpec } from "../../catalog/apps/app-spec";
import type { VersionService } from "../../catalog/gateway-api-resources";
import type { MeshMode } from "../../catalog/scenarios/modes";
import { apps } from "../../catalog/apps";

export interface RenderContext {
  namespace: pulumi.Input<string>;
  imageRegistry?: string;
  /** The uid of each Deployment's env Secret, once the Secret exists (envSecretAnnotation). */
  envSecretUid?: (deployment: string) => pulumi.Input<string> | undefined;
  /** The data plane the pods are made for (istio-lab:mesh.mode, a lab's its platform's): dataPlaneAnnotation. */
  meshMode?: MeshMode;
}

export interface AppObjects {
  configMaps: { name: string; args: k8s.core.v1.ConfigMapArgs }[];
  serviceAccount?: { name: string; args: k8s.core.v1.ServiceAccountArgs };
  service?: { name: string; args: k8s.core.v1.ServiceArgs };
  deployments: { name: string; args: k8s.apps.v1.DeploymentArgs }[];
}

/** The Secret that holds a Deployment's secret env values. */
export const envSecretName = (deployment: string) => `${deployment}-env`;

/**
 * The Secret of a version whose env values are secrets (ContainerSpec.secret), made before its
 * Deployment: the env values as the Secret's stringData, each a Pulumi secret: the engine keeps them
 * encrypted in the state (pulumi/pulumi sdk/nodejs/output.ts secret()), and pulumi-kubernetes
 * marks the `data` the API server fills in from a secret stringData secret too, in the live
 * object it records (pulumi-kubernetes provider/pkg/provider/provider.go checkpointObject).
 */
export function envSecret(version: VersionSpec, namespace: pulumi.Input<string>): { name: string; deployment: string; args: k8s.core.v1.SecretArgs }[] {
  const { env, secret } = version.container;
  if (!secret || !env || Object.keys(env).length === 0) return [];
  const name = envSecretName(version.deployment);
  return [{ name, deployment: version.deployment, args: { metadata: { name, namespace }, type: "Opaque", stringData: pulumi.secret(env) } }];
}

/**
 * The pod-template annotation that carries the uid of a Deployment's env Secret. pulumi-kubernetes
 * replaces a Secret whose data changed (provider/pkg/provider/diff.go forceNewProperties: .data and
 * .stringData force a new one unless enableSecretMutable), but the Secret keeps its name, so the
 * Deployment alone would not change and its pods would keep the old values: the new Secret's uid
 * in the template rolls them, and says nothing about the values.
 */
export const envSecretAnnotation = "istio-lab.dev/env-secret-uid";

/**
 * The pod-template annotation naming the data plane a Deployment's pods were made for, set in
 * ambient mode only (a sidecar stack renders as it did before the mode existed). A pod keeps the
 * data plane it was admitted with: the injector adds a sidecar at its creation only, and istio-cni
 * captures an ambient pod as it starts. So a mode switch that changed only the namespace's labels
 * would leave every pod as it was until `kubectl rollout restart`, the step istio.io's migration
 * guide gives after relabelling the namespace (docs/ambient/migrate/enable-ambient-mode: label the
 * namespace ambient, remove injection, then restart the pods). With the mode in the template, the
 * switch changes every Deployment's template, the Deployment controller rolls out a new ReplicaSet,
 * and pulumi-kubernetes waits for it (provider/pkg/await/deployment.go: a new
 * `deployment.kubernetes.io/revision`, Progressing NewReplicaSetAvailable, Available). The
 * Deployments depend on the namespace, so the relabelling comes first, as the guide orders it.
 */
export const dataPlaneAnnotation = "istio-lab.dev/data-plane";

/** The template's data-plane annotation in a mode: ambient's, or none (sidecar, the default). */
function dataPlaneAnnotations(mode: MeshMode | undefined): Record<string, string> {
  return mode === "ambient" ? { [dataPlaneAnnotation]: "ambient" } : {};
}

/** What a Deployment selects its pods by: app and version, which never change for a Deployment (a selector cannot). */
function selectorLabels(app: AppSpec, version: VersionSpec): Record<string, string> {
  return version.version ? { app: app.app, version: version.version } : { app: app.app };
}

/** The labels of a version's pods: its selector's, and what the scenario adds (a locality). */
export function podLabels(app: AppSpec, version: VersionSpec): Record<string, string> {
  return { ...selectorLabels(app, version), ...version.podLabels };
}

export function renderApp(app: AppSpec, { namespace, imageRegistry, envSecretUid, meshMode }: RenderContext): AppObjects {
  const { service, serviceAccount } = app;
  return {
    configMaps: (app.configMaps ?? []).map(({ name, data }) => ({ name, args: { metadata: { name, namespace }, data } })),
    ...(serviceAccount && {
      serviceAccount: {
        name: serviceAccount.name,
        args: { metadata: { name: serviceAccount.name, namespace, ...(serviceAccount.labels && { labels: serviceAccount.labels }) } },
      },
    }),
    ...(service && {
      service: {
        name: app.app,
        args: {
          metadata: { name: app.app, namespace, labels: service.labels, annotations: noEndpointsAwait },
          spec: { selector: { app: app.app }, ports: servicePorts(service) },
        },
      },
    }),
    deployments: app.versions.map((version) => ({ name: version.deployment, args: deployment(app, version, namespace, imageRegistry, envSecretUid?.(version.deployment), meshMode) })),
  };
}

/**
 * On every Service of the samples: pulumi-kubernetes would otherwise hold a Service until its
 * endpoints have ready pods (provider/pkg/await/service.go), and with it every route to it; the
 * Deployments' own rollout await already reports a pod that never gets ready.
 */
const noEndpointsAwait = { "pulumi.com/skipAwait": "true" } as const;

function servicePorts(service: NonNullable<AppSpec["service"]>): k8s.types.input.core.v1.ServicePort[] {
  return [
    { name: service.portName, port: service.port, ...(service.targetPort && { targetPort: service.targetPort }) },
    ...(service.morePorts ?? []).map((p) => ({ name: p.portName, port: p.port })),
  ];
}

/**
 * A per-version Service (samples/bookinfo/platform/kube/bookinfo-versions.yaml), what a Gateway API
 * route names where an Istio route names a subset: the app's own ports, for the pods of one version.
 */
export function renderVersionService(app: AppSpec, versionService: VersionService, namespace: pulumi.Input<string>): { name: string; args: k8s.core.v1.ServiceArgs } {
  if (!app.service) throw new Error(`${app.app} has no Service to publish per version`);
  return {
    name: versionService.name,
    args: {
      metadata: { name: versionService.name, namespace, annotations: noEndpointsAwait },
      spec: { selector: versionService.selector, ports: servicePorts(app.service) },
    },
  };
}

function deployment(
  app: AppSpec,
  version: VersionSpec,
  namespace: pulumi.Input<string>,
  imageRegistry: string | undefined,
  secretUid: pulumi.Input<string> | undefined,
  meshMode: MeshMode | undefined,
): k8s.apps.v1.DeploymentArgs {
  const labels = selectorLabels(app, version);
  const { container } = version;
  const volumes = container.volumes ?? [];
  const annotations = { ...version.podAnnotations, ...(secretUid !== undefined && { [envSecretAnnotation]: secretUid }), ...dataPlaneAnnotations(meshMode) };
  return {
    metadata: { name: version.deployment, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: podLabels(app, version), ...(Object.keys(annotations).length > 0 && { annotations }) },
        spec: {
          ...(app.serviceAccount && { serviceAccountName: app.serviceAccount.name }),
          ...(version.terminationGracePeriodSeconds !== undefined && { terminationGracePeriodSeconds: version.terminationGracePeriodSeconds }),
          containers: [
            {
              name: container.name,
              image: mirrored(container.image, imageRegistry),
              imagePullPolicy: container.imagePullPolicy,
              ...(container.command && { command: container.command }),
              ...(container.args && { args: container.secret ? pulumi.secret(container.args) : container.args }),
              ...(container.env && { env: envVars(container, version.deployment) }),
              ...(container.ports.length > 0 && { ports: container.ports }),
              ...(container.resources && { resources: { requests: container.resources } }),
              ...(container.readinessPath && container.ports[0] && { readinessProbe: { httpGet: { path: container.readinessPath, port: container.ports[0].containerPort } } }),
              ...(volumes.length > 0 && { volumeMounts: volumes.map(({ name, mountPath }) => ({ name, mountPath })) }),
            },
          ],
          ...(volumes.length > 0 && { volumes: volumes.map(({ name, source }) => ({ name, ...source })) }),
        },
      },
    },
  };
}

/** A container's env: values as written, or each read from the version's Secret by secretKeyRef. */
function envVars(container: VersionSpec["container"], deployment: string): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(container.env ?? {}).map(([name, value]) =>
    container.secret ? { name, valueFrom: { secretKeyRef: { name: envSecretName(deployment), key: name } } } : { name, value },
  );
}

/**
 * Every sample image of the catalog, mirrored: whatever the scenario, so that a scenario switch
 * leaves the nodes' pull step alone.
 */
export function sampleImages(imageRegistry: string | undefined): string[] {
  const images = Object.values(apps).flatMap((app: AppSpec) => app.versions.map((v) => mirrored(v.container.image, imageRegistry)));
  return [...new Set(images)];
}
