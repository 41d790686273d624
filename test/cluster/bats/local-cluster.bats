#!/usr/bin/env bats
# local-cluster.sh: the kind or k3d cluster of sources kind and k3d, made once, kept, deleted once.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  export FAKE_STATE="$BATS_TEST_TMPDIR/state" CALLS="$BATS_TEST_TMPDIR/calls.log"
  mkdir -p "$FAKE_STATE"
  : >"$CALLS"
  stub_commands kind k3d timeout
}

# local_cluster TOOL ACTION [VAR=value...]: the script as the program runs it, stdout and stderr apart.
local_cluster() {
  local tool=$1 action=$2
  shift 2
  run --separate-stderr env TOOL="$tool" CLUSTER_NAME=istio-lab-local WORKERS=2 HOST_PORT=8000 NODE_PORT=31380 NODE_IMAGE=kindest/node:v1.36.1 "$@" \
    bash "$SCRIPTS/local-cluster.sh" "$action"
}

@test "kind: creates a control plane that publishes the gateway's node port on 127.0.0.1 only, and two workers" {
  local_cluster kind create
  [ "$status" -eq 0 ]
  assert_call '^timeout 600 kind create cluster --name istio-lab-local --config .* --wait 5m --image kindest/node:v1.36.1$'
  grep -A4 'role: control-plane' "$FAKE_STATE/kind-config" | grep -q 'containerPort: 31380'
  grep -q 'hostPort: 8000' "$FAKE_STATE/kind-config"
  grep -q 'listenAddress: "127.0.0.1"' "$FAKE_STATE/kind-config"
  [ "$(grep -c 'role: worker' "$FAKE_STATE/kind-config")" -eq 2 ]
}

@test "kind: prints the kubeconfig and nothing else on stdout" {
  local_cluster kind create
  [ "$status" -eq 0 ]
  [ "$output" = "apiVersion: v1 # kubeconfig of kind cluster istio-lab-local" ]
  [[ "$stderr" == *"creating kind cluster istio-lab-local"* ]]
}

@test "kind: a cluster of that name is kept, and its kubeconfig read again" {
  echo istio-lab-local >"$FAKE_STATE/kind-clusters"
  local_cluster kind create
  [ "$status" -eq 0 ]
  refute_call '^(timeout [0-9]+ )?kind create'
  [ "$output" = "apiVersion: v1 # kubeconfig of kind cluster istio-lab-local" ]
  [[ "$stderr" == *"exists: kept as it is"* ]]
}

@test "kind: a failed create stops with what to do, and prints no kubeconfig" {
  echo 1 >"$FAKE_STATE/fail-kind-create"
  local_cluster kind create
  [ "$status" -ne 0 ]
  [ "$output" = "" ]
  [[ "$stderr" == *"kind create cluster istio-lab-local failed; see above (\`kind delete cluster --name istio-lab-local\` clears a half-made one)"* ]]
}

@test "kind: a create that runs past its bound stops" {
  echo 1 >"$FAKE_STATE/fail-timeout-kind"
  local_cluster kind create CREATE_TIMEOUT=7
  [ "$status" -ne 0 ]
  assert_call '^timeout 7 kind create cluster'
}

@test "kind: deletes the cluster when it exists, and nothing when it is gone" {
  echo istio-lab-local >"$FAKE_STATE/kind-clusters"
  local_cluster kind delete
  [ "$status" -eq 0 ]
  assert_call '^kind delete cluster --name istio-lab-local$'
  : >"$CALLS"
  local_cluster kind delete
  [ "$status" -eq 0 ]
  refute_call 'delete cluster'
  [[ "$stderr" == *"already gone"* ]]
}

@test "k3d: agents, the gateway port on 127.0.0.1 through the load balancer, no Traefik, bounded waits" {
  local_cluster k3d create NODE_IMAGE=docker.io/rancher/k3s:v1.35.5-k3s1
  [ "$status" -eq 0 ]
  assert_call '^timeout 600 k3d cluster create istio-lab-local --agents 2 -p 127.0.0.1:8000:31380@loadbalancer --k3s-arg --disable=traefik@server:\* --wait --timeout 300s --image docker.io/rancher/k3s:v1.35.5-k3s1$'
  [ "$output" = "apiVersion: v1 # kubeconfig of k3d cluster istio-lab-local" ]
  : >"$CALLS"
  local_cluster k3d create
  refute_call 'cluster create'
  local_cluster k3d delete
  assert_call '^k3d cluster delete istio-lab-local$'
}

@test "stops before anything when the tool is missing or unknown" {
  unset -f kind # the stub's function; the PATH below drops its link
  run --separate-stderr env PATH=/usr/bin:/bin TOOL=kind CLUSTER_NAME=x bash "$SCRIPTS/local-cluster.sh" create
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"kind is not on PATH: install it"* ]]
  local_cluster minikube create
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"TOOL must be kind or k3d, not minikube"* ]]
  [ ! -s "$CALLS" ]
}
