#!/usr/bin/env bats
# install-kubernetes.sh and install-containerd.sh: pinned packages, kubelet node-ip, containerd config.

load helpers

setup() { setup_node; }

kube=(K8S_VERSION=1.36.4 NODE_IP=192.168.56.12 OS=rocky9)
containerd=(K8S_VERSION=1.36.4 OS=rocky9)

@test "kubelet, kubeadm and kubectl are pinned from pkgs.k8s.io and the kubelet gets the lab address" {
  run_script install-kubernetes "${kube[@]}"
  [ "$status" -eq 0 ]
  grep -qx 'baseurl=https://pkgs.k8s.io/core:/stable:/v1.36/rpm/' "$ROOT/etc/yum.repos.d/kubernetes.repo"
  grep -qx 'exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni' "$ROOT/etc/yum.repos.d/kubernetes.repo"
  # containerd.io in the same transaction, from Docker's repository, written alongside.
  assert_call '^dnf -y install kubelet-1.36.4 kubeadm-1.36.4 kubectl-1.36.4 containerd.io --disableexcludes=kubernetes$'
  grep -qF 'baseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable' "$ROOT/etc/yum.repos.d/docker-ce.repo"
  grep -qx 'KUBELET_EXTRA_ARGS=--node-ip=192.168.56.12' "$ROOT/etc/sysconfig/kubelet"
  assert_call '^systemctl enable kubelet$'
}

@test "a second Kubernetes install changes nothing; a new node-ip restarts a running kubelet" {
  run_script install-kubernetes "${kube[@]}"
  rerun_changes_nothing install-kubernetes "${kube[@]}"

  touch "$FAKE_STATE/units/kubelet.active"
  run_script install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.99 OS=rocky9
  [ "$status" -eq 0 ]
  assert_call '^systemctl restart kubelet$'
}

@test "a node already in a cluster is not moved to another Kubernetes release" {
  run_script install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.11 OS=rocky9
  built_by_istio_lab && touch "$ROOT/etc/kubernetes/kubelet.conf"
  : >"$CALLS"
  run_script install-kubernetes K8S_VERSION=1.37.1 NODE_IP=192.168.56.11 OS=rocky9
  [ "$status" -ne 0 ]
  [[ "$output" == *"istio-lab does not upgrade clusters"* ]]
  refute_call "$mutating"
  run_script install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.11 OS=rocky9
  [ "$status" -eq 0 ]
}

@test "a version that is not a release stops the install" {
  run_script install-kubernetes K8S_VERSION=latest NODE_IP=1.2.3.4 OS=rocky9
  [ "$status" -ne 0 ]
  [[ "$output" == *"K8S_VERSION must look like 1.36.4"* ]]
  refute_call '^dnf'
}

@test "with an image mirror, the sandbox image is the mirror's pause, as kubeadm names it" {
  run_script install-containerd "${containerd[@]}" IMAGE_REPOSITORY=mirror.example.com/lab
  [ "$status" -eq 0 ]
  assert_call '^kubeadm config images list --kubernetes-version v1.36.4 --image-repository mirror.example.com/lab$'
  grep -q "sandbox = 'mirror.example.com/lab/pause:3.10.1'" "$ROOT/etc/containerd/config.toml"
}

@test "containerd comes from Docker's repository with CRI on, SystemdCgroup and kubeadm's pause image" {
  run_script install-containerd "${containerd[@]}"
  [ "$status" -eq 0 ]
  grep -qF 'baseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable' "$ROOT/etc/yum.repos.d/docker-ce.repo"
  assert_call '^dnf -y install containerd.io$'
  assert_call '^kubeadm config images list --kubernetes-version v1.36.4$'
  grep -q "SystemdCgroup = true" "$ROOT/etc/containerd/config.toml"
  grep -q "sandbox = 'registry.k8s.io/pause:3.10.1'" "$ROOT/etc/containerd/config.toml"
  grep -qx 'disabled_plugins = \[\]' "$ROOT/etc/containerd/config.toml"
  assert_call '^systemctl enable --now containerd$'
}

@test "after the Kubernetes packages, the containerd step installs nothing: containerd.io came in their transaction" {
  run_script install-kubernetes "${kube[@]}"
  [ "$status" -eq 0 ]
  : >"$CALLS"
  run_script install-containerd "${containerd[@]}"
  [ "$status" -eq 0 ]
  refute_call '^(dnf|yum) '
  assert_call '^systemctl enable --now containerd$'
}

@test "an installed containerd.io is not installed again with the Kubernetes packages" {
  run_script install-containerd "${containerd[@]}"
  : >"$CALLS"
  run_script install-kubernetes "${kube[@]}"
  [ "$status" -eq 0 ]
  assert_call '^dnf -y install kubelet-1.36.4 kubeadm-1.36.4 kubectl-1.36.4 --disableexcludes=kubernetes$'
}

@test "a second containerd run changes nothing; a changed config restarts a running containerd" {
  run_script install-containerd "${containerd[@]}"
  rerun_changes_nothing install-containerd "${containerd[@]}"

  echo "# edited by hand" >>"$ROOT/etc/containerd/config.toml"
  run_script install-containerd "${containerd[@]}"
  [ "$status" -eq 0 ]
  assert_call '^systemctl restart containerd$'
}

@test "a default config that disables CRI stops with a clear message and leaves the old config" {
  printf 'version = 3\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\nSystemdCgroup = false\nsandbox = "x"\n' >"$BATS_TEST_TMPDIR/cri-off.toml"
  FAKE_CONTAINERD_DEFAULT="$BATS_TEST_TMPDIR/cri-off.toml" run_script install-containerd "${containerd[@]}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"disables the CRI plugin"* ]]
  [ ! -e "$ROOT/etc/containerd/config.toml" ]
  refute_call '^systemctl (enable|restart)'
}

@test "a node of a cluster istio-lab did not build is refused without istio-lab:cluster.adopt, naming it, and changed in nothing" {
  mkdir -p "$ROOT/etc/kubernetes" && touch "$ROOT/etc/kubernetes/kubelet.conf"
  before=$(fingerprint)
  for step in "prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9" "install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.12 OS=rocky9" "install-containerd K8S_VERSION=1.36.4 OS=rocky9"; do
    # shellcheck disable=SC2086 # one word per parameter
    run_script $step
    [ "$status" -ne 0 ]
    [[ "$output" == *"this node already runs in a kubeadm cluster istio-lab did not build"*"set istio-lab:cluster.adopt true"* ]]
  done
  refute_call "$mutating"
  [ "$(fingerprint)" = "$before" ]
}

@test "a node of a cluster istio-lab did not build is prepared with no change at all, with istio-lab:cluster.adopt" {
  mkdir -p "$ROOT/etc/kubernetes" "$ROOT/etc/cni/net.d" && touch "$ROOT/etc/kubernetes/kubelet.conf" "$ROOT/etc/cni/net.d/10-calico.conflist"
  echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  prep=(prep-os ADOPT=1 NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS="linux-node2=192.168.56.12" OS=rocky9 VMXNET3_WORKAROUND=1)
  run_script "${prep[@]}"
  [ "$status" -eq 0 ]
  [[ "$output" == *"OS preparation: this node runs in a kubeadm cluster istio-lab did not build; leaving it as it is (istio-lab:cluster.adopt), the init or join step checks that it is the lab's cluster"* ]]
  # Not adopted yet: only the init or join step, having checked the node, records that.
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  run_script install-kubernetes ADOPT=1 K8S_VERSION=1.37.1 NODE_IP=192.168.56.12 OS=rocky9
  [ "$status" -eq 0 ]
  run_script install-containerd ADOPT=1 K8S_VERSION=1.36.4 OS=rocky9
  [ "$status" -eq 0 ]
  # What each step left alone, for require_prepared.
  [ "$(ls "$ROOT/etc/kubernetes/istio-lab/skipped" | tr '\n' ' ')" = "containerd kubernetes os " ]
  rerun_changes_nothing "${prep[@]}"
  run_script flannel-apply <<<"kind: DaemonSet"
  [ "$status" -eq 0 ]
  [[ "$output" == *"has a network plugin (10-calico.conflist); leaving it as it is"* ]]
  refute_call "$mutating"
  refute_call '^hostnamectl set-hostname|^kubectl'
}

@test "a node adopted by its init or join step is left alone by the preparation steps without the opt-in" {
  mkdir -p "$ROOT/etc/kubernetes/istio-lab" && touch "$ROOT/etc/kubernetes/kubelet.conf" "$ROOT/etc/kubernetes/istio-lab/adopted"
  before=$(fingerprint)
  run_script prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS="linux-node2=192.168.56.12" OS=rocky9
  [ "$status" -eq 0 ]
  [[ "$output" == *"OS preparation: this node runs in a kubeadm cluster istio-lab did not build; leaving it as it is"* ]]
  refute_call "$mutating"
  [ "$(fingerprint)" = "$before" ]
}

# A node that came with containerd.io 1.7 from an older repository.
containerd_1x_installed() {
  touch "$FAKE_STATE/rpm/containerd.io"
  echo v1.7.28 >"$FAKE_STATE/containerd-version"
}

@test "a containerd 1.x found on a new node is upgraded to 2.x for Kubernetes 1.36" {
  containerd_1x_installed
  run_script install-containerd K8S_VERSION=1.36.4 OS=rocky9
  [ "$status" -eq 0 ]
  [[ "$output" == *"containerd v1.7.28 is too old for Kubernetes 1.36.4; upgrading to 2.x"* ]]
  assert_call '^dnf -y upgrade containerd.io$'
}

@test "a containerd 1.x under a running kubelet is refused, not replaced" {
  containerd_1x_installed
  built_by_istio_lab && touch "$ROOT/etc/kubernetes/kubelet.conf"
  run_script install-containerd K8S_VERSION=1.36.4 OS=rocky9
  [ "$status" -ne 0 ]
  [[ "$output" == *"containerd v1.7.28 runs this node, Kubernetes 1.36.4 needs containerd 2.x"* ]]
  refute_call "$mutating"
}

@test "Kubernetes 1.35 keeps a containerd 1.x it finds" {
  containerd_1x_installed
  run_script install-containerd K8S_VERSION=1.35.2 OS=rocky9
  [ "$status" -eq 0 ]
  refute_call 'upgrade'
}

@test "a package manager held by another process's lock stops at its bound, naming it and what to check, without retrying into the lock" {
  echo 1 >"$FAKE_STATE/fail-timeout-dnf"
  run_script install-kubernetes "${kube[@]}" PKG_TIMEOUT=120
  [ "$status" -ne 0 ]
  [[ "$output" == *"dnf -y did not finish within 120s: another process may hold the package manager's lock (see 'ps -C dnf,yum,packagekitd,rpm -o pid,etime,args' on this node)"* ]]
  [ "$(grep -c '^timeout -k 300 120 dnf -y install' "$CALLS")" -eq 1 ]
  run_script install-kubernetes "${kube[@]}" PKG_TIMEOUT=120
  [ "$status" -eq 0 ]
}

@test "a package manager that outlives its TERM (an rpm transaction that hangs) is killed at its second bound, saying what to check" {
  echo 1 >"$FAKE_STATE/fail-kill-dnf"
  run_script install-kubernetes "${kube[@]}" PKG_TIMEOUT=120 PKG_KILL_AFTER=60
  [ "$status" -ne 0 ]
  [[ "$output" == *"dnf -y did not finish within 120s, nor end within 60s of being told to stop, and was killed: an rpm transaction may have been cut off. Check 'dnf history' and 'rpm -Va --nofiles'"* ]]
  [ "$(grep -c '^timeout -k 60 120 dnf -y install' "$CALLS")" -eq 1 ]
}
