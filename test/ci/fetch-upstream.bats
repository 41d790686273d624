#!/usr/bin/env bats
# .ci/fetch-upstream: each reference file from its repository at its ref, kept only with its git
# blob id, the vSphere schema cut to its subset; against a local stand-in for raw.githubusercontent.com.

setup() {
  export CALLS="$BATS_TEST_TMPDIR/calls" FAKE_REMOTE="$BATS_TEST_TMPDIR/remote" OUT="$BATS_TEST_TMPDIR/out"
  export UPSTREAM_MANIFEST="$BATS_TEST_TMPDIR/manifest.tsv" XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
  : >"$CALLS"
  mkdir -p "$FAKE_REMOTE/istio/istio/abc123/samples" "$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider"
  printf 'kind: Service\n' >"$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
  # A whole schema in miniature: the subset keeps the name, the VirtualMachine, the get* functions
  # istio-lab calls in the README's order, and the types they reach.
  cat >"$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider/schema.json" <<'JSON'
{"name":"vsphere","description":"dropped","types":{"vsphere:index/Unused:Unused":{},"vsphere:index/VirtualMachineDisk:VirtualMachineDisk":{"type":"object"}},
 "resources":{"vsphere:index/host:Host":{},"vsphere:index/virtualMachine:VirtualMachine":{"inputProperties":{"disks":{"$ref":"#/types/vsphere:index/VirtualMachineDisk:VirtualMachineDisk"}}}},
 "functions":{"vsphere:index/getNetwork:getNetwork":{},"vsphere:index/getDatacenter:getDatacenter":{},"vsphere:index/getHost:getHost":{}}}
JSON
  cat >"$BATS_TEST_TMPDIR/subset.json" <<'JSON'
{
    "name": "vsphere",
    "types": {
        "vsphere:index/VirtualMachineDisk:VirtualMachineDisk": {
            "type": "object"
        }
    },
    "resources": {
        "vsphere:index/virtualMachine:VirtualMachine": {
            "inputProperties": {
                "disks": {
                    "$ref": "#/types/vsphere:index/VirtualMachineDisk:VirtualMachineDisk"
                }
            }
        }
    },
    "functions": {
        "vsphere:index/getDatacenter:getDatacenter": {},
        "vsphere:index/getNetwork:getNetwork": {}
    }
}
JSON
  row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(git hash-object "$5" | cut -c1-12)" "$(wc -c <"$5")"; }
  {
    echo '# comment'
    row istio-1.31/samples/a.yaml istio/istio abc123 samples/a.yaml "$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
    row pulumi-vsphere-4.17.0/schema.json pulumi/pulumi-vsphere v4.17.0 provider/schema.json "$FAKE_REMOTE/pulumi/pulumi-vsphere/v4.17.0/provider/schema.json"
    row pulumi-vsphere-4.17.0/schema.subset.json .ci/vsphere-schema-subset.mjs - pulumi-vsphere-4.17.0/schema.json "$BATS_TEST_TMPDIR/subset.json"
  } >"$UPSTREAM_MANIFEST"
  # The stand-in prints its address once it listens; the fifo waits for that line, however long.
  mkfifo "$BATS_TEST_TMPDIR/listening"
  node "$BATS_TEST_DIRNAME/stubs/raw-github.mjs" >"$BATS_TEST_TMPDIR/listening" &
  SERVER=$!
  read -r ISTIO_LAB_UPSTREAM_URL <"$BATS_TEST_TMPDIR/listening"
  export ISTIO_LAB_UPSTREAM_URL
}

teardown() {
  kill "$SERVER"
}

@test "downloads each file from its repository at its ref, and keeps the vSphere schema only cut to the subset" {
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 0 ]
  grep -qx 'GET /istio/istio/abc123/samples/a.yaml' "$CALLS"
  grep -qx 'GET /pulumi/pulumi-vsphere/v4.17.0/provider/schema.json' "$CALLS"
  [ "$(cat "$OUT/istio-1.31/samples/a.yaml")" = "kind: Service" ]
  cmp "$OUT/pulumi-vsphere-4.17.0/schema.subset.json" "$BATS_TEST_TMPDIR/subset.json"
  [ "$(cd "$OUT" && find . -type f | sort)" = "$(printf './istio-1.31/samples/a.yaml\n./pulumi-vsphere-4.17.0/schema.subset.json')" ]
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
  [[ "$output" == "fetch-upstream: $ISTIO_LAB_UPSTREAM_URL/istio/istio/abc123/samples/a.yaml has blob "*"the ref moved or the file changed upstream; refused, nothing written" ]]
  [ -z "$(find "$OUT" -path '*a.yaml*')" ]
}

@test "stops with the file it could not download" {
  rm "$FAKE_REMOTE/istio/istio/abc123/samples/a.yaml"
  run bash .ci/fetch-upstream "$OUT"
  [ "$status" -eq 1 ]
  [[ "$output" == "fetch-upstream: could not download $ISTIO_LAB_UPSTREAM_URL/istio/istio/abc123/samples/a.yaml: HTTP 404" ]]
}

@test "fills the cache npm test reads when no folder is given" {
  run bash .ci/fetch-upstream
  [ "$status" -eq 0 ]
  [[ "$output" == "fetch-upstream: 2 downloaded, 0 already there, into $XDG_CACHE_HOME/istio-lab/upstream" ]]
  [ -f "$XDG_CACHE_HOME/istio-lab/upstream/istio-1.31/samples/a.yaml" ]
}
