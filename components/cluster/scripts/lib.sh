#!/usr/bin/env bash
# Helpers every node script uses. The program sends this file in front of each script as one
# command text; run by hand (or under bats) a script sources it from its own folder.
# ROOT prefixes every file path, so tests can run a script against a fake root directory.
set -euo pipefail

ROOT="${ROOT:-}"
RETRY_DELAY="${RETRY_DELAY:-10}"
KUBE_DIR="$ROOT/etc/kubernetes"
ADMIN_CONF="$KUBE_DIR/admin.conf"
# shellcheck disable=SC2034 # used by the scripts that source this file
LAB_DIR="$KUBE_DIR/istio-lab"
# The label a worker istio-lab joined carries (kubelet --node-labels): only such a Node is ever
# removed by istio-lab when it leaves istio-lab:cluster.nodes.
# shellcheck disable=SC2034 # used by the scripts that source this file
JOINED_LABEL="istio-lab.dev/joined"
# Written only after istio-lab itself ran kubeadm init or join here: destroy resets no other node.
# shellcheck disable=SC2034 # used by the scripts that source this file
BUILT_MARKER="$LAB_DIR/built-by-istio-lab"

log() { printf '[istio-lab] %s\n' "$*" >&2; }

die() {
  printf '[istio-lab] ERROR: %s\n' "$*" >&2
  exit 1
}

# need VAR...: fails when a parameter the program should have passed is empty.
need() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || die "$name is not set; the program passes it as a VAR=value prefix"
  done
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root: use ssh.user root or a user with passwordless sudo"
}

# retry ATTEMPTS COMMAND...: reruns a flaky command (package mirrors, a starting API server).
retry() {
  local attempts=$1 n=1
  shift
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then die "gave up after $attempts attempts: $*"; fi
    log "attempt $n/$attempts failed, retrying in ${RETRY_DELAY}s: $*"
    sleep "$RETRY_DELAY"
    n=$((n + 1))
  done
}

# write_file PATH MODE < content: replaces PATH only when the content differs.
# Succeeds when it wrote the file, fails (status 1) when the file was already right, and stops
# the script when it cannot write. Feed it from a heredoc, a file or `< <(...)`, never a pipe: a
# pipe runs it in a subshell, where stopping ends only the subshell and reads as "already right".
write_file() {
  local path=$1 mode=$2 content="" current="" dir tmp
  case "$path" in /*) ;; *) die "write_file needs an absolute path, not $path" ;; esac
  dir=${path%/*}
  # bash reads the content and the file itself (`read -d ''` reads to the end: only a NUL, which
  # no configuration file here holds, in the content or in the file, would stop it early), so an
  # unchanged file costs no process. `read` fails alike at the end and on an error, so content
  # that came out empty, which no caller writes, is taken for a failed read.
  IFS= read -r -d '' content || true
  [ -n "$content" ] || die "could not write $path: no content could be read"
  if [ -f "$path" ]; then
    IFS= read -r -d '' current <"$path" || true
    if [ "$content" = "$current" ]; then return 1; fi
  fi
  # Callers test the result (`if write_file ...`, `|| true`), which turns `set -e` off in here:
  # every step that can fail says so itself, or a failed write would read as "already right".
  tmp=$(mktemp) || die "could not write $path: no temporary file"
  if ! printf '%s' "$content" >"$tmp" || { [ ! -d "${dir:-/}" ] && ! mkdir -p "$dir"; } || ! install -m "$mode" "$tmp" "$path"; then
    rm -f "$tmp"
    die "could not write $path"
  fi
  rm -f "$tmp"
  log "wrote $path"
}

# The package manager of the node's OS: yum on CentOS 7, dnf elsewhere.
pkg_manager() {
  if [ "${OS:-}" = centos7 ]; then echo yum; else echo dnf; fi
}

# ensure_packages PKG...: installs the packages that are missing, retrying the download.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  log "installing ${missing[*]}"
  retry 5 "$(pkg_manager)" -y install "${missing[@]}"
}

# leave_adopted_alone STEP: ends the script on a node that already runs in a kubeadm cluster
# istio-lab did not build (kubelet.conf, but no marker of istio-lab's own init or join): node
# preparation renames, rewrites and restarts nothing there.
leave_adopted_alone() {
  if [ -f "$KUBE_DIR/kubelet.conf" ] && [ ! -f "$BUILT_MARKER" ]; then
    log "$1: this node runs in a kubeadm cluster istio-lab did not build; leaving it as it is"
    exit 0
  fi
}

# was_in_cluster: the machine runs in a Kubernetes cluster (kubelet.conf) or istio-lab made it a
# node (its marker): not a fresh VM, so never one to make a template of.
was_in_cluster() {
  [ -f "$KUBE_DIR/kubelet.conf" ] || [ -f "$BUILT_MARKER" ]
}

# ensure_service UNIT: enabled and running.
ensure_service() {
  if systemctl is-enabled --quiet "$1" && systemctl is-active --quiet "$1"; then return 0; fi
  log "enabling and starting $1"
  systemctl enable --now "$1"
}

# kube ARGS...: kubectl as the cluster's admin, each API request bounded (--request-timeout), so an
# API server that accepts the connection but never answers cannot hold `pulumi up` (a remote
# command's customTimeouts bound only its SSH dial, pulumi-command remote/commandOutputs.go).
# Waits that watch (kubectl wait, rollout status) carry their own --timeout instead.
KUBE_REQUEST_TIMEOUT="${KUBE_REQUEST_TIMEOUT:-30s}"
kube() {
  kubectl --kubeconfig "$ADMIN_CONF" --request-timeout="$KUBE_REQUEST_TIMEOUT" "$@"
}

# ca_cert_hash FILE: a CA certificate's hash as `kubeadm join --discovery-token-ca-cert-hash`
# writes it: sha256 of its DER SubjectPublicKeyInfo (kubeadm's pubkeypin package).
ca_cert_hash() {
  local digest
  digest=$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -hex) || return 1
  printf 'sha256:%s\n' "${digest##*= }"
}

api_ready() {
  kube get --raw=/readyz >/dev/null 2>&1
}

# wait_api ATTEMPTS: polls the API server's /readyz, 5 s apart.
wait_api() {
  local n=1
  until api_ready; do
    if [ "$n" -ge "$1" ]; then return 1; fi
    sleep 5
    n=$((n + 1))
  done
}
