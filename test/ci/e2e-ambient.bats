#!/usr/bin/env bats
# .ci/e2e-ambient against the small world of stubs .ci/e2e is tested with (stubs/e2e-world, each
# `pulumi up` recorded by stubs/ambient-world): an ambient platform of its own made from
# Pulumi.local.yaml, its L4 and its L7 scenario each deployed and verified, then destroyed; the job
# summary gets a row per step as it ends; a failure leaves no stack, no kind cluster of the run and
# no stack file; the user's kubeconfig is guarded.

bats_require_minimum_version 1.5.0
load e2e-helpers

setup_file() {
  local bin="$BATS_FILE_TMPDIR/bin" world="$BATS_FILE_TMPDIR/world-bin" cmd
  mkdir -p "$bin" "$world"
  for cmd in pulumi kind kubectl docker npm; do
    ln -sf "$BATS_TEST_DIRNAME/stubs/e2e-world" "$world/$cmd"
    ln -sf "$BATS_TEST_DIRNAME/stubs/ambient-world" "$bin/$cmd"
  done
}

setup() {
  REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  export REPO PATH="$BATS_FILE_TMPDIR/bin:$PATH" E2E_WORLD_BIN="$BATS_FILE_TMPDIR/world-bin" CALLS="$BATS_TEST_TMPDIR/calls" WORLD="$BATS_TEST_TMPDIR/world"
  export GITHUB_STEP_SUMMARY="$BATS_TEST_TMPDIR/summary.md" HOME="$BATS_TEST_TMPDIR/home" RECIPES="$BATS_FILE_TMPDIR/recipes"
  unset KUBECONFIG E2E_AMBIENT_STACK FAKE_DESTROY_IGNORES_DOCKER FAKE_UP_WRITES_KUBECONFIG FAKE_DESTROY_TOUCHES FAKE_LAB_IGNORES_PLATFORM FAKE_FAIL
  OUT="$BATS_TEST_TMPDIR/out"
  mkdir -p "$WORLD" "$HOME"
  : >"$CALLS"
  # A checkout of its own: the script writes its stack file next to Pulumi.yaml.
  checkout="$BATS_TEST_TMPDIR/checkout"
  mkdir -p "$checkout/.ci"
  cp "$REPO/.ci/e2e-ambient" "$REPO/.ci/use-node.sh" "$checkout/.ci/"
  cp "$REPO/.nvmrc" "$REPO/Pulumi.yaml" "$REPO/Pulumi.local.yaml" "$checkout/"
  ln -s "$REPO/node_modules" "$checkout/node_modules"
}

e2e_ambient() { run bash "$checkout/.ci/e2e-ambient" "$OUT"; }

# deployed N KEY: the value the N-th `pulumi up` had for the stack file's KEY line (e.g. "mode").
deployed() { sed -n "s/^ *$2: //p" "$WORLD/deployed/$1" | tail -n 1; }

nothing_left() {
  if [ -n "$(ls "$WORLD/clusters")" ]; then echo "clusters left: $(ls "$WORLD/clusters")" >&2; return 1; fi
  if [ -e "$checkout/Pulumi.ambient.yaml" ]; then echo "the stack file is left" >&2; return 1; fi
  cmp "$REPO/Pulumi.local.yaml" "$checkout/Pulumi.local.yaml"
}

@test "deploys Pulumi.local.yaml in ambient mode on a kind cluster of its own, verifies the L4 and the L7 scenario, destroys it; a summary row per step" {
  e2e_ambient
  [ "$status" -eq 0 ]
  in_order "npm ci --no-audit --no-fund --loglevel=error" "kind get clusters" \
    "pulumi stack select --create ambient" "pulumi up --yes --stack ambient" "pulumi stack output --stack ambient clusterName" \
    "npm run --silent verify -- --stack ambient --json" \
    "pulumi config set --stack ambient istio-lab:scenario authz-http" "pulumi up --yes --stack ambient" \
    "npm run --silent verify -- --stack ambient --json" \
    "pulumi destroy --yes --stack ambient" "kind get clusters" "docker ps -aq --filter label=io.x-k8s.kind.cluster=istio-lab-ambient" "pulumi stack rm --yes ambient"
  # Each up: the checked-out file's cluster, ambient mode, the L4 scenario, then the L7 one.
  [ "$(deployed 1 source)" = kind ]
  [ "$(deployed 1 mode)" = ambient ]
  [ "$(deployed 1 istio-lab:scenario)" = authz-tcp ]
  [ "$(deployed 2 mode)" = ambient ]
  [ "$(deployed 2 'set istio-lab:scenario')" = authz-http ]
  [ "$(cat "$WORLD/ups")" = 2 ]
  [ -s "$OUT/reports/ambient-authz-tcp.json" ]
  [ -s "$OUT/reports/ambient-authz-http.json" ]
  [ "$(rows)" = "the project's packages; no kind cluster istio-lab-ambient exists yet|passed
pulumi up of ambient: Pulumi.local.yaml in ambient mode, scenario authz-tcp (L4)|passed
verify authz-tcp in ambient|passed
switch to authz-http (L7)|passed
verify authz-http in ambient|passed
destroy: nothing is left|passed" ]
  [ "$(total)" = passed ]
  nothing_left
  # The user's kubeconfig kept its context that reaches nothing, and the run's files are gone.
  [ ! -e "$OUT/user.kubeconfig" ]
}

@test "a verify that fails fails the run with its step's row, then destroys the stack and deletes the cluster" {
  FAKE_FAIL='npm run --silent verify*' e2e_ambient
  [ "$status" -eq 1 ]
  [ "$(rows | tail -n 2)" = "verify authz-tcp in ambient|failed (exit 1)
cleanup after the failure: the stack and its kind cluster|cleaned up" ]
  [ "$(total)" = "failed (exit 1)" ]
  in_order "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack ambient" "kind delete cluster --name istio-lab-ambient --kubeconfig $OUT/scratch.kubeconfig"
  refute grep -q "istio-lab:scenario authz-http" "$CALLS"
  nothing_left
}

@test "an up that writes the user's kubeconfig fails the run naming it, and cleans up" {
  FAKE_UP_WRITES_KUBECONFIG=1 e2e_ambient
  [ "$status" -eq 1 ]
  [[ "$output" == *"\`pulumi up --yes --stack ambient\` changed the user's kubeconfig"* ]]
  nothing_left
}

@test "a kind cluster of its name, or a stack file of its name, stops it before anything is made or deleted" {
  mkdir -p "$WORLD/clusters/istio-lab-ambient"
  e2e_ambient
  [ "$status" -eq 1 ]
  [[ "$output" == *"kind cluster istio-lab-ambient exists already"* ]]
  refute grep -q "^pulumi up\|^kind delete\|destroy" "$CALLS"
  [ -d "$WORLD/clusters/istio-lab-ambient" ]
  rm -rf "$WORLD/clusters/istio-lab-ambient"
  : >"$CALLS"
  echo "config: {}" >"$checkout/Pulumi.ambient.yaml"
  e2e_ambient
  [ "$status" -eq 1 ]
  [[ "$output" == *"Pulumi.ambient.yaml exists already"* ]]
  [ "$(cat "$checkout/Pulumi.ambient.yaml")" = "config: {}" ]
  refute grep -q "^pulumi up\|destroy" "$CALLS"
}

@test "takes another stack name, and refuses one that cannot name a stack and its cluster" {
  E2E_AMBIENT_STACK=nightly-amb e2e_ambient
  [ "$status" -eq 0 ]
  in_order "pulumi up --yes --stack nightly-amb" "pulumi stack rm --yes nightly-amb"
  E2E_AMBIENT_STACK=Bad_Name e2e_ambient
  [ "$status" -eq 2 ]
  [[ "$output" == *"E2E_AMBIENT_STACK must be lower-case letters"* ]]
}

@test "an interruption (INT, TERM, HUP) fails the run with 128 + its number, then destroys the stack and deletes the cluster" {
  local signal code
  for signal in INT:130 TERM:143 HUP:129; do
    code=${signal#*:} signal=${signal%:*}
    rm -rf "$WORLD" "$OUT" "$GITHUB_STEP_SUMMARY"
    mkdir -p "$WORLD"
    : >"$CALLS"
    interrupt_verify "$signal" e2e_ambient
    echo "SIG$signal: exit $status" >&2
    [ "$status" -eq "$code" ]
    [ "$(rows | tail -n 2)" = "verify authz-tcp in ambient|failed (exit $code)
cleanup after the failure: the stack and its kind cluster|cleaned up" ]
    [ "$(total)" = "failed (exit $code)" ]
    in_order "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack ambient" "kind delete cluster --name istio-lab-ambient --kubeconfig $OUT/scratch.kubeconfig"
    refute grep -q "istio-lab:scenario authz-http" "$CALLS"
    nothing_left
  done
}
