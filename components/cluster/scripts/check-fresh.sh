#!/usr/bin/env bash
# The check `npm run prepare-template` makes before any step renames or rewrites the machine:
# refuses one that runs in a Kubernetes cluster or that istio-lab made into a node (a lab node's
# address given by mistake). A template must come from a VM that never joined a cluster.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
if was_in_cluster; then die "this machine runs in a Kubernetes cluster or istio-lab made it a node; prepare a template from a fresh VM"; fi
log "a fresh machine: no kubelet.conf and no istio-lab marker"
