#!/usr/bin/env bash
# Destroy on machines istio-lab did not create but set up: kubeadm reset -f, then what reset leaves behind
# (CNI configuration, the cni0 and flannel.1 links, Kubernetes' and Flannel's iptables chains).
# Rules of the host's own are kept: only chains and rules naming KUBE-, FLANNEL, CNI- go.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
# A cluster istio-lab found and adopted (kubeadm already set up) is not istio-lab's to tear down.
if [ ! -f "$BUILT_MARKER" ]; then
  rm -rf "$LAB_DIR"
  log "Kubernetes on this node was not set up by istio-lab; leaving it as it is"
  exit 0
fi
if command -v kubeadm >/dev/null 2>&1; then
  kubeadm reset -f || log "kubeadm reset reported an error; cleaning up anyway"
fi
rm -rf "$ROOT/etc/cni/net.d" "$ROOT/var/lib/cni" "$LAB_DIR" "$ROOT/root/.kube/config"
for link in cni0 flannel.1; do
  if ip link show "$link" >/dev/null 2>&1; then
    ip link delete "$link"
    log "deleted link $link"
  fi
done
if command -v iptables-save >/dev/null 2>&1; then
  rules=$(mktemp)
  iptables-save >"$rules"
  if grep -Eq 'KUBE-|FLANNEL|CNI-' "$rules"; then
    grep -Ev 'KUBE-|FLANNEL|CNI-' "$rules" | iptables-restore
    log "removed Kubernetes and Flannel iptables rules"
  fi
  rm -f "$rules"
fi
if systemctl is-active --quiet containerd; then systemctl restart containerd; fi
log "node reset"
