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
changed=0
if write_file "$file" 0644 < <(printf '%s\n' "$manifest"); then changed=1; fi
if [ "$changed" = 0 ] && kube -n kube-flannel get daemonset kube-flannel-ds >/dev/null 2>&1; then
  log "Flannel manifest unchanged and applied; nothing to do"
  exit 0
fi
retry 5 kube apply -f "$file"
log "Flannel applied"
