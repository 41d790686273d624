#!/usr/bin/env bash
# Mints a fresh bootstrap token and prints the join command (a secret) on stdout, nothing else.
# Runs once per join that is due (a new worker or control plane), just before that join, once the
# worker is prepared: the token needs to outlive only that join's bound (15 min, kubeadm-join.sh);
# the API server deletes it when its TTL runs out (kubeadm token create --ttl), and the smoke check
# once every join is done.
# A second line, `# valid until <epoch seconds>`, says until when the token lives (by this node's
# clock, read before the token is made, so never later than the API server's own expiry):
# kubeadm-join.sh refuses at once a command whose token is gone, naming the step to replace.
# Parameters: TOKEN_TTL (minutes, default 30m).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
[ -f "$ADMIN_CONF" ] || die "no $ADMIN_CONF: kubeadm init has not completed on this node"
ttl=${TOKEN_TTL:-30m}
[[ "$ttl" =~ ^([1-9][0-9]*)m$ ]] || die "TOKEN_TTL must be a number of minutes such as 30m, not $ttl"
minutes=${ttl%m}
minted=$(date +%s)
valid_until=$((minted + minutes * 60))
# kubeadm talks to the API server with no deadline of its own: bounded here.
out=$(timeout "${TOKEN_CREATE_TIMEOUT:-60}" kubeadm token create --kubeconfig "$ADMIN_CONF" --ttl "$ttl" --description "istio-lab join" --print-join-command 2>/dev/null) ||
  die "kubeadm token create failed or took over ${TOKEN_CREATE_TIMEOUT:-60}s; is the API server up?"
case "$out" in
  "kubeadm join "*) printf '%s\n# valid until %s\n' "$out" "$valid_until" ;;
  *) die "kubeadm token create --print-join-command printed something other than a join command" ;;
esac
