#!/usr/bin/env bash
# Installs containerd from Docker's repository and regenerates its configuration: the RPM's file
# disables the CRI plugin, the kubelet wants the systemd cgroup driver, and the sandbox (pause)
# image must be the one kubeadm expects. Runs after install-kubernetes.sh, which brings kubeadm.
# Parameters: K8S_VERSION, OS.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need K8S_VERSION OS
require_root
leave_adopted_alone "containerd"

write_file "$ROOT/etc/yum.repos.d/docker-ce.repo" 0644 <<'REPO' || true
[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=https://download.docker.com/linux/centos/gpg
REPO
ensure_packages containerd.io

pause=$(kubeadm config images list --kubernetes-version "v$K8S_VERSION" 2>/dev/null | grep '/pause:' | head -n 1) ||
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

if write_file "$ROOT/etc/containerd/config.toml" 0644 <"$config"; then
  if systemctl is-active --quiet containerd; then systemctl restart containerd; fi
fi
ensure_service containerd

log "containerd running with SystemdCgroup = true and sandbox $pause"
