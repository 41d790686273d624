#!/usr/bin/env bats
# .ci/preview against a stand-in Pulumi CLI (stubs/pulumi): every stack that needs no secret made on
# the fly in a throwaway file backend with a generated passphrase, previewed, and reported; the
# lab's platform given the outputs the program publishes for it; the working tree left alone.
# One run, made once for the file (its lab step renders the program), is read by the first tests.

bin_with() {
  local bin=$1
  mkdir -p "$bin"
  ln -sf "$BATS_TEST_DIRNAME/stubs/pulumi" "$bin/pulumi"
  ln -sf "$(type -P true)" "$bin/kind"
}

setup_file() {
  REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  export REPO
  unset PULUMI_CONFIG_PASSPHRASE PULUMI_BACKEND_URL FAIL_PREVIEW
  # The shared run.
  bin_with "$BATS_FILE_TMPDIR/bin"
  export KUBECONFIG="$BATS_FILE_TMPDIR/kubeconfig" RUN="$BATS_FILE_TMPDIR/run"
  printf 'apiVersion: v1\nkind: Config\ncurrent-context: kind-preview\n' >"$KUBECONFIG"
  mkdir -p "$RUN"
  (cd "$REPO" && git status --porcelain --untracked-files=all -- 'Pulumi.*' && md5sum Pulumi.*.yaml) >"$RUN/tree-before"
  set +e
  PATH="$BATS_FILE_TMPDIR/bin:$PATH" CALLS="$RUN/calls" IMPORTED="$RUN/imported.json" bash "$REPO/.ci/preview" "$RUN/out" >"$RUN/output" 2>&1
  echo $? >"$RUN/status"
  set -e
}

setup() {
  bin="$BATS_TEST_TMPDIR/bin"
  bin_with "$bin"
  export PATH="$bin:$PATH" CALLS="$BATS_TEST_TMPDIR/calls" IMPORTED="$BATS_TEST_TMPDIR/imported.json" OUT="$BATS_TEST_TMPDIR/out"
  : >"$CALLS"
}

# The stub's calls, without the backend and passphrase it logs beside each.
calls() { sed -E 's/ \| backend=.*//' "$1"; }

@test "makes and previews local, a lab on local, and existing, in order, in a file backend under OUT" {
  [ "$(cat "$RUN/status")" -eq 0 ]
  out="$RUN/out"
  [ "$(calls "$RUN/calls")" = "pulumi stack select --create local --non-interactive
pulumi preview --stack local --non-interactive --color never --suppress-progress
pulumi stack init student-1 --non-interactive
pulumi stack import --stack local --file $out/local-platform.json --non-interactive
pulumi preview --stack student-1 --non-interactive --color never --suppress-progress
pulumi stack select --create existing --non-interactive
pulumi preview --stack existing --non-interactive --color never --suppress-progress
pulumi version" ]
  # One throwaway backend and one generated passphrase (16 random bytes) for every call.
  [ "$(sed -E 's/.* \| //' "$RUN/calls" | sort -u | wc -l)" -eq 1 ]
  grep -Eq "^pulumi version \| backend=file://$out/state passphrase=[0-9a-f]{32}$" "$RUN/calls"
}

@test "gives the lab's platform the outputs the program publishes for local, its kubeconfig the job's cluster, as a secret" {
  run node -e '
    const d = require(process.argv[1]).deployment;
    const [root] = d.resources;
    const out = root.outputs;
    console.log(d.resources.length, root.urn, root.type, d.secrets_providers.type, d.secrets_providers.state.salt);
    console.log(out.clusterSource, out.labPlatform.clusterIdentifier, out.labPlatform.reservedNamespaces.join(","));
    console.log(out.kubeconfig["4dabf18193072939515e22adb298388d"], JSON.parse(out.kubeconfig.plaintext).split("\n")[2]);
  ' "$RUN/imported.json"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 urn:pulumi:local::istio-lab::pulumi:pulumi:Stack::istio-lab-local pulumi:pulumi:Stack passphrase v1:c3R1Yg==:v1:stub" ]
  [ "${lines[1]}" = "kind istio-lab-local-cluster-kind-id istio-system,bookinfo" ]
  [ "${lines[2]}" = "1b47061264138c4ac30d75fd1eb44270 current-context: kind-preview" ]
  # The lab's stack file is the template's, with the salt `stack init` added.
  diff <(grep -v '^encryptionsalt:' "$RUN/out/project/Pulumi.student-1.yaml") "$REPO/Pulumi.lab-template.yaml"
}

@test "reports each stack's change summary, and the end of its output" {
  report="$RUN/out/preview.md"
  grep -q '^## `pulumi preview` of the stacks that need no secret$' "$report"
  grep -q '^Pulumi CLI v3.270.0, ' "$report"
  [ "$(grep -c '^| `[a-z0-9-]*` | .* | ✅ + 3 to create, 1 unchanged |$' "$report")" -eq 3 ]
  grep -q '^| `student-1` | a lab on `local`' "$report"
  [ "$(grep -c '^<details><summary>' "$report")" -eq 3 ]
  [ -s "$RUN/out/logs/existing.log" ]
}

@test "leaves the working tree alone: the stacks are made in a copy of the checkout" {
  [ "$(cd "$REPO" && git status --porcelain --untracked-files=all -- 'Pulumi.*' && md5sum Pulumi.*.yaml)" = "$(cat "$RUN/tree-before")" ]
  grep -q '^encryptionsalt: ' "$RUN/out/project/Pulumi.local.yaml"
  [ -L "$RUN/out/project/node_modules" ]
}

@test "a failed preview is reported with its first error, the later stacks still run, the script fails; a given passphrase is kept" {
  FAIL_PREVIEW=local PULUMI_CONFIG_PASSPHRASE=given run bash "$REPO/.ci/preview" "$OUT"
  [ "$status" -eq 1 ]
  grep -qF '| `local` | the whole lab on a kind cluster (`Pulumi.local.yaml`) | ❌ error: istio-lab:cluster \| source: bad value |' "$OUT/preview.md"
  grep -q '^| `existing` | .* | ✅ ' "$OUT/preview.md"
  grep -q '^pulumi preview --stack existing ' "$CALLS"
  ! grep -v 'passphrase=given$' "$CALLS"
}

@test "a stack that cannot be made is reported as not made, never previewed" {
  # A CLI that refuses to make the lab's stack, in front of the stub.
  rm "$bin/pulumi"
  printf '#!/usr/bin/env bash\nif [[ " $* " == *" stack init "* ]]; then echo "error: could not create stack" >&2; exit 255; fi\nexec "%s" "$@"\n' "$BATS_TEST_DIRNAME/stubs/pulumi" >"$bin/pulumi"
  chmod +x "$bin/pulumi"
  run bash "$REPO/.ci/preview" "$OUT"
  [ "$status" -eq 1 ]
  grep -qF '| `student-1` | a lab on `local` (`Pulumi.lab-template.yaml`), with `local`'"'"'s outputs as the program publishes them | ❌ not made: error: could not create stack |' "$OUT/preview.md"
  ! grep -q 'stack import\|preview --stack student-1 ' "$CALLS"
  grep -q '^pulumi preview --stack existing ' "$CALLS"
}

@test "refuses to start without the kubeconfig of the cluster existing reaches" {
  KUBECONFIG="$BATS_TEST_TMPDIR/none" run bash "$REPO/.ci/preview" "$OUT"
  [ "$status" -eq 2 ]
  [[ "$output" == *"no kubeconfig at $BATS_TEST_TMPDIR/none: make the cluster the existing stack reaches first (kind create cluster)"* ]]
  [ ! -s "$CALLS" ]
}
