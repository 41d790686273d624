import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { logicalName } from "../logical-name";
import { apiVersions, namespaceToken, ofKind, routeRules, serviceName, type IstioResource } from "../../catalog/istio-resources";
import { backendsOf, gatewayApiVersions, gatewayNamespaceToken, type GatewayApiResource } from "../../catalog/gateway-api-resources";
import type { ScenarioSpec } from "../../catalog/scenarios/scenario-spec";
import { tlsCredentials } from "./tls-credentials";
import { waypointObjects, type WaypointArgs } from "./waypoint";

export interface ScenarioArgs {
  /** The app namespace; the caller orders this component after the Namespace object (dependsOn). */
  namespace: string;
  /** The scenario's Istio resources, as the catalog resolved them. */
  resources: readonly IstioResource[];
  /** The workloads' Services by name: an object waits only for the Services it names. */
  services: ReadonlyMap<string, pulumi.Resource>;
  /** The ingress gateway's namespace: the objects placed `inGatewayNamespace` and the TLS credentials go there. */
  gatewayNamespace: string;
  /** Certificates the scenario's Gateways serve, made here, their Secrets in the gateway's namespace. */
  tlsCredentials?: NonNullable<ScenarioSpec["tlsCredentials"]>;
  /** The Gateway API form's objects, the per-version Services they route to, and the CRDs they wait for. */
  gatewayApi?: { resources: readonly GatewayApiResource[]; versionServices: readonly { name: string; args: k8s.core.v1.ServiceArgs }[]; crds?: pulumi.Resource };
  /** Ambient mode: the waypoint the scenario's L7 objects need and the Services bound to it (components/scenarios/waypoint.ts). */
  waypoint?: WaypointArgs;
}

/** A spec with the app namespace written where the catalog left its token (principals). */
function inNamespace(spec: IstioResource["spec"], namespace: string): IstioResource["spec"] {
  const text = JSON.stringify(spec);
  return text.includes(namespaceToken) ? (JSON.parse(text.split(namespaceToken).join(namespace)) as IstioResource["spec"]) : spec;
}

/** The Istio resources of one catalog scenario, in the app namespace. */
export class Scenario extends pulumi.ComponentResource {
  /**
   * Ambient mode: the waypoint's Gateway and the ServicePatches that bind the Services to it, which
   * what moves to the waypoint waits for (its policies here, the pods' rollout in the workloads:
   * components/scenario-on-namespace.ts). Empty without a waypoint.
   */
  readonly waypoint: readonly pulumi.Resource[];

  constructor(name: string, args: ScenarioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:scenarios:Scenario", name, {}, opts);
    const ns = args.namespace;
    const { resources } = args;
    const created = new Map<IstioResource, k8s.apiextensions.CustomResource>();
    // Ambient: the waypoint first, awaited, and the Services bound to it (istio.io's "Enable ambient
    // mode", "Ordering requirements": activate the waypoints, then move the workloads); a policy
    // that moved to it (targetRefs, catalog/scenarios/waypoint.ts inAmbient) is updated in place
    // only then, so no moment has neither the old sidecars nor the waypoint applying it.
    this.waypoint = args.waypoint ? waypointObjects(args.waypoint, ns, args.services, this) : [];
    const create = (resource: IstioResource, after: pulumi.Resource[] = []) => {
      const moved = !resource.inGatewayNamespace && "targetRefs" in resource.spec && (resource.spec.targetRefs ?? []).length > 0;
      const dependsOn = moved ? [...after, ...this.waypoint] : after;
      const namespace = resource.inGatewayNamespace ? args.gatewayNamespace : ns;
      created.set(
        resource,
        new k8s.apiextensions.CustomResource(
          logicalName(resource.kind, namespace, resource.name),
          { apiVersion: apiVersions[resource.kind], kind: resource.kind, metadata: { name: resource.name, namespace }, spec: inNamespace(resource.spec, ns) },
          { parent: this, ...(dependsOn.length > 0 && { dependsOn }) },
        ),
      );
    };

    // Istio takes its objects before the pods run: an object waits for the Services of the hosts it
    // names (so Kiali's validation finds them), never for a Deployment's rollout.
    const servicesOf = (hosts: Iterable<string>) => [...hosts].flatMap((host) => args.services.get(host) ?? []);
    // A Gateway that serves TLS waits for the Secret it names (credentialName).
    const credentials = args.tlsCredentials ? tlsCredentials({ credentials: args.tlsCredentials, gatewayNamespace: args.gatewayNamespace, appNamespace: ns }, { parent: this }) : [];
    for (const resource of resources) {
      if (resource.kind === "DestinationRule") create(resource, servicesOf([serviceName(resource.spec.host)]));
      else if (resource.kind === "Gateway" && resource.spec.servers.some((s) => s.tls?.credentialName)) create(resource, credentials);
      else if (resource.kind !== "VirtualService") create(resource);
    }
    // A route to a subset that is not pushed yet answers 503: each VirtualService also waits for the
    // DestinationRules of the hosts it routes to and for the Gateways it binds to.
    for (const vs of ofKind(resources, "VirtualService")) {
      const hosts = new Set(routeRules(vs.spec).flatMap(({ route, http }) => [...route.map((r) => r.destination.host), ...(http?.mirror ? [http.mirror.host] : [])]).map(serviceName));
      const gateways = new Set(vs.spec.gateways ?? []);
      const needed = resources.filter(
        (r) => (r.kind === "DestinationRule" && hosts.has(serviceName(r.spec.host))) || (r.kind === "Gateway" && gateways.has(r.name)),
      );
      create(vs, [...needed.map((r) => created.get(r)!), ...servicesOf(hosts)]);
    }
    if (args.gatewayApi) this.gatewayApiObjects(args.gatewayApi, { app: ns, gateway: args.gatewayNamespace }, args.services, credentials);
    this.registerOutputs({});
  }

  /**
   * The per-version Services, then each Gateway API object after the CRDs, a route after the
   * Gateways and Services it names (its parents and backends).
   */
  private gatewayApiObjects(
    form: NonNullable<ScenarioArgs["gatewayApi"]>,
    namespaces: { app: string; gateway: string },
    appServices: ReadonlyMap<string, pulumi.Resource>,
    credentials: pulumi.Resource[],
  ): void {
    const ns = namespaces.app;
    const services = new Map(appServices);
    for (const { name, args } of form.versionServices) services.set(name, new k8s.core.v1.Service(logicalName("Service", ns, name), args, { parent: this }));
    const gateways = new Map<string, pulumi.Resource>();
    // A Gateway the task puts in the gateway's namespace goes there; a spec names the app namespace
    // (a listener's allowedRoutes selector) or the gateway's (a route's parent there) by token.
    const create = (resource: GatewayApiResource, dependsOn: pulumi.Resource[]) => {
      const namespace = resource.kind === "Gateway" && resource.inGatewayNamespace ? namespaces.gateway : ns;
      const spec = JSON.parse(JSON.stringify(resource.spec).split(namespaceToken).join(ns).split(gatewayNamespaceToken).join(namespaces.gateway)) as GatewayApiResource["spec"];
      const annotations = resource.kind === "Gateway" ? resource.annotations : undefined;
      return new k8s.apiextensions.CustomResource(
        logicalName(resource.kind, namespace, resource.name),
        { apiVersion: gatewayApiVersions[resource.kind], kind: resource.kind, metadata: { name: resource.name, namespace, ...(annotations && { annotations }) }, spec },
        { parent: this, dependsOn: [...(form.crds ? [form.crds] : []), ...dependsOn] },
      );
    };
    // A Gateway that terminates TLS waits for the Secrets its listeners name (certificateRefs).
    for (const resource of form.resources) {
      if (resource.kind === "Gateway") gateways.set(resource.name, create(resource, resource.spec.listeners.some((l) => l.tls) ? credentials : []));
    }
    for (const resource of form.resources) {
      if (resource.kind === "Gateway") continue;
      const backends = backendsOf(resource).map((b) => b.ref.name);
      const parents = resource.spec.parentRefs.map((p) => ("kind" in p ? (p.kind === "Service" ? services.get(p.name) : undefined) : gateways.get(p.name)));
      create(resource, [...new Set([...parents, ...backends.map((b) => services.get(b))].filter((r): r is pulumi.Resource => r !== undefined))]);
    }
  }
}
