#!/usr/bin/env bash
# First contact with a node: checks root access and waits until boot (and cloud-init, where the
# image has it) has finished, so later steps do not race package managers or customization.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root

# `cloud-init status --wait` has no deadline of its own: a stuck module would hold `pulumi up`
# forever, since the provider bounds only the SSH dial. CLOUD_INIT_TIMEOUT bounds it.
if command -v cloud-init >/dev/null 2>&1; then
  status=0
  timeout "${CLOUD_INIT_TIMEOUT:-900}" cloud-init status --wait >/dev/null 2>&1 || status=$?
  if [ "$status" -eq 124 ]; then
    die "cloud-init did not finish within ${CLOUD_INIT_TIMEOUT:-900}s; see 'cloud-init status --long' on this node"
  elif [ "$status" -ne 0 ]; then
    log "cloud-init reported a problem; continuing (see cloud-init status --long)"
  fi
fi

attempts=${BOOT_WAIT_ATTEMPTS:-60}
n=1
while :; do
  state=$(systemctl is-system-running 2>/dev/null || true)
  case "$state" in
    running | degraded) break ;;
  esac
  if [ "$n" -ge "$attempts" ]; then die "the node did not finish booting (systemctl is-system-running: ${state:-no answer})"; fi
  sleep 5
  n=$((n + 1))
done
log "node reachable and booted ($state)"
