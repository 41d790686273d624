#!/usr/bin/env bash
# local-cluster.sh ACTION: the lab's kind or k3d cluster on the machine that runs Pulumi.
#   create: makes the cluster, then prints its kubeconfig on stdout, the only thing this script
#           prints there. A cluster of that name that this stack did not make is refused, unless
#           ADOPT=1 (istio-lab:cluster.adopt): then it is used as it is.
#   update: what pulumi-command runs on a change of any input but the triggers: the cluster must
#           exist; prints its kubeconfig.
#   delete: deletes the cluster, unless ADOPT=1: then it is left as it is.
#   pull:   pulls the lab's images (IMAGES) on this machine with docker, beside the cluster's
#           create (it needs no cluster), so that they cross the network once, not once per node.
#   load:   loads those images into every node of the cluster (kind: one platform's archive,
#           `kind load image-archive`; k3d: `k3d image import`), beside the Istio install.
#           pull and load are best effort: an image left out is pulled by the kubelet when a pod
#           needs it, so they warn and succeed; they print nothing on stdout.
# TOOL (kind|k3d), CLUSTER_NAME, OWNER (the Pulumi project/stack), ADOPT (0|1), WORKERS, HOST_PORT
# (on 127.0.0.1), NODE_PORT (the gateway's), NODE_IMAGE (optional); bounds in seconds:
# CREATE_TIMEOUT (600), DELETE_TIMEOUT (300), LIST_TIMEOUT (60), READ_TIMEOUT (60, a kubeconfig),
# PULL_TIMEOUT (300, an image's pull), LOAD_TIMEOUT (300, an image's save and load).
#
# Never the user's kubeconfig or current context (kind v0.32.0, k3d v5.9.0):
# - kind create/delete write the kubeconfig named by --kubeconfig, else $KUBECONFIG or
#   ~/.kube/config (pkg/cmd/kind/create/cluster/createcluster.go, pkg/cmd/kind/delete/cluster/
#   deletecluster.go, pkg/cluster/internal/kubeconfig/internal/kubeconfig/paths.go): they get a
#   scratch file, removed on exit. `kind get kubeconfig` only prints (pkg/cmd/kind/get/kubeconfig).
# - k3d cluster create updates the default kubeconfig and switches its context unless
#   --kubeconfig-update-default=false --kubeconfig-switch-context=false (both default true,
#   cmd/cluster/clusterCreate.go). k3d cluster delete has no such flag: it always rewrites the
#   default kubeconfig, the one $KUBECONFIG names (cmd/cluster/clusterDelete.go,
#   pkg/client/kubeconfig.go KubeconfigRemoveClusterFromDefaultConfig): KUBECONFIG is the scratch
#   file for it. `k3d kubeconfig get` writes to stdout only (cmd/kubeconfig/kubeconfigGet.go, "-").
# Listings: `kind get clusters` prints one name per line and exits 0 with none (its "No kind
# clusters found." goes to stderr; pkg/cmd/kind/get/clusters); `k3d cluster list --no-headers`
# prints a line per cluster, its name first, nothing with none (cmd/cluster/clusterList.go). Both
# exit 1 when the container engine does not answer (`docker ps` fails, kind
# pkg/cluster/internal/providers/docker/provider.go ListClusters; k3d ClusterList -> Fatalln),
# while `k3d cluster list NAME` fails for a missing cluster as well: unusable to tell the two apart.
# Both creates fail on a name in use and roll back their own failures; both deletes are
# idempotent; kind's --wait only warns when it runs out.
#
# Ownership: a marker per cluster under $XDG_STATE_HOME/istio-lab/local-clusters (default
# ~/.local/state) says which stack made it, and whether its create finished ("creating" is
# written before the tool runs, "created" after). So a create run again after an interruption
# takes up its own cluster (a half-made one is made again) and still refuses anybody else's.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need TOOL CLUSTER_NAME
action=${1:-}
ADOPT="${ADOPT:-0}"
CREATE_TIMEOUT="${CREATE_TIMEOUT:-600}"
DELETE_TIMEOUT="${DELETE_TIMEOUT:-300}"
LIST_TIMEOUT="${LIST_TIMEOUT:-60}"
READ_TIMEOUT="${READ_TIMEOUT:-60}"
PULL_TIMEOUT="${PULL_TIMEOUT:-300}"
LOAD_TIMEOUT="${LOAD_TIMEOUT:-300}"

case "$TOOL" in
  kind)
    engine="the container engine (Docker, Podman or nerdctl)"
    delete_it="kind delete cluster --name $CLUSTER_NAME"
    ;;
  k3d)
    engine="Docker"
    delete_it="k3d cluster delete $CLUSTER_NAME"
    ;;
  *) die "TOOL must be kind or k3d, not $TOOL" ;;
esac
case "$ADOPT" in
  0 | 1) ;;
  *) die "ADOPT must be 0 or 1, not $ADOPT" ;;
esac
command -v "$TOOL" >/dev/null || die "$TOOL is not on PATH: install it (kind: https://kind.sigs.k8s.io, k3d: https://k3d.io)"

# bounded SECONDS COMMAND...: COMMAND, stopped after SECONDS with exit code 124: coreutils'
# timeout where there is one, else bound (macOS has no timeout by default).
bounded() {
  if command -v timeout >/dev/null; then timeout "$@"; else bound "$@"; fi
}

# bound SECONDS COMMAND...: the same as `timeout SECONDS COMMAND...`, in bash 3.2 (macOS's
# /bin/bash: no `wait -n`, no namerefs). COMMAND runs in the background beside a watchdog that
# stops it after SECONDS and then exits 124, the code returned. Job control (set -m) gives each a
# process group of its own, so that a stop reaches what COMMAND started (kind runs docker), as
# coreutils' timeout signals its whole group, and ending the watchdog ends its sleep. The watchdog
# holds none of the caller's output, so a $(...) around bound returns as soon as COMMAND ends.
bound() {
  local seconds=$1 pid watchdog status=0 fired=0 monitor=+m
  shift
  case $- in *m*) monitor=-m ;; esac
  set -m
  "$@" </dev/null &
  pid=$!
  (
    sleep "$seconds"
    trap '' TERM # from here on it reports the time-out, whatever ends COMMAND meanwhile
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || exit 0
    i=0
    while [ "$i" -lt 5 ] && kill -0 -- "-$pid" 2>/dev/null; do
      sleep 1
      i=$((i + 1))
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    exit 124
  ) </dev/null >/dev/null 2>&1 &
  watchdog=$!
  set "$monitor"
  wait "$pid" || status=$?
  kill -TERM -- "-$watchdog" 2>/dev/null || kill -TERM "$watchdog" 2>/dev/null || true
  wait "$watchdog" || fired=$?
  if [ "$fired" -eq 124 ]; then status=124; fi
  return "$status"
}

# called STATUS SECONDS WHAT: stops the script when WHAT (a call of the tool) failed or ran out.
called() {
  case "$1" in
    0) ;;
    124) die "\`$3\` did not finish within $2 s: is $engine running, and answering?" ;;
    *) die "\`$3\` failed (exit $1); see above" ;;
  esac
}

# exists: whether the tool lists a cluster of that name. A listing that fails or hangs stops the
# script: with the engine stopped the cluster may well exist, and taking it for gone would let
# Pulumi forget a cluster that still runs.
exists() {
  local listing status=0 what name _
  case "$TOOL" in
    kind)
      what="kind get clusters"
      listing=$(bounded "$LIST_TIMEOUT" kind get clusters) || status=$?
      ;;
    k3d)
      what="k3d cluster list --no-headers"
      listing=$(bounded "$LIST_TIMEOUT" k3d cluster list --no-headers) || status=$?
      ;;
  esac
  case "$status" in
    0) ;;
    124) die "\`$what\` did not answer within $LIST_TIMEOUT s: $engine may be stopped or hung. Whether $TOOL cluster $CLUSTER_NAME exists cannot be told, so nothing was changed" ;;
    *) die "\`$what\` failed (exit $status): $engine may be stopped. Whether $TOOL cluster $CLUSTER_NAME exists cannot be told, so nothing was changed" ;;
  esac
  while read -r name _; do
    if [ "$name" = "$CLUSTER_NAME" ]; then return 0; fi
  done <<EOF
$listing
EOF
  return 1
}

# A scratch folder (removed on exit) for the kubeconfig kind and k3d would otherwise write.
scratch=""
make_scratch() {
  [ -z "$scratch" ] || return 0
  scratch=$(mktemp -d) || die "no temporary folder for the tool's kubeconfig"
  trap 'rm -rf "$scratch"' EXIT
}

# The ownership marker, "STATE OWNER" (STATE: creating or created), in the file $marker.
marker="" marker_state="" marker_owner=""
read_marker() {
  local home=${XDG_STATE_HOME:-}
  if [ -z "$home" ]; then
    need HOME
    home=$HOME/.local/state
  fi
  marker="$home/istio-lab/local-clusters/$TOOL-$CLUSTER_NAME"
  marker_state="" marker_owner=""
  if [ -f "$marker" ]; then read -r marker_state marker_owner <"$marker" || true; fi
}
write_marker() {
  { mkdir -p "${marker%/*}" && printf '%s %s\n' "$1" "$OWNER" >"$marker.new" && mv -f "$marker.new" "$marker"; } ||
    die "could not write $marker, which records that this stack made $TOOL cluster $CLUSTER_NAME"
}
forget_marker() { rm -f "$marker" || die "could not remove $marker"; }

# The kind config: a control plane that publishes the gateway's node port on 127.0.0.1 only
# (kind v1alpha4 extraPortMappings; listenAddress would default to 0.0.0.0), and WORKERS workers.
kind_config() {
  printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n'
  printf -- '- role: control-plane\n  extraPortMappings:\n'
  printf -- '  - containerPort: %s\n    hostPort: %s\n    listenAddress: "127.0.0.1"\n    protocol: TCP\n' "$NODE_PORT" "$HOST_PORT"
  local i
  for ((i = 0; i < WORKERS; i++)); do printf -- '- role: worker\n'; done
}

remove_cluster() {
  local status=0
  case "$TOOL" in
    kind) bounded "$DELETE_TIMEOUT" kind delete cluster --name "$CLUSTER_NAME" --kubeconfig "$scratch/kubeconfig" >&2 || status=$? ;;
    k3d)
      : >"$scratch/kubeconfig" || die "could not write $scratch/kubeconfig"
      KUBECONFIG="$scratch/kubeconfig" bounded "$DELETE_TIMEOUT" k3d cluster delete "$CLUSTER_NAME" >&2 || status=$?
      ;;
  esac
  called "$status" "$DELETE_TIMEOUT" "$delete_it"
}

make_cluster() {
  local status=0 config="$scratch/kind-config.yaml"
  write_marker creating
  log "creating $TOOL cluster $CLUSTER_NAME (a control plane, $WORKERS workers, gateway on 127.0.0.1:$HOST_PORT)"
  case "$TOOL" in
    kind)
      kind_config >"$config" || die "could not write the kind config"
      bounded "$CREATE_TIMEOUT" kind create cluster --name "$CLUSTER_NAME" --config "$config" --kubeconfig "$scratch/kubeconfig" \
        --wait 5m ${NODE_IMAGE:+--image "$NODE_IMAGE"} >&2 || status=$?
      ;;
    k3d)
      # Traefik is off, as Istio's k3d guide has it: the Istio gateway is the lab's ingress.
      bounded "$CREATE_TIMEOUT" k3d cluster create "$CLUSTER_NAME" --agents "$WORKERS" -p "127.0.0.1:$HOST_PORT:$NODE_PORT@loadbalancer" \
        --k3s-arg "--disable=traefik@server:*" --wait --timeout 300s --kubeconfig-update-default=false --kubeconfig-switch-context=false \
        ${NODE_IMAGE:+--image "$NODE_IMAGE"} >&2 || status=$?
      ;;
  esac
  if [ "$status" -ne 0 ]; then
    # Nothing half-made is left behind: the tools roll back their own failures, not a time-out.
    if exists; then
      log "deleting what the failed create of $TOOL cluster $CLUSTER_NAME left"
      remove_cluster
    fi
    forget_marker
    if [ "$status" -eq 124 ]; then die "$TOOL did not create cluster $CLUSTER_NAME within $CREATE_TIMEOUT s (CREATE_TIMEOUT); see above"; fi
    die "$TOOL could not create cluster $CLUSTER_NAME (exit $status); see above"
  fi
  write_marker created
  if [ "$ADOPT" = 1 ]; then log "istio-lab:cluster.adopt is set: this stack will not delete $TOOL cluster $CLUSTER_NAME"; fi
}

print_kubeconfig() {
  local kubeconfig status=0 what
  case "$TOOL" in
    kind)
      what="kind get kubeconfig --name $CLUSTER_NAME"
      kubeconfig=$(bounded "$READ_TIMEOUT" kind get kubeconfig --name "$CLUSTER_NAME") || status=$?
      ;;
    k3d)
      what="k3d kubeconfig get $CLUSTER_NAME"
      kubeconfig=$(bounded "$READ_TIMEOUT" k3d kubeconfig get "$CLUSTER_NAME") || status=$?
      ;;
  esac
  called "$status" "$READ_TIMEOUT" "$what"
  [ -n "$kubeconfig" ] || die "$TOOL printed no kubeconfig for cluster $CLUSTER_NAME"
  printf '%s\n' "$kubeconfig"
}

create() {
  need WORKERS HOST_PORT NODE_PORT OWNER
  make_scratch
  read_marker
  if ! exists; then
    make_cluster
  elif [ "$marker_owner" = "$OWNER" ] && [ "$marker_state" = created ]; then
    log "$TOOL cluster $CLUSTER_NAME exists, made by this stack: kept as it is"
  elif [ "$marker_owner" = "$OWNER" ]; then
    log "$TOOL cluster $CLUSTER_NAME is this stack's, but its create did not finish: deleting it, to make it again"
    remove_cluster
    make_cluster
  elif [ "$ADOPT" = 1 ]; then
    log "$TOOL cluster $CLUSTER_NAME exists, and this stack did not make it: used as it is (istio-lab:cluster.adopt); this stack will never delete it"
  else
    die "$TOOL cluster $CLUSTER_NAME exists already, and this stack did not make it${marker_owner:+ (stack $marker_owner did)}. To use it as it is (this stack then never deletes it), set istio-lab:cluster.adopt to true; or set another istio-lab:cluster.name; or delete that cluster yourself (\`$delete_it\`)"
  fi
  print_kubeconfig
}

update() {
  read_marker
  exists || die "$TOOL cluster $CLUSTER_NAME is gone: it was deleted outside Pulumi, which cannot notice it (a command cannot be refreshed). See docs/recovery.md: \`pulumi up --replace\` of this cluster command makes it again, with everything in it"
  # A cluster in this stack's state that was not adopted is its own (create refuses others), unless
  # another stack recorded it: then this stack adopted it before, and unsetting adopt must not take
  # it over (this stack's destroy would delete the other stack's cluster).
  if [ "$ADOPT" = 0 ]; then
    need OWNER
    if [ -n "$marker_owner" ] && [ "$marker_owner" != "$OWNER" ]; then
      die "$TOOL cluster $CLUSTER_NAME is stack $marker_owner's, which made it; this stack used it with istio-lab:cluster.adopt, and may not take it over: set istio-lab:cluster.adopt back to true"
    fi
    write_marker created
  fi
  log "$TOOL cluster $CLUSTER_NAME exists: kept as it is"
  print_kubeconfig
}

delete() {
  if [ "$ADOPT" = 1 ]; then
    log "istio-lab:cluster.adopt is set: $TOOL cluster $CLUSTER_NAME is left as it is; delete it yourself when you no longer need it (\`$delete_it\`)"
    return 0
  fi
  make_scratch
  read_marker
  if exists; then
    remove_cluster
    log "deleted $TOOL cluster $CLUSTER_NAME"
  else
    log "$TOOL cluster $CLUSTER_NAME is already gone"
  fi
  forget_marker
}

# engine_platform: the container engine's OS/arch (linux/amd64), the nodes' platform: the one an
# image is pulled and saved for. With Docker's containerd image store (the default from Docker 29)
# a plain `docker save` of a multi-platform image names platforms whose content was never pulled,
# and `kind load docker-image` fails on it ("content digest ... not found", kind#3795); kind's
# documented way round (kind#4247) saves one platform's archive and loads it with
# `kind load image-archive`. Empty when the engine does not say.
engine_platform() {
  bounded "$LIST_TIMEOUT" docker version --format '{{.Server.Os}}/{{.Server.Arch}}' 2>/dev/null || true
}

# has_docker: the images go through docker on this machine; without it (kind on Podman) the
# kubelet pulls them, as it would have.
has_docker() {
  command -v docker >/dev/null && return 0
  log "docker is not on PATH: the nodes pull the lab's images when their pods need them"
  return 1
}

pull_images() {
  local platform image left=0
  need IMAGES
  has_docker || return 0
  platform=$(engine_platform)
  for image in $IMAGES; do
    if bounded "$LIST_TIMEOUT" docker image inspect "$image" >/dev/null 2>&1; then continue; fi
    if bounded "$PULL_TIMEOUT" docker pull ${platform:+--platform "$platform"} "$image" >/dev/null; then
      log "pulled $image"
    else
      log "could not pull $image now (or not within $PULL_TIMEOUT s); the kubelet pulls it when a pod needs it"
      left=$((left + 1))
    fi
  done
  log "the lab's images are on this machine; $left left to the kubelet"
}

# load_image IMAGE: into every node of the cluster; fails when it could not.
load_image() {
  local image=$1 archive
  case "$TOOL" in
    kind)
      archive="$scratch/image.tar"
      rm -f "$archive"
      # --platform needs Docker 28 or later; an older one (its classic image store) saves as is.
      { bounded "$LOAD_TIMEOUT" docker image save ${platform:+--platform "$platform"} -o "$archive" "$image" 2>/dev/null ||
        bounded "$LOAD_TIMEOUT" docker image save -o "$archive" "$image"; } &&
        bounded "$LOAD_TIMEOUT" kind load image-archive "$archive" --name "$CLUSTER_NAME" >&2
      ;;
    k3d) bounded "$LOAD_TIMEOUT" k3d image import "$image" --cluster "$CLUSTER_NAME" >&2 ;;
  esac
}

load_images() {
  local platform image left=0
  need IMAGES
  has_docker || return 0
  make_scratch
  platform=$(engine_platform)
  for image in $IMAGES; do
    if ! bounded "$LIST_TIMEOUT" docker image inspect "$image" >/dev/null 2>&1; then
      left=$((left + 1))
      continue
    fi
    if load_image "$image"; then
      log "loaded $image into $TOOL cluster $CLUSTER_NAME"
    else
      log "could not load $image into $TOOL cluster $CLUSTER_NAME (or not within $LOAD_TIMEOUT s); the kubelet pulls it when a pod needs it"
      left=$((left + 1))
    fi
  done
  rm -f "$scratch/image.tar"
  log "the lab's images are in $TOOL cluster $CLUSTER_NAME; $left left to the kubelet"
}

case "$action" in
  create) create ;;
  update) update ;;
  delete) delete ;;
  pull) pull_images ;;
  load) load_images ;;
  *) die "usage: local-cluster.sh create|update|delete|pull|load" ;;
esac
