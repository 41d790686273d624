#!/usr/bin/env bats
# .ci/e2e and its drills (.ci/e2e-drills) against a small world of stubs (stubs/e2e-world): the
# sequence and every drill in order, each recipe read from docs/recovery.md and run as written;
# each drill fails the run when its outcome is not the page's; the job summary gets a row per step
# as it ends; a failure leaves no stack, no kind cluster of the run, and Docker running.

bats_require_minimum_version 1.5.0
load e2e-helpers

setup_file() {
  local bin="$BATS_FILE_TMPDIR/bin" cmd
  mkdir -p "$bin"
  for cmd in pulumi kind kubectl docker npm sudo systemctl; do ln -sf "$BATS_TEST_DIRNAME/stubs/e2e-world" "$bin/$cmd"; done
}

setup() {
  REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  export REPO PATH="$BATS_FILE_TMPDIR/bin:$PATH" CALLS="$BATS_TEST_TMPDIR/calls" WORLD="$BATS_TEST_TMPDIR/world" E2E_POLL=0
  export GITHUB_STEP_SUMMARY="$BATS_TEST_TMPDIR/summary.md" HOME="$BATS_TEST_TMPDIR/home" RECIPES="$BATS_FILE_TMPDIR/recipes"
  unset E2E_REAL_STEP_TIMES KUBECONFIG E2E_STACK FAKE_DESTROY_IGNORES_DOCKER FAKE_UP_WRITES_KUBECONFIG FAKE_DESTROY_TOUCHES FAKE_LAB_IGNORES_PLATFORM FAKE_FAIL
  OUT="$BATS_TEST_TMPDIR/out"
  mkdir -p "$WORLD" "$HOME"
  : >"$CALLS"
  # A checkout of its own: the script writes stack files next to Pulumi.yaml.
  checkout="$BATS_TEST_TMPDIR/checkout"
  mkdir -p "$checkout/.ci"
  cp "$REPO/.ci/e2e" "$REPO/.ci/e2e-drills" "$REPO/.ci/use-node.sh" "$checkout/.ci/"
  cp "$REPO/.nvmrc" "$REPO/Pulumi.yaml" "$REPO/Pulumi.local.yaml" "$REPO/Pulumi.existing.yaml" "$REPO/Pulumi.lab-template.yaml" "$checkout/"
  ln -s "$REPO/node_modules" "$checkout/node_modules"
}

e2e() { run bash "$checkout/.ci/e2e" "$OUT"; }

# recipe_calls ID VAR=value...: the calls recipe ID of docs/recovery.md makes with those
# variables, as the stubs log them.
recipe_calls() {
  local id=$1
  shift
  env "$@" bash -c 'pulumi() { echo "${PULUMI_K8S_DELETE_UNREACHABLE:+PULUMI_K8S_DELETE_UNREACHABLE=$PULUMI_K8S_DELETE_UNREACHABLE }pulumi $*"; }
    '"$(CALLS=/dev/null npm run --silent recipe -- "$id")"
}

# after CALL: the calls after the last CALL.
after() { WANT="$1" awk '$0 == ENVIRON["WANT"] { n = NR } { line[NR] = $0 } END { for (i = n + 1; i <= NR; i++) print line[i] }' "$CALLS"; }

no_cluster_left() {
  if [ -n "$(ls "$WORLD/clusters")" ]; then echo "clusters left: $(ls "$WORLD/clusters")" >&2; return 1; fi
}

@test "runs the sequence and every drill in order, each recipe read from docs/recovery.md and run as written; a summary row per step" {
  local deleted rebuilt stopped move gone
  # This test reads the step-times table the run appends to the summary.
  export E2E_REAL_STEP_TIMES=1
  mapfile -t deleted < <(recipe_calls local-cluster-deleted STACK=local TOOL=kind)
  mapfile -t rebuilt < <(recipe_calls platform-rebuilt STACK=local-student)
  mapfile -t stopped < <(recipe_calls docker-stopped STACK=local-second)
  mapfile -t move < <(recipe_calls move STACK=local-existing NEW_CONTEXT=kind-local-existing-b)
  mapfile -t gone < <(recipe_calls cluster-gone STACK=local-existing)
  [[ "${deleted[0]}" == "pulumi up --stack local --yes --replace urn:pulumi:local::istio-lab::"*"::cluster-kind" ]]
  [ "${rebuilt[0]}" = "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --stack local-student --yes" ]
  e2e
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "end to end: passed" ]
  in_order "npm ci --no-audit --no-fund --loglevel=error" \
    "pulumi stack select --create local" "pulumi up --yes --stack local --event-log $OUT/logs/first-up.events.jsonl" "npm run --silent verify -- --stack local --json" \
    "pulumi preview --expect-no-changes --stack local" "pulumi config set --stack local istio-lab:scenario mirroring" \
    "pulumi config set --stack local --path istio-lab:scenarioOptions.api gateway-api" \
    "pulumi stack init local-student" "pulumi up --yes --stack local-student" \
    "npm run --silent verify -- --stack local-student --json --kubeconfig $OUT/kubeconfig" \
    `# a: the cluster deleted behind Pulumi's back, the recipe, verify; the lab stops, its recipe, verify` \
    "kind delete cluster --name istio-lab-local --kubeconfig $OUT/scratch.kubeconfig" "${deleted[@]}" \
    "npm run --silent verify -- --stack local --json" \
    "pulumi preview --stack local-student" "${rebuilt[@]}" \
    "npm run --silent verify -- --stack local-student --json --kubeconfig $OUT/kubeconfig" \
    `# b: the second platform, kubectl's context on it, then the destroys` \
    "pulumi stack init local-second" "pulumi up --yes --stack local-second" "kubectl config use-context kind-local-second" \
    "pulumi destroy --yes --stack local-student" "pulumi destroy --yes --stack local" \
    "kubectl config current-context" "kubectl --kubeconfig $OUT/local-second.kubeconfig --request-timeout 30s get secrets --all-namespaces -l owner=helm --no-headers -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,UID:.metadata.uid,VERSION:.metadata.resourceVersion" \
    `# d: Docker stopped, the destroy, Docker started, its nodes, the recipe` \
    "sudo systemctl stop docker.socket docker" "pulumi destroy --yes --stack local-second" \
    "pulumi stack export --stack local-second" "sudo systemctl start docker.socket docker" "docker info" \
    "docker start local-second-control-plane" "${stopped[@]}" "kind get clusters" \
    `# c: a kind lab whose cluster goes by hand, then destroy` \
    "pulumi up --yes --stack local-gone" "kind delete cluster --name local-gone --kubeconfig $OUT/scratch.kubeconfig" \
    "pulumi destroy --yes --stack local-gone" "pulumi stack export --stack local-gone" \
    `# c: source kubeconfig on clusters of the run's, recipe move, then cluster-gone` \
    "kind create cluster --name local-existing-a --kubeconfig $OUT/local-existing.kubeconfig --wait 5m" \
    "pulumi up --yes --stack local-existing" \
    "kind create cluster --name local-existing-b --kubeconfig $OUT/local-existing.kubeconfig --wait 5m" "${move[@]}" \
    "kubectl --kubeconfig $OUT/local-existing.kubeconfig --context kind-local-existing-a --request-timeout 30s get namespace istio-system --ignore-not-found -o name" \
    "kind delete cluster --name local-existing-b --kubeconfig $OUT/local-existing.kubeconfig" "${gone[0]}" \
    "pulumi stack export --stack local-existing" "pulumi stack rm --yes local-existing" "kind get clusters"
  # cluster-gone's own `pulumi up` needs a cluster, and that one is gone.
  [ "${gone[1]}" = "pulumi up --stack local-existing --yes" ]
  refute grep -qxF "${gone[1]}" < <(after "${gone[0]}")
  # Nothing is left, the stack files the run made are gone and Pulumi.local.yaml is as checked out.
  no_cluster_left
  [ -z "$(ls "$WORLD/stacks")" ]
  [ ! -f "$WORLD/docker-down" ]
  [ "$(cd "$checkout" && ls Pulumi.*)" = "$(printf '%s\n' Pulumi.existing.yaml Pulumi.lab-template.yaml Pulumi.local.yaml Pulumi.yaml)" ]
  cmp "$REPO/Pulumi.local.yaml" "$checkout/Pulumi.local.yaml"
  # The job summary: a row per step, in order, each with its wall time, then the total.
  [ "$(rows)" = "$(sed -n 's/^== \(.*\)$/\1|passed/p' <<<"$output")" ]
  [ "$(rows | wc -l)" -ge 25 ]
  rows | grep -qx "drill: with Docker stopped, the destroy of local-second fails, naming the kind listing, and keeps the cluster|passed"
  [ "$(total)" = passed ]
  grep -qx '| step | wall time | outcome |' "$GITHUB_STEP_SUMMARY"
  # Then the first up's own steps from its event log (written only with PULUMI_DEBUG_COMMANDS set,
  # which the stub checks as the CLI does), beside the bench's estimates of Pulumi.local.yaml.
  [ "$(tail -n 1 "$CALLS")" = "npm run --silent step-times -- $OUT/logs/first-up.events.jsonl $OUT/pristine/Pulumi.local.yaml" ]
  grep -qxF '### First `pulumi up` of Pulumi.local.yaml: the critical path, estimated and measured' "$GITHUB_STEP_SUMMARY"
  grep -qF '| cluster-kind (Command) | 0.00 + 2.00 | 0.00 + 1.50 |' "$GITHUB_STEP_SUMMARY"
  grep -qF '| Deployment/bookinfo/reviews-v1 (Deployment) | 3.15 + 1.56 | not in the log |' "$GITHUB_STEP_SUMMARY"
}

@test "a destroy that succeeds with Docker stopped fails the run; the cleanup starts Docker and deletes every cluster" {
  export FAKE_DESTROY_IGNORES_DOCKER=1
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"the destroy of local-second succeeded with Docker stopped"* ]]
  [ "$(rows | tail -n 2)" = "$(printf '%s\n' "drill: with Docker stopped, the destroy of local-second fails, naming the kind listing, and keeps the cluster|failed (exit 1)" "cleanup after the failure: Docker, every stack, every kind cluster of the run|cleaned up")" ]
  [ "$(total)" = "failed (exit 1)" ]
  in_order "pulumi destroy --yes --stack local-second" "sudo systemctl start docker.socket docker" \
    "kind delete cluster --name istio-lab-local --kubeconfig $OUT/scratch.kubeconfig" "kind delete cluster --name local-second --kubeconfig $OUT/scratch.kubeconfig"
  refute grep -q '^npm run --silent recipe -- docker-stopped' "$CALLS"
  [ ! -f "$WORLD/docker-down" ]
  no_cluster_left
}

@test "a destroy with Docker stopped that does not name the kind listing fails the drill, and Docker is started again" {
  export FAKE_FAIL='pulumi destroy --yes --stack local-second'
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"the failed destroy of local-second names neither the kind listing nor Docker"* ]]
  in_order "sudo systemctl stop docker.socket docker" "pulumi destroy --yes --stack local-second" "sudo systemctl start docker.socket docker"
  [ ! -f "$WORLD/docker-down" ]
  no_cluster_left
}

@test "a recipe that fails fails its drill; the cleanup destroys every stack, the lab first, and deletes every cluster of the run" {
  export FAKE_FAIL='pulumi up --stack local --yes --replace *'
  e2e
  [ "$status" -ne 0 ]
  refute grep -q '^npm run --silent verify -- --stack local --json$' < <(after "kind delete cluster --name istio-lab-local --kubeconfig $OUT/scratch.kubeconfig")
  in_order "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local-student" "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local" \
    "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local-second" "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local-gone" \
    "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local-existing"
  for cluster in istio-lab-local local-second local-gone local-existing-a local-existing-b; do
    grep -qxF "kind delete cluster --name $cluster --kubeconfig $OUT/scratch.kubeconfig" <(after "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local-existing")
  done
  [ -z "$(cat "$WORLD"/stacks/*/state 2>/dev/null)" ]
  no_cluster_left
  [ "$(cd "$checkout" && ls Pulumi.*)" = "$(printf '%s\n' Pulumi.existing.yaml Pulumi.lab-template.yaml Pulumi.local.yaml Pulumi.yaml)" ]
}

@test "a lab that goes on over its rebuilt platform fails drill a" {
  export FAKE_LAB_IGNORES_PLATFORM=1
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"the preview of local-student went on although its platform's cluster was made anew"* ]]
  refute grep -q '^npm run --silent recipe -- platform-rebuilt$' "$CALLS"
  no_cluster_left
}

@test "a pulumi up that writes the user's kubeconfig or switches its context fails the run" {
  # A failed run still gets the step-times table, which this test reads.
  export FAKE_UP_WRITES_KUBECONFIG=1 E2E_REAL_STEP_TIMES=1
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"\`pulumi up --yes --stack local --event-log $OUT/logs/first-up.events.jsonl\` changed the user's kubeconfig: before: current context e2e-nowhere"*"after: current context kind-istio-lab-local"* ]]
  no_cluster_left
  # A failed run still reports what the first up's log holds.
  grep -qF '| cluster-kind (Command) | 0.00 + 2.00 | 0.00 + 1.50 |' "$GITHUB_STEP_SUMMARY"
}

@test "a destroy that changes the second platform's objects fails drill b" {
  export FAKE_DESTROY_TOUCHES=local-second
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"local-second's namespaces, Helm releases or deployments changed while local-student and local were destroyed"* ]]
  no_cluster_left
}

@test "a kind cluster of the run's names that exists already stops the run first, and is left alone" {
  mkdir -p "$WORLD/clusters/local-gone"
  e2e
  [ "$status" -ne 0 ]
  [[ "$output" == *"kind cluster local-gone exists already, and the run would delete it at the end"* ]]
  refute grep -q '^pulumi up' "$CALLS"
  refute grep -q '^kind delete' "$CALLS"
  [ -d "$WORLD/clusters/local-gone" ]
}

@test "E2E_STACK names every stack and cluster of the run; the stack files it made are removed" {
  export E2E_STACK=nightly
  e2e
  [ "$status" -eq 0 ]
  in_order "pulumi stack select --create nightly" "pulumi up --yes --stack nightly-student" "pulumi up --yes --stack nightly-second" \
    "kind create cluster --name nightly-existing-a --kubeconfig $OUT/nightly-existing.kubeconfig --wait 5m"
  refute grep -qE -e '--stack local( |$)|istio-lab-local|local-(student|second|gone|existing)' "$CALLS"
  [ "$(cd "$checkout" && ls Pulumi.*)" = "$(printf '%s\n' Pulumi.existing.yaml Pulumi.lab-template.yaml Pulumi.local.yaml Pulumi.yaml)" ]
}

@test "an interruption (INT, TERM, HUP) fails the run with 128 + its number; the cleanup destroys the platform and deletes its cluster" {
  local signal code
  for signal in INT:130 TERM:143 HUP:129; do
    code=${signal#*:} signal=${signal%:*}
    rm -rf "$WORLD" "$OUT" "$GITHUB_STEP_SUMMARY"
    mkdir -p "$WORLD"
    : >"$CALLS"
    interrupt_verify "$signal" e2e
    echo "SIG$signal: exit $status" >&2
    [ "$status" -eq "$code" ]
    [ "$(rows | tail -n 2)" = "verify local (local-bookinfo)|failed (exit $code)
cleanup after the failure: Docker, every stack, every kind cluster of the run|cleaned up" ]
    [ "$(total)" = "failed (exit $code)" ]
    in_order "PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy --yes --stack local" "kind delete cluster --name istio-lab-local --kubeconfig $OUT/scratch.kubeconfig"
    [ -z "$(cat "$WORLD"/stacks/*/state 2>/dev/null)" ]
    no_cluster_left
  done
}
