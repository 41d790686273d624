#!/usr/bin/env bash
# Applies the Flannel manifest on stdin with the control plane's admin kubeconfig, when the
# manifest changed or the DaemonSet is missing.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
[ -f "$ADMIN_CONF" ] || die "no $ADMIN_CONF: kubeadm init has not completed on this node"
# An adopted cluster keeps the network plugin it has: Flannel over another CNI breaks both.
if [ ! -f "$BUILT_MARKER" ] && compgen -G "$ROOT/etc/cni/net.d/*" >/dev/null; then
  log "this cluster was not built by istio-lab and has a network plugin ($(basename "$(compgen -G "$ROOT/etc/cni/net.d/*" | head -1)")); leaving it as it is"
  exit 0
fi
manifest=$(cat)
grep -q '^kind: DaemonSet$' <<<"$manifest" || die "stdin does not hold the Flannel manifest"

file="$LAB_DIR/kube-flannel.yml"
# A new manifest is applied through write_then, whose marker carries the apply over a run cut off
# after the write; an unchanged one is applied again only when its DaemonSet is gone.
applied=0
apply_flannel() { retry 5 kube apply -f "$file" && applied=1; }
write_then "$file" 0644 apply_flannel < <(printf '%s\n' "$manifest")
if [ "$applied" = 0 ]; then
  if kube -n kube-flannel get daemonset kube-flannel-ds >/dev/null 2>&1; then
    log "Flannel manifest unchanged and applied; nothing to do"
    exit 0
  fi
  apply_flannel
fi
log "Flannel applied"
