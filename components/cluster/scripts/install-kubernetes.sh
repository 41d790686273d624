#!/usr/bin/env bash
# Installs kubelet, kubeadm and kubectl pinned to one patch release from pkgs.k8s.io, and makes
# the kubelet advertise the node's lab address. containerd.io, which install-containerd.sh
# configures next, comes in the same dnf transaction from Docker's repository: one dependency
# resolution and one download (dnf fetches packages in parallel, max_parallel_downloads, 3 by
# default: dnf.conf(5)) instead of a second dnf run in the next step.
# Parameters: K8S_VERSION (e.g. 1.36.4), NODE_IP, OS.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need K8S_VERSION NODE_IP OS
require_root
leave_adopted_alone "Kubernetes packages" kubernetes
[[ "$K8S_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "K8S_VERSION must look like 1.36.4, not $K8S_VERSION"
minor=${K8S_VERSION%.*}

# One repository per minor; the exclude line keeps a plain `dnf upgrade` from moving them.
write_file "$ROOT/etc/yum.repos.d/kubernetes.repo" 0644 <<REPO || true
[kubernetes]
name=Kubernetes v$minor
baseurl=https://pkgs.k8s.io/core:/stable:/v$minor/rpm/
enabled=1
gpgcheck=1
gpgkey=https://pkgs.k8s.io/core:/stable:/v$minor/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
REPO

# A node already in a cluster keeps its release: only kubeadm upgrade, which istio-lab does not
# run, may move a cluster, control plane first. Installing new packages under it would leave
# kubelets ahead of their API server.
if [ -f "$KUBE_DIR/kubelet.conf" ] && ! rpm -q "kubelet-$K8S_VERSION" >/dev/null 2>&1; then
  die "this node is in a cluster that runs another Kubernetes release than $K8S_VERSION; istio-lab does not upgrade clusters: keep istio-lab:cluster.kubernetesVersion, or destroy and recreate the lab"
fi

docker_repo
wanted=("kubelet-$K8S_VERSION" "kubeadm-$K8S_VERSION" "kubectl-$K8S_VERSION")
missing=()
for p in "${wanted[@]}"; do
  rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
done
# An installed containerd.io is left as it is: install-containerd.sh decides on its upgrade.
extra=()
rpm -q containerd.io >/dev/null 2>&1 || extra=(containerd.io)
if [ "${#missing[@]}" -gt 0 ] || [ "${#extra[@]}" -gt 0 ]; then
  log "installing ${wanted[*]} ${extra[*]}"
  retry 5 pkg -y install "${wanted[@]}" "${extra[@]}" --disableexcludes=kubernetes
fi

# The RPM's kubelet drop-in reads KUBELET_EXTRA_ARGS from here; without node-ip the kubelet
# registers the address of the default-route NIC.
write_then "$ROOT/etc/sysconfig/kubelet" 0644 restart_if_active kubelet < <(echo "KUBELET_EXTRA_ARGS=--node-ip=$NODE_IP")

write_file "$ROOT/etc/crictl.yaml" 0644 < <(printf '%s\n' \
  'runtime-endpoint: unix:///run/containerd/containerd.sock' \
  'image-endpoint: unix:///run/containerd/containerd.sock') || true

# kubeadm starts the kubelet; until init or join it restarts in a loop, which is expected.
if ! systemctl is-enabled --quiet kubelet; then systemctl enable kubelet; fi

prepared kubernetes
log "kubelet, kubeadm and kubectl $K8S_VERSION installed"
