#!/usr/bin/env bats
# local-cluster.sh: the kind or k3d cluster of sources kind and k3d: made once, and only its own
# deleted; never the user's kubeconfig; every call bounded; a listing that fails is an error.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  export FAKE_STATE="$BATS_TEST_TMPDIR/state" CALLS="$BATS_TEST_TMPDIR/calls.log"
  # The ownership markers, and the user's kubeconfig (~/.kube/config), in this test's folder.
  export XDG_STATE_HOME="$BATS_TEST_TMPDIR/xdg-state" HOME="$BATS_TEST_TMPDIR/home"
  mkdir -p "$FAKE_STATE" "$HOME"
  : >"$CALLS"
  stub_commands kind k3d timeout docker
  timeout() ( answering_timeout "$@" )
  export -f timeout answering_timeout
}

# local_cluster TOOL ACTION [VAR=value...]: the script as the program runs it, stdout and stderr apart.
local_cluster() {
  local tool=$1 action=$2
  shift 2
  run --separate-stderr env TOOL="$tool" CLUSTER_NAME=istio-lab-local OWNER=istio-lab/local ADOPT=0 WORKERS=2 HOST_PORT=8000 NODE_PORT=31380 \
    NODE_IMAGE=kindest/node:v1.36.1 "$@" bash "$SCRIPTS/local-cluster.sh" "$action"
}

kubeconfig_of() { echo "apiVersion: v1 # kubeconfig of $1 cluster istio-lab-local"; }
marker() { cat "$XDG_STATE_HOME/istio-lab/local-clusters/$1-istio-lab-local"; }
# A cluster of that name that some other hand made.
made_elsewhere() { echo istio-lab-local >>"$FAKE_STATE/$1-clusters"; }

# bound_answers STATUS WORDS...: the bounded call (`timeout N WORDS...`) whose words start with
# WORDS ends with STATUS without running (124: its bound ran out; 1: the engine is down), once
# per line in $FAKE_STATE/answers.
bound_answers() {
  local status=$1
  shift
  printf '%s|%s\n' "$*" "$status" >>"$FAKE_STATE/answers"
}
answering_timeout() {
  local seconds=$1 line
  shift
  if [ -f "$FAKE_STATE/answers" ]; then
    while IFS= read -r line; do
      case "$* " in
        "${line%|*} "*)
          printf 'timeout %s %s\n' "$seconds" "$*" >>"$CALLS"
          awk -v answer="$line" '!done && $0 == answer { done = 1; next } 1' "$FAKE_STATE/answers" >"$FAKE_STATE/answers.new"
          mv "$FAKE_STATE/answers.new" "$FAKE_STATE/answers"
          [ "${line#*|}" = 124 ] || echo "FATA[0000] Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2
          exit "${line#*|}"
          ;;
      esac
    done <"$FAKE_STATE/answers"
  fi
  fake timeout "$seconds" "$@"
}

# without_timeout: no coreutils timeout (macOS): neither the stub's function nor any timeout on
# $no_timeout_path, a PATH that holds only what the script and the stub call.
without_timeout() {
  local bin="$BATS_TEST_TMPDIR/bin-without-timeout" tool
  mkdir -p "$bin"
  for tool in bash dirname mktemp rm mkdir mv cat cp sed grep sleep; do ln -sf "$(type -P "$tool")" "$bin/$tool"; done
  unset -f timeout
  no_timeout_path="PATH=$bin"
}

# refute_leftover COMMAND: no process runs COMMAND (after a second's grace).
refute_leftover() {
  local i
  for i in 1 2 3 4 5; do
    ps -eo args | grep -qxF -- "$1" || return 0
    sleep 0.2
  done
  echo "still running: $1" >&2
  return 1
}

@test "kind: creates a control plane that publishes the gateway's node port on 127.0.0.1 only, and two workers" {
  local_cluster kind create
  [ "$status" -eq 0 ]
  assert_call '^timeout 600 kind create cluster --name istio-lab-local --config [^ ]*/kind-config.yaml --kubeconfig [^ ]*/kubeconfig --wait 5m --image kindest/node:v1.36.1$'
  grep -A4 'role: control-plane' "$FAKE_STATE/kind-config" | grep -q 'containerPort: 31380'
  grep -q 'hostPort: 8000' "$FAKE_STATE/kind-config"
  grep -q 'listenAddress: "127.0.0.1"' "$FAKE_STATE/kind-config"
  [ "$(grep -c 'role: worker' "$FAKE_STATE/kind-config")" -eq 2 ]
  [ "$(marker kind)" = "created istio-lab/local" ]
}

@test "kind: prints the kubeconfig and nothing else on stdout" {
  local_cluster kind create
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  [[ "$stderr" == *"creating kind cluster istio-lab-local"* ]]
}

@test "kind: its own cluster is kept on the next create, which only reads the kubeconfig again" {
  local_cluster kind create
  : >"$CALLS"
  local_cluster kind create
  [ "$status" -eq 0 ]
  refute_call 'kind (create|delete)'
  [ "$output" = "$(kubeconfig_of kind)" ]
  [[ "$stderr" == *"exists, made by this stack: kept as it is"* ]]
}

@test "kind: a cluster of that name this stack did not make is refused, and the way out named" {
  made_elsewhere kind
  local_cluster kind create
  [ "$status" -ne 0 ]
  [ "$output" = "" ]
  refute_call 'kind (create|delete)'
  [[ "$stderr" == *"kind cluster istio-lab-local exists already, and this stack did not make it."* ]]
  [[ "$stderr" == *"set istio-lab:cluster.adopt to true"* ]]
  [[ "$stderr" == *"set another istio-lab:cluster.name"* ]]
  [[ "$stderr" == *'delete that cluster yourself (`kind delete cluster --name istio-lab-local`)'* ]]
}

@test "kind: another stack's cluster of that name is refused too, and that stack named" {
  local_cluster kind create OWNER=istio-lab/other
  [ "$status" -eq 0 ]
  : >"$CALLS"
  local_cluster kind create
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"this stack did not make it (stack istio-lab/other did)"* ]]
  refute_call 'kind (create|delete)'
}

@test "kind: with ADOPT=1 a cluster it did not make is used as it is, and never deleted" {
  made_elsewhere kind
  local_cluster kind create ADOPT=1
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  refute_call 'kind create'
  [[ "$stderr" == *"used as it is (istio-lab:cluster.adopt); this stack will never delete it"* ]]
  local_cluster kind update ADOPT=1
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  local_cluster kind delete ADOPT=1
  [ "$status" -eq 0 ]
  refute_call 'kind delete'
  grep -qx istio-lab-local "$FAKE_STATE/kind-clusters"
  [[ "$stderr" == *'istio-lab:cluster.adopt is set: kind cluster istio-lab-local is left as it is'*'`kind delete cluster --name istio-lab-local`'* ]]
  # An adopted cluster is never recorded as this stack's.
  [ ! -e "$XDG_STATE_HOME/istio-lab/local-clusters/kind-istio-lab-local" ]
}

@test "kind: unsetting ADOPT never takes over another stack's cluster" {
  local_cluster kind create OWNER=istio-lab/other
  [ "$status" -eq 0 ]
  local_cluster kind update ADOPT=1
  [ "$status" -eq 0 ]
  local_cluster kind update ADOPT=0
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"is stack istio-lab/other's, which made it"*"set istio-lab:cluster.adopt back to true"* ]]
  [ "$(marker kind)" = "created istio-lab/other" ]
}

@test "kind: with ADOPT=1 and no cluster, it makes one, which it then leaves on delete" {
  local_cluster kind create ADOPT=1
  [ "$status" -eq 0 ]
  assert_call '^kind create cluster'
  [[ "$stderr" == *"istio-lab:cluster.adopt is set: this stack will not delete kind cluster istio-lab-local"* ]]
  local_cluster kind delete ADOPT=1
  [ "$status" -eq 0 ]
  refute_call 'kind delete'
}

@test "kind: update reads the kubeconfig of the cluster that is there, and makes none" {
  local_cluster kind create
  : >"$CALLS"
  local_cluster kind update
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  refute_call 'kind (create|delete)'
  # A stack's own cluster, also one made before the markers were (its first update records it).
  rm -r "$XDG_STATE_HOME"
  local_cluster kind update
  [ "$status" -eq 0 ]
  [ "$(marker kind)" = "created istio-lab/local" ]
}

@test "kind: update of a cluster deleted behind Pulumi's back fails, and says how to make it again" {
  local_cluster kind update
  [ "$status" -ne 0 ]
  [ "$output" = "" ]
  refute_call 'kind create'
  [[ "$stderr" == *"kind cluster istio-lab-local is gone: it was deleted outside Pulumi"* ]]
  [[ "$stderr" == *'See docs/recovery.md: `pulumi up --replace`'* ]]
}

@test "kind: a failed create stops with what to do, prints no kubeconfig, and records no cluster" {
  echo 1 >"$FAKE_STATE/fail-kind-create"
  local_cluster kind create
  [ "$status" -ne 0 ]
  [ "$output" = "" ]
  [[ "$stderr" == *"kind could not create cluster istio-lab-local (exit 1); see above"* ]]
  [ ! -e "$XDG_STATE_HOME/istio-lab/local-clusters/kind-istio-lab-local" ]
}

@test "kind: a create that runs past its bound stops, and deletes what it left" {
  # The bound runs out once kind made the nodes, before it finished.
  timeout() (
    if [ "$2 $3 $4" = "kind create cluster" ]; then fake timeout "$@" && exit 124; fi
    fake timeout "$@"
  )
  export -f timeout
  local_cluster kind create CREATE_TIMEOUT=7
  [ "$status" -ne 0 ]
  [ "$output" = "" ]
  assert_call '^timeout 7 kind create cluster'
  assert_call '^timeout 300 kind delete cluster --name istio-lab-local'
  [ ! -s "$FAKE_STATE/kind-clusters" ]
  [[ "$stderr" == *"kind did not create cluster istio-lab-local within 7 s (CREATE_TIMEOUT)"* ]]
  [ ! -e "$XDG_STATE_HOME/istio-lab/local-clusters/kind-istio-lab-local" ]
}

@test "kind: deletes its cluster, and nothing when it is gone" {
  local_cluster kind create
  local_cluster kind delete
  [ "$status" -eq 0 ]
  assert_call '^timeout 300 kind delete cluster --name istio-lab-local --kubeconfig [^ ]*/kubeconfig$'
  [ ! -s "$FAKE_STATE/kind-clusters" ]
  [ ! -e "$XDG_STATE_HOME/istio-lab/local-clusters/kind-istio-lab-local" ]
  : >"$CALLS"
  local_cluster kind delete
  [ "$status" -eq 0 ]
  refute_call 'delete cluster'
  [[ "$stderr" == *"already gone"* ]]
}

@test "a listing that fails (the engine stopped) is an error on create, update and delete, never \"gone\"" {
  local tool action listing
  for tool in kind k3d; do
    listing="kind get clusters"
    [ "$tool" = kind ] || listing="k3d cluster list --no-headers"
    made_elsewhere "$tool"
    for action in create update; do
      : >"$CALLS"
      bound_answers 1 $listing
      local_cluster "$tool" "$action" ADOPT=1
      [ "$status" -eq 1 ]
      [ "$output" = "" ]
      refute_call "^$tool (create|delete)|cluster (create|delete)"
      [[ "$stderr" == *"\`$listing\` failed (exit 1): "*" may be stopped. Whether $tool cluster istio-lab-local exists cannot be told, so nothing was changed"* ]]
    done
    # A cluster this stack deletes: a delete that cannot list fails, so Pulumi keeps it.
    : >"$CALLS"
    bound_answers 1 $listing
    local_cluster "$tool" delete
    [ "$status" -eq 1 ]
    refute_call "delete"
    [[ "$stderr" != *"already gone"* ]]
    [[ "$stderr" == *"\`$listing\` failed (exit 1): "*" may be stopped."* ]]
    grep -qx istio-lab-local "$FAKE_STATE/$tool-clusters"
  done
  [[ "$stderr" == *"Docker may be stopped"* ]]
  bound_answers 1 kind get clusters
  local_cluster kind delete
  [[ "$stderr" == *"the container engine (Docker, Podman or nerdctl) may be stopped"* ]]
}

@test "a listing that hangs is stopped at its bound, and is an error" {
  bound_answers 124 kind get clusters
  local_cluster kind delete LIST_TIMEOUT=60
  [ "$status" -eq 1 ]
  assert_call '^timeout 60 kind get clusters$'
  refute_call 'kind delete'
  [[ "$stderr" == *'`kind get clusters` did not answer within 60 s: the container engine (Docker, Podman or nerdctl) may be stopped or hung'* ]]
  bound_answers 124 kind get kubeconfig
  local_cluster kind create
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  assert_call '^timeout 60 kind get kubeconfig --name istio-lab-local$'
  [[ "$stderr" == *'`kind get kubeconfig --name istio-lab-local` did not finish within 60 s'* ]]
}

@test "every call of kind and k3d is bounded" {
  local tool
  for tool in kind k3d; do
    local_cluster "$tool" create
    local_cluster "$tool" update
    local_cluster "$tool" delete
  done
  # Each call the stub logs follows the timeout that ran it.
  run awk '/^(kind|k3d) / { p = prev; if (!sub(/^timeout [0-9]+ /, "", p) || p != $0) print "unbounded: " $0 } { prev = $0 }' "$CALLS"
  [ "$output" = "" ]
  grep -q '^timeout 60 k3d cluster list --no-headers$' "$CALLS"
  grep -q '^timeout 60 k3d kubeconfig get istio-lab-local$' "$CALLS"
  grep -q '^timeout 300 k3d cluster delete istio-lab-local$' "$CALLS"
}

@test "without coreutils timeout (macOS), the calls run bounded all the same" {
  without_timeout
  local_cluster kind create "$no_timeout_path"
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  refute_call '^timeout'
  assert_call '^kind create cluster --name istio-lab-local'
  local_cluster kind delete "$no_timeout_path"
  [ "$status" -eq 0 ]
  [ ! -s "$FAKE_STATE/kind-clusters" ]
}

@test "without coreutils timeout, a hung listing is stopped at its bound with what it started, and is an error" {
  without_timeout
  # Longer than the test allows itself (30 s), should what it started outlive the script, and
  # of a length that tells it from another run's.
  export hang=$((31 + RANDOM % 29))
  kind() (
    if [ "$1 $2" = "get clusters" ]; then sleep "$hang"; fi
    fake kind "$@"
  )
  export -f kind
  SECONDS=0
  local_cluster kind delete LIST_TIMEOUT=1 "$no_timeout_path"
  [ "$status" -eq 1 ]
  [ "$SECONDS" -lt 30 ]
  [[ "$stderr" == *'`kind get clusters` did not answer within 1 s'* ]]
  refute_leftover "sleep $hang"
}

@test "without coreutils timeout, a create past its bound stops with exit 124's message, and deletes what it left" {
  without_timeout
  export hang=$((31 + RANDOM % 29))
  kind() (
    fake kind "$@"
    if [ "$1 $2" = "create cluster" ]; then sleep "$hang"; fi
  )
  export -f kind
  SECONDS=0
  local_cluster kind create CREATE_TIMEOUT=1 "$no_timeout_path"
  [ "$status" -ne 0 ]
  [ "$SECONDS" -lt 30 ]
  [ "$output" = "" ]
  [[ "$stderr" == *"kind did not create cluster istio-lab-local within 1 s (CREATE_TIMEOUT)"* ]]
  assert_call '^kind delete cluster --name istio-lab-local'
  [ ! -s "$FAKE_STATE/kind-clusters" ]
  refute_leftover "sleep $hang"
}

@test "without coreutils timeout, the watchdog ends with the command, and holds up no \$(...)" {
  without_timeout
  local bound=$((31 + RANDOM % 29))
  SECONDS=0
  local_cluster kind create LIST_TIMEOUT="$bound" READ_TIMEOUT="$bound" CREATE_TIMEOUT="$bound" "$no_timeout_path"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -lt 30 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  refute_leftover "sleep $bound"
}

@test "never writes the user's kubeconfig or current context, as kind and k3d would without their flags" {
  # What the tools do to a kubeconfig (kind v0.32.0, k3d v5.9.0; see local-cluster.sh): kind
  # writes --kubeconfig, else $KUBECONFIG, else ~/.kube/config, on create and delete; k3d's create
  # merges into the default one and switches its context unless both flags say false, and its
  # delete always rewrites the default one.
  writes_kubeconfig() {
    local target=${KUBECONFIG:-$HOME/.kube/config} words=" $* "
    case "$1 $2 $3" in
      "kind create cluster" | "kind delete cluster")
        while [ $# -gt 0 ]; do
          if [ "$1" = --kubeconfig ]; then target=$2; fi
          shift
        done
        ;;
      "k3d cluster create")
        [[ "$words" != *" --kubeconfig-update-default=false "* ]] || return 0
        [[ "$words" == *" --kubeconfig-switch-context=false "* ]] || echo "current-context: k3d-istio-lab-local" >>"$target"
        ;;
      "k3d cluster delete") ;;
      *) return 0 ;;
    esac
    echo "# written by: $*" >>"$target"
  }
  timeout() ( writes_kubeconfig "${@:2}" && fake timeout "$@" )
  export -f writes_kubeconfig timeout
  local tool user
  for user in "$HOME/.kube/config" "$BATS_TEST_TMPDIR/my-kubeconfig"; do
    mkdir -p "${user%/*}"
    printf 'apiVersion: v1\ncurrent-context: mine\n' >"$user"
    for tool in kind k3d; do
      if [ "$user" = "$HOME/.kube/config" ]; then
        local_cluster "$tool" create
        [ "$status" -eq 0 ]
        local_cluster "$tool" delete
      else
        local_cluster "$tool" create KUBECONFIG="$user"
        [ "$status" -eq 0 ]
        local_cluster "$tool" delete KUBECONFIG="$user"
      fi
      [ "$status" -eq 0 ]
      [ "$(cat "$user")" = "$(printf 'apiVersion: v1\ncurrent-context: mine\n')" ]
    done
  done
  # The scratch kubeconfig kind was given is gone with the run.
  run grep -o -- '--kubeconfig [^ ]*' "$CALLS"
  [ "${#lines[@]}" -eq 8 ]
  for line in "${lines[@]}"; do [ ! -e "${line#--kubeconfig }" ]; done
}

@test "k3d: agents, the gateway port on 127.0.0.1 through the load balancer, no Traefik, bounded waits, the kubeconfig left alone" {
  local_cluster k3d create NODE_IMAGE=docker.io/rancher/k3s:v1.35.5-k3s1
  [ "$status" -eq 0 ]
  assert_call '^timeout 60 k3d cluster list --no-headers$'
  assert_call '^timeout 600 k3d cluster create istio-lab-local --agents 2 -p 127.0.0.1:8000:31380@loadbalancer --k3s-arg --disable=traefik@server:\* --wait --timeout 300s --kubeconfig-update-default=false --kubeconfig-switch-context=false --image docker.io/rancher/k3s:v1.35.5-k3s1$'
  [ "$output" = "$(kubeconfig_of k3d)" ]
  [ "$(marker k3d)" = "created istio-lab/local" ]
  : >"$CALLS"
  local_cluster k3d create
  [ "$status" -eq 0 ]
  refute_call 'cluster create'
  local_cluster k3d delete
  [ "$status" -eq 0 ]
  assert_call '^timeout 300 k3d cluster delete istio-lab-local$'
  [ ! -s "$FAKE_STATE/k3d-clusters" ]
}

@test "k3d: a cluster whose name only begins like this one's is another cluster" {
  echo istio-lab-local-2 >"$FAKE_STATE/k3d-clusters"
  local_cluster k3d create
  [ "$status" -eq 0 ]
  assert_call '^k3d cluster create istio-lab-local '
  echo other >"$FAKE_STATE/k3d-clusters"
  made_elsewhere k3d
  local_cluster k3d create OWNER=istio-lab/other
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'delete that cluster yourself (`k3d cluster delete istio-lab-local`)'* ]]
}

@test "interrupted after the cluster was made, before its kubeconfig was printed: create or update again takes it up" {
  # Pulumi's cancel kills the script (SIGKILL) where it stands: here, reading the kubeconfig.
  timeout() (
    if [ "$2 $3 $4" = "kind get kubeconfig" ] && fails_now interrupt; then kill -KILL $$; exit 137; fi
    fake timeout "$@"
  )
  export -f timeout
  echo 1 >"$FAKE_STATE/fail-interrupt"
  local_cluster kind create
  [ "$status" -eq 137 ]
  [ "$output" = "" ]
  grep -qx istio-lab-local "$FAKE_STATE/kind-clusters"
  : >"$CALLS"
  local_cluster kind create
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  refute_call 'kind (create|delete)'
  local_cluster kind update
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
}

@test "interrupted while kind was creating: the next create deletes the half-made cluster and makes it again" {
  timeout() (
    if [ "$2 $3 $4" = "kind create cluster" ] && fails_now interrupt; then fake timeout "$@"; kill -KILL $$; exit 137; fi
    fake timeout "$@"
  )
  export -f timeout
  echo 1 >"$FAKE_STATE/fail-interrupt"
  local_cluster kind create
  [ "$status" -eq 137 ]
  [ "$(marker kind)" = "creating istio-lab/local" ]
  : >"$CALLS"
  local_cluster kind create
  [ "$status" -eq 0 ]
  [ "$output" = "$(kubeconfig_of kind)" ]
  [[ "$stderr" == *"is this stack's, but its create did not finish: deleting it, to make it again"* ]]
  [ "$(grep -E '^kind (create|delete) cluster' "$CALLS" | cut -d' ' -f1-2)" = "$(printf 'kind delete\nkind create')" ]
  [ "$(marker kind)" = "created istio-lab/local" ]
  [ "$(cat "$FAKE_STATE/kind-clusters")" = istio-lab-local ]
}

@test "stops before anything when the tool is missing or unknown, or ADOPT is not 0 or 1" {
  unset -f kind # the stub's function; the PATH below drops its link
  run --separate-stderr env PATH=/usr/bin:/bin TOOL=kind CLUSTER_NAME=x bash "$SCRIPTS/local-cluster.sh" create
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"kind is not on PATH: install it"* ]]
  local_cluster minikube create
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"TOOL must be kind or k3d, not minikube"* ]]
  local_cluster k3d create ADOPT=yes
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"ADOPT must be 0 or 1, not yes"* ]]
  [ ! -s "$CALLS" ]
}

images=(IMAGES="docker.io/istio/pilot:1.31.1 docker.io/istio/proxyv2:1.31.1 docker.io/istio/examples-bookinfo-reviews-v1:1.20.3")

@test "images: pulled once on this machine, for the engine's platform and each within its bound; one there already is not pulled again" {
  echo docker.io/istio/pilot:1.31.1 >"$FAKE_STATE/docker-images"
  local_cluster kind pull "${images[@]}" FAKE_PLATFORM=linux/arm64
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  refute_call '^(timeout [0-9]+ )?docker pull .*pilot'
  assert_call '^timeout 300 docker pull --platform linux/arm64 docker.io/istio/proxyv2:1.31.1$'
  assert_call '^timeout 300 docker pull --platform linux/arm64 docker.io/istio/examples-bookinfo-reviews-v1:1.20.3$'
  # It needs no cluster: nothing asked of kind.
  refute_call '^(timeout [0-9]+ )?kind '
  [[ "$stderr" == *"the lab's images are on this machine; 0 left to the kubelet"* ]]
}

@test "images: a pull that fails or runs out only warns: the kubelet pulls that image when a pod needs it" {
  echo 1 >"$FAKE_STATE/fail-docker-pull"
  local_cluster kind pull "${images[@]}"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"could not pull docker.io/istio/pilot:1.31.1 now (or not within 300 s); the kubelet pulls it when a pod needs it"* ]]
  [[ "$stderr" == *"1 left to the kubelet"* ]]
  [ "$(wc -l <"$FAKE_STATE/docker-images")" -eq 2 ]
}

@test "images: loaded into every kind node as one platform's archive (kind#3795), nothing on stdout; an image not on this machine is left to the kubelet" {
  printf '%s\n' docker.io/istio/pilot:1.31.1 docker.io/istio/proxyv2:1.31.1 >"$FAKE_STATE/docker-images"
  local_cluster kind load "${images[@]}"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  assert_call '^timeout 300 docker image save --platform linux/amd64 -o \S+/image.tar docker.io/istio/pilot:1.31.1$'
  assert_call '^timeout 300 kind load image-archive \S+/image.tar --name istio-lab-local$'
  [ "$(cat "$FAKE_STATE/node-images")" = "$(printf '%s\n' docker.io/istio/pilot:1.31.1 docker.io/istio/proxyv2:1.31.1)" ]
  [[ "$stderr" == *"the lab's images are in kind cluster istio-lab-local; 1 left to the kubelet"* ]]
  # The archive is the run's scratch, removed.
  archive=$(sed -n 's/^timeout 300 kind load image-archive \(\S*\) .*/\1/p' "$CALLS" | head -n 1)
  [ ! -e "$archive" ]
}

@test "images: a docker before 28 (no save --platform) saves the image as it is; a load that fails only warns" {
  echo docker.io/istio/pilot:1.31.1 >"$FAKE_STATE/docker-images"
  echo 1 >"$FAKE_STATE/fail-kind-load"
  local_cluster kind load IMAGES=docker.io/istio/pilot:1.31.1 FAKE_OLD_DOCKER=1
  [ "$status" -eq 0 ]
  assert_call '^timeout 300 docker image save -o \S+/image.tar docker.io/istio/pilot:1.31.1$'
  [[ "$stderr" == *"could not load docker.io/istio/pilot:1.31.1 into kind cluster istio-lab-local (or not within 300 s); the kubelet pulls it when a pod needs it"* ]]
  [ ! -e "$FAKE_STATE/node-images" ]
}

@test "images: k3d imports each image into its cluster" {
  echo docker.io/istio/pilot:1.31.1 >"$FAKE_STATE/docker-images"
  local_cluster k3d load IMAGES=docker.io/istio/pilot:1.31.1
  [ "$status" -eq 0 ]
  assert_call '^timeout 300 k3d image import docker.io/istio/pilot:1.31.1 --cluster istio-lab-local$'
  [ "$(cat "$FAKE_STATE/node-images")" = docker.io/istio/pilot:1.31.1 ]
}

@test "images: without docker on PATH (kind on Podman) nothing is pulled or loaded, and the step says so" {
  unset -f docker
  local bin="$BATS_TEST_TMPDIR/no-docker"
  mkdir -p "$bin"
  for tool in bash dirname mktemp rm mkdir mv cat cp sed grep; do ln -sf "$(type -P "$tool")" "$bin/$tool"; done
  ln -sf "$BATS_TEST_DIRNAME/stubs/fake" "$bin/kind"
  for action in pull load; do
    run --separate-stderr env PATH="$bin" TOOL=kind CLUSTER_NAME=istio-lab-local "${images[@]}" bash "$SCRIPTS/local-cluster.sh" "$action"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"docker is not on PATH: the nodes pull the lab's images when their pods need them"* ]]
  done
  refute_call '^docker'
}
