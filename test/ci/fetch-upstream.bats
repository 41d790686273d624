#!/usr/bin/env bats
# .ci/fetch-upstream: each reference file from its repository at its ref, checked by git blob id.

setup() {
  export CALLS="$BATS_TEST_TMPDIR/calls" FAKE_REMOTE="$BATS_TEST_TMPDIR/remote" OUT="$BATS_TEST_TMPDIR/out"
  export PATH="$BATS_TEST_DIRNAME/stubs:$PATH" UPSTREAM_MANIFEST="$BATS_TEST_TMPDIR/manifest.tsv"
  : >"$CALLS"
  mkdir -p "$FAKE_REMOTE/istio/istio/abc123/samples" "$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider"
  printf 'kind: Service\n' >"$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
  cp "$BATS_TEST_DIRNAME/../../../shared/upstream/pulumi-vsphere-4.17.0/schema.subset.json" "$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider/schema.json"
  local a s
  a=$(git hash-object "$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml" | cut -c1-12)
  s=$(git hash-object "$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider/schema.json" | cut -c1-12)
  printf '# comment\nistio-1.31/samples/a.yaml\tistio/istio\tabc123\tsamples/a.yaml\t%s\npulumi-vsphere-4.17.0/schema.json\tpulumi/pulumi-vsphere\tv4.17.0\tprovider/schema.json\t%s\n' "$a" "$s" >"$UPSTREAM_MANIFEST"
}

@test "downloads each file from its repository at its ref, and cuts the vSphere schema to the subset" {
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 0 ]
  grep -qx 'curl https://raw.githubusercontent.com/istio/istio/abc123/samples/a.yaml' "$CALLS"
  [ "$(cat "$OUT/istio-1.31/samples/a.yaml")" = "kind: Service" ]
  cmp "$OUT/pulumi-vsphere-4.17.0/schema.subset.json" "$BATS_TEST_DIRNAME/../../../shared/upstream/pulumi-vsphere-4.17.0/schema.subset.json"
  [[ "$output" == "fetch-upstream: 2 downloaded, 0 already there, into $OUT" ]]
}

@test "keeps a file already there with the right blob, and downloads nothing again" {
  bash .ci/fetch-upstream "$OUT"
  : >"$CALLS"
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 0 ]
  [ ! -s "$CALLS" ]
  [[ "$output" == *"0 downloaded, 2 already there"* ]]
}

@test "refuses a file whose blob is not the listed one, and leaves nothing of it" {
  printf 'kind: Changed\n' >"$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 1 ]
  [[ "$output" == *"istio/istio abc123 samples/a.yaml has blob"*"the ref moved or the file changed upstream"* ]]
  [ ! -e "$OUT/istio-1.31/samples/a.yaml" ]
  [ ! -e "$OUT/istio-1.31/samples/a.yaml.part" ]
}

@test "stops with the file it could not download" {
  rm "$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 1 ]
  [[ "$output" == *"could not download istio/istio abc123 samples/a.yaml"* ]]
}
