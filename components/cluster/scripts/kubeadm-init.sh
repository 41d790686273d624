#!/usr/bin/env bash
# Runs kubeadm init on the control-plane node from the configuration on stdin.
# - initialised and the API answers: nothing to do (an existing kubeadm cluster is adopted);
# - initialised by istio-lab once but the API stays down: fails, it never resets a working cluster;
# - a half-finished init (files left, API not answering, no success marker): kubeadm reset -f first.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
config=$(cat)
[ -n "$config" ] || die "no kubeadm configuration on stdin"
marker="$LAB_DIR/init.done"
attempts=${API_WAIT_ATTEMPTS:-60}

if [ -f "$ADMIN_CONF" ]; then
  if wait_api "$attempts"; then
    if [ ! -f "$marker" ]; then mkdir -p "$LAB_DIR" && touch "$marker"; fi
    log "control plane already initialised and ready; nothing to do"
    exit 0
  fi
  if [ -f "$marker" ]; then
    die "the control plane was initialised but its API server does not answer /readyz; check 'journalctl -u kubelet' and 'crictl ps -a' on this node (istio-lab does not reset a cluster that has worked)"
  fi
  log "admin.conf exists but the API server never came up: a half-finished init; resetting"
  kubeadm reset -f
elif compgen -G "$KUBE_DIR/manifests/*.yaml" >/dev/null || [ -d "$ROOT/var/lib/etcd/member" ]; then
  log "static pod manifests or etcd data left by an earlier attempt; resetting"
  kubeadm reset -f
fi

write_file "$LAB_DIR/kubeadm-init.yaml" 0600 < <(printf '%s\n' "$config") || true
timeout 1200 kubeadm init --config "$LAB_DIR/kubeadm-init.yaml" --skip-token-print ||
  die "kubeadm init failed; the next run resets the node and tries again"
wait_api "$attempts" || die "kubeadm init finished but the API server does not answer /readyz"
touch "$marker" "$BUILT_MARKER"

# The tutorials' habit: kubectl works for root on the control-plane node.
install -D -m 0600 "$ADMIN_CONF" "$ROOT/root/.kube/config"
log "control plane initialised"
