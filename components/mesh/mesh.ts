import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LabConfig } from "../config";
import { addonCharts, chartRepositories, gatewayApiCrdsUrl } from "../../catalog/versions";
import { access, type NodeReach, type Access } from "./access";
import { grafanaValues } from "./addons/grafana";
import { jaeger } from "./addons/jaeger";
import { kialiAfter, kialiValues } from "./addons/kiali";
import { prometheusValues } from "./addons/prometheus";
import type { AddonSettings } from "./addons/settings";
import { appNamespace } from "./app-namespace";
import { egressGateway, egressGatewayValues } from "./egress-gateway";
import { gatewayApiCrdsResource } from "./gateway-api-crds";
import { gatewayValues, ingressGateway } from "./ingress-gateway";
import { istioProfile, istiodValues } from "./istio";
import { ambientIstiodValues, istioCniValues, ztunnelValues } from "./ambient";
import { istioNamespace } from "./istio-namespace";
import { chartRelease, urlInput } from "./release";
import { meshTracing } from "./telemetry";
import { logicalName } from "../logical-name";

export interface MeshArgs {
  mesh: LabConfig["mesh"];
  apps: LabConfig["apps"];
  /** Where this machine reaches the cluster's node ports, as far as the cluster knows. */
  reach: NodeReach;
  /** Install the egress gateway: the stack's scenario sends traffic through it (ScenarioSpec.egressGateway). */
  egressGateway?: boolean;
  /** Install the Gateway API's CRDs: the stack's scenario is in its Gateway API form (ScenarioSpec.gatewayApi). */
  gatewayApi?: boolean;
  /** Where the cluster comes from: ambient's CNI agent needs the platform profile of some (ambient.ts cniPlatform). */
  clusterSource: LabConfig["cluster"]["source"];
  /** What a pod's start waits for beyond the API server (the cluster's `schedulable`: a kubeadm cluster's joins). */
  schedulable?: pulumi.Resource[];
}

/**
 * Istio from its Helm charts (base -> istiod -> gateway), the addons, and the injection-enabled
 * namespace for the samples, which waits for the whole chain so no pod starts without a sidecar.
 * In ambient mode (mesh.mode) istiod takes the ambient profile, istio-cni and ztunnel follow it,
 * and the namespace, labelled for ambient, waits for ztunnel (ambient.ts).
 */
export class Mesh extends pulumi.ComponentResource {
  readonly appNamespace: k8s.core.v1.Namespace;
  readonly istiod: k8s.helm.v3.Release;
  /** Ambient mode: the CNI node agent and the ztunnel DaemonSet, in that order after istiod. */
  readonly istioCni?: k8s.helm.v3.Release;
  readonly ztunnel?: k8s.helm.v3.Release;
  /** The ingress gateway's release: what traffic from outside waits for. */
  readonly gateway: k8s.helm.v3.Release;
  /** The egress gateway's release, where the scenario needs one. */
  readonly egressGateway?: k8s.helm.v3.Release;
  /** The Gateway API's CRDs, where the scenario is in its Gateway API form. */
  readonly gatewayApiCrds?: k8s.yaml.v2.ConfigFile;
  readonly access: Access;

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("istio-lab:mesh:Mesh", name, {}, opts);
    const { mesh, apps } = args;
    const parent = { parent: this };
    // The mirror of every chart, where the stack has one: a secret when istio-lab:mesh holds one.
    const repo = (upstream: string) => ({ repository: mesh.chartRepository ?? upstream, repositorySecret: mesh.secret === true && mesh.chartRepository !== undefined });
    const istio = { ...repo(chartRepositories.istio), version: mesh.istioVersion, namespace: istioNamespace };

    const systemNamespace = new k8s.core.v1.Namespace(logicalName("Namespace", istioNamespace), { metadata: { name: istioNamespace } }, parent);
    const base = chartRelease(
      { ...istio, release: "istio-base", chart: "base", values: { profile: istioProfile, defaultRevision: "default" } },
      { ...parent, dependsOn: [systemNamespace] },
    );
    this.istiod = chartRelease(
      { ...istio, release: "istiod", chart: "istiod", values: mesh.mode === "ambient" ? ambientIstiodValues(apps.imageRegistry) : istiodValues(apps.imageRegistry) },
      // istio-base needs only the API server; istiod's pod needs a node that takes it, and its
      // Helm timeout must not run before there is one (the cluster's schedulable).
      { ...parent, dependsOn: [base, ...(args.schedulable ?? [])] },
    );
    if (mesh.mode === "ambient") {
      // istio.io's order (docs/ambient/install/helm): istiod, the CNI node agent, then ztunnel, which
      // the agent hands each ambient pod's traffic to.
      this.istioCni = chartRelease({ ...istio, release: "istio-cni", chart: "cni", values: istioCniValues(apps.imageRegistry, args.clusterSource) }, { ...parent, dependsOn: [this.istiod] });
      this.ztunnel = chartRelease({ ...istio, release: "ztunnel", chart: "ztunnel", values: ztunnelValues(apps.imageRegistry) }, { ...parent, dependsOn: [this.istioCni] });
    }
    // `image: auto` is filled in by istiod's injector, so the gateway must come after istiod.
    this.gateway = chartRelease(
      {
        ...istio,
        release: ingressGateway.release,
        chart: "gateway",
        values: gatewayValues(mesh),
        skipAwait: mesh.ingress.serviceType === "LoadBalancer",
      },
      { ...parent, dependsOn: [this.istiod] },
    );
    if (args.egressGateway) {
      this.egressGateway = chartRelease(
        { ...istio, release: egressGateway.release, chart: "gateway", values: egressGatewayValues() },
        { ...parent, dependsOn: [this.istiod] },
      );
    }
    if (args.gatewayApi) {
      // The release's own bundle (or a mirror's copy, mesh.gatewayApiCrds), which the provider reads
      // on every preview and update ("Path or URL to a Kubernetes manifest file", @pulumi/kubernetes
      // yaml/v2/configFile.d.ts). A cluster that has these CRDs already
      // refuses the create (AlreadyExists): such a cluster is not one for this form.
      this.gatewayApiCrds = new k8s.yaml.v2.ConfigFile(gatewayApiCrdsResource, { file: urlInput(mesh.gatewayApiCrds ?? gatewayApiCrdsUrl, mesh.secret === true && mesh.gatewayApiCrds !== undefined) }, { ...parent, dependsOn: [systemNamespace] });
    }
    // Injection needs istiod's webhook, not the gateway: the samples start while the gateway rolls out.
    // An ambient pod is in the mesh once the CNI agent on its node has redirected it to a ztunnel
    // that is ready: the namespace waits for ztunnel's release (Helm waits for its DaemonSet).
    this.appNamespace = appNamespace(apps.namespace, { ...parent, dependsOn: [this.ztunnel ?? this.istiod] }, mesh.mode);

    const addons = new Set(mesh.addons);
    const settings: AddonSettings = { mesh, imageRegistry: apps.imageRegistry, addons, serviceType: mesh.dashboards.serviceType };
    // Their pods, like istiod's, need a node that takes them before their Helm or await clock runs.
    const afterNamespace = { ...parent, dependsOn: [systemNamespace, ...(args.schedulable ?? [])] };
    // Kiali watches Istio's custom resources and reads istiod: it waits for the control plane, and
    // in ambient for ztunnel too (kialiAfter in addons/kiali.ts).
    const addonReleases: Record<"kiali" | "prometheus" | "grafana", { values: typeof kialiValues; opts: pulumi.CustomResourceOptions }> = {
      kiali: { values: kialiValues, opts: { ...parent, dependsOn: kialiAfter(this.istiod, this.ztunnel) } },
      prometheus: { values: prometheusValues, opts: afterNamespace },
      grafana: { values: grafanaValues, opts: afterNamespace },
    };
    for (const addon of ["kiali", "prometheus", "grafana"] as const) {
      if (!addons.has(addon)) continue;
      const chart = addonCharts[addon];
      chartRelease(
        {
          release: addon,
          chart: chart.chart,
          version: chart.version,
          ...repo(chartRepositories[addon]),
          namespace: istioNamespace,
          values: addonReleases[addon].values(settings),
        },
        addonReleases[addon].opts,
      );
    }
    if (addons.has("jaeger")) {
      jaeger(settings, afterNamespace);
      meshTracing({ ...parent, dependsOn: [this.istiod] });
    }

    this.access = access(mesh, args.reach);
    this.registerOutputs({ appNamespace: this.appNamespace.metadata.name, access: this.access });
  }
}
