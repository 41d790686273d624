#!/usr/bin/env bash
# Pulls the lab's images into containerd while the control plane forms, so that istiod, the
# gateway, the addons and the samples start from local images instead of waiting on the network
# one pod at a time. Best effort: an image that cannot be pulled now is pulled by the kubelet when
# a pod needs it, so a failed pull only warns. An image already present is not pulled again.
# Parameters: IMAGES (space-separated references), PULL_TIMEOUT (seconds per image, default 300),
# REQUIRE_ALL (1: an image left unpulled fails the step, as a template must hold them all).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need IMAGES
require_root
# crictl comes with kubeadm (cri-tools) and reads the containerd endpoint from /etc/crictl.yaml,
# which install-kubernetes.sh writes.
command -v crictl >/dev/null || die "crictl is missing: install-kubernetes.sh installs it with kubeadm"
left=0
for image in $IMAGES; do
  if crictl inspecti "$image" >/dev/null 2>&1; then continue; fi
  if timeout "${PULL_TIMEOUT:-300}" crictl pull "$image" >/dev/null; then
    log "pulled $image"
  else
    if [ "${REQUIRE_ALL:-0}" = 1 ]; then
      log "could not pull $image (or not within ${PULL_TIMEOUT:-300}s)"
    else
      log "could not pull $image now (or not within ${PULL_TIMEOUT:-300}s); the kubelet pulls it when a pod needs it"
    fi
    left=$((left + 1))
  fi
done
if [ "$left" -gt 0 ] && [ "${REQUIRE_ALL:-0}" = 1 ]; then die "$left of the images could not be pulled"; fi
log "images ready; $left left to the kubelet"
