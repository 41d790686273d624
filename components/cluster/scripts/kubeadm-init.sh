#!/usr/bin/env bash
# Runs kubeadm init on the control-plane node from the configuration on stdin. Re-run after an
# interruption at any point, it converges:
# - fresh node: marks it istio-lab's own (before kubeadm starts), runs kubeadm init, waits for the
#   API server, then writes init.done;
# - istio-lab's init finished (init.done): nothing to do while the API answers, but a change of
#   what kubeadm cannot change on a running cluster (pod and service networks, the API server's
#   certificate names) is refused; an API that stays down fails the run, never resets the cluster;
# - istio-lab's init began but never finished (its marker, no init.done): kubeadm reset -f, then
#   init again;
# - a cluster istio-lab did not build: used as it is with istio-lab:cluster.adopt, else refused.
# Parameters: NODE_NAME (the node's name in istio-lab:cluster.nodes, for messages).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
config=$(cat)
[ -n "$config" ] || die "no kubeadm configuration on stdin"
marker="$LAB_DIR/init.done"
attempts=${API_WAIT_ATTEMPTS:-60}
INIT_TIMEOUT=${INIT_TIMEOUT:-1200}

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

# The tutorials' habit: kubectl works for root on the control-plane node.
copy_admin_conf() {
  write_file "$ROOT/root/.kube/config" 0600 <"$ADMIN_CONF" || true
}

origin=$(node_origin)
case "$origin" in
  foreign | adopted)
    if [ "$origin" = foreign ]; then may_adopt "kubeadm init"; fi
    # A control plane istio-lab adopted is used as it is, never reset, however broken it looks:
    # its etcd is someone's cluster. Adopted only once these checks pass: a node refused here and
    # reset by its owner is then fresh (node_origin), not adopted for good.
    [ -f "$ADMIN_CONF" ] ||
      die "this node runs in a kubeadm cluster istio-lab did not build, and has no $ADMIN_CONF: it is no control plane; name the cluster's control plane in istio-lab:cluster.nodes, or run 'kubeadm reset' on it so that istio-lab builds it anew"
    wait_api "$attempts" ||
      die "the adopted control plane's API server does not answer /readyz after $attempts tries, 5 s apart; check 'journalctl -u kubelet' and 'crictl ps -a' on this node (istio-lab never resets a cluster it did not build)"
    if [ "$origin" = foreign ]; then adopt_node "kubeadm init"; fi
    log "control plane of an adopted cluster, ready; nothing to do"
    exit 0
    ;;
  built)
    if [ -f "$marker" ]; then
      wait_api "$attempts" ||
        die "the control plane was initialised but its API server does not answer /readyz after $attempts tries, 5 s apart; check 'journalctl -u kubelet' and 'crictl ps -a' on this node (istio-lab does not reset a cluster that has worked)"
      refuse_drift
      copy_admin_conf
      log "control plane already initialised and ready; nothing to do"
      exit 0
    fi
    # istio-lab's own init began here and never reached its marker: cut off, failed, or its API
    # never answered. No node has joined a control plane before its init step succeeded, so it is
    # reset and initialised again rather than taken for done (kubeadm init's later phases, the
    # bootstrap token, the addons, may never have run).
    if has_kubeadm_state; then
      log "istio-lab's kubeadm init on this node did not finish; resetting it to start again"
      bounded_reset
    fi
    ;;
esac

require_prepared "${NODE_NAME:-<node>}"
mark_built
write_file "$LAB_DIR/kubeadm-init.yaml" 0600 < <(printf '%s\n' "$config") || true
status=0
timeout "$INIT_TIMEOUT" kubeadm init --config "$LAB_DIR/kubeadm-init.yaml" --skip-token-print || status=$?
[ "$status" -ne 124 ] || die "kubeadm init did not finish within ${INIT_TIMEOUT}s; see 'journalctl -u kubelet' and 'crictl ps -a' on this node. The next run resets the node and tries again"
[ "$status" -eq 0 ] || die "kubeadm init failed (exit $status); the next run resets the node and tries again"
wait_api "$attempts" || die "kubeadm init finished but the API server does not answer /readyz after $attempts tries, 5 s apart; the next run resets the node and tries again"
copy_admin_conf
touch "$marker"
log "control plane initialised"
