#!/usr/bin/env bash
# The last step of `npm run prepare-template`, on a VM the node steps have prepared: pulls
# kubeadm's own images, so `kubeadm init` on a clone pulls nothing (its preflight skips an image
# present), then schedules the poweroff and removes what must differ between clones. A clone gets
# a new machine-id (systemd makes one at first boot when the file is empty) and new SSH host keys
# (sshd-keygen), which DHCP and kubeadm's uniqueness checks need. Refuses a machine in a cluster.
# Parameters: K8S_VERSION, IMAGE_REPOSITORY (optional: the mirror kubeadm pulls from),
# KUBEADM_PULL_TIMEOUT (seconds for all of kubeadm's images, default 900).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

need K8S_VERSION
require_root
if was_in_cluster; then die "this machine runs in a Kubernetes cluster or istio-lab made it a node; a template must come from a fresh VM"; fi

timeout "${KUBEADM_PULL_TIMEOUT:-900}" kubeadm config images pull --kubernetes-version "v$K8S_VERSION" ${IMAGE_REPOSITORY:+--image-repository "$IMAGE_REPOSITORY"} >&2 ||
  die "kubeadm could not pull its images for v$K8S_VERSION within ${KUBEADM_PULL_TIMEOUT:-900}s; the VM is left running as it is, run again"

# Scheduled before anything of the identity goes (cloud-init's state included, whose loss would
# make it renew the host keys at the next boot): if it cannot be, a new run can reach the VM as it
# was. From a timer, because a poweroff now would stop sshd before this session hands back its
# exit status, and the caller would see a dropped connection instead of success.
systemd-run --on-active=5 systemctl poweroff >/dev/null || die "could not schedule the poweroff; nothing of the machine's identity was removed"
if command -v cloud-init >/dev/null 2>&1; then cloud-init clean --logs; fi
if [ -s "$ROOT/etc/machine-id" ]; then : >"$ROOT/etc/machine-id"; fi
# An empty /etc/machine-id is first filled from D-Bus's id when that is a file of its own
# (systemd machine-id-setup.c), as on CentOS 7: every clone would then share it.
dbus_id="$ROOT/var/lib/dbus/machine-id"
if [ -f "$dbus_id" ] && [ ! -L "$dbus_id" ]; then
  rm -f "$dbus_id"
  ln -s /etc/machine-id "$dbus_id"
fi
rm -f "$ROOT"/etc/ssh/ssh_host_*
log "sealed: kubeadm's images pulled, machine-id and SSH host keys removed; powering off in 5 s"
