#!/usr/bin/env bash
# Installs containerd from Docker's repository and regenerates its configuration: the RPM's file
# disables the CRI plugin, the kubelet wants the systemd cgroup driver, and the sandbox (pause)
# image must be the one kubeadm expects. Runs after install-kubernetes.sh, which brings kubeadm
# and, in the same dnf transaction, containerd.io.
# Parameters: K8S_VERSION, OS, IMAGE_REPOSITORY (optional: the mirror kubeadm pulls from, whose
# pause image the sandbox must then be).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need K8S_VERSION OS
require_root
leave_adopted_alone "containerd" containerd

# install-kubernetes.sh, the step before, installed containerd.io in its transaction; a node that
# lacks it still (a step from an earlier release, a package removed by hand) gets it here.
docker_repo
ensure_packages containerd.io

# Kubernetes 1.35 was the last release to support containerd 1.x (its release blog): from 1.36 on
# the node needs 2.x. ensure_packages keeps an installed 1.x, so it is upgraded here, but never
# under a kubelet that already runs in a cluster.
containerd_major() { containerd --version | sed -nE 's/^containerd [^ ]+ v?([0-9]+)\.[0-9]+.*/\1/p'; }
k8s_minor=${K8S_VERSION#*.} k8s_minor=${k8s_minor%%.*}
major=$(containerd_major)
[ -n "$major" ] || die "cannot read containerd's version from '$(containerd --version)'"
if [ "$k8s_minor" -ge 36 ] && [ "$major" -lt 2 ]; then
  installed=$(containerd --version | awk '{print $3}')
  [ ! -f "$KUBE_DIR/kubelet.conf" ] ||
    die "containerd $installed runs this node, Kubernetes $K8S_VERSION needs containerd 2.x, and istio-lab does not replace the runtime under a running kubelet: upgrade containerd.io on this node by hand"
  log "containerd $installed is too old for Kubernetes $K8S_VERSION; upgrading to 2.x"
  retry 3 pkg -y upgrade containerd.io
  [ "$(containerd_major)" -ge 2 ] || die "the package repository offers no containerd 2.x (still $(containerd --version | awk '{print $3}'))"
fi

pause=$(kubeadm config images list --kubernetes-version "v$K8S_VERSION" ${IMAGE_REPOSITORY:+--image-repository "$IMAGE_REPOSITORY"} 2>/dev/null | grep '/pause:' | head -n 1) ||
  die "kubeadm config images list named no pause image for v$K8S_VERSION; is kubeadm installed?"

config=$(mktemp)
trap 'rm -f "$config"' EXIT
containerd config default >"$config"
sed -i -E \
  -e 's/SystemdCgroup = false/SystemdCgroup = true/' \
  -e "s#^([[:space:]]*sandbox(_image)? = ).*#\\1'$pause'#" "$config"

grep -q 'SystemdCgroup = true' "$config" || die "containerd's default configuration has no SystemdCgroup setting to turn on"
grep -q "'$pause'" "$config" || die "containerd's default configuration has no sandbox image setting for $pause"
if grep -Eq '^disabled_plugins = \[.*cri' "$config"; then die "containerd's default configuration disables the CRI plugin"; fi

write_then "$ROOT/etc/containerd/config.toml" 0644 restart_if_active containerd <"$config"
ensure_service containerd

prepared containerd
log "containerd running with SystemdCgroup = true and sandbox $pause"
