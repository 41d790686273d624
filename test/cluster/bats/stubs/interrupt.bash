# shellcheck shell=bash
# Read by bash through BASH_ENV before a node script run by converges_after_any_interruption
# (helpers.bash): before each command of the script's own shell that may follow a change, the fake
# machine (ROOT and FAKE_STATE) is copied to INTERRUPT_SNAPSHOTS/<n>: the node as it would be if
# the script were killed right there (SIGKILL, the SSH session or the machine gone: no EXIT trap
# runs, nothing after it happens). Commands of its subshells and of the stubs are not points:
# each runs to its end, so a stub's work done and the script's bookkeeping after it not is one.
# A command that changes nothing on disk (a test, an assignment, a log line, a stub that only
# reads) makes no new state, so the point after it is the same as the one before: it is counted,
# but not copied and run from again.
if [ -n "${INTERRUPT_SNAPSHOTS:-}" ] && [ -z "${INTERRUPT_OWNER:-}" ]; then
  export INTERRUPT_OWNER=$$
  set -T
  interrupt_n=0 interrupt_dirty=1 interrupt_points=0 interrupt_last=""
  interrupt_point() {
    local digest
    if [ "$interrupt_dirty" = 1 ]; then
      interrupt_points=$((interrupt_points + 1))
      # The same node as at the last copy (the command before only read): the same point.
      # A file that changes while tar reads it (tar then exits 1, which the script's errexit and
      # pipefail would take for its own failure) only makes a new snapshot: never a missed point.
      digest=$({ tar -C "${ROOT%/*}" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "${ROOT##*/}" "${FAKE_STATE##*/}" 2>/dev/null || true; } | md5sum)
      if [ "$digest" != "$interrupt_last" ]; then
        interrupt_last=$digest interrupt_n=$((interrupt_n + 1))
        mkdir "$INTERRUPT_SNAPSHOTS/$interrupt_n"
        cp -a "$ROOT" "$FAKE_STATE" "$INTERRUPT_SNAPSHOTS/$interrupt_n/"
        printf 'line %s: %s\n' "$1" "$2" >"$INTERRUPT_SNAPSHOTS/$interrupt_n/where"
      fi
      echo "$interrupt_points" >"$INTERRUPT_SNAPSHOTS/count"
    fi
    # Output thrown away or sent to the log writes nothing.
    local text=${2//>\/dev\/null/} && text=${text//2>&1/} && text=${text//>&2/}
    # shellcheck disable=SC2016 # the text of a command, not an expansion
    case "$text" in
      *'>'* | *'$('* | *'<('*) interrupt_dirty=1 ;;
      '['* | 'local '* | 'log '* | ': '* | 'return'* | 'shift'* | 'need '* | 'read '* | 'printf '* | 'echo '* | true | false | 'case '* | 'declare '*) interrupt_dirty=0 ;;
      # Commands (stubs included) that only read the machine.
      'rpm -q '* | 'systemctl is-'* | getenforce | 'hostnamectl --static' | 'swapon '* | 'crictl inspecti '* | 'command -v '* | 'grep '* | 'compgen '* | 'ip link show '* | 'has_kubeadm_state' | 'api_ready' | 'kube get '* | 'kube -n '*' get '*) interrupt_dirty=0 ;;
      [A-Za-z_]*=*) if [[ "$text" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then interrupt_dirty=0; else interrupt_dirty=1; fi ;;
      *) interrupt_dirty=1 ;;
    esac
  }
  # A subshell (a stub, a command substitution) inherits the trap with functrace on: it drops it at
  # its first command, which is all the time the suite spends on it there.
  trap 'if [ "$BASHPID" = "$INTERRUPT_OWNER" ]; then interrupt_point "$LINENO" "$BASH_COMMAND"; else trap - DEBUG; fi' DEBUG
fi
