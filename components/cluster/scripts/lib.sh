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
# The node's origin, decided once. BUILT_MARKER: istio-lab started kubeadm init or join here, written
# BEFORE kubeadm runs, so an init or join cut off anywhere stays istio-lab's own (finished or reset
# by the next run, reset by destroy). ADOPTED_MARKER: the node runs in a kubeadm cluster istio-lab
# did not build, istio-lab:cluster.adopt (ADOPT=1) let istio-lab use it as it is, and the init or
# join step found it to be the lab's cluster (written only then, see adopt_node); it holds only
# while the node keeps kubeadm's state. SKIPPED_DIR: the preparation steps that left such a node
# alone before that check, one file each (os, kubernetes, containerd), removed when the step
# prepares the node.
# shellcheck disable=SC2034 # used by the scripts that source this file
BUILT_MARKER="$LAB_DIR/built-by-istio-lab"
ADOPTED_MARKER="$LAB_DIR/adopted"
SKIPPED_DIR="$LAB_DIR/skipped"
# What a step must still do after an interruption (a reload after a file it wrote), and what
# preparation changed that destroy gives back (prep-os.sh, reset-node.sh).
PENDING_DIR="$LAB_DIR/pending"
# shellcheck disable=SC2034 # used by the scripts that source this file
PREP_RECORDS="$LAB_DIR/prep"

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
  lock_node
}

# lock_node: one istio-lab step at a time on a node. An interrupted `pulumi up` does not end what it
# started: pulumi-command runs the command in a session without a pty (remote/commandOutputs.go
# v1.2.1: NewSession, then session.Run, no RequestPty), so sshd sends it no SIGHUP when the
# connection drops, and a step such as kubeadm init, quiet for minutes, runs on beside the next
# run's steps. The lock lives in /run (a tmpfs: gone at reboot, with whatever held it), is held
# until the script ends, and the wait for it is bounded (LOCK_WAIT, seconds, default 600). Every
# node script takes it through require_root.
NODE_LOCK="${NODE_LOCK:-/run/istio-lab.lock}"
LOCK_WAIT="${LOCK_WAIT:-600}"
lock_node() {
  local holder=""
  command -v flock >/dev/null || die "flock is missing (util-linux); install util-linux on this node"
  exec 9>>"$NODE_LOCK" || die "cannot open $NODE_LOCK"
  if ! flock -w "$LOCK_WAIT" 9; then
    holder=$(cat "$NODE_LOCK.holder" 2>/dev/null) || holder=""
    die "another istio-lab step has held this node for over ${LOCK_WAIT}s (${holder:-holder unknown}; lock $NODE_LOCK): most likely one left running by an interrupted 'pulumi up'. See 'ps -o pid,etime,args --ppid <pid>' on this node; let it end, or end it, then run again"
  fi
  printf 'pid %s, %s, since %(%F %T %Z)T\n' "$$" "${0##*/}" -1 >"$NODE_LOCK.holder" || true
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

# write_file PATH MODE [MARKER] < content: replaces PATH only when the content differs; MARKER,
# when given, is created just before the file is written (see write_then).
# Succeeds when it wrote the file, fails (status 1) when the file was already right, and stops
# the script when it cannot write. Feed it from a heredoc, a file or `< <(...)`, never a pipe: a
# pipe runs it in a subshell, where stopping ends only the subshell and reads as "already right".
write_file() {
  local path=$1 mode=$2 marker=${3:-} content="" current="" dir tmp
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
  if [ -n "$marker" ] && ! { mkdir -p "${marker%/*}" && touch "$marker"; }; then die "could not write $marker"; fi
  tmp=$(mktemp) || die "could not write $path: no temporary file"
  if ! printf '%s' "$content" >"$tmp" || { [ ! -d "${dir:-/}" ] && ! mkdir -p "$dir"; } || ! install -m "$mode" "$tmp" "$path"; then
    rm -f "$tmp"
    die "could not write $path"
  fi
  rm -f "$tmp"
  log "wrote $path"
}

# write_then PATH MODE COMMAND... < content: writes PATH when its content differs, then runs
# COMMAND, which makes the new content live (a reload, a restart). A marker made before the write
# and removed after COMMAND succeeded carries the COMMAND over a run cut off between the two: the
# file is then already right, and without the marker the next run would never reload it.
write_then() {
  local path=$1 mode=$2 marker
  shift 2
  marker="$PENDING_DIR/$(printf '%s' "${path#"$ROOT"}" | tr / _)"
  if write_file "$path" "$mode" "$marker" || [ -f "$marker" ]; then
    "$@" || die "could not make $path live: $* failed"
    rm -f "$marker"
  fi
}

# restart_if_active UNIT: a running service picks up its new configuration; a stopped one reads it
# when it starts.
restart_if_active() {
  if systemctl is-active --quiet "$1"; then systemctl restart "$1"; fi
}

# The package manager of the node's OS: yum on CentOS 7, dnf elsewhere.
pkg_manager() {
  if [ "${OS:-}" = centos7 ]; then echo yum; else echo dnf; fi
}

# pkg ARGS...: the package manager, bounded. dnf and yum wait without end for the lock another
# process holds (dnf-automatic, packagekit, a yum in another session: "Waiting for process with
# pid ... to finish"), and EL9's dnf has no option to stop waiting. PKG_TIMEOUT (seconds, default
# 900) ends the wait and the step, naming it, rather than retrying into the same lock: coreutils'
# timeout sends TERM, which ends a wait for a lock at once. rpm has no rollback: in a write
# transaction it holds every signal but KILL until the transaction is done (rpm lib/rpmts.c
# rpmtxnBegin blocks them once it has the lock; rpmio/rpmsq.c rpmsqBlock), then exits, so a TERM
# that comes during one lets it finish, and the step's next run finds the packages installed.
# PKG_KILL_AFTER (seconds after the TERM, default 300, longer than any transaction of the few
# packages installed here) bounds a transaction that hangs; only then does KILL cut it, and the
# message says what to check.
PKG_TIMEOUT="${PKG_TIMEOUT:-900}"
PKG_KILL_AFTER="${PKG_KILL_AFTER:-300}"
pkg() {
  local status=0 manager
  manager=$(pkg_manager)
  timeout -k "$PKG_KILL_AFTER" "$PKG_TIMEOUT" "$manager" "$@" || status=$?
  [ "$status" -ne 124 ] ||
    die "$manager $1 did not finish within ${PKG_TIMEOUT}s: another process may hold the package manager's lock (see 'ps -C dnf,yum,packagekitd,rpm -o pid,etime,args' on this node), or the mirror is very slow; run again once it is free"
  # 128+9: timeout sent KILL, the command having outlived its TERM by PKG_KILL_AFTER.
  [ "$status" -ne 137 ] ||
    die "$manager $1 did not finish within ${PKG_TIMEOUT}s, nor end within ${PKG_KILL_AFTER}s of being told to stop, and was killed: an rpm transaction may have been cut off. Check 'dnf history' and 'rpm -Va --nofiles' on this node (a package listed twice: 'dnf remove --duplicates'), then run again"
  return "$status"
}

# ensure_packages PKG...: installs the packages that are missing, retrying the download.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  log "installing ${missing[*]}"
  retry 5 pkg -y install "${missing[@]}"
}

# docker_repo: Docker's repository, which containerd.io comes from. install-kubernetes.sh writes it
# too, so that containerd.io comes in the Kubernetes packages' transaction; install-containerd.sh
# finds the same file.
docker_repo() {
  write_file "$ROOT/etc/yum.repos.d/docker-ce.repo" 0644 <<'REPO' || true
[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=https://download.docker.com/linux/centos/gpg
REPO
}

# has_kubeadm_state: kubeadm has run here (what `kubeadm reset` removes): a node's or a control
# plane's kubeconfig, static pod manifests, etcd data, a cluster CA.
has_kubeadm_state() {
  [ -f "$KUBE_DIR/kubelet.conf" ] || [ -f "$KUBE_DIR/bootstrap-kubelet.conf" ] || [ -f "$ADMIN_CONF" ] ||
    [ -f "$KUBE_DIR/pki/ca.crt" ] || [ -d "$ROOT/var/lib/etcd/member" ] || compgen -G "$KUBE_DIR/manifests/*.yaml" >/dev/null
}

# node_origin: built (istio-lab started kubeadm here; releases before the marker was written first
# left only the init configuration they wrote before kubeadm init), adopted, foreign (kubeadm state
# istio-lab did not make and has not adopted) or fresh. An adoption holds only while the node has
# kubeadm's state: once someone ran `kubeadm reset` there (which empties the manifests and pki
# folders and removes the kubeconfigs, but leaves the rest of /etc/kubernetes, istio-lab's folder
# included: kubeadm cmd/kubeadm/app/cmd/phases/reset/cleanupnode.go resetConfigDir), its marker
# goes and the node is fresh, for istio-lab to build.
node_origin() {
  if [ -f "$BUILT_MARKER" ] || [ -f "$LAB_DIR/kubeadm-init.yaml" ]; then
    echo built
  elif has_kubeadm_state; then
    if [ -f "$ADOPTED_MARKER" ]; then echo adopted; else echo foreign; fi
  else
    if [ -f "$ADOPTED_MARKER" ]; then
      rm -f "$ADOPTED_MARKER"
      log "this node was adopted but no longer has kubeadm's files (kubeadm reset): istio-lab takes it as a fresh node"
    fi
    echo fresh
  fi
}

# may_adopt STEP: stops the script on a foreign node unless istio-lab:cluster.adopt (ADOPT=1).
may_adopt() {
  [ "${ADOPT:-0}" = 1 ] ||
    die "$1: this node already runs in a kubeadm cluster istio-lab did not build; istio-lab uses such a node only when told to: set istio-lab:cluster.adopt true (the node is then used as it is, never changed or reset), or run 'kubeadm reset' on it so that istio-lab builds it anew"
}

# adopt_node STEP: records a foreign node as adopted, once the init or join step has found it to be
# the lab's cluster (a worker joined to this control plane, a control plane whose API answers);
# never before, so a node refused by that check is not left marked adopted.
adopt_node() {
  mkdir -p "$LAB_DIR" && touch "$ADOPTED_MARKER"
  log "$1: adopted this node's kubeadm cluster (istio-lab:cluster.adopt); istio-lab never changes or resets it"
}

# mark_built: istio-lab is about to run kubeadm init or join here (before it starts, never after).
mark_built() {
  mkdir -p "$LAB_DIR" && touch "$BUILT_MARKER"
}

# leave_adopted_alone STEP RECORD: ends a preparation step on a node of a kubeadm cluster istio-lab
# did not build (a foreign one only with istio-lab:cluster.adopt): it renames, rewrites and
# restarts nothing there. On a foreign node, not yet checked by the init or join step, it records
# RECORD under SKIPPED_DIR, so that a node reset after that check refused it is not built on
# unprepared (require_prepared).
leave_adopted_alone() {
  case "$(node_origin)" in
    built | fresh) return 0 ;;
    foreign)
      may_adopt "$1"
      mkdir -p "$SKIPPED_DIR" && touch "$SKIPPED_DIR/$2"
      log "$1: this node runs in a kubeadm cluster istio-lab did not build; leaving it as it is (istio-lab:cluster.adopt), the init or join step checks that it is the lab's cluster"
      exit 0
      ;;
  esac
  log "$1: this node runs in a kubeadm cluster istio-lab did not build; leaving it as it is"
  exit 0
}

# prepared RECORD: a preparation step has prepared this node (its last command): a record that it
# once left the node alone goes.
prepared() {
  rm -f "$SKIPPED_DIR/$1"
}

# require_prepared NODE: before kubeadm init or join on a node istio-lab builds, every preparation
# step has prepared it. A node the steps left alone as another cluster's, reset since, has not
# been: those steps succeeded then and run again only when replaced.
require_prepared() {
  local step skipped="" urns=""
  for step in os kubernetes containerd; do
    if [ -f "$SKIPPED_DIR/$step" ]; then skipped+=" $step" urns+=" --replace '<URN of $1-$step>'"; fi
  done
  [ -z "$skipped" ] ||
    die "this node no longer runs in another kubeadm cluster, but istio-lab's preparation steps (${skipped# }) left it alone while it did; they run again only when replaced, before istio-lab builds the node: pulumi up$urns (pulumi stack --show-urns)"
}

# bounded_reset: kubeadm reset -f, bounded. It stops the node's containers through the CRI and, on
# a control plane, leaves etcd, either of which can hang without end. RESET_TIMEOUT (seconds,
# default 300).
RESET_TIMEOUT="${RESET_TIMEOUT:-300}"
bounded_reset() {
  local status=0
  timeout "$RESET_TIMEOUT" kubeadm reset -f || status=$?
  [ "$status" -ne 124 ] ||
    die "kubeadm reset did not finish within ${RESET_TIMEOUT}s; check containerd ('systemctl status containerd', 'crictl ps -a') on this node, then run again: istio-lab keeps its marker on the node until the reset is done"
  return "$status"
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
