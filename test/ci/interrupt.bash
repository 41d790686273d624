# shellcheck shell=bash
# interrupt_verify SIGNAL RUN: RUN (e2e or e2e_ambient, a function of the test file) with the first
# `npm run --silent verify` sending SIGNAL to the script, as a cancelled job or a closed terminal
# does; with INT, as Ctrl-C does to the whole foreground group, the command dies of it too. Every
# other call goes on to the stubs.
interrupt_verify() {
  local wrap="$BATS_TEST_TMPDIR/interrupt"
  mkdir -p "$wrap"
  cat >"$wrap/npm" <<'STUB'
#!/usr/bin/env bash
if [ "$1 $2 $3" = "run --silent verify" ]; then
  printf 'npm %s (interrupted by SIG%s)\n' "$*" "$INTERRUPT_SIGNAL" >>"$CALLS"
  kill -s "$INTERRUPT_SIGNAL" "$PPID"
  if [ "$INTERRUPT_SIGNAL" = INT ]; then kill -s INT $$; fi
  exit 0
fi
exec "$NEXT_BIN/npm" "$@"
STUB
  chmod +x "$wrap/npm"
  NEXT_BIN="$BATS_FILE_TMPDIR/bin" INTERRUPT_SIGNAL=$1 PATH="$wrap:$PATH" "$2"
}
