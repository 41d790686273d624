#!/usr/bin/env bats
# kubeadm-init.sh, join-command.sh, kubeadm-join.sh, read-kubeconfig.sh.

load helpers

setup() {
  setup_node
  config=$'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration'
  join_line="kubeadm join 192.168.56.11:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123abcd"
}

@test "init on a fresh control plane runs kubeadm init from the configuration on stdin" {
  run_script kubeadm-init <<<"$config"
  [ "$status" -eq 0 ]
  assert_call '^kubeadm init --config .*/etc/kubernetes/istio-lab/kubeadm-init.yaml --skip-token-print$'
  refute_call '^kubeadm reset'
  diff <(printf '%s\n' "$config") "$FAKE_STATE/init-config"
  [ -f "$ROOT/etc/kubernetes/istio-lab/init.done" ]
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  diff "$ROOT/etc/kubernetes/admin.conf" "$ROOT/root/.kube/config"
}

@test "init again on a ready control plane is a no-op" {
  run_script kubeadm-init <<<"$config"
  rerun_changes_nothing kubeadm-init <<<"$config"
  [[ "$output" == *"already initialised and ready; nothing to do"* ]]
}

# What istio-lab writes before it runs kubeadm init: the attempt was its own.
own_init_started() {
  mkdir -p "$ROOT/etc/kubernetes/istio-lab" && printf '%s\n' "$config" >"$ROOT/etc/kubernetes/istio-lab/kubeadm-init.yaml"
}

@test "a half-finished init (admin.conf, API never up, no marker) is reset before a fresh init" {
  own_init_started
  mkdir -p "$ROOT/etc/kubernetes/manifests"
  echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  run_script kubeadm-init <<<"$config"
  [ "$status" -eq 0 ]
  [ "$(grep -E '^kubeadm (reset|init)' "$CALLS" | cut -d' ' -f1-2 | tr '\n' ' ')" = "kubeadm reset kubeadm init " ]
}

@test "leftover manifests or etcd data are reset before init" {
  own_init_started
  mkdir -p "$ROOT/var/lib/etcd/member"
  run_script kubeadm-init <<<"$config"
  [ "$status" -eq 0 ]
  [ "$(grep -E '^kubeadm (reset|init)' "$CALLS" | cut -d' ' -f1-2 | tr '\n' ' ')" = "kubeadm reset kubeadm init " ]
}

@test "a cluster istio-lab initialised is never reset when its API is down: the run fails clearly" {
  run_script kubeadm-init <<<"$config"
  rm "$FAKE_STATE/api-up"
  : >"$CALLS"
  run_script kubeadm-init <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not answer /readyz"* ]]
  refute_call '^kubeadm'
}

@test "an existing ready kubeadm cluster is adopted without init, only with istio-lab:cluster.adopt" {
  mkdir -p "$ROOT/etc/kubernetes" && echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  touch "$FAKE_STATE/api-up"
  run_script kubeadm-init <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm init: this node already runs in a kubeadm cluster istio-lab did not build"*"set istio-lab:cluster.adopt true"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab" ]
  run_script kubeadm-init ADOPT=1 <<<"$config"
  [ "$status" -eq 0 ]
  refute_call '^kubeadm'
  [ -f "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
}

@test "a failing kubeadm init stops with a clear message and no marker; the next run resets and retries" {
  echo 1 >"$FAKE_STATE/fail-kubeadm-init"
  run_script kubeadm-init <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm init failed"* ]]
  [ ! -f "$ROOT/etc/kubernetes/istio-lab/init.done" ]
  mkdir -p "$ROOT/etc/kubernetes/manifests" && touch "$ROOT/etc/kubernetes/manifests/etcd.yaml"
  run_script kubeadm-init <<<"$config"
  [ "$status" -eq 0 ]
  assert_call '^kubeadm reset -f$'
}

@test "init without a configuration on stdin stops" {
  run_script kubeadm-init </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"no kubeadm configuration on stdin"* ]]
  refute_call '^kubeadm'
}

@test "the join command is minted fresh from admin.conf and printed alone, with until when its token lives" {
  run_script kubeadm-init <<<"$config"
  run_script join-command
  [ "$status" -eq 0 ]
  # The fake clock reads 1800000000; the token lives 30 min from before it was made.
  [ "$output" = "$join_line"$'\n# valid until 1800001800' ]
  assert_call '^timeout 60 kubeadm token create --kubeconfig .*/etc/kubernetes/admin.conf --ttl 30m --description istio-lab join --print-join-command$'
}

@test "no join command before init" {
  run_script join-command
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm init has not completed"* ]]
}

@test "a worker joins from the command on stdin with its own name and node-ip, and the token file is removed" {
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -eq 0 ]
  assert_call '^kubeadm join --config .*/etc/kubernetes/istio-lab/kubeadm-join.yaml$'
  grep -q 'kind: JoinConfiguration' "$FAKE_STATE/join-config"
  grep -q 'apiServerEndpoint: "192.168.56.11:6443"' "$FAKE_STATE/join-config"
  grep -q 'token: "abcdef.0123456789abcdef"' "$FAKE_STATE/join-config"
  grep -q -- '- "sha256:0123abcd"' "$FAKE_STATE/join-config"
  grep -q 'name: "linux-node2"' "$FAKE_STATE/join-config"
  grep -A1 -- '- name: node-ip' "$FAKE_STATE/join-config" | grep -q 'value: "192.168.56.12"'
  grep -A1 -- '- name: node-labels' "$FAKE_STATE/join-config" | grep -q 'value: "istio-lab.dev/joined=true"'
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  [[ "$output" != *"abcdef.0123456789abcdef"* ]]
}

@test "a joined worker does nothing on the next run" {
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  rerun_changes_nothing kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
}

@test "a half-finished join is reset first" {
  built_by_istio_lab
  mkdir -p "$ROOT/etc/kubernetes/pki" && touch "$ROOT/etc/kubernetes/pki/ca.crt"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -eq 0 ]
  [ "$(grep -E '^kubeadm (reset|join)' "$CALLS" | cut -d' ' -f1-2 | tr '\n' ' ')" = "kubeadm reset kubeadm join " ]
}

@test "a failed join stops clearly and still removes the token file" {
  echo 1 >"$FAKE_STATE/fail-kubeadm-join"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm join failed"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
}

@test "a missing or malformed join command stops without touching the node" {
  run_script kubeadm-join NODE_NAME=n NODE_IP=1.2.3.4 </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"no join command on stdin"* ]]
  run_script kubeadm-join NODE_NAME=n NODE_IP=1.2.3.4 <<<"rm -rf /"
  [ "$status" -ne 0 ]
  [[ "$output" == *"not a kubeadm join command"* ]]
  run_script kubeadm-join NODE_NAME=n NODE_IP=1.2.3.4 <<<"kubeadm join 10.0.0.1:6443 --token abc"
  [ "$status" -ne 0 ]
  [[ "$output" == *"lacks --token or --discovery-token-ca-cert-hash"* ]]
  refute_call '^kubeadm'
}

@test "the admin kubeconfig is printed only once it exists" {
  run_script read-kubeconfig
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm init has not completed"* ]]
  run_script kubeadm-init <<<"$config"
  run_script read-kubeconfig
  [ "$status" -eq 0 ]
  [ "$output" = "apiVersion: v1" ]
}

@test "minting a join command is bounded, and says so when the API server does not answer in time" {
  mkdir -p "$ROOT/etc/kubernetes" && echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  echo 1 >"$FAKE_STATE/fail-timeout-kubeadm"
  run_script join-command TOKEN_CREATE_TIMEOUT=5
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm token create failed or took over 5s"* ]]
}

@test "a worker istio-lab joined to another control plane is reset and joins the new one" {
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  : >"$CALLS"
  new_line="kubeadm join 192.168.56.21:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:feedbeef"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$new_line"
  [ "$status" -eq 0 ]
  [[ "$output" == *"joined to another control plane (CA sha256:0123abcd); resetting to join 192.168.56.21:6443"* ]]
  [ "$(grep -E '^kubeadm (reset|join)' "$CALLS" | cut -d' ' -f1-2 | tr '\n' ' ')" = "kubeadm reset kubeadm join " ]
  grep -q 'apiServerEndpoint: "192.168.56.21:6443"' "$FAKE_STATE/join-config"
}

@test "a worker in a cluster istio-lab did not join it to is left alone, with what to do" {
  mkdir -p "$ROOT/etc/kubernetes/pki" && touch "$ROOT/etc/kubernetes/kubelet.conf" && echo other >"$ROOT/etc/kubernetes/pki/ca.crt"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"set istio-lab:cluster.adopt true"* ]]
  run_script kubeadm-join ADOPT=1 NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux-node2 is in another cluster (CA sha256:other, this control plane's is sha256:0123abcd)"* ]]
  [[ "$output" == *"remove it from istio-lab:cluster.nodes"* ]]
  refute_call '^kubeadm (reset|join)'
}

@test "a running cluster istio-lab built refuses a new pod network or certificate names, naming the key" {
  built=$'networking:\n  podSubnet: 10.2.0.0/16\n  serviceSubnet: 10.1.0.0/16\napiServer:\n  certSANs:\n  - 192.168.56.11\n  - linux-node1\n  - linux-node1.example.com'
  run_script kubeadm-init <<<"$built"
  [ "$status" -eq 0 ]
  run_script kubeadm-init <<<"${built/10.2.0.0/10.3.0.0}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"istio-lab:cluster.podCidr is 10.3.0.0/16, but this cluster was built with 10.2.0.0/16"* ]]
  [[ "$output" == *"kubeadm cannot change these on a running cluster"* ]]
  run_script kubeadm-init <<<"${built/example.com/lab.example.org}"
  [ "$status" -ne 0 ]
  [[ "$output" == *"certificate names (192.168.56.11,linux-node1,linux-node1.example.com) are not the control plane's name, address and istio-lab:cluster.network.domain (192.168.56.11,linux-node1,linux-node1.lab.example.org)"* ]]
  rerun_changes_nothing kubeadm-init <<<"$built"
}

@test "a cluster istio-lab adopted is not held to istio-lab's networks" {
  mkdir -p "$ROOT/etc/kubernetes" && echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf" && touch "$FAKE_STATE/api-up"
  run_script kubeadm-init ADOPT=1 <<<$'networking:\n  podSubnet: 10.2.0.0/16'
  [ "$status" -eq 0 ]
  refute_call 'get configmap kubeadm-config'
}

@test "a control plane istio-lab did not start is never reset, however broken it looks" {
  mkdir -p "$ROOT/etc/kubernetes/manifests" "$ROOT/var/lib/etcd/member"
  echo "apiVersion: v1" >"$ROOT/etc/kubernetes/admin.conf"
  run_script kubeadm-init <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"istio-lab did not build; istio-lab uses such a node only when told to"* ]]
  run_script kubeadm-init ADOPT=1 <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"the adopted control plane's API server does not answer /readyz after 3 tries, 5 s apart"*"istio-lab never resets a cluster it did not build"* ]]
  refute_call '^kubeadm (reset|init)'
  rm "$ROOT/etc/kubernetes/admin.conf"
  run_script kubeadm-init ADOPT=1 <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"has no $ROOT/etc/kubernetes/admin.conf: it is no control plane"* ]]
  refute_call '^kubeadm (reset|init)'
}

# The preparation steps with istio-lab:cluster.adopt on a node of another cluster: each leaves it alone.
prepare_adopting() {
  local step
  for step in "prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9" "install-kubernetes K8S_VERSION=1.36.4 NODE_IP=192.168.56.12 OS=rocky9" "install-containerd K8S_VERSION=1.36.4 OS=rocky9"; do
    # shellcheck disable=SC2086 # one word per parameter
    run_script $step ADOPT=1
    [ "$status" -eq 0 ] || { echo "$step: $output" >&2; return 1; }
  done
}

@test "a worker refused as another cluster's, then reset by its owner, is prepared and joined: never adopted for good" {
  mkdir -p "$ROOT/etc/kubernetes/pki" && touch "$ROOT/etc/kubernetes/kubelet.conf" && echo other >"$ROOT/etc/kubernetes/pki/ca.crt"
  prepare_adopting
  run_script kubeadm-join ADOPT=1 NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"run 'kubeadm reset' on it yourself"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  # Its owner resets it; `pulumi up` runs the failed join again (the preparation steps succeeded).
  fake kubeadm reset -f
  : >"$CALLS"
  run_script kubeadm-join ADOPT=1 NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"preparation steps (os kubernetes containerd) left it alone while it did"*"pulumi up --replace '<URN of linux-node2-os>' --replace '<URN of linux-node2-kubernetes>' --replace '<URN of linux-node2-containerd>'"* ]]
  refute_call '^kubeadm'
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  # What that command runs: the preparation steps, then the join.
  prepare_adopting
  assert_call '^hostnamectl set-hostname linux-node2$'
  assert_call '^systemctl enable --now containerd$'
  run_script kubeadm-join ADOPT=1 NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -eq 0 ]
  assert_call '^kubeadm join --config '
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/skipped" ] || [ -z "$(ls "$ROOT/etc/kubernetes/istio-lab/skipped")" ]
  rerun_changes_nothing kubeadm-join ADOPT=1 NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
}

@test "a control plane refused for its missing admin.conf, then reset by its owner, is initialised by istio-lab" {
  mkdir -p "$ROOT/etc/kubernetes/manifests" && touch "$ROOT/etc/kubernetes/manifests/etcd.yaml"
  run_script kubeadm-init ADOPT=1 NODE_NAME=linux-node1 <<<"$config"
  [ "$status" -ne 0 ]
  [[ "$output" == *"it is no control plane"*"or run 'kubeadm reset' on it so that istio-lab builds it anew"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  fake kubeadm reset -f
  : >"$CALLS"
  run_script kubeadm-init ADOPT=1 NODE_NAME=linux-node1 <<<"$config"
  [ "$status" -eq 0 ]
  refute_call '^kubeadm reset'
  assert_call '^kubeadm init '
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
}

@test "an adoption marker an earlier release wrote holds only while the node has kubeadm's files" {
  # Written by prep-os before the join refused the node; its owner has reset it since.
  mkdir -p "$ROOT/etc/kubernetes/istio-lab" && touch "$ROOT/etc/kubernetes/istio-lab/adopted"
  run_script prep-os NODE_NAME=linux-node2 DOMAIN=example.com LAB_HOSTS=linux-node2=192.168.56.12 OS=rocky9
  [ "$status" -eq 0 ]
  [[ "$output" == *"no longer has kubeadm's files (kubeadm reset): istio-lab takes it as a fresh node"* ]]
  assert_call '^hostnamectl set-hostname linux-node2$'
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/adopted" ]
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -eq 0 ]
  assert_call '^kubeadm join --config '
}

@test "a join retried after its token expired stops at once, before any reset, naming the step to replace" {
  minted="$join_line"$'\n# valid until 1800001800'
  # A join istio-lab began, cut off before its TLS bootstrap: a retry would reset it first.
  built_by_istio_lab && touch "$ROOT/etc/kubernetes/bootstrap-kubelet.conf"
  urn='urn:pulumi:dev::istio-lab::istio-lab:cluster:KubeadmCluster$command:remote:Command::linux-node2-join-command'
  FAKE_NOW=1800001921 run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 MINT_URN="$urn" <<<"$minted"
  [ "$status" -ne 0 ]
  [[ "$output" == *"the join command's token has expired (valid until 1800001800, now 1800001921"*"Mint a new one: pulumi up --replace '$urn'"* ]]
  refute_call '^kubeadm'
  [ -f "$ROOT/etc/kubernetes/bootstrap-kubelet.conf" ]
  # Within the clocks' leeway kubeadm is left to find out, and what it says is read the same way.
  echo 1 >"$FAKE_STATE/fail-kubeadm-join-expired"
  FAKE_NOW=1800001920 run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 MINT_URN="$urn" <<<"$minted"
  [ "$status" -ne 0 ]
  [[ "$output" == *"could not find a JWS signature"*"the join command's token has expired (kubeadm join: the control plane no longer knows it)"*"pulumi up --replace '$urn'"* ]]
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
  # A fresh token: the join goes through.
  FAKE_NOW=1800001920 run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 MINT_URN="$urn" <<<"$join_line"$'\n# valid until 1800003600'
  [ "$status" -eq 0 ]
  [ -f "$ROOT/etc/kubernetes/istio-lab/join.done" ]
  # A worker that has joined needs no token: an old command changes nothing there.
  FAKE_NOW=1900000000 rerun_changes_nothing kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 MINT_URN="$urn" <<<"$minted"
}

@test "a join an earlier release left only its configuration behind stays istio-lab's own when the reset runs out of its bound" {
  # That release wrote the join configuration before kubeadm join and no marker; the join was cut off.
  mkdir -p "$ROOT/etc/kubernetes/istio-lab" && touch "$ROOT/etc/kubernetes/kubelet.conf" "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml"
  echo 1 >"$FAKE_STATE/fail-timeout-kubeadm"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -ne 0 ]
  [[ "$output" == *"kubeadm reset did not finish within 300s"* ]]
  # The configuration, which holds a token, is gone; what made the node istio-lab's is not.
  [ ! -e "$ROOT/etc/kubernetes/istio-lab/kubeadm-join.yaml" ]
  [ -f "$ROOT/etc/kubernetes/istio-lab/built-by-istio-lab" ]
  : >"$CALLS"
  run_script kubeadm-join NODE_NAME=linux-node2 NODE_IP=192.168.56.12 <<<"$join_line"
  [ "$status" -eq 0 ]
  [ "$(grep -E '^kubeadm (reset|join)' "$CALLS" | cut -d' ' -f1-2 | tr '\n' ' ')" = "kubeadm reset kubeadm join " ]
}
