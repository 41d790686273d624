#!/usr/bin/env bash
# Prints the admin kubeconfig (a secret) so the program can hand it to the Kubernetes provider.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
[ -s "$ADMIN_CONF" ] || die "no $ADMIN_CONF: kubeadm init has not completed on this node"
cat "$ADMIN_CONF"
