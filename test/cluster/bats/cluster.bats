#!/usr/bin/env bats
# flannel-apply.sh, smoke-check.sh, wait-ready.sh and reset-node.sh.

load helpers

setup() {
  setup_node
  mkdir -p "$ROOT/etc/kubernetes" && echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  manifest=$'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-flannel-ds'
  expected="linux-node1=192.168.56.11 linux-node2=192.168.56.12"
  echo 192.168.56.11 >"$FAKE_STATE/ip-linux-node1"
  echo 192.168.56.12 >"$FAKE_STATE/ip-linux-node2"
}

@test "Flannel is applied from stdin, and not again while the manifest is unchanged and applied" {
  run_script flannel-apply <<<"$manifest"
  [ "$status" -eq 0 ]
  assert_call '^kubectl --kubeconfig .*/admin.conf --request-timeout=30s apply -f .*/etc/kubernetes/istio-lab/kube-flannel.yml$'
  : >"$CALLS"
  run_script flannel-apply <<<"$manifest"
  [ "$status" -eq 0 ]
  refute_call "$mutating"
  run_script flannel-apply <<<"${manifest}-v2"
  [ "$status" -eq 0 ]
  assert_call 'apply -f'
}

@test "Flannel is applied again when its DaemonSet is gone, with retries" {
  run_script flannel-apply <<<"$manifest"
  rm "$FAKE_STATE/flannel-applied"
  echo 1 >"$FAKE_STATE/fail-kubectl-apply"
  : >"$CALLS"
  run_script flannel-apply <<<"$manifest"
  [ "$status" -eq 0 ]
  [ "$(grep -c 'apply -f' "$CALLS")" -eq 2 ]
}

@test "Flannel refuses input that is not its manifest" {
  run_script flannel-apply <<<"hello"
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not hold the Flannel manifest"* ]]
  refute_call 'apply'
}

@test "the smoke check passes when every node is Ready on its lab address and Flannel and CoreDNS rolled out" {
  built_by_istio_lab
  run_script smoke-check "EXPECTED_NODES=$expected"
  [ "$status" -eq 0 ]
  [[ "$output" == *"smoke check passed: 2 node(s)"* ]]
  assert_call 'wait --for=condition=Ready node/linux-node2'
  assert_call '-n kube-flannel rollout status daemonset/kube-flannel-ds'
  assert_call '-n kube-system rollout status deployment/coredns'
}

@test "the smoke check names a node on the wrong address, a node not Ready and a missing rollout" {
  built_by_istio_lab
  echo 10.0.2.15 >"$FAKE_STATE/ip-linux-node2"
  touch "$FAKE_STATE/notready-linux-node1" "$FAKE_STATE/rollout-fail-coredns"
  run_script smoke-check "EXPECTED_NODES=$expected"
  [ "$status" -ne 0 ]
  [[ "$output" == *"node linux-node1 is not Ready"* ]]
  [[ "$output" == *"node linux-node2 has InternalIP 10.0.2.15, expected 192.168.56.12"* ]]
  [[ "$output" == *"CoreDNS (deployment kube-system/coredns) did not roll out"* ]]
  [[ "$output" == *"failed its smoke check (3 problem(s) above)"* ]]
}

@test "the smoke check fails when Flannel does not roll out" {
  built_by_istio_lab
  touch "$FAKE_STATE/rollout-fail-flannel"
  run_script smoke-check "EXPECTED_NODES=$expected"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Flannel (daemonset kube-flannel/kube-flannel-ds) did not roll out"* ]]
}

@test "first contact waits for boot to finish and gives up clearly" {
  run_script wait-ready
  [ "$status" -eq 0 ]
  FAKE_SYSTEM_STATE=starting run_script wait-ready
  [ "$status" -ne 0 ]
  [[ "$output" == *"did not finish booting (systemctl is-system-running: starting)"* ]]
  [ "$(grep -c '^systemctl is-system-running' "$CALLS")" -eq 4 ]
}

@test "reset removes what kubeadm reset leaves and keeps the host's own iptables rules" {
  mkdir -p "$ROOT/etc/cni/net.d" "$ROOT/var/lib/cni" "$ROOT/root/.kube" "$ROOT/etc/kubernetes/istio-lab"
  touch "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab"
  touch "$ROOT/etc/cni/net.d/10-flannel.conflist" "$ROOT/root/.kube/config" "$FAKE_STATE/links/cni0" "$FAKE_STATE/links/flannel.1"
  printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' ':KUBE-FIREWALL - [0:0]' '-A INPUT -j KUBE-FIREWALL' '-A INPUT -p tcp --dport 2222 -j ACCEPT' ':FLANNEL-FWD - [0:0]' 'COMMIT' >"$FAKE_STATE/iptables"
  run_script reset-node
  [ "$status" -eq 0 ]
  assert_call '^kubeadm reset -f$'
  assert_call '^ip link delete cni0$'
  assert_call '^ip link delete flannel.1$'
  [ ! -e "$ROOT/etc/cni/net.d" ]
  [ ! -e "$ROOT/var/lib/cni" ]
  [ ! -e "$ROOT/root/.kube/config" ]
  diff <(printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' '-A INPUT -p tcp --dport 2222 -j ACCEPT' 'COMMIT') "$FAKE_STATE/iptables"
}

@test "reset on a clean node only runs kubeadm reset" {
  built_by_istio_lab
  printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' 'COMMIT' >"$FAKE_STATE/iptables"
  run_script reset-node
  [ "$status" -eq 0 ]
  assert_call '^kubeadm reset -f$'
  refute_call '^ip link delete|^iptables-restore|^systemctl restart'
}

@test "reset leaves a cluster istio-lab adopted but did not set up" {
  mkdir -p "$ROOT/etc/cni/net.d" "$ROOT/etc/kubernetes/istio-lab"
  touch "$ROOT/etc/cni/net.d/10-flannel.conflist" "$ROOT/etc/kubernetes/istio-lab/init.done" "$FAKE_STATE/links/cni0"
  printf '%s\n' '*filter' ':KUBE-FIREWALL - [0:0]' 'COMMIT' >"$FAKE_STATE/iptables"
  run_script reset-node
  [ "$status" -eq 0 ]
  [[ "$output" == *"not set up by istio-lab"* ]]
  refute_call "$mutating"
  [ -e "$ROOT/etc/cni/net.d/10-flannel.conflist" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab" ]
}

@test "first contact bounds cloud-init's wait and stops clearly when it never ends" {
  run_script wait-ready CLOUD_INIT_TIMEOUT=120
  [ "$status" -eq 0 ]
  assert_call '^timeout 120 cloud-init status --wait$'
  echo 1 >"$FAKE_STATE/fail-timeout-cloud-init"
  run_script wait-ready CLOUD_INIT_TIMEOUT=120
  [ "$status" -ne 0 ]
  [[ "$output" == *"cloud-init did not finish within 120s"* ]]
}

@test "the smoke check bounds every wait, and every request beside them" {
  built_by_istio_lab
  for node in linux-node1 linux-node2; do echo "192.168.56.1${node: -1}" >"$FAKE_STATE/ip-$node"; done
  run_script smoke-check EXPECTED_NODES="linux-node1=192.168.56.11 linux-node2=192.168.56.12" SMOKE_TIMEOUT=30
  [ "$status" -eq 0 ]
  assert_call '^timeout 90 kubectl --kubeconfig .*/admin.conf wait --for=condition=Ready node/linux-node1 --timeout=30s$'
  assert_call '^timeout 90 kubectl --kubeconfig .*/admin.conf -n kube-system rollout status deployment/coredns --timeout=30s$'
  refute_call '^kubectl --kubeconfig [^ ]+ (get|apply)'
}

@test "a file write compares every byte, trailing newlines and spaces too, and keeps an equal file" {
  mkdir -p "$ROOT/etc" && printf 'a  b\n' >"$ROOT/etc/conf"
  # shellcheck disable=SC2016 # expanded by the inner bash
  write() { bash -c '. "$0/lib.sh"; if write_file "$ROOT/etc/conf" 0640 < <(printf "$1"); then echo wrote; else echo kept; fi' "$SCRIPTS" "$1" 2>/dev/null; }
  [ "$(write 'a  b\n')" = kept ]
  [ "$(write 'a  b\n\n')" = wrote ]
  [ "$(cat -A "$ROOT/etc/conf")" = "$(printf 'a  b$\n$')" ]
  [ "$(write 'a  b')" = wrote ]
  [ "$(cat -A "$ROOT/etc/conf")" = 'a  b' ]
  [ "$(write 'a b')" = wrote ]
  [ "$(stat -c %a "$ROOT/etc/conf")" = 640 ]
  [ "$(write 'a b')" = kept ]
}

@test "a file write with no content (stdin closed or unreadable) or a relative path stops the script" {
  mkdir -p "$ROOT/etc" && printf 'kept\n' >"$ROOT/etc/conf"
  run bash -c '. "$0/lib.sh"; write_file "$ROOT/etc/conf" 0644 <&-; echo "went on"' "$SCRIPTS"
  [ "$status" -ne 0 ]
  [[ "$output" == *"could not write $ROOT/etc/conf: no content could be read"* ]]
  [[ "$output" != *"went on"* ]]
  [ "$(cat "$ROOT/etc/conf")" = kept ]
  run bash -c '. "$0/lib.sh"; write_file etc/conf 0644 <<<x; echo "went on"' "$SCRIPTS"
  [ "$status" -ne 0 ]
  [[ "$output" == *"write_file needs an absolute path, not etc/conf"* ]]
}

@test "a file write that fails stops the script, even where the caller tests the result" {
  touch "$ROOT/etc/blocked" # a file where a folder must go
  run bash -c '. "$0/lib.sh"; if write_file "$ROOT/etc/blocked/conf" 0644 < <(printf "x\n"); then echo "reported as written"; fi; echo "went on"' "$SCRIPTS"
  [ "$status" -ne 0 ]
  [[ "$output" == *"could not write $ROOT/etc/blocked/conf"* ]]
  [[ "$output" != *"reported as written"* ]]
  [[ "$output" != *"went on"* ]]
}

@test "a worker istio-lab joined that left the config is drained and deleted before the checks wait on it" {
  built_by_istio_lab
  for node in linux-node1 linux-node2; do echo "192.168.56.1${node: -1}" >"$FAKE_STATE/ip-$node"; done
  echo "linux-node2 linux-node3" >"$FAKE_STATE/joined-nodes"
  run_script smoke-check EXPECTED_NODES="linux-node1=192.168.56.11 linux-node2=192.168.56.12" SMOKE_TIMEOUT=30
  [ "$status" -eq 0 ]
  [[ "$output" == *"linux-node3 left istio-lab:cluster.nodes: draining and deleting it"* ]]
  assert_call '^timeout 90 kubectl --kubeconfig .*/admin.conf drain linux-node3 --ignore-daemonsets --delete-emptydir-data --force --timeout=30s$'
  assert_call '^kubectl .* delete node linux-node3$'
  refute_call 'drain linux-node2|delete node linux-node2'
  # The deletion comes before any wait on the nodes.
  [ "$(grep -nE 'delete node linux-node3' "$CALLS" | cut -d: -f1)" -lt "$(grep -nE 'wait --for=condition=Ready' "$CALLS" | head -1 | cut -d: -f1)" ]
}

@test "a node istio-lab did not join is never removed" {
  for node in linux-node1 linux-node2; do echo "192.168.56.1${node: -1}" >"$FAKE_STATE/ip-$node"; done
  run_script smoke-check EXPECTED_NODES="linux-node1=192.168.56.11 linux-node2=192.168.56.12"
  [ "$status" -eq 0 ]
  refute_call 'drain|delete node'
}


@test "the smoke check of an adopted cluster with its own network plugin waits on no Flannel" {
  for node in linux-node1 linux-node2; do echo "192.168.56.1${node: -1}" >"$FAKE_STATE/ip-$node"; done
  touch "$FAKE_STATE/rollout-fail-flannel"
  run_script smoke-check EXPECTED_NODES="linux-node1=192.168.56.11 linux-node2=192.168.56.12"
  [ "$status" -eq 0 ]
  refute_call 'rollout status daemonset/kube-flannel-ds'
  assert_call 'rollout status deployment/coredns'
}

@test "a destroy whose kubeadm reset ran out of its bound fails naming it and keeps the marker; the next destroy completes" {
  built_by_istio_lab
  printf '%s\n' '*filter' 'COMMIT' >"$FAKE_STATE/iptables"
  echo 1 >"$FAKE_STATE/fail-timeout-kubeadm"
  run_script reset-node RESET_TIMEOUT=60
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm reset did not finish within 60s; check containerd"*"istio-lab keeps its marker on the node until the reset is done"* ]]
  assert_call '^timeout 60 kubeadm reset -f$'
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  run_script reset-node RESET_TIMEOUT=60
  [ "$status" -eq 0 ]
  [[ "$output" == *"node reset"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab" ]
}

@test "destroy gives firewalld and SELinux back as preparation found them, and only what it changed" {
  rm "$ROOT/etc/kubernetes/admin.conf" # a fresh node
  printf '127.0.0.1 localhost\n' >"$ROOT/etc/hosts"
  mkdir -p "$ROOT/etc/selinux" && echo "SELINUX=enforcing" >"$ROOT/etc/selinux/config"
  touch "$FAKE_STATE/units/firewalld.enabled" "$FAKE_STATE/units/firewalld.active"
  run_script prep-os NODE_NAME=linux-node1 DOMAIN=example.com LAB_HOSTS=linux-node1=192.168.56.11 OS=rocky9
  [ "$status" -eq 0 ]
  [ "$(cat "$FAKE_STATE/selinux")" = Permissive ] && [ ! -e "$FAKE_STATE/units/firewalld.enabled" ]
  built_by_istio_lab
  printf '%s\n' '*filter' 'COMMIT' >"$FAKE_STATE/iptables"
  run_script reset-node
  [ "$status" -eq 0 ]
  [ "$(cat "$FAKE_STATE/selinux")" = Enforcing ]
  grep -qx 'SELINUX=enforcing' "$ROOT/etc/selinux/config"
  [ -f "$FAKE_STATE/units/firewalld.enabled" ] && [ -f "$FAKE_STATE/units/firewalld.active" ]
  # A node whose firewalld was off and SELinux permissive before stays so.
  rm -rf "$ROOT/etc/kubernetes" "$FAKE_STATE/units/firewalld."* && echo Permissive >"$FAKE_STATE/selinux" && echo "SELINUX=permissive" >"$ROOT/etc/selinux/config"
  run_script prep-os NODE_NAME=linux-node1 DOMAIN=example.com LAB_HOSTS=linux-node1=192.168.56.11 OS=rocky9
  built_by_istio_lab
  : >"$CALLS"
  run_script reset-node
  [ "$status" -eq 0 ]
  refute_call '^systemctl (enable|start) firewalld|^setenforce'
  grep -qx 'SELINUX=permissive' "$ROOT/etc/selinux/config"
}

@test "the smoke check deletes the tokens minted for istio-lab's joins, and no other token" {
  built_by_istio_lab
  run_script join-command
  [ "$status" -eq 0 ]
  printf 'bootstrap-token-other1=%s\n' "$(printf 'somebody else' | base64)" >>"$FAKE_STATE/tokens"
  run_script smoke-check "EXPECTED_NODES=$expected"
  [ "$status" -eq 0 ]
  [[ "$output" == *"deleted the used join token bootstrap-token-abcdef"* ]]
  [ "$(cut -d= -f1 "$FAKE_STATE/tokens")" = bootstrap-token-other1 ]
}

@test "a step waits for the node's lock a bounded time, names who holds it, and changes nothing; once it is free the step runs" {
  rm "$ROOT/etc/kubernetes/admin.conf" # a fresh node, for prep-os
  # A step an interrupted `pulumi up` left running holds the lock (flock on its own open file).
  exec 8>>"$NODE_LOCK"
  flock 8
  echo "pid 4242, kubeadm-init, since 2026-12-06 04:31:00 UTC" >"$NODE_LOCK.holder"
  before=$(fingerprint)
  run_script prep-os LOCK_WAIT=0 NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9
  [ "$status" -ne 0 ]
  [[ "$output" == *"another istio-lab step has held this node for over 0s (pid 4242, kubeadm-init, since 2026-12-06 04:31:00 UTC; lock $NODE_LOCK): most likely one left running by an interrupted 'pulumi up'"* ]]
  refute_call "$mutating"
  refute_call '^hostnamectl set-hostname'
  [ "$(fingerprint)" = "$before" ]
  exec 8>&-
  run_script prep-os LOCK_WAIT=0 NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9
  [ "$status" -eq 0 ]
  assert_call '^hostnamectl set-hostname linux-node2$'
  [[ "$(cat "$NODE_LOCK.holder")" == "pid "*", prep-os.sh, since "* ]]
}

@test "destroy on a node an earlier release prepared, with no records, says what it does not give back" {
  rm "$ROOT/etc/kubernetes/admin.conf"
  built_by_istio_lab
  printf '%s\n' '*filter' 'COMMIT' >"$FAKE_STATE/iptables"
  touch "$FAKE_STATE/rpm/firewalld" && echo Permissive >"$FAKE_STATE/selinux"
  run_script reset-node
  [ "$status" -eq 0 ]
  [[ "$output" == *"firewalld stays off: istio-lab has no record that it ran before preparation"*"systemctl enable --now firewalld"* ]]
  [[ "$output" == *"SELinux stays permissive: istio-lab has no record that it was enforcing before preparation"*"setenforce 1, and SELINUX=enforcing in /etc/selinux/config"* ]]
  refute_call '^systemctl (enable|start) firewalld|^setenforce'
}

@test "destroy says nothing of firewalld and SELinux where it gave them back, or where they were never changed" {
  rm "$ROOT/etc/kubernetes/admin.conf"
  printf '%s\n' '*filter' 'COMMIT' >"$FAKE_STATE/iptables"
  touch "$FAKE_STATE/rpm/firewalld" "$FAKE_STATE/units/firewalld.enabled" "$FAKE_STATE/units/firewalld.active"
  run_script prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9
  [ "$status" -eq 0 ]
  built_by_istio_lab
  run_script reset-node
  [ "$status" -eq 0 ]
  [[ "$output" == *"firewalld enabled again"*"SELinux enforcing again"* ]]
  [[ "$output" != *"stays"* ]]
  # A node of a cluster istio-lab adopted: never prepared, nothing to say.
  rm -rf "$ROOT/etc/kubernetes" && mkdir -p "$ROOT/etc/kubernetes/istio-lab" && touch "$ROOT/etc/kubernetes/kubelet.conf" "$ROOT/etc/kubernetes/istio-lab/adopted"
  systemctl disable --now firewalld && echo Permissive >"$FAKE_STATE/selinux"
  run_script reset-node
  [ "$status" -eq 0 ]
  [[ "$output" != *"stays"* ]]
}
