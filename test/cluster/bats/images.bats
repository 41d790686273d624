#!/usr/bin/env bats
# pull-images.sh: every image pulled once, a failed pull only warns, a re-run pulls nothing.

load helpers

setup() {
  setup_node
}

images="registry.istio.io/release/pilot:1.31.1 registry.istio.io/release/proxyv2:1.31.1"

@test "pulls each image that is not there yet" {
  run_script pull-images IMAGES="$images"
  [ "$status" -eq 0 ]
  assert_call '^crictl pull registry.istio.io/release/pilot:1.31.1$'
  assert_call '^crictl pull registry.istio.io/release/proxyv2:1.31.1$'
  [[ "$output" == *"images ready; 0 left to the kubelet"* ]]
  rerun_changes_nothing pull-images IMAGES="$images"
}

@test "an image that cannot be pulled now is left to the kubelet, and the step still succeeds" {
  echo 1 >"$FAKE_STATE/fail-crictl-pull"
  run_script pull-images IMAGES="$images"
  [ "$status" -eq 0 ]
  [[ "$output" == *"could not pull registry.istio.io/release/pilot:1.31.1 now"* ]]
  [[ "$output" == *"images ready; 1 left to the kubelet"* ]]
}

@test "each pull is bounded in time" {
  run_script pull-images IMAGES="$images" PULL_TIMEOUT=42
  [ "$status" -eq 0 ]
  assert_call '^timeout 42 crictl pull registry.istio.io/release/pilot:1.31.1$'
}

@test "stops before anything when the image list is missing" {
  run_script pull-images
  [ "$status" -ne 0 ]
  [[ "$output" == *"IMAGES is not set"* ]]
  refute_call '^crictl'
}

@test "with REQUIRE_ALL=1 every image pulled passes, and one left unpulled fails the step (a template must hold them all)" {
  run_script pull-images IMAGES="$images" REQUIRE_ALL=1
  [ "$status" -eq 0 ]
  rm -rf "$FAKE_STATE/images"
  echo 1 >"$FAKE_STATE/fail-crictl-pull"
  run_script pull-images IMAGES="$images" REQUIRE_ALL=1
  [ "$status" -eq 1 ]
  [[ "$output" == *"1 of the images could not be pulled"* ]]
  [[ "$output" != *"the kubelet pulls it"* ]]
  assert_call '^crictl pull registry.istio.io/release/proxyv2:1.31.1$'
}
