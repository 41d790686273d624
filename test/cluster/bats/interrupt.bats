#!/usr/bin/env bats
# Every node step killed at every point between two of its commands, then run again: the second
# run converges to what one uninterrupted run leaves (helpers.bash converges_after_any_interruption,
# stubs/interrupt.bash). The starts are the ones that matter: a fresh node, and a node whose
# services already run with an older configuration (a reload a cut-off run skipped must still come).

load helpers

setup() {
  setup_node
  printf '127.0.0.1 localhost\n' >"$ROOT/etc/hosts"
  mkdir -p "$ROOT/etc/selinux" && echo "SELINUX=enforcing" >"$ROOT/etc/selinux/config"
  printf '/dev/mapper/rl-swap none swap defaults 0 0\n' >"$ROOT/etc/fstab"
  echo "/dev/dm-1 partition 2G 0B -2" >"$FAKE_STATE/swap"
  touch "$FAKE_STATE/units/firewalld.enabled" "$FAKE_STATE/units/firewalld.active"
  join_line="kubeadm join 192.168.56.11:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123abcd"
}

# A node whose kubelet and containerd run with the settings of an earlier run, and whose kernel
# holds older sysctls: each step's new file must be made live however the run before was cut off.
running_with_old_settings() {
  mkdir -p "$ROOT/etc/containerd" "$ROOT/etc/sysconfig" "$ROOT/etc/sysctl.d"
  echo "version = 2" >"$ROOT/etc/containerd/config.toml"
  echo "KUBELET_EXTRA_ARGS=--node-ip=10.0.0.1" >"$ROOT/etc/sysconfig/kubelet"
  echo "net.ipv4.ip_forward = 0" >"$ROOT/etc/sysctl.d/k8s.conf"
  for unit in containerd kubelet; do touch "$FAKE_STATE/units/$unit.enabled" && fake systemctl restart "$unit" >/dev/null; done
  fake sysctl --system >/dev/null
  touch "$FAKE_STATE/rpm/containerd.io" "$FAKE_STATE/rpm/kubelet-1.36.4" "$FAKE_STATE/rpm/kubeadm-1.36.4" "$FAKE_STATE/rpm/kubectl-1.36.4"
}

# The control plane istio-lab built, ready, with Flannel and the nodes' addresses.
control_plane() {
  INPUT=/dev/stdin run_script kubeadm-init <<<"kind: InitConfiguration"
  [ "$status" -eq 0 ]
  echo 192.168.56.11 >"$FAKE_STATE/ip-linux-node1"
  echo 192.168.56.12 >"$FAKE_STATE/ip-linux-node2"
}

@test "first contact and the OS preparation, on a fresh node and on one with older sysctls" {
  converges_after_any_interruption wait-ready
  converges_after_any_interruption prep-os NODE_NAME=linux-node2 DOMAIN=example.com "LAB_HOSTS=linux-node1=192.168.56.11 linux-node2=192.168.56.12" OS=rocky9 VMXNET3_WORKAROUND=1
  [ "$INTERRUPTIONS" -gt 20 ]
  running_with_old_settings
  converges_after_any_interruption prep-os NODE_NAME=linux-node2 DOMAIN=example.com "LAB_HOSTS=linux-node1=192.168.56.11 linux-node2=192.168.56.12" OS=rocky9 VMXNET3_WORKAROUND=0
  grep -qx 'net.ipv4.ip_forward = 1' "$FAKE_STATE/sysctl.loaded"
}

@test "the Kubernetes packages and containerd, on a fresh node and under running services" {
  converges_after_any_interruption install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.12 OS=rocky9
  converges_after_any_interruption install-containerd K8S_VERSION=1.36.4 OS=rocky9
  rm -rf "$ROOT" "$FAKE_STATE" && setup
  running_with_old_settings
  converges_after_any_interruption install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.12 OS=rocky9
  grep -qx 'KUBELET_EXTRA_ARGS=--node-ip=192.168.56.12' "$FAKE_STATE/units/kubelet.loaded"
  converges_after_any_interruption install-containerd K8S_VERSION=1.36.4 OS=rocky9
  grep -q 'SystemdCgroup = true' "$FAKE_STATE/units/containerd.loaded"
  converges_after_any_interruption pull-images IMAGES="docker.io/istio/pilot:1.31.0 docker.io/istio/proxyv2:1.31.0"
}

@test "kubeadm init, and what runs on the control plane after it" {
  INPUT="$BATS_TEST_TMPDIR/init.yaml"
  echo "kind: InitConfiguration" >"$INPUT"
  converges_after_any_interruption kubeadm-init
  [ -f "$ROOT/etc/kubernetes/istio-lab/init.done" ]
  INPUT=/dev/null converges_after_any_interruption read-kubeconfig
  INPUT=/dev/null converges_after_any_interruption join-command
  INPUT="$BATS_TEST_TMPDIR/flannel.yml"
  printf 'kind: DaemonSet\nmetadata: {name: kube-flannel-ds}\n' >"$INPUT"
  converges_after_any_interruption flannel-apply
  # A new manifest over the one applied: the apply a cut-off run skipped still comes.
  printf 'kind: DaemonSet\nmetadata: {name: kube-flannel-ds, labels: {v: "2"}}\n' >"$INPUT"
  converges_after_any_interruption flannel-apply
  diff "$INPUT" "$FAKE_STATE/flannel-applied"
  echo 192.168.56.11 >"$FAKE_STATE/ip-linux-node1"
  echo "linux-node1 linux-node3" >"$FAKE_STATE/joined-nodes"
  INPUT=/dev/null converges_after_any_interruption smoke-check EXPECTED_NODES=linux-node1=192.168.56.11
}

@test "kubeadm join, on a fresh worker and on one istio-lab joined to a control plane since replaced" {
  INPUT="$BATS_TEST_TMPDIR/join"
  echo "$join_line" >"$INPUT"
  converges_after_any_interruption kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12
  [ -f "$ROOT/etc/kubernetes/istio-lab/join.done" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
  echo "${join_line/0123abcd/feedbeef}" >"$INPUT"
  converges_after_any_interruption kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12
  [ "$(cat "$ROOT/etc/kubernetes/pki/ca.crt")" = feedbeef ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
}

@test "reset on destroy, on a control plane istio-lab built and prepared" {
  INPUT=/dev/null run_script prep-os NODE_NAME=linux-node1 DOMAIN=example.com LAB_HOSTS=linux-node1=192.168.56.11 OS=rocky9
  [ "$status" -eq 0 ]
  control_plane
  mkdir -p "$ROOT/etc/cni/net.d" && touch "$ROOT/etc/cni/net.d/10-flannel.conflist" "$FAKE_STATE/links/cni0"
  printf '%s\n' '*filter' ':KUBE-FIREWALL - [0:0]' 'COMMIT' >"$FAKE_STATE/iptables"
  converges_after_any_interruption reset-node
  [ ! -e "$ROOT/etc/kubernetes/istio-lab" ]
  [ -f "$FAKE_STATE/units/firewalld.enabled" ]
  [ "$(cat "$FAKE_STATE/selinux")" = Enforcing ]
}
