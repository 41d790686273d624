#!/usr/bin/env bash
# local-cluster.sh ACTION: the lab's kind or k3d cluster on the machine that runs Pulumi.
#   create: makes the cluster unless one of that name exists (kept as it is), then prints its
#           kubeconfig on stdout, the only thing this script prints there;
#   delete: deletes the cluster when it exists.
# TOOL (kind|k3d), CLUSTER_NAME, WORKERS, HOST_PORT (on 127.0.0.1), NODE_PORT (the gateway's),
# NODE_IMAGE (optional), CREATE_TIMEOUT (seconds; default 600).
# Facts from kind v0.32.0 and k3d v5.9.0: `kind get clusters` prints one name per line and exits
# 0 with none; `kind create cluster` fails on a name in use; its --wait only warns when it runs
# out; `k3d cluster list NAME` fails for a missing cluster; both deletes are idempotent.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need TOOL CLUSTER_NAME
action=${1:-}
CREATE_TIMEOUT="${CREATE_TIMEOUT:-600}"

case "$TOOL" in
  kind | k3d) ;;
  *) die "TOOL must be kind or k3d, not $TOOL" ;;
esac
command -v "$TOOL" >/dev/null || die "$TOOL is not on PATH: install it (kind: https://kind.sigs.k8s.io, k3d: https://k3d.io)"

# bounded SECONDS COMMAND...: coreutils' timeout where there is one (macOS has none by default);
# the tools' own --wait/--timeout bound their waits either way.
bounded() {
  local seconds=$1
  shift
  if command -v timeout >/dev/null; then timeout "$seconds" "$@"; else "$@"; fi
}

exists() {
  case "$TOOL" in
    kind) kind get clusters 2>/dev/null | grep -Fqx -- "$CLUSTER_NAME" ;;
    k3d) k3d cluster list "$CLUSTER_NAME" >/dev/null 2>&1 ;;
  esac
}

# The kind config: a control plane that publishes the gateway's node port on 127.0.0.1 only
# (kind v1alpha4 extraPortMappings; listenAddress would default to 0.0.0.0), and WORKERS workers.
kind_config() {
  printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n'
  printf -- '- role: control-plane\n  extraPortMappings:\n'
  printf -- '  - containerPort: %s\n    hostPort: %s\n    listenAddress: "127.0.0.1"\n    protocol: TCP\n' "$NODE_PORT" "$HOST_PORT"
  local i
  for ((i = 0; i < WORKERS; i++)); do printf -- '- role: worker\n'; done
}

create() {
  need WORKERS HOST_PORT NODE_PORT
  if exists; then
    log "$TOOL cluster $CLUSTER_NAME exists: kept as it is"
  else
    log "creating $TOOL cluster $CLUSTER_NAME (a control plane, $WORKERS workers, gateway on 127.0.0.1:$HOST_PORT)"
    local config
    config=$(mktemp) || die "no temporary file for the kind config"
    trap 'rm -f "$config"' RETURN
    case "$TOOL" in
      kind)
        kind_config >"$config" || die "could not write the kind config"
        bounded "$CREATE_TIMEOUT" kind create cluster --name "$CLUSTER_NAME" --config "$config" --wait 5m ${NODE_IMAGE:+--image "$NODE_IMAGE"} >&2 ||
          die "kind create cluster $CLUSTER_NAME failed; see above (\`kind delete cluster --name $CLUSTER_NAME\` clears a half-made one)"
        ;;
      k3d)
        # Traefik is off, as Istio's k3d guide has it: the Istio gateway is the lab's ingress.
        bounded "$CREATE_TIMEOUT" k3d cluster create "$CLUSTER_NAME" --agents "$WORKERS" -p "127.0.0.1:$HOST_PORT:$NODE_PORT@loadbalancer" \
          --k3s-arg "--disable=traefik@server:*" --wait --timeout 300s ${NODE_IMAGE:+--image "$NODE_IMAGE"} >&2 ||
          die "k3d cluster create $CLUSTER_NAME failed; see above (\`k3d cluster delete $CLUSTER_NAME\` clears a half-made one)"
        ;;
    esac
  fi
  case "$TOOL" in
    kind) kind get kubeconfig --name "$CLUSTER_NAME" ;;
    k3d) k3d kubeconfig get "$CLUSTER_NAME" ;;
  esac || die "could not read the kubeconfig of $TOOL cluster $CLUSTER_NAME"
}

delete() {
  if ! exists; then
    log "$TOOL cluster $CLUSTER_NAME is already gone"
    return 0
  fi
  case "$TOOL" in
    kind) bounded 300 kind delete cluster --name "$CLUSTER_NAME" >&2 ;;
    k3d) bounded 300 k3d cluster delete "$CLUSTER_NAME" >&2 ;;
  esac || die "could not delete $TOOL cluster $CLUSTER_NAME"
}

case "$action" in
  create) create ;;
  delete) delete ;;
  *) die "usage: local-cluster.sh create|delete" ;;
esac
