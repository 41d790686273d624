# Shared by the bats files: a fake root, a fake state and the system commands stubbed (stubs/fake).
SCRIPTS="$BATS_TEST_DIRNAME/../../../components/cluster/scripts"

setup_node() {
  export ROOT="$BATS_TEST_TMPDIR/root" FAKE_STATE="$BATS_TEST_TMPDIR/state" CALLS="$BATS_TEST_TMPDIR/calls.log"
  export RETRY_DELAY=0 API_WAIT_ATTEMPTS=3 BOOT_WAIT_ATTEMPTS=3
  # The node's lock (lib.sh lock_node), beside the fake machine rather than in it: /run is a tmpfs.
  export NODE_LOCK="$BATS_TEST_TMPDIR/istio-lab.lock"
  mkdir -p "$ROOT/etc" "$FAKE_STATE/rpm" "$FAKE_STATE/units" "$FAKE_STATE/links"
  : >"$CALLS"
  stub_commands id sleep date timeout rpm dnf yum systemctl hostnamectl swapon swapoff getenforce setenforce modprobe \
    sysctl udevadm cloud-init ip ethtool containerd kubeadm kubectl iptables-save iptables-restore crictl openssl systemd-run
}

# stub_commands NAME...: each NAME is stubs/fake, twice: a link on PATH, and an exported function
# that the scripts' own calls reach first (see stubs/fake). A function answers `command -v NAME`
# whatever PATH holds: a test of a missing command unsets it (`unset -f NAME`) as well.
stub_commands() {
  # The stubs hold no state of their own (that is under FAKE_STATE), so one folder of links
  # serves every test of a file: linking them anew per test cost more than most tests.
  local bin="$BATS_FILE_TMPDIR/bin" cmd
  if [ ! -d "$bin" ]; then
    mkdir -p "$bin.new"
    for cmd in "$@"; do ln -sf "$BATS_TEST_DIRNAME/stubs/fake" "$bin.new/$cmd"; done
    mv "$bin.new" "$bin"
  fi
  export PATH="$bin:$PATH"
  . "$BATS_TEST_DIRNAME/stubs/fake"
  for cmd in "$@"; do
    eval "$cmd() ( fake $cmd \"\$@\" )"
    export -f "${cmd?}"
  done
  export -f fake fails_now start_unit loaded
  export FAKE_STUBS="$*"
}

# built_by_istio_lab: the node carries the marker of istio-lab's own init or join.
built_by_istio_lab() {
  mkdir -p "$ROOT/etc/kubernetes/istio-lab" && touch "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab"
}

# run_script NAME [VAR=value...] [< stdin]: runs a node script the way the program does, with env prefixes.
run_script() {
  local name=$1
  shift
  run env "$@" bash "$SCRIPTS/$name.sh"
}

# A fingerprint of the fake machine: every file under ROOT and the state, with contents.
fingerprint() {
  (cd "$BATS_TEST_TMPDIR" && find root state -type f -print0 | sort -z | xargs -0 sha256sum; find root state -type d | sort)
}

calls() { cat "$CALLS"; }

# refute_call REGEX: no logged command matches.
refute_call() {
  if grep -Eq -e "$1" "$CALLS"; then
    echo "unexpected call matching /$1/:" >&2
    grep -E -e "$1" "$CALLS" >&2
    return 1
  fi
}

assert_call() {
  if ! grep -Eq -e "$1" "$CALLS"; then
    echo "no call matching /$1/; calls were:" >&2
    cat "$CALLS" >&2
    return 1
  fi
}

# The commands that change a machine; a second run on a finished node must issue none of them.
mutating='^(dnf|yum) .*(install|upgrade)|^systemctl (enable|disable|restart)|^hostnamectl set-hostname|^swapoff|^setenforce|^modprobe|^sysctl --system|^udevadm|^ethtool -K|^kubeadm (init|join|reset)|^kubectl .*apply|^ip link delete|^iptables-restore|^crictl pull'

# rerun_changes_nothing NAME [VAR=value...] [< stdin]: run the script again on the node it just
# finished; it must succeed without a single mutating command and leave every file as it was.
rerun_changes_nothing() {
  local before
  before=$(fingerprint)
  : >"$CALLS"
  run_script "$@"
  [ "$status" -eq 0 ] || { echo "second run failed: $output" >&2; return 1; }
  refute_call "$mutating" || return 1
  [ "$(fingerprint)" = "$before" ] || { echo "second run changed files" >&2; return 1; }
}

# state_digest [DIR]: one digest of the fake machine under DIR (default: this test's): every file's
# path, mode and content, and every folder.
state_digest() {
  tar -C "${1:-$BATS_TEST_TMPDIR}" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - root state | md5sum
}

# converges_after_any_interruption NAME [VAR=value...]: runs the script through from the node as
# it is now, copying the node at every point the script could be killed (stubs/interrupt.bash);
# then, from each copy, runs the script again: that run must succeed and leave every file and the
# fake machine's state exactly as the run through did. stdin, when the script reads it, is $INPUT.
# Leaves the node as the run through did; INTERRUPT_POINTS counts the points, INTERRUPTIONS the
# distinct nodes they leave, each run from.
converges_after_any_interruption() {
  local name=$1 snaps="$BATS_TEST_TMPDIR/points" reference snap
  shift
  export TMPDIR="$BATS_TEST_TMPDIR/tmp"
  rm -rf "$snaps" && mkdir -p "$TMPDIR" "$snaps"
  run env BASH_ENV="$BATS_TEST_DIRNAME/stubs/interrupt.bash" INTERRUPT_SNAPSHOTS="$snaps" "$@" bash "$SCRIPTS/$name.sh" <"${INPUT:-/dev/null}"
  [ "$status" -eq 0 ] || { echo "the run through failed: $output" >&2; return 1; }
  reference=$(state_digest)
  INTERRUPTIONS=0
  INTERRUPT_POINTS=$(cat "$snaps/count")
  for snap in "$snaps"/*/; do
    snap=${snap%/}
    ROOT="$snap/root" FAKE_STATE="$snap/state" run env "$@" bash "$SCRIPTS/$name.sh" <"${INPUT:-/dev/null}"
    if [ "$status" -ne 0 ] || [ "$(state_digest "$snap")" != "$reference" ]; then
      echo "killed before $(cat "$snap/where"), the next run failed or left the node otherwise than one run through: $output" >&2
      diff <(fingerprint) <(cd "$snap" && find root state -type f -print0 | sort -z | xargs -0 sha256sum; find root state -type d | sort) >&2
      return 1
    fi
    INTERRUPTIONS=$((INTERRUPTIONS + 1))
  done
  echo "# $name: killed at each of $INTERRUPT_POINTS points ($INTERRUPTIONS distinct nodes), every next run converged" >&3
}
