#!/usr/bin/env bats
# prep-os.sh on a fresh Rocky node, again on the finished node, and its failures.

load helpers

setup() {
  setup_node
  printf '127.0.0.1 localhost\n' >"$ROOT/etc/hosts"
  printf '/dev/mapper/rl-root / xfs defaults 0 0\n/dev/mapper/rl-swap none swap defaults 0 0\n' >"$ROOT/etc/fstab"
  mkdir -p "$ROOT/etc/selinux" && echo "SELINUX=enforcing" >"$ROOT/etc/selinux/config"
  echo "/dev/dm-1 partition 2G 0B -2" >"$FAKE_STATE/swap"
  touch "$FAKE_STATE/units/firewalld.enabled" "$FAKE_STATE/units/firewalld.active"
}

params=(NODE_NAME=linux-node2 DOMAIN=example.com "LAB_HOSTS=linux-node1=192.168.56.11 linux-node2=192.168.56.12" OS=rocky9 VMXNET3_WORKAROUND=1)

@test "a fresh node gets its name, hosts, no swap, permissive SELinux, no firewalld, modules, sysctls and chrony" {
  run_script prep-os "${params[@]}"
  [ "$status" -eq 0 ]
  assert_call '^hostnamectl set-hostname linux-node2$'
  assert_call '^swapoff -a$'
  assert_call '^setenforce 0$'
  assert_call '^systemctl disable --now firewalld$'
  assert_call '^dnf -y install chrony ethtool conntrack-tools socat openssl iproute-tc$'
  assert_call '^systemctl enable --now chronyd$'
  assert_call '^modprobe overlay$'
  assert_call '^modprobe br_netfilter$'
  assert_call '^sysctl --system$'
  assert_call '^udevadm control --reload-rules$'
  grep -qx '192.168.56.11 linux-node1 linux-node1.example.com' "$ROOT/etc/hosts"
  grep -qx '192.168.56.12 linux-node2 linux-node2.example.com' "$ROOT/etc/hosts"
  grep -qx '127.0.0.1 localhost' "$ROOT/etc/hosts"
  grep -qx '#/dev/mapper/rl-swap none swap defaults 0 0' "$ROOT/etc/fstab"
  grep -qx 'SELINUX=permissive' "$ROOT/etc/selinux/config"
  diff <(printf 'overlay\nbr_netfilter\n') "$ROOT/etc/modules-load.d/k8s.conf"
  grep -qx 'net.ipv4.ip_forward = 1' "$ROOT/etc/sysctl.d/k8s.conf"
  grep -qx 'net.bridge.bridge-nf-call-iptables = 1' "$ROOT/etc/sysctl.d/k8s.conf"
  grep -q 'KERNEL=="flannel.1", RUN+="/usr/sbin/ethtool -K flannel.1 tx-checksum-ip-generic off"' "$ROOT/etc/udev/rules.d/90-flannel-vxlan-checksum.rules"
}

@test "a second run on the prepared node changes nothing" {
  run_script prep-os "${params[@]}"
  [ "$status" -eq 0 ]
  rerun_changes_nothing prep-os "${params[@]}"
  [ "$(grep -c 'BEGIN istio-lab nodes' "$ROOT/etc/hosts")" -eq 1 ]
}

@test "an existing flannel.1 loses its checksum offload at once; without the workaround nothing is touched" {
  touch "$FAKE_STATE/links/flannel.1"
  run_script prep-os "${params[@]}"
  [ "$status" -eq 0 ]
  assert_call '^ethtool -K flannel.1 tx-checksum-ip-generic off$'

  rm -f "$FAKE_STATE/offload-off" "$ROOT/etc/udev/rules.d/90-flannel-vxlan-checksum.rules"
  : >"$CALLS"
  run_script prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9 VMXNET3_WORKAROUND=0
  [ "$status" -eq 0 ]
  refute_call '^ethtool|^udevadm'
  [ ! -e "$ROOT/etc/udev/rules.d/90-flannel-vxlan-checksum.rules" ]
}

@test "package downloads are retried" {
  echo 2 >"$FAKE_STATE/fail-dnf"
  run_script prep-os "${params[@]}"
  [ "$status" -eq 0 ]
  [ "$(grep -c '^dnf -y install chrony' "$CALLS")" -eq 3 ]
}

@test "a mirror that stays down stops the script with a clear message" {
  echo 9 >"$FAKE_STATE/fail-dnf"
  run_script prep-os "${params[@]}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"ERROR: gave up after 5 attempts: pkg -y install chrony"* ]]
  refute_call '^modprobe'
}

@test "a missing parameter or a non-root user stops before anything changes" {
  run_script prep-os DOMAIN=example.com LAB_HOSTS=x=1 OS=rocky9
  [ "$status" -ne 0 ]
  [[ "$output" == *"NODE_NAME is not set"* ]]
  FAKE_UID=1000 run_script prep-os "${params[@]}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"must run as root"* ]]
  refute_call "$mutating"
}

@test "centos7 uses the vault repositories and yum" {
  mkdir -p "$ROOT/etc/yum.repos.d"
  printf '[base]\nmirrorlist=http://mirrorlist.centos.org/?release=7\n#baseurl=http://mirror.centos.org/centos/7/os/x86_64/\n' >"$ROOT/etc/yum.repos.d/CentOS-Base.repo"
  run_script prep-os NODE_NAME=n DOMAIN=example.com LAB_HOSTS=n=10.0.0.2 OS=centos7
  [ "$status" -eq 0 ]
  grep -qx 'baseurl=http://vault.centos.org/centos/7/os/x86_64/' "$ROOT/etc/yum.repos.d/CentOS-Base.repo"
  grep -qx '#mirrorlist=http://mirrorlist.centos.org/?release=7' "$ROOT/etc/yum.repos.d/CentOS-Base.repo"
  assert_call '^yum -y install chrony ethtool conntrack-tools socat openssl iproute$'
  refute_call '^dnf'
}
