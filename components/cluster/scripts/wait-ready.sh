#!/usr/bin/env bash
# First contact with a node: checks root access and waits until boot (and cloud-init, where the
# image has it) has finished, so later steps do not race package managers or customization.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root

if command -v cloud-init >/dev/null 2>&1; then
  cloud-init status --wait >/dev/null 2>&1 || log "cloud-init reported a problem; continuing (see cloud-init status --long)"
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
