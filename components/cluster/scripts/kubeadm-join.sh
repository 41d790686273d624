#!/usr/bin/env bash
# Joins a worker from the join command on stdin (secret: it carries a bootstrap token). The
# command is turned into a v1beta4 JoinConfiguration so the node keeps its name and lab address.
# Already joined to this control plane (kubelet.conf, and the CA the command pins): nothing to do.
# Joined to another one (a replaced control plane): reset and join again, if istio-lab joined it.
# Half-finished join: kubeadm reset -f first.
# Parameters: NODE_NAME, NODE_IP.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need NODE_NAME NODE_IP
require_root
line=""
read -r line || true
[ -n "$line" ] || die "no join command on stdin"
read -ra words <<<"$line"
if [ "${words[0]:-}" != kubeadm ] || [ "${words[1]:-}" != join ] || [ -z "${words[2]:-}" ]; then
  die "stdin is not a kubeadm join command"
fi
endpoint=${words[2]} token="" hash=""
for ((i = 3; i < ${#words[@]}; i++)); do
  case "${words[i]}" in
    --token) token=${words[i + 1]:-} ;;
    --discovery-token-ca-cert-hash) hash=${words[i + 1]:-} ;;
  esac
done
if [ -z "$token" ] || [ -z "$hash" ]; then die "the join command lacks --token or --discovery-token-ca-cert-hash"; fi

if [ -f "$KUBE_DIR/kubelet.conf" ]; then
  command -v openssl >/dev/null || die "openssl is missing: prep-os.sh installs it"
  current=""
  if [ -f "$KUBE_DIR/pki/ca.crt" ]; then current=$(ca_cert_hash "$KUBE_DIR/pki/ca.crt") || current=""; fi
  if [ "$current" = "$hash" ]; then
    log "$NODE_NAME has already joined this control plane; nothing to do"
    exit 0
  fi
  # The join's triggers hold the control plane's identity, so a new control plane brings the
  # join back here; kubelet.conf alone would keep the worker in the old cluster.
  [ -f "$BUILT_MARKER" ] ||
    die "$NODE_NAME is in another cluster (CA ${current:-unknown}, this control plane's is $hash) that istio-lab did not join it to: run 'kubeadm reset' on it yourself, or remove it from istio-lab:cluster.nodes"
  log "$NODE_NAME is joined to another control plane (CA ${current:-unknown}); resetting to join $endpoint"
  kubeadm reset -f
fi

if [ -f "$KUBE_DIR/bootstrap-kubelet.conf" ] || [ -f "$KUBE_DIR/pki/ca.crt" ]; then
  log "a half-finished join left files behind; resetting"
  kubeadm reset -f
fi

config="$LAB_DIR/kubeadm-join.yaml"
mkdir -p "$LAB_DIR"
(
  umask 077
  cat >"$config" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: "$endpoint"
    token: "$token"
    caCertHashes:
      - "$hash"
nodeRegistration:
  name: "$NODE_NAME"
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: "$NODE_IP"
    - name: node-labels
      value: "$JOINED_LABEL=true"
YAML
)
status=0
timeout 900 kubeadm join --config "$config" || status=$?
rm -f "$config" # it holds the token
# The join command is minted just before this step, for it alone; a retry days later still holds
# it, and its token (2 h) has expired by then.
[ "$status" -eq 0 ] || die "kubeadm join failed (exit $status); the next run resets the node and tries again. If the failure was an expired token, replace the step that mints it: pulumi up --replace <URN of $NODE_NAME-join-command> (pulumi stack --show-urns)"
touch "$BUILT_MARKER"
log "$NODE_NAME joined the cluster"
