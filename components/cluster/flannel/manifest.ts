// The kube-flannel.yml of Flannel's release, as data: the pod CIDR and --iface are filled in here.
import { stringify } from "yaml";
import { flannelCniPluginImage, flannelImage } from "../../../catalog/versions";
import { mirrored } from "../../images";

export interface FlannelManifestArgs {
  /** Must equal kubeadm's podSubnet: Flannel hands out node subnets from it. */
  podCidr: string;
  /** Interface for VXLAN traffic on multi-NIC nodes; the default-route interface otherwise. */
  iface?: string;
  /** apps.imageRegistry: Flannel's two images come from it (components/images.ts). */
  imageRegistry?: string;
}

/** Flannel's two images, from the mirror when one is set: what its DaemonSet runs on every node. */
export const flannelImages = (imageRegistry: string | undefined) => ({
  flannel: mirrored(flannelImage, imageRegistry),
  cniPlugin: mirrored(flannelCniPluginImage, imageRegistry),
});

export function flannelObjects(args: FlannelManifestArgs): Record<string, unknown>[] {
  const { flannel, cniPlugin } = flannelImages(args.imageRegistry);
  const labels = { "k8s-app": "flannel" };
  const podLabels = { app: "flannel", "k8s-app": "flannel", tier: "node" };
  const netConf = { Network: args.podCidr, EnableNFTables: false, Backend: { Type: "vxlan" } };
  const cniConf = {
    name: "cbr0",
    cniVersion: "0.3.1",
    plugins: [
      { type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kube-flannel", labels: { ...labels, "pod-security.kubernetes.io/enforce": "privileged" } },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "flannel", labels },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "flannel", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "flannel" },
      subjects: [{ kind: "ServiceAccount", name: "flannel", namespace: "kube-flannel" }],
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "flannel", namespace: "kube-flannel", labels } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kube-flannel-cfg", namespace: "kube-flannel", labels: podLabels },
      data: { "cni-conf.json": `${JSON.stringify(cniConf, null, 2)}\n`, "net-conf.json": `${JSON.stringify(netConf, null, 2)}\n` },
    },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "kube-flannel-ds", namespace: "kube-flannel", labels: podLabels },
      spec: {
        selector: { matchLabels: { app: "flannel", "k8s-app": "flannel" } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
                },
              },
            },
            hostNetwork: true,
            priorityClassName: "system-node-critical",
            serviceAccountName: "flannel",
            tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
            initContainers: [
              {
                name: "install-cni-plugin",
                image: cniPlugin,
                command: ["cp"],
                args: ["-f", "/flannel", "/opt/cni/bin/flannel"],
                volumeMounts: [{ name: "cni-plugin", mountPath: "/opt/cni/bin" }],
              },
              {
                name: "install-cni",
                image: flannel,
                // v0.28.6+ (flannel #2466): the image's own atomic installer instead of `cp -f`.
                command: ["/opt/bin/install-conf"],
                args: ["/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"],
                volumeMounts: [
                  { name: "cni", mountPath: "/etc/cni/net.d" },
                  { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                ],
              },
            ],
            containers: [
              {
                name: "kube-flannel",
                image: flannel,
                command: ["/opt/bin/flanneld"],
                args: ["--ip-masq", "--kube-subnet-mgr", "--healthz-port=8081", ...(args.iface ? [`--iface=${args.iface}`] : [])],
                // v0.28.9 (flannel #2523): the health endpoint, so a rollout waits for a working flanneld.
                ports: [{ name: "healthz", containerPort: 8081, protocol: "TCP" }],
                livenessProbe: { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 10, periodSeconds: 30 },
                readinessProbe: { httpGet: { path: "/readyz", port: "healthz" }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: { requests: { cpu: "100m", memory: "50Mi" } },
                securityContext: { privileged: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
                env: [
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  { name: "EVENT_QUEUE_DEPTH", value: "5000" },
                  { name: "CONT_WHEN_CACHE_NOT_READY", value: "false" },
                ],
                volumeMounts: [
                  { name: "run", mountPath: "/run/flannel" },
                  { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                  { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                ],
              },
            ],
            volumes: [
              { name: "run", hostPath: { path: "/run/flannel" } },
              { name: "cni-plugin", hostPath: { path: "/opt/cni/bin" } },
              { name: "cni", hostPath: { path: "/etc/cni/net.d" } },
              { name: "flannel-cfg", configMap: { name: "kube-flannel-cfg" } },
              { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
            ],
          },
        },
      },
    },
  ];
}

/** The manifest as one multi-document YAML, the way `kubectl apply -f` takes it. */
export function flannelManifest(args: FlannelManifestArgs): string {
  return flannelObjects(args)
    .map((o) => stringify(o))
    .join("---\n");
}

/**
 * Every way `flannelObjects({ podCidr: "10.244.0.0/16" })` differs from upstream's
 * Documentation/kube-flannel.yml at v0.28.9 (test/upstream/samples.test.ts fails on any other
 * difference, and on an entry here that no longer differs). Paths are `Kind/name.field`. Besides
 * these, the inputs fill in net-conf.json's Network and, when set, add `--iface=<iface>` to
 * containers[0].args, as upstream's documentation says to do by editing the file.
 */
export const flannelDeviations: { path: string; why: string }[] = [
  {
    path: "DaemonSet/kube-flannel-ds.spec.selector.matchLabels.k8s-app",
    why: "Not upstream (upstream selects app: flannel only). Kept: a DaemonSet's selector is immutable, so dropping it would make kubectl apply fail on every lab already built; the extra label selects the same pods.",
  },
  {
    path: "DaemonSet/kube-flannel-ds.spec.template.metadata.labels.k8s-app",
    why: "Follows from the selector above: a DaemonSet's pod template must carry every label its selector names.",
  },
];
