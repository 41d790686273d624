#!/usr/bin/env bash
# Joins a worker from the join command on stdin (secret: it carries a bootstrap token). The
# command is turned into a v1beta4 JoinConfiguration so the node keeps its name and lab address.
# Re-run after an interruption at any point, it converges:
# - joined to this control plane (kubelet.conf, and the CA the command pins): nothing to do;
# - istio-lab's join cut off before that, or joined to another control plane (a replaced one):
#   kubeadm reset -f, then join again (istio-lab marks the node its own before kubeadm starts);
# - a node in a cluster istio-lab did not build: used as it is with istio-lab:cluster.adopt, and
#   never reset.
# A token that has expired (a join retried over 30 min after its command was minted) is refused
# naming the step that mints a new one, before anything changes here, or when kubeadm says so.
# Parameters: NODE_NAME, NODE_IP, MINT_URN (the URN of the step that minted the command, for that
# message).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need NODE_NAME NODE_IP
require_root
JOIN_TIMEOUT=${JOIN_TIMEOUT:-900}
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
# join-command.sh's second line: until when the token lives, by the control plane's clock.
valid_until=""
extra=""
read -r extra || true
case "$extra" in "# valid until "*) valid_until=${extra#"# valid until "} ;; esac
[[ "$valid_until" =~ ^[0-9]*$ ]] || die "the join command's validity line is not '# valid until <epoch seconds>': $extra"

# expired_token: why the join cannot go on, and the one command that mints a new token (replacing
# the mint step changes this step's stdin, so the same `pulumi up` runs this join again with it).
expired_token() {
  die "the join command's token has expired ($1): it lives 30 min from its minting (join-command.sh), and this join is a retry after that. Mint a new one: pulumi up --replace '${MINT_URN:-<URN of $NODE_NAME-join-command>}'"
}
# The clocks of the control plane and this node may differ a little (chrony keeps both close):
# within CLOCK_SKEW (s) of the end, kubeadm is left to find out.
CLOCK_SKEW=${CLOCK_SKEW:-120}
check_token() {
  local now
  [ -n "$valid_until" ] || return 0
  now=$(date +%s)
  if [ "$now" -gt $((valid_until + CLOCK_SKEW)) ]; then expired_token "valid until $valid_until, now $now, in epoch seconds"; fi
}

config="$LAB_DIR/kubeadm-join.yaml"
done_marker="$LAB_DIR/join.done"
# Releases before the marker was written first left their join configuration behind when cut off.
# The EXIT trap below removes that file whatever happens: the marker takes its place at once, so a
# run that stops before its join (the reset's bound) leaves the node istio-lab's own.
origin=$(node_origin)
if [ "$origin" = foreign ] && [ -f "$config" ]; then
  origin=built
  mark_built
fi
# The join configuration holds the token: gone when this script ends, however it ends, and with it
# a copy an earlier run left when it was killed (no EXIT trap runs then).
trap 'rm -f "$config"' EXIT

# joined_here: kubelet.conf, and the CA this join command pins.
current=""
joined_here() {
  [ -f "$KUBE_DIR/kubelet.conf" ] || return 1
  command -v openssl >/dev/null || die "openssl is missing: prep-os.sh installs it"
  current=""
  if [ -f "$KUBE_DIR/pki/ca.crt" ]; then current=$(ca_cert_hash "$KUBE_DIR/pki/ca.crt") || current=""; fi
  [ "$current" = "$hash" ]
}

case "$origin" in
  foreign | adopted)
    if [ "$origin" = foreign ]; then may_adopt "kubeadm join"; fi
    # Adopted only once found in this control plane's cluster: a node refused here and reset by
    # its owner is then fresh (node_origin), not adopted for good.
    joined_here ||
      die "$NODE_NAME is in another cluster (CA ${current:-unknown}, this control plane's is $hash) that istio-lab did not join it to: run 'kubeadm reset' on it yourself, or remove it from istio-lab:cluster.nodes"
    if [ "$origin" = foreign ]; then adopt_node "kubeadm join"; fi
    log "$NODE_NAME is in this control plane's cluster (adopted); nothing to do"
    exit 0
    ;;
  built)
    if joined_here; then
      # kubelet.conf that holds this CA is the end of kubeadm join's TLS bootstrap (kubeadm
      # cmd/phases/join/kubelet.go waitForTLSBootstrappedClient); all that follows it is a CRI
      # socket annotation only `kubeadm upgrade` reads. A reset now would not help: a new join is
      # refused while the Node is Ready ("a Node with name ... already exists", same file).
      if ! systemctl is-active --quiet kubelet; then systemctl start kubelet; fi
      touch "$done_marker"
      log "$NODE_NAME has joined this control plane; nothing to do"
      exit 0
    fi
    # Joined to another control plane (the join's triggers hold the control plane's identity, so a
    # new one brings the join back here), or a join cut off before its TLS bootstrap: istio-lab's
    # own, so reset and join again, with a token that still lives. join.done goes first: a reset
    # cut off stays undone.
    check_token
    rm -f "$done_marker"
    if [ -f "$KUBE_DIR/kubelet.conf" ]; then
      log "$NODE_NAME is joined to another control plane (CA ${current:-unknown}); resetting to join $endpoint"
      bounded_reset
    elif has_kubeadm_state; then
      log "a join that did not finish left files behind; resetting"
      bounded_reset
    fi
    ;;
esac

check_token
require_prepared "$NODE_NAME"
mark_built
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
# kubeadm's output goes to the step's log as it comes, and to a file read if the join fails.
joinlog=$(mktemp) || die "no temporary file for kubeadm join's output"
trap 'rm -f "$config" "$joinlog"' EXIT
timeout "$JOIN_TIMEOUT" kubeadm join --config "$config" 2>&1 | tee "$joinlog" >&2 || status=$?
rm -f "$config" # it holds the token
if [ "$status" -ne 0 ]; then
  # kubeadm removes bootstrap-kubelet.conf, the token's other copy, even when the join fails
  # (kubelet.go's deferred os.Remove); a join cut off by the bound never reaches that.
  rm -f "$KUBE_DIR/bootstrap-kubelet.conf"
  [ "$status" -ne 124 ] || die "kubeadm join did not finish within ${JOIN_TIMEOUT}s; check that this node reaches $endpoint and 'journalctl -u kubelet' here. The next run resets the node and tries again"
  # A token past its TTL loses its JWS signature in cluster-info (the bootstrap signer drops it
  # with the token), and kubeadm's discovery says so, after its timeout: cmd/kubeadm/app/discovery/
  # token/token.go getClusterInfo ("could not find a JWS signature") and validateClusterInfoToken
  # ("is invalid for this cluster or it has expired").
  if grep -Eq 'could not find a JWS signature in the cluster-info ConfigMap|is invalid for this cluster or it has expired' "$joinlog"; then
    expired_token "kubeadm join: the control plane no longer knows it"
  fi
  die "kubeadm join failed (exit $status); the next run resets the node and tries again"
fi
touch "$done_marker"
log "$NODE_NAME joined the cluster"
