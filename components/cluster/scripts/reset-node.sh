#!/usr/bin/env bash
# Destroy on machines istio-lab did not create but set up (source hosts). On a node istio-lab built
# (its marker: it started kubeadm init or join here): kubeadm reset -f, then what reset leaves
# behind (CNI configuration, the cni0 and flannel.1 links, Kubernetes' and Flannel's iptables
# chains; the host's own rules are kept: only chains and rules naming KUBE-, FLANNEL, CNI- go).
# On any node whose preparation istio-lab ran: firewalld and SELinux as they were before it.
# The marker and the records go last, once all of that is done: a destroy that failed or was cut
# off leaves them, so the next destroy does the whole work again. A node istio-lab adopted is left
# as it is.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F die >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

require_root
origin=$(node_origin)
if [ "$origin" = built ]; then
  if command -v kubeadm >/dev/null 2>&1; then
    bounded_reset || log "kubeadm reset reported an error; cleaning up anyway"
  fi
  rm -rf "$ROOT/etc/cni/net.d" "$ROOT/var/lib/cni" "$ROOT/root/.kube/config"
  for link in cni0 flannel.1; do
    if ip link show "$link" >/dev/null 2>&1; then
      ip link delete "$link"
      log "deleted link $link"
    fi
  done
  if command -v iptables-save >/dev/null 2>&1; then
    rules=$(mktemp)
    iptables-save >"$rules"
    if grep -Eq 'KUBE-|FLANNEL|CNI-' "$rules"; then
      grep -Ev 'KUBE-|FLANNEL|CNI-' "$rules" | iptables-restore
      log "removed Kubernetes and Flannel iptables rules"
    fi
    rm -f "$rules"
  fi
  if systemctl is-active --quiet containerd; then systemctl restart containerd; fi
  log "node reset"
elif [ -f "$ADOPTED_MARKER" ] || has_kubeadm_state; then
  log "Kubernetes on this node was not set up by istio-lab; leaving it as it is"
fi

# What prep-os.sh recorded before it changed it (only on a node it prepared, never an adopted one).
had() { [ -f "$PREP_RECORDS/$1" ]; }
if had firewalld-enabled && ! systemctl is-enabled --quiet firewalld; then
  systemctl enable firewalld
  log "firewalld enabled again"
fi
if had firewalld-active && ! systemctl is-active --quiet firewalld; then
  systemctl start firewalld
  log "firewalld started again"
fi
selinux="$ROOT/etc/selinux/config"
if had selinux-config-enforcing && [ -f "$selinux" ] && grep -q '^SELINUX=permissive$' "$selinux"; then
  sed -i 's/^SELINUX=permissive$/SELINUX=enforcing/' "$selinux"
  log "SELinux enforcing again from the next boot"
fi
if had selinux-enforcing && command -v getenforce >/dev/null && [ "$(getenforce)" = Permissive ]; then
  setenforce 1
  log "SELinux enforcing again"
fi

# What preparation may have changed but left no record of: a node prepared by a release before the
# records (or one where it was so already). Said, not guessed at: istio-lab cannot tell which.
if [ "$origin" = built ] || [ "$origin" = fresh ]; then
  if ! had firewalld-enabled && ! had firewalld-active && rpm -q firewalld >/dev/null 2>&1 && ! systemctl is-active --quiet firewalld; then
    log "firewalld stays off: istio-lab has no record that it ran before preparation (a node prepared by an earlier release keeps none); if it did: systemctl enable --now firewalld"
  fi
  if ! had selinux-enforcing && ! had selinux-config-enforcing && command -v getenforce >/dev/null && [ "$(getenforce)" = Permissive ]; then
    log "SELinux stays permissive: istio-lab has no record that it was enforcing before preparation (a node prepared by an earlier release keeps none); if it was: setenforce 1, and SELINUX=enforcing in /etc/selinux/config"
  fi
fi

rm -rf "$LAB_DIR"
