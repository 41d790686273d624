#!/usr/bin/env bash
# Prepares a CentOS-family node for kubeadm: hostname and /etc/hosts, swap off, SELinux
# permissive, firewalld off, overlay + br_netfilter, bridge/forwarding sysctls, chrony, and on
# vSphere the vmxnet3 VXLAN checksum workaround. Every step checks first, so a second run is a no-op;
# a run cut off anywhere is finished by the next (write_then), and what destroy gives back on hosts
# (firewalld, SELinux) is recorded before it changes.
# Parameters: NODE_NAME, DOMAIN, LAB_HOSTS ("name=ip name=ip ..."), OS, VMXNET3_WORKAROUND (0|1).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need NODE_NAME DOMAIN LAB_HOSTS OS
require_root
leave_adopted_alone "OS preparation" os

# CentOS 7 is end of life: its mirrorlist is gone, the packages live on in vault.centos.org.
if [ "$OS" = centos7 ]; then
  for repo in "$ROOT"/etc/yum.repos.d/CentOS-*.repo; do
    [ -f "$repo" ] || continue
    if grep -q '^mirrorlist=' "$repo"; then
      sed -i -e 's/^mirrorlist=/#mirrorlist=/' -e 's|^#baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' "$repo"
      log "pointed $repo at vault.centos.org"
    fi
  done
fi

# Hostname and every lab node in /etc/hosts (kubeadm needs unique, resolvable names).
if [ "$(hostnamectl --static)" != "$NODE_NAME" ]; then
  hostnamectl set-hostname "$NODE_NAME"
  log "hostname set to $NODE_NAME"
fi
read -ra entries <<<"$LAB_HOSTS"
hosts_block() {
  local entry
  echo "# BEGIN istio-lab nodes"
  for entry in "${entries[@]}"; do
    printf '%s %s %s.%s\n' "${entry#*=}" "${entry%%=*}" "${entry%%=*}" "$DOMAIN"
  done
  echo "# END istio-lab nodes"
}
hosts="$ROOT/etc/hosts"
touch "$hosts"
write_file "$hosts" 0644 < <(
  sed '/^# BEGIN istio-lab nodes$/,/^# END istio-lab nodes$/d' "$hosts"
  hosts_block
) || true

# Swap off now and after every reboot: the kubelet refuses to start with swap on.
if [ -n "$(swapon --show --noheadings)" ]; then
  swapoff -a
  log "swap turned off"
fi
fstab="$ROOT/etc/fstab"
if [ -f "$fstab" ] && grep -Eq '^[^#].*[[:space:]]swap[[:space:]]' "$fstab"; then
  sed -ri '/^[^#].*[[:space:]]swap[[:space:]]/s/^/#/' "$fstab"
  log "swap lines commented out in /etc/fstab"
fi

# record NAME: what preparation is about to change, noted before the change, so that destroy on
# hosts (reset-node.sh) gives it back even when this run is cut off right after the change.
record() {
  mkdir -p "$PREP_RECORDS" && touch "$PREP_RECORDS/$1"
}

# SELinux permissive, as the kubeadm install guide does.
if command -v getenforce >/dev/null && [ "$(getenforce)" = Enforcing ]; then
  record selinux-enforcing
  setenforce 0
  log "SELinux set to permissive"
fi
selinux="$ROOT/etc/selinux/config"
if [ -f "$selinux" ] && grep -q '^SELINUX=enforcing$' "$selinux"; then
  record selinux-config-enforcing
  sed -i 's/^SELINUX=enforcing$/SELINUX=permissive/' "$selinux"
fi

# firewalld on EL9 drops forwarded flannel.1 -> cni0 traffic (flannel#2055): a lab turns it off.
if systemctl is-enabled --quiet firewalld 2>/dev/null; then record firewalld-enabled; fi
if systemctl is-active --quiet firewalld 2>/dev/null; then record firewalld-active; fi
if systemctl is-enabled --quiet firewalld 2>/dev/null || systemctl is-active --quiet firewalld 2>/dev/null; then
  systemctl disable --now firewalld
  log "firewalld disabled"
fi

if [ "$OS" = centos7 ]; then tc_package=iproute; else tc_package=iproute-tc; fi
ensure_packages chrony ethtool conntrack-tools socat openssl "$tc_package"
ensure_service chronyd

# Kernel modules for the container runtime and Flannel, loaded now and at boot.
write_file "$ROOT/etc/modules-load.d/k8s.conf" 0644 < <(printf '%s\n' overlay br_netfilter) || true
for module in overlay br_netfilter; do
  if [ ! -d "$ROOT/sys/module/$module" ]; then
    modprobe "$module"
    log "loaded $module"
  fi
done

apply_sysctls() { sysctl --system >/dev/null; }
write_then "$ROOT/etc/sysctl.d/k8s.conf" 0644 apply_sysctls < <(printf '%s\n' \
  'net.bridge.bridge-nf-call-iptables = 1' \
  'net.bridge.bridge-nf-call-ip6tables = 1' \
  'net.ipv4.ip_forward = 1')

# vmxnet3 with TX checksum offload corrupts VXLAN packets (kubernetes#88986, flannel#1282):
# turn it off on flannel.1 whenever Flannel creates the link, and now if it already exists.
if [ "${VMXNET3_WORKAROUND:-0}" = 1 ]; then
  write_then "$ROOT/etc/udev/rules.d/90-flannel-vxlan-checksum.rules" 0644 udevadm control --reload-rules < <(printf '%s\n' \
    'ACTION=="add", SUBSYSTEM=="net", KERNEL=="flannel.1", RUN+="/usr/sbin/ethtool -K flannel.1 tx-checksum-ip-generic off"')
  if ip link show flannel.1 >/dev/null 2>&1 && ethtool -k flannel.1 | grep -q '^tx-checksum-ip-generic: on'; then
    ethtool -K flannel.1 tx-checksum-ip-generic off
    log "checksum offload turned off on flannel.1"
  fi
fi

prepared os
log "$NODE_NAME: operating system prepared"
