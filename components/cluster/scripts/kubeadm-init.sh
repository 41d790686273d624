#!/usr/bin/env bash
# Runs kubeadm init on the control-plane node from the configuration on stdin.
# - initialised and the API answers: nothing to do (an existing kubeadm cluster is adopted), but
#   one istio-lab built is refused when the configuration asks for what kubeadm cannot change on
#   a running cluster (pod and service networks, the API server's certificate names);
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

# yaml_field KEY < yaml: the value of the first `KEY: value` line, quotes dropped.
yaml_field() { sed -n "s/^[[:space:]]*$1:[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" | head -n 1; }
# cert_sans < yaml: the apiServer certSANs, sorted, comma-separated.
cert_sans() { awk '/^[[:space:]]*certSANs:/ { on = 1; next } on && /^[[:space:]]*- / { sub(/^[[:space:]]*- /, ""); gsub(/"/, ""); print; next } { on = 0 }' | sort | paste -sd, -; }

# kubeadm init runs once: a later change of these would be written nowhere while Flannel is
# re-applied with the new network, and the cluster's node CIDRs would disagree with it.
refuse_drift() {
  local live drift=() pair field key want have
  live=$(kube -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') ||
    die "cannot read the cluster's kubeadm configuration (configmap kube-system/kubeadm-config)"
  for pair in podSubnet=istio-lab:cluster.podCidr serviceSubnet=istio-lab:cluster.serviceCidr; do
    field=${pair%%=*} key=${pair#*=}
    want=$(yaml_field "$field" <<<"$config") have=$(yaml_field "$field" <<<"$live")
    [ "$want" = "$have" ] || drift+=("$key is $want, but this cluster was built with ${have:-none}")
  done
  want=$(cert_sans <<<"$config") have=$(cert_sans <<<"$live")
  [ "$want" = "$have" ] ||
    drift+=("the API server's certificate names ($have) are not the control plane's name, address and istio-lab:cluster.network.domain ($want)")
  [ "${#drift[@]}" -eq 0 ] && return 0
  for d in "${drift[@]}"; do log "$d"; done
  die "kubeadm cannot change these on a running cluster: set them back, or destroy and recreate the lab"
}

# reset_own_attempt WHAT: resets the node, but only after an init istio-lab itself started here
# (its configuration is written before kubeadm init runs); a control plane it found is never
# reset, however broken it looks: its etcd is someone's cluster.
reset_own_attempt() {
  [ -f "$LAB_DIR/kubeadm-init.yaml" ] ||
    die "$1, and istio-lab did not start it: this is not a cluster istio-lab may reset; repair it, or run 'kubeadm reset' on this node yourself"
  log "$1; resetting"
  kubeadm reset -f
}

if [ -f "$ADMIN_CONF" ]; then
  if wait_api "$attempts"; then
    if [ -f "$BUILT_MARKER" ]; then refuse_drift; fi
    if [ ! -f "$marker" ]; then mkdir -p "$LAB_DIR" && touch "$marker"; fi
    log "control plane already initialised and ready; nothing to do"
    exit 0
  fi
  if [ -f "$marker" ]; then
    die "the control plane was initialised but its API server does not answer /readyz; check 'journalctl -u kubelet' and 'crictl ps -a' on this node (istio-lab does not reset a cluster that has worked)"
  fi
  reset_own_attempt "admin.conf exists but the API server never came up: a half-finished init"
elif compgen -G "$KUBE_DIR/manifests/*.yaml" >/dev/null || [ -d "$ROOT/var/lib/etcd/member" ]; then
  reset_own_attempt "static pod manifests or etcd data left by an earlier attempt"
fi

write_file "$LAB_DIR/kubeadm-init.yaml" 0600 < <(printf '%s\n' "$config") || true
timeout 1200 kubeadm init --config "$LAB_DIR/kubeadm-init.yaml" --skip-token-print ||
  die "kubeadm init failed; the next run resets the node and tries again"
wait_api "$attempts" || die "kubeadm init finished but the API server does not answer /readyz"
touch "$marker" "$BUILT_MARKER"

# The tutorials' habit: kubectl works for root on the control-plane node.
install -D -m 0600 "$ADMIN_CONF" "$ROOT/root/.kube/config"
log "control plane initialised"
