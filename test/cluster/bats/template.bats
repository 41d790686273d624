#!/usr/bin/env bats
# check-fresh.sh and seal-template.sh, the steps of `npm run prepare-template` of its own: a machine
# in a cluster is refused before anything; sealing pulls kubeadm's images, schedules the poweroff
# and removes the machine's identity, and a pull that fails leaves the machine as it is.

load helpers

setup() {
  setup_node
  mkdir -p "$ROOT/etc/ssh"
  echo 0123456789abcdef0123456789abcdef >"$ROOT/etc/machine-id"
  touch "$ROOT/etc/ssh/ssh_host_ed25519_key" "$ROOT/etc/ssh/ssh_host_ed25519_key.pub" "$ROOT/etc/ssh/sshd_config"
}

# Whether the machine's identity is as setup left it.
identity_kept() {
  [ -s "$ROOT/etc/machine-id" ] && [ -e "$ROOT/etc/ssh/ssh_host_ed25519_key" ]
}

# The line at which a call matching REGEX was logged.
call_line() { calls | grep -n -E -e "$1" | head -n 1 | cut -d: -f1; }

@test "pulls kubeadm's images, schedules the poweroff, then cleans cloud-init, empties the machine-id and removes the host keys" {
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 0 ]
  pull=$(call_line '^kubeadm config images pull --kubernetes-version v1.36.4$')
  poweroff=$(call_line '^systemd-run --on-active=5 systemctl poweroff$')
  clean=$(call_line '^cloud-init clean --logs$')
  [ -n "$pull" ]
  [ "$pull" -lt "$poweroff" ]
  [ "$poweroff" -lt "$clean" ]
  [ -e "$ROOT/etc/machine-id" ]
  [ ! -s "$ROOT/etc/machine-id" ]
  [ -z "$(find "$ROOT/etc/ssh" -name 'ssh_host_*')" ]
  [ -e "$ROOT/etc/ssh/sshd_config" ]
  [[ "$output" == *"sealed"* ]]
}

@test "pulls from the image mirror when one is set, bounded in time" {
  run_script seal-template K8S_VERSION=1.36.4 IMAGE_REPOSITORY=mirror.example.com/k8s KUBEADM_PULL_TIMEOUT=42
  [ "$status" -eq 0 ]
  assert_call '^timeout 42 kubeadm config images pull --kubernetes-version v1.36.4 --image-repository mirror.example.com/k8s$'
}

@test "a second run on a sealed machine succeeds and seals it again" {
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 0 ]
  : >"$CALLS"
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 0 ]
  [ ! -s "$ROOT/etc/machine-id" ]
  assert_call '^systemd-run --on-active=5 systemctl poweroff$'
}

@test "refuses a machine that runs in a cluster or that istio-lab made a node, changing nothing" {
  mkdir -p "$ROOT/etc/kubernetes" && touch "$ROOT/etc/kubernetes/kubelet.conf"
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 1 ]
  [[ "$output" == *"runs in a Kubernetes cluster"* ]]
  rm "$ROOT/etc/kubernetes/kubelet.conf"
  built_by_istio_lab
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 1 ]
  identity_kept
  refute_call '^kubeadm|^cloud-init|^systemd-run'
}

@test "a pull that fails or runs out of time stops before anything is removed, and the VM stays up" {
  for failure in timeout-kubeadm kubeadm-pull; do
    echo 1 >"$FAKE_STATE/fail-$failure"
    : >"$CALLS"
    run_script seal-template K8S_VERSION=1.36.4
    [ "$status" -eq 1 ]
    [[ "$output" == *"kubeadm could not pull its images for v1.36.4 within 900s"* ]]
    identity_kept
    refute_call '^cloud-init|^systemd-run'
  done
}

@test "gives D-Bus's machine-id file way to a link to the emptied one, so clones do not share it; a link stays" {
  mkdir -p "$ROOT/var/lib/dbus"
  cp "$ROOT/etc/machine-id" "$ROOT/var/lib/dbus/machine-id"
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 0 ]
  [ "$(readlink "$ROOT/var/lib/dbus/machine-id")" = /etc/machine-id ]
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 0 ]
  [ "$(readlink "$ROOT/var/lib/dbus/machine-id")" = /etc/machine-id ]
}

@test "a poweroff that cannot be scheduled stops before the identity goes, cloud-init's state included" {
  echo 1 >"$FAKE_STATE/fail-systemd-run"
  run_script seal-template K8S_VERSION=1.36.4
  [ "$status" -eq 1 ]
  [[ "$output" == *"could not schedule the poweroff; nothing of the machine's identity was removed"* ]]
  identity_kept
  refute_call '^cloud-init'
}

@test "needs K8S_VERSION" {
  run_script seal-template
  [ "$status" -eq 1 ]
  [[ "$output" == *"K8S_VERSION is not set"* ]]
  identity_kept
}

@test "check-fresh passes a fresh machine and refuses a cluster's or istio-lab's node, changing nothing" {
  run_script check-fresh
  [ "$status" -eq 0 ]
  [[ "$output" == *"a fresh machine"* ]]
  before=$(fingerprint)
  built_by_istio_lab
  run_script check-fresh
  [ "$status" -eq 1 ]
  [[ "$output" == *"prepare a template from a fresh VM"* ]]
  rm -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab"
  touch "$ROOT/etc/kubernetes/kubelet.conf"
  run_script check-fresh
  [ "$status" -eq 1 ]
  [ -z "$(calls | grep -v '^id ')" ]
  rm -f "$ROOT/etc/kubernetes/kubelet.conf"
  rmdir "$ROOT/etc/kubernetes/istio-lab" "$ROOT/etc/kubernetes"
  [ "$(fingerprint)" = "$before" ]
}
