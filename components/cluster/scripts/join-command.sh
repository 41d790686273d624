#!/usr/bin/env bash
# Mints a fresh bootstrap token and prints the join command (a secret) on stdout, nothing else.
# Runs once per join that is due (a new worker or control plane), just before that join, once the
# worker is prepared: the token needs to outlive only that join's bound (15 min, kubeadm-join.sh);
# the API server deletes it when its TTL runs out (kubeadm token create --ttl), and the smoke check
# once every join is done.
# Parameters: TOKEN_TTL (default 30m).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
[ -f "$ADMIN_CONF" ] || die "no $ADMIN_CONF: kubeadm init has not completed on this node"
# kubeadm talks to the API server with no deadline of its own: bounded here.
out=$(timeout "${TOKEN_CREATE_TIMEOUT:-60}" kubeadm token create --kubeconfig "$ADMIN_CONF" --ttl "${TOKEN_TTL:-30m}" --description "istio-lab join" --print-join-command 2>/dev/null) ||
  die "kubeadm token create failed or took over ${TOKEN_CREATE_TIMEOUT:-60}s; is the API server up?"
case "$out" in
  "kubeadm join "*) printf '%s\n' "$out" ;;
  *) die "kubeadm token create --print-join-command printed something other than a join command" ;;
esac
