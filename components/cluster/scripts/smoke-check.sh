#!/usr/bin/env bash
# After the joins: a worker istio-lab joined that left the config drained and deleted, the joins'
# tokens deleted, then every node Ready with its lab InternalIP, Flannel and CoreDNS rolled out.
# Parameters: EXPECTED_NODES ("name=ip name=ip ..."), SMOKE_TIMEOUT (seconds, default 600).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need EXPECTED_NODES
require_root
[ -f "$ADMIN_CONF" ] || die "no $ADMIN_CONF: kubeadm init has not completed on this node"
timeout=${SMOKE_TIMEOUT:-600}
# A wait carries its own --timeout; `timeout` also bounds a request that hangs before it watches.
await_k() { timeout "$((timeout + 60))" kubectl --kubeconfig "$ADMIN_CONF" "$@" --timeout="${timeout}s" >/dev/null 2>&1; }

read -ra expected <<<"$EXPECTED_NODES"

# A worker removed from istio-lab:cluster.nodes would hold every rollout below on a node that is
# gone, and Pulumi deletes removed resources only after this check. So the check removes it first:
# only a Node istio-lab joined (its label), never one of a cluster it adopted.
wanted=" ${expected[*]%%=*} "
joined=$(kube get nodes -l "$JOINED_LABEL" -o jsonpath='{.items[*].metadata.name}') || die "cannot list the cluster's nodes"
for node in $joined; do
  [[ "$wanted" == *" $node "* ]] && continue
  log "$node left istio-lab:cluster.nodes: draining and deleting it"
  timeout "$((timeout + 60))" kubectl --kubeconfig "$ADMIN_CONF" drain "$node" --ignore-daemonsets --delete-emptydir-data --force --timeout="${timeout}s" >/dev/null 2>&1 ||
    log "$node did not drain within ${timeout}s; deleting it anyway"
  kube delete node "$node" >/dev/null || die "could not delete node $node"
done

# Every join this check follows is done: the tokens minted for them (join-command.sh, described
# "istio-lab join") are deleted rather than left to run out their 30 minutes. A bootstrap token is a
# Secret of type bootstrap.kubernetes.io/token in kube-system whose data holds its description
# (k8s.io/cluster-bootstrap token/api types.go); other tokens are left alone.
tokens=$(kube -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o jsonpath='{range .items[*]}{.metadata.name}={.data.description}{" "}{end}') ||
  die "cannot list the cluster's bootstrap tokens"
for entry in $tokens; do
  description=$(base64 -d <<<"${entry#*=}" 2>/dev/null) || continue
  [ "$description" = "istio-lab join" ] || continue
  kube -n kube-system delete secret "${entry%%=*}" --ignore-not-found >/dev/null || die "could not delete the used join token ${entry%%=*}"
  log "deleted the used join token ${entry%%=*}"
done

problems=()
for entry in "${expected[@]}"; do
  name=${entry%%=*} ip=${entry#*=}
  if ! await_k wait --for=condition=Ready "node/$name"; then
    problems+=("node $name is not Ready after ${timeout}s")
    continue
  fi
  actual=$(kube get node "$name" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
  if [ "$actual" != "$ip" ]; then
    problems+=("node $name has InternalIP ${actual:-none}, expected $ip: the kubelet's node-ip is wrong")
  fi
done
# Flannel is istio-lab's on a cluster it built; an adopted cluster keeps its own network plugin.
if { [ -f "$BUILT_MARKER" ] || kube -n kube-flannel get daemonset kube-flannel-ds >/dev/null 2>&1; } &&
  ! await_k -n kube-flannel rollout status daemonset/kube-flannel-ds; then
  problems+=("Flannel (daemonset kube-flannel/kube-flannel-ds) did not roll out in ${timeout}s")
fi
if ! await_k -n kube-system rollout status deployment/coredns; then
  problems+=("CoreDNS (deployment kube-system/coredns) did not roll out in ${timeout}s")
fi

if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do log "smoke check: $p"; done
  kube get nodes -o wide >&2 || true
  die "the cluster failed its smoke check (${#problems[@]} problem(s) above)"
fi
log "smoke check passed: ${#expected[@]} node(s) Ready on their lab addresses, Flannel and CoreDNS rolled out"
