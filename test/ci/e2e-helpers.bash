# shellcheck shell=bash
# Helpers of the e2e scripts' bats suites (e2e.bats, e2e-ambient.bats), which run them in the stub world.
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

# in_order CALL...: the log holds each CALL (a whole line), each after the one before.
in_order() {
  local want at=0 n
  for want in "$@"; do
    n=$(WANT="$want" awk -v from="$at" 'NR > from && $0 == ENVIRON["WANT"] { print NR; exit }' "$CALLS")
    if [ -z "$n" ]; then
      echo "no call \`$want\` after call $at; the calls:" >&2
      cat -n "$CALLS" >&2
      return 1
    fi
    at=$n
  done
}

# rows: the summary's step rows, "step|outcome".
rows() { sed -n 's/^| \(.*\) | [0-9]*m [0-9]*s | \(.*\) |$/\1|\2/p' "$GITHUB_STEP_SUMMARY" | grep -v '^\*\*total\*\*|'; }
total() { sed -n 's/^| \*\*total\*\* | [0-9]*m [0-9]*s | \(.*\) |$/\1/p' "$GITHUB_STEP_SUMMARY"; }

# refute COMMAND...: COMMAND fails (bash's `! COMMAND` would not fail a test midway).
refute() { ! "$@"; }
