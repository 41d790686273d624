#!/usr/bin/env bats
# .ci/pr-comment: one comment of each kind (render-diff, preview, ...) per pull request, edited in
# place, never another kind's.

setup() {
  export CALLS="$BATS_TEST_TMPDIR/calls" BODY="$BATS_TEST_TMPDIR/body" COMMENTS="$BATS_TEST_TMPDIR/comments"
  export PATH="$BATS_TEST_DIRNAME/stubs:$PATH"
  : >"$CALLS"
  : >"$COMMENTS"
  printf '## Offline render diff\n| stack |\n' >"$BATS_TEST_TMPDIR/diff.md"
}

@test "comments once with the marker when the pull request has no render-diff comment yet" {
  printf '7\t#### Previewing update (local)\n' >>"$COMMENTS"
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md"
  [ "$status" -eq 0 ]
  grep -q '^gh api --method POST repos/{owner}/{repo}/issues/42/comments' "$CALLS"
  ! grep -q 'PATCH' "$CALLS"
  [ "$(head -n 1 "$BODY")" = "<!-- istio-lab:render-diff -->" ]
  grep -q '^## Offline render diff$' "$BODY"
}

@test "edits its own earlier comment, not the preview comment that came after it" {
  printf '5\t<!-- istio-lab:render-diff -->\n9\t#### Previewing update (dev)\n' >>"$COMMENTS"
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md"
  [ "$status" -eq 0 ]
  grep -q '^gh api --method PATCH repos/{owner}/{repo}/issues/comments/5 ' "$CALLS"
  ! grep -q 'POST' "$CALLS"
  [[ "$output" == "edited comment 5 on pull request 42" ]]
}

@test "cuts a body GitHub would refuse, and says where the whole diff is" {
  head -c 70000 /dev/zero | tr '\0' 'x' >"$BATS_TEST_TMPDIR/diff.md"
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md"
  [ "$status" -eq 0 ]
  [ "$(wc -c <"$BODY")" -lt 65536 ]
  grep -q 'the job summary has all of it' "$BODY"
}

@test "keeps the preview's comment apart from the render diff's, by the kind's marker" {
  printf '5\t<!-- istio-lab:render-diff -->\n8\t<!-- istio-lab:preview -->\n9\t<!-- istio-lab:preview-dev -->\n' >>"$COMMENTS"
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md" preview
  [ "$status" -eq 0 ]
  grep -q '^gh api --method PATCH repos/{owner}/{repo}/issues/comments/8 ' "$CALLS"
  [ "$(head -n 1 "$BODY")" = "<!-- istio-lab:preview -->" ]
  : >"$COMMENTS"
  printf '5\t<!-- istio-lab:render-diff -->\n' >>"$COMMENTS"
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md" preview-dev
  [ "$status" -eq 0 ]
  grep -q '^gh api --method POST repos/{owner}/{repo}/issues/42/comments' "$CALLS"
  [ "$(head -n 1 "$BODY")" = "<!-- istio-lab:preview-dev -->" ]
}

@test "refuses a kind that would not make a marker" {
  run bash .ci/pr-comment 42 "$BATS_TEST_TMPDIR/diff.md" 'x" -->'
  [ "$status" -eq 2 ]
  [ ! -s "$CALLS" ]
}
