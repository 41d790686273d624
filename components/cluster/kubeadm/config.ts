// The kubeadm configuration for `kubeadm init`, v1beta4 (v1beta3 was removed in kubeadm 1.36).
import { stringify } from "yaml";
import type { Node } from "../../config/schema";

export const apiServerPort = 6443;
export const criSocket = "unix:///run/containerd/containerd.sock";

export interface InitConfigurationArgs {
  controlPlane: Node;
  domain: string;
  kubernetesVersion: string;
  podCidr: string;
  serviceCidr: string;
  /** A cluster without workers must run pods on the control plane: no NoSchedule taint. */
  schedulableControlPlane?: boolean;
  /**
   * A mirror of registry.k8s.io: the control plane's, kube-proxy's and CoreDNS's images come from
   * it, CoreDNS's as `<mirror>/coredns` (kubeadm's GetDNSImage adds the `coredns/` path only for
   * the default registry), so one flat mirror (components/images.ts) serves them all.
   */
  imageRepository?: string;
}

/** How long the token kubeadm init makes lives: nobody uses it, every join gets its own. */
export const initTokenTtl = "15m0s";

/**
 * InitConfiguration + ClusterConfiguration + KubeletConfiguration as one multi-document file.
 * kubeadm init always makes a bootstrap token, 24 h unless told (an empty list is defaulted to one
 * token, kubeadm apis/kubeadm/v1beta4 defaults.go SetDefaults_BootstrapTokens); nobody uses it, so
 * it lives 15 min. Its value is generated at init (util/config/initconfiguration.go
 * SetBootstrapTokensDynamicDefaults), its usages and groups defaulted (bootstraptoken/v1
 * SetDefaults_BootstrapToken). Every join gets a fresh token of its own (join-command.sh).
 */
export function initConfiguration(args: InitConfigurationArgs): string {
  const { controlPlane: node } = args;
  const docs = [
    {
      apiVersion: "kubeadm.k8s.io/v1beta4",
      kind: "InitConfiguration",
      bootstrapTokens: [{ ttl: initTokenTtl, description: "made by kubeadm init; istio-lab joins use their own" }],
      localAPIEndpoint: { advertiseAddress: node.ip, bindPort: apiServerPort },
      nodeRegistration: {
        name: node.name,
        criSocket,
        // v1beta4: extra args are a list of {name, value}, not a map.
        kubeletExtraArgs: [{ name: "node-ip", value: node.ip }],
        ...(args.schedulableControlPlane ? { taints: [] } : {}),
      },
    },
    {
      apiVersion: "kubeadm.k8s.io/v1beta4",
      kind: "ClusterConfiguration",
      kubernetesVersion: `v${args.kubernetesVersion}`,
      // Set from day one: a control plane created without it can never become highly available.
      controlPlaneEndpoint: `${node.ip}:${apiServerPort}`,
      networking: { podSubnet: args.podCidr, serviceSubnet: args.serviceCidr },
      ...(args.imageRepository && { imageRepository: args.imageRepository.replace(/\/+$/, "") }),
      apiServer: { certSANs: [node.ip, node.name, `${node.name}.${args.domain}`] },
    },
    { apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd" },
  ];
  return docs.map((doc) => stringify(doc)).join("---\n");
}
