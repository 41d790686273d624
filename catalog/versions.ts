// Every version and image istio-lab pins, in one place. Sources: ../shared/research (kubeadm.md,
// istio.md, pulumi.md) and the pinned upstream files (.ci/upstream-files.tsv). `istio-lab:apps.imageRegistry`
// rewrites every image through mirrored() in components/images.ts.

/** Kubernetes patch release installed by kubeadm when the stack does not choose one. */
export const defaultKubernetesVersion = "1.36.4";

/** Istio release installed when the stack does not choose one (Helm charts base, istiod, gateway). */
export const defaultIstioVersion = "1.31.1";

/**
 * Kubernetes minors each Istio minor supports (istio.io supportStatus). Istio 1.29 lists 1.31-1.35;
 * 1.30 and 1.31 list 1.32-1.36. A minor missing here is refused: nobody has checked it.
 */
export const istioKubernetesSupport: Readonly<Record<string, { min: number; max: number }>> = {
  "1.29": { min: 31, max: 35 },
  "1.30": { min: 32, max: 36 },
  "1.31": { min: 32, max: 36 },
};

/** From this minor on the kubelet refuses cgroup v1 hosts (failCgroupV1 defaults to true). */
export const firstKubernetesMinorWithoutCgroupV1 = 35;

/** kubeadm preflight refuses a control-plane node below these. */
export const controlPlaneMinimum = { cpus: 2, memoryMb: 2048 };

/**
 * The Gateway API release whose CRDs the mesh installs for a scenario in its Gateway API form
 * (gateway-api-v1.6.0 in .ci/upstream-files.tsv), from the release's standard-channel bundle, as Istio's
 * gateway-api task installs them.
 */
export const gatewayApiVersion = "v1.6.0";
export const gatewayApiCrdsUrl = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${gatewayApiVersion}/standard-install.yaml`;

export const flannelVersion = "v0.28.9";
export const flannelImage = `ghcr.io/flannel-io/flannel:${flannelVersion}`;
/** The CNI plugin image Flannel v0.28.9's manifest pins. */
export const flannelCniPluginImage = "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3";
/** The kind release whose default node image is pinned below; CI installs it (.ci/install-kind). */
export const kindVersion = "v0.32.0";

/**
 * The node images of sources kind and k3d, pinned so that a newer kind or k3d never brings a
 * Kubernetes that Istio does not support yet (kind v0.33's default is 1.37). kind's is the
 * default of kind v0.32.0 (pkg/apis/config/defaults/image.go), so kind 0.32 or later runs it;
 * k3s's is the default k3d's build took from the k3s stable channel (k3d version/version.go).
 */
export const localClusterNodeImages = {
  kind: "kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5",
  k3d: "docker.io/rancher/k3s:v1.35.5-k3s1",
} as const;
export const vsphereProviderVersion = "4.17.0";

/** Helm chart repositories; `istio-lab:mesh.chartRepository` replaces all of them with one mirror. */
export const chartRepositories = {
  istio: "https://istio-release.storage.googleapis.com/charts",
  kiali: "https://kiali.org/helm-charts",
  prometheus: "https://prometheus-community.github.io/helm-charts",
  grafana: "https://grafana.github.io/helm-charts",
};

/**
 * The addon versions Istio 1.31's samples/addons were generated from (manifests/addons/gen.sh):
 * each manifest's `helm.sh/chart` label and images (samples/addons/kiali.yaml: kiali-server-2.27.0,
 * quay.io/kiali/kiali:v2.27; test/upstream/addons.test.ts reads them).
 */
export const addonCharts = {
  kiali: { chart: "kiali-server", version: "2.27.0", image: "quay.io/kiali/kiali:v2.27" },
  prometheus: { chart: "prometheus", version: "28.13.0", image: "docker.io/prom/prometheus:v3.10.0" },
  grafana: { chart: "grafana", version: "9.2.2", image: "docker.io/grafana/grafana:12.0.1" },
};

/** The Prometheus chart's config reloader, pinned so that a mirror knows which tag to carry. */
export const prometheusConfigReloaderImage = "ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0";

/** Jaeger v2 as samples/addons/jaeger.yaml runs it: one binary, badger storage. */
export const jaegerImage = "docker.io/jaegertracing/jaeger:2.17.0";

/** Istio's default image hub since 1.30. */
export const istioHub = "registry.istio.io/release";

// The sample images as upstream's release-1.31 samples pin them (research/istio.md sections 2 and 5).

const bookinfoTag = "1.20.3";

/** `registry.istio.io/release/examples-bookinfo-reviews-v2:1.20.3`; the registry moved there in Istio 1.30. */
export const bookinfoImage = (service: string, version: string) =>
  `registry.istio.io/release/examples-bookinfo-${service}-${version}:${bookinfoTag}`;

export const httpbinImage = "docker.io/mccutchen/go-httpbin:v2.15.0";
export const curlImage = "docker.io/curlimages/curl:8.16.0";
/** samples/tcp-echo/tcp-echo-services.yaml: an echo server that prefixes each line with its name. */
export const tcpEchoImage = `${istioHub}/tcp-echo-server:1.3`;
/** Upstream tracks fortio's moving `latest_release` tag and pulls it Always; kept as upstream does. */
export const fortioImage = "docker.io/fortio/fortio:latest_release";
/** samples/helloworld/helloworld.yaml's v1 image; the locality task's gen-helloworld.sh runs it for every locality. */
export const helloworldImage = `${istioHub}/examples-helloworld-v1:1.0`;
/** The TLS server of the ingress-sni-passthrough task, which runs `nginx` untagged: its 1.29 line here. */
export const nginxImage = "docker.io/library/nginx:1.29";
