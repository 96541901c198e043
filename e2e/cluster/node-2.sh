# shellcheck shell=bash disable=SC2153
# (SC2153: the node-1 names, NODE_IP, NODE_NAME and the like, come from cluster.sh.)
# The second node of the e2e cluster, sourced by cluster.sh (which defines
# STATE, PKI, CONF, LOGS, RUN, the node-1 addresses and the helpers used here).
#
# Node 2 lives in its own network namespace, joined to the host (node 1) by a
# routed veth pair; it runs its own containerd, kubelet and kube-proxy, all
# started in that namespace with `nsenter --net` (the mount namespace stays
# shared, so mounts and cgroups are seen and cleaned up from the host).
#
#   host (node 1)                          netns netlab-e2e-node-2 (node 2)
#   netlab0     10.250.0.1/32              eth0        10.250.0.2/24, default via 10.250.0.1
#   netlab-n2   (veth, no address)  <--->  (its peer, renamed eth0)
#   netlab-cni0 10.244.0.1/24              netlab-cni1 <gateway of its podCIDR>
#   route 10.250.0.2/32 dev netlab-n2      route 0.0.0.0/0 via 10.250.0.1
#   route <node-2 podCIDR> via 10.250.0.2
#
# Node 2's podCIDR is the one the controller-manager assigns when it
# registers; it is kept in ${NODE2_DIR}/pod-cidr.

NODE2_NAME="netlab-e2e-node-2"
NODE2_NETNS="netlab-e2e-node-2"
NODE2_IP="10.250.0.2"
NODE2_PREFIX_LEN=24
NODE2_VETH="netlab-n2"
NODE2_VETH_PEER="netlab-n2-peer"
NODE2_CNI_BRIDGE="netlab-cni1"
NODE2_DIR="${STATE}/node-2"
NODE2_CGROUP="netlab-e2e-node-2"
NODE2_TAINT="netlab.e2e/unwired"
NODE2_COMMENT="netlab-e2e-node-2"
# Start order; stopped in reverse.
NODE2_COMPONENTS=(node-2-containerd node-2-kubelet node-2-kube-proxy)
FAULT_CHAIN="NETLAB-E2E-FAULT"

NODE2_CTRD_SOCK="${NODE2_DIR}/containerd/containerd.sock"

# "${NODE2_NSENTER[@]}" CMD...: CMD in node 2's network namespace (nsenter
# execs CMD, so a pid recorded for it is CMD's own).
NODE2_NSENTER=(nsenter "--net=/run/netns/${NODE2_NETNS}" --)
in_node2() { "${NODE2_NSENTER[@]}" "$@"; }

node2_pod_cidr() {
  local f="${NODE2_DIR}/pod-cidr"
  [[ -s "${f}" ]] && cat "${f}"
}

# True when anything of node 2 exists on this machine.
node2_present() {
  [[ -d "${NODE2_DIR}" || -e "/run/netns/${NODE2_NETNS}" || -d "/sys/fs/cgroup/pids/${NODE2_CGROUP}" ]] && return 0
  ip link show "${NODE2_VETH}" >/dev/null 2>&1 && return 0
  local c
  for c in "${NODE2_COMPONENTS[@]}"; do [[ -f "${RUN}/${c}.pid" ]] && return 0; done
  return 1
}

node2_ready() {
  [[ "$(kc get node "${NODE2_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == "True" ]]
}

node2_healthy() {
  local c
  for c in "${NODE2_COMPONENTS[@]}"; do pid_of "${c}" >/dev/null || return 1; done
  flannel_node2_healthy && [[ -n "$(node2_pod_cidr)" ]] && node2_ready
}

# ---------------------------------------------------------------- iptables on the host

# The helpers below work on iptables, or on ip6tables with IPT=ip6tables (dualstack.sh).

# ipt_ensure TABLE CHAIN POSITION RULE...: inserts RULE at POSITION unless
# it is already there (anywhere in CHAIN).
ipt_ensure() {
  local table="$1" chain="$2" pos="$3"; shift 3
  "${IPT:-iptables}" -t "${table}" -C "${chain}" "$@" 2>/dev/null && return 0
  "${IPT:-iptables}" -t "${table}" -I "${chain}" "${pos}" "$@"
}

# ipt_remove TABLE CHAIN RULE...: deletes every copy of RULE from CHAIN.
ipt_remove() {
  local table="$1" chain="$2" i; shift 2
  for ((i = 0; i < 20; i++)); do
    "${IPT:-iptables}" -t "${table}" -D "${chain}" "$@" 2>/dev/null || return 0
  done
}

# node2_host_rules PODS [CLUSTER_PODS NODE2_ADDR]: the host rules for node 2,
# one per line as "TABLE CHAIN RULE..."; the NETLAB-E2E ones go ahead of its
# drop rule. The last two default to the IPv4 pod range and node 2's address.
node2_host_rules() {
  local pods="$1" pod_cidr="${2:-${POD_CIDR}}" addr="${3:-${NODE2_IP}/32}" c=(-m comment --comment "${NODE2_COMMENT}")
  if flannel_on; then flannel_node2_host_rules "${pod_cidr}" "${addr}"; return 0; fi
  # Pods of node 1 may open connections to node 2's pods and address.
  echo "filter NETLAB-E2E -s ${pod_cidr} -d ${pods} -o ${NODE2_VETH} ${c[*]} -j RETURN"
  echo "filter NETLAB-E2E -s ${pod_cidr} -d ${addr} -o ${NODE2_VETH} ${c[*]} -j RETURN"
  # What node 2 sends through the host goes to node 1's pods or back to node 2
  # (a node-1 NodePort with an endpoint on node 2), never elsewhere.
  echo "filter NETLAB-E2E -i ${NODE2_VETH} -o ${NODE2_VETH} ${c[*]} -j RETURN"
  echo "filter NETLAB-E2E -i ${NODE2_VETH} ! -o ${CNI_BRIDGE} ${c[*]} -j DROP"
  # Pod to pod (and pod to node 2) keeps the pod's address: the bridge
  # plugin of node 1 masquerades everything outside its own /24 otherwise.
  echo "nat POSTROUTING -s ${pod_cidr} -d ${pod_cidr} ${c[*]} -j RETURN"
  echo "nat POSTROUTING -s ${pod_cidr} -d ${addr} ${c[*]} -j RETURN"
}

# Position for node 2's nat rules: right after kube-proxy's KUBE-POSTROUTING
# jump (which must still masquerade what kube-proxy marked), before the
# bridge plugin's per-pod masquerade chains.
nat_position() {
  local n
  n="$("${IPT:-iptables}" -t nat -S POSTROUTING | tail -n +2 | grep -n -- '-j KUBE-POSTROUTING' | head -n 1 | cut -d: -f1 || true)"
  echo "$((${n:-0} + 1))"
}

node2_add_host_rules() {
  local table chain rest
  while read -r table chain rest; do
    local -a rule
    read -r -a rule <<<"${rest}"
    # The comment has no spaces, so word splitting keeps the rule intact.
    case "${table}" in
      nat) ipt_ensure nat "${chain}" "$(nat_position)" "${rule[@]}" ;;
      *)
        # A RETURN goes first, ahead of the chain's pod-CIDR drop; the DROP last.
        if [[ "${rule[*]}" == *"-j RETURN" ]]; then
          ipt_ensure "${table}" "${chain}" 1 "${rule[@]}"
        else
          "${IPT:-iptables}" -t "${table}" -C "${chain}" "${rule[@]}" 2>/dev/null \
            || "${IPT:-iptables}" -t "${table}" -A "${chain}" "${rule[@]}"
        fi
        ;;
    esac
  done < <(node2_host_rules "$@")
}

node2_remove_host_rules() {
  local table chain rest
  while read -r table chain rest; do
    local -a rule
    read -r -a rule <<<"${rest}"
    ipt_remove "${table}" "${chain}" "${rule[@]}"
  done < <(node2_host_rules "$@")
}

# ---------------------------------------------------------------- fault injection

# fault_block: pod traffic between the nodes is dropped; the nodes' own traffic
# (API server <-> kubelets, node 2's pods -> the API) still flows, so kubectl
# exec works on both nodes. Node 1 forwards nothing to or from node 2's veth
# (its pods to anything on node 2, anything from node 2 to its pods, replies
# included) and sends nothing itself to node 2's pod CIDR. The chains come first
# in FORWARD and OUTPUT so that no ESTABLISHED accept lets anything through.
fault_block() {
  local pods
  pods="$(node2_pod_cidr)" || die "node 2 is not up (no ${NODE2_DIR}/pod-cidr)"
  local comment=(-m comment --comment "netlab-e2e: fault block-cross-node")
  iptables -N "${FAULT_CHAIN}" 2>/dev/null || true
  iptables -F "${FAULT_CHAIN}"
  iptables -A "${FAULT_CHAIN}" -d "${pods}" "${comment[@]}" -j DROP
  iptables -N "${FAULT_CHAIN}-FWD" 2>/dev/null || true
  iptables -F "${FAULT_CHAIN}-FWD"
  iptables -A "${FAULT_CHAIN}-FWD" -i "${NODE2_VETH}" "${comment[@]}" -j DROP
  iptables -A "${FAULT_CHAIN}-FWD" -o "${NODE2_VETH}" "${comment[@]}" -j DROP
  if flannel_on; then flannel_fault_block "${FAULT_CHAIN}-FWD" "${comment[@]}"; fi
  iptables -C OUTPUT -j "${FAULT_CHAIN}" 2>/dev/null || iptables -I OUTPUT 1 -j "${FAULT_CHAIN}"
  iptables -C FORWARD -j "${FAULT_CHAIN}-FWD" 2>/dev/null || iptables -I FORWARD 1 -j "${FAULT_CHAIN}-FWD"
}

fault_unblock() {
  ipt_remove filter OUTPUT -j "${FAULT_CHAIN}"
  ipt_remove filter FORWARD -j "${FAULT_CHAIN}-FWD"
  # Rules of an earlier version of this fault, which jumped to one chain from both.
  ipt_remove filter FORWARD -j "${FAULT_CHAIN}"
  local chain
  for chain in "${FAULT_CHAIN}" "${FAULT_CHAIN}-FWD"; do
    iptables -F "${chain}" 2>/dev/null || true
    iptables -X "${chain}" 2>/dev/null || true
  done
}

fault_active() {
  iptables -C FORWARD -j "${FAULT_CHAIN}-FWD" 2>/dev/null
}

# The MTU fault: the link between the nodes narrowed to MTU_FAULT at both ends, and the ICMP "fragmentation
# needed" that would tell the pods to send smaller packets dropped where each node makes it, as a firewall
# that drops all ICMP does. The pods still send packets of their own MTU (1500), which the link cannot
# carry, so large transfers between the nodes hang while small requests pass. The nodes' own traffic knows
# the link's MTU and still flows.
MTU_FAULT=1280
MTU_FAULT_RULE=(OUTPUT -p icmp --icmp-type fragmentation-needed -m comment --comment "netlab-e2e: fault shrink-mtu" -j DROP)

mtu_shrink() {
  node2_present || die "node 2 is not up"
  ip link set dev "${NODE2_VETH}" mtu "${MTU_FAULT}"
  in_node2 ip link set dev eth0 mtu "${MTU_FAULT}"
  iptables -C "${MTU_FAULT_RULE[@]}" 2>/dev/null || iptables -I "${MTU_FAULT_RULE[@]}"
  in_node2 iptables -C "${MTU_FAULT_RULE[@]}" 2>/dev/null || in_node2 iptables -I "${MTU_FAULT_RULE[@]}"
}

mtu_restore() {
  while iptables -D "${MTU_FAULT_RULE[@]}" 2>/dev/null; do :; done
  if node2_present; then
    while in_node2 iptables -D "${MTU_FAULT_RULE[@]}" 2>/dev/null; do :; done
    in_node2 ip link set dev eth0 mtu 1500 2>/dev/null || true
  fi
  ip link set dev "${NODE2_VETH}" mtu 1500 2>/dev/null || true
}

mtu_fault_active() {
  iptables -C "${MTU_FAULT_RULE[@]}" 2>/dev/null
}

# ---------------------------------------------------------------- pieces of node 2

node2_network() {
  log "node 2: namespace ${NODE2_NETNS}, ${NODE2_IP} via veth ${NODE2_VETH}"
  ip netns add "${NODE2_NETNS}"
  in_node2 ip link set lo up
  if ! is_dual; then
    in_node2 sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
    in_node2 sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
  fi
  in_node2 sysctl -q -w net.ipv4.ip_forward=1
  in_node2 sysctl -q -w net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  ip link add "${NODE2_VETH}" type veth peer name "${NODE2_VETH_PEER}"
  ip link set "${NODE2_VETH_PEER}" netns "${NODE2_NETNS}"
  in_node2 ip link set "${NODE2_VETH_PEER}" name eth0
  in_node2 ip addr add "${NODE2_IP}/${NODE2_PREFIX_LEN}" dev eth0
  in_node2 ip link set eth0 up
  in_node2 ip route add default via "${NODE_IP}" dev eth0
  is_dual || sysctl -q -w "net.ipv6.conf.${NODE2_VETH}.disable_ipv6=1" 2>/dev/null || true
  ip link set "${NODE2_VETH}" up
  ip route add "${NODE2_IP}/32" dev "${NODE2_VETH}" src "${NODE_IP}"
  dual_node2_network
}

# The kubelet needs its cgroup root in every hierarchy; cpuset needs its
# cpus and mems set before anything can join it.
node2_cgroups() {
  local mnt
  while read -r mnt; do
    mkdir -p "${mnt}/${NODE2_CGROUP}"
    if [[ -f "${mnt}/cpuset.cpus" ]]; then
      cat "${mnt}/cpuset.cpus" >"${mnt}/${NODE2_CGROUP}/cpuset.cpus"
      cat "${mnt}/cpuset.mems" >"${mnt}/${NODE2_CGROUP}/cpuset.mems"
    fi
  done < <(findmnt -rn -t cgroup,cgroup2 -o TARGET)
}

node2_pki() {
  local pki="${NODE2_DIR}/pki"
  mkdir -p "${pki}"
  chmod 0700 "${pki}"
  # Node 2's own identity (NodeRestriction refuses node 1's), signed by the
  # cluster CA without touching node 1's serial file.
  SIGN_OUT="${pki}" SIGN_RANDOM_SERIAL=1 sign kubelet-client "system:node:${NODE2_NAME}" system:nodes clientAuth
  SIGN_OUT="${pki}" SIGN_RANDOM_SERIAL=1 sign kubelet-server "${NODE2_NAME}" "" serverAuth \
    "DNS:${NODE2_NAME},IP:${NODE2_IP}"
}

node2_configs() {
  local conf="${NODE2_DIR}/conf"
  mkdir -p "${conf}" "${NODE2_DIR}/cni/net.d" "${NODE2_DIR}/cni/ipam" "${NODE2_DIR}/containerd" \
    "${NODE2_DIR}/runc" "${NODE2_DIR}/pod-logs" "${NODE2_DIR}/kubelet"
  containerd_config "${NODE2_DIR}/containerd" "${NODE2_DIR}/cni" "${NODE2_DIR}/runc" >"${conf}/containerd.toml"
  {
    kubelet_config "${NODE2_IP}" "${NODE2_DIR}/pki/kubelet-server" "${NODE2_CTRD_SOCK}"
    cat <<EOF
cgroupRoot: /${NODE2_CGROUP}
podLogsDir: ${NODE2_DIR}/pod-logs
registerWithTaints:
- key: ${NODE2_TAINT}
  value: "true"
  effect: NoSchedule
EOF
  } >"${conf}/kubelet.yaml"
  kube_proxy_config "${NODE2_NAME}" >"${conf}/kube-proxy.yaml"
  write_kubeconfig "${conf}/kubelet.kubeconfig" "system:node:${NODE2_NAME}" "${NODE2_DIR}/pki/kubelet-client"
}

node2_start_containerd() {
  start_component node-2-containerd "${NODE2_NSENTER[@]}" containerd --config "${NODE2_DIR}/conf/containerd.toml"
  wait_until node-2-containerd 60 "containerd socket ${NODE2_CTRD_SOCK}" \
    ctr --address "${NODE2_CTRD_SOCK}" version
  log "node 2: importing images into its containerd"
  "${E2E_DIR}/images.sh" import "${NODE2_CTRD_SOCK}" 2>>"${LOGS}/images.log" \
    || { log_tail images 30; die "image import into node 2's containerd failed"; }
}

node2_start_kubelet() {
  start_component node-2-kubelet "${NODE2_NSENTER[@]}" "${BIN_DIR}/kubelet" \
    --config "${NODE2_DIR}/conf/kubelet.yaml" \
    --kubeconfig "${NODE2_DIR}/conf/kubelet.kubeconfig" \
    --root-dir "${NODE2_DIR}/kubelet" \
    --cert-dir "${NODE2_DIR}/kubelet/pki" \
    --hostname-override "${NODE2_NAME}" \
    --node-ip "$(family_list "${NODE2_IP}" "${NODE2_IP6}")" \
    --v 1
  wait_until node-2-kubelet 90 "node 2 kubelet /healthz" \
    in_node2 curl -sf --max-time 2 http://127.0.0.1:10248/healthz
}

node2_registered_cidr() {
  local cidr
  cidr="$(kc get node "${NODE2_NAME}" -o jsonpath='{.spec.podCIDR}' 2>/dev/null)" && [[ -n "${cidr}" ]] \
    && echo "${cidr}"
}

# Node 2's bridge network, the host's route to its pods and the host rules,
# once the controller-manager has given it a podCIDR.
node2_wire() {
  wait_until node-2-kubelet 60 "a podCIDR for ${NODE2_NAME}" node2_registered_cidr
  local pods node1_pods
  pods="$(node2_registered_cidr)"
  node1_pods="$(kc get node "${NODE_NAME}" -o jsonpath='{.spec.podCIDR}')"
  [[ "${node1_pods}" == "${NODE_POD_CIDR}" ]] \
    || die "node 1 has podCIDR '${node1_pods}', its bridge network expects ${NODE_POD_CIDR}"
  [[ "${pods}" =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.0/24$ ]] || die "unexpected podCIDR '${pods}' for ${NODE2_NAME}"
  local gateway="${BASH_REMATCH[1]}.1"
  echo "${pods}" >"${NODE2_DIR}/pod-cidr"
  if flannel_on; then flannel_node2_wire "${pods}"; return 0; fi
  log "node 2: pods ${pods} on ${NODE2_CNI_BRIDGE} (gateway ${gateway}), routed via ${NODE2_IP}"
  dual_node2_wire
  # No masquerade on node 2: its pods keep their addresses everywhere, and
  # nothing it sends can leave the machine anyway.
  # shellcheck disable=SC2086 # NODE2_CNI_ARGS6: an IPv6 subnet and gateway, or nothing
  cni_config netlab-node-2 "${NODE2_CNI_BRIDGE}" "${pods}" "${gateway}" false "${NODE2_DIR}/cni/ipam" \
    ${NODE2_CNI_ARGS6} >"${NODE2_DIR}/cni/net.d/10-netlab.conflist"
  ip route replace "${pods}" via "${NODE2_IP}" dev "${NODE2_VETH}" src "${NODE_IP}"
  node2_add_host_rules "${pods}"
}

node2_start_kube_proxy() {
  start_component node-2-kube-proxy "${NODE2_NSENTER[@]}" "${BIN_DIR}/kube-proxy" \
    --config "${NODE2_DIR}/conf/kube-proxy.yaml" --v 1
  wait_until node-2-kube-proxy 60 "node 2 kube-proxy /healthz" \
    in_node2 curl -sf --max-time 2 http://127.0.0.1:10256/healthz
}

# node2_prepare: everything of node 2 that needs no API server (namespace,
# veth, cgroups, certificates from the cluster CA, configuration, containerd
# with its images); cmd_up runs it alongside node 1's control plane.
node2_prepare() {
  mkdir -p "${NODE2_DIR}"
  node2_network
  node2_cgroups
  node2_pki
  node2_configs
  node2_start_containerd
}

# node2_join: the kubelet registers node 2 (tainted), its network is wired,
# kube-proxy starts; untainted once Ready.
node2_join() {
  node2_start_kubelet
  node2_wire
  node2_start_kube_proxy
  wait_until node-2-kubelet 120 "node ${NODE2_NAME} Ready" node2_ready
  kc taint node "${NODE2_NAME}" "${NODE2_TAINT}:NoSchedule-" >/dev/null \
    || die "could not remove the taint ${NODE2_TAINT} from ${NODE2_NAME}"
  # The node lifecycle controller lifts its not-ready taints a moment after
  # Ready; until then the scheduler would not place pods on node 2.
  wait_until node-2-kubelet 60 "no taints left on ${NODE2_NAME}" node2_untainted
}

node2_untainted() {
  local taints
  taints="$(kc get node "${NODE2_NAME}" -o jsonpath='{.spec.taints}')" && [[ -z "${taints}" ]]
}

# node2_up: adds node 2 to the running node 1.
node2_up() {
  local start=${SECONDS}
  node2_prepare
  node2_join
  log "node 2 up in $((SECONDS - start))s"
}

# node2_prepare_async: node2_prepare in the background (log
# ${LOGS}/node-2-prepare.log); node2_prepare_wait waits for it (every step in
# it is bounded) and fails with its log when it failed.
node2_prepare_async() {
  log "node 2: preparing in the background (log: ${LOGS}/node-2-prepare.log)"
  (node2_prepare) >"${LOGS}/node-2-prepare.log" 2>&1 &
  NODE2_PREPARE_PID=$!
}

node2_prepare_wait() {
  local rc=0
  wait "${NODE2_PREPARE_PID}" || rc=$?
  cat "${LOGS}/node-2-prepare.log" >&2
  ((rc == 0)) || die "preparing node 2 failed (exit ${rc})"
}

# node2_conntrack_flush [PODCIDR]: deletes the host's conntrack entries that
# mention node 2's address or pods in either direction (a Service connection
# from a node-1 pod to a node-2 endpoint names node 2 only in its reply).
node2_conntrack_flush() {
  local pods="${1:-}" line proto src dst sport dport n=0
  command -v conntrack >/dev/null || return 0
  local -a want=(-e "=${NODE2_IP} ")
  [[ -z "${pods}" ]] || want+=(-e "=${pods%0/*}")
  while IFS= read -r line; do
    proto="${line%% *}"
    src="$(grep -o -m1 'src=[^ ]*' <<<"${line}" | head -n 1)"
    dst="$(grep -o -m1 'dst=[^ ]*' <<<"${line}" | head -n 1)"
    sport="$(grep -o -m1 'sport=[^ ]*' <<<"${line}" | head -n 1 || true)"
    dport="$(grep -o -m1 'dport=[^ ]*' <<<"${line}" | head -n 1 || true)"
    local -a args=(-p "${proto}" -s "${src#src=}" -d "${dst#dst=}")
    [[ -z "${sport}" ]] || args+=(--sport "${sport#sport=}")
    [[ -z "${dport}" ]] || args+=(--dport "${dport#dport=}")
    conntrack -D "${args[@]}" >/dev/null 2>&1 && n=$((n + 1))
    ((n < 10000)) || break
  done < <(conntrack -L 2>/dev/null | grep -F "${want[@]}" || true)
  ((n == 0)) || log "node 2: ${n} conntrack entries deleted"
}

# node2_down [keep-node1]: removes node 2 completely. With keep-node1, node 1
# stays up: node 2 is also deleted from the API and every host change made
# for it is undone one by one (a full `down` removes those wholesale).
node2_down() {
  local keep="${1:-}" pods i
  pods="$(node2_pod_cidr || true)"
  flannel_node2_down
  for ((i = ${#NODE2_COMPONENTS[@]} - 1; i >= 0; i--)); do
    if [[ "${NODE2_COMPONENTS[i]}" == node-2-containerd ]]; then
      kill_pod_processes "${NODE2_CGROUP}"
      kill_shims "${NODE2_DIR}/containerd/state"
    fi
    stop_component "${NODE2_COMPONENTS[i]}"
  done
  kill_pod_processes "${NODE2_CGROUP}"
  kill_shims "${NODE2_DIR}/containerd/state"
  if [[ "${keep}" == keep-node1 ]] && pid_of kube-apiserver >/dev/null && [[ -f "${KUBECONFIG_OUT}" ]]; then
    kc delete node "${NODE2_NAME}" --ignore-not-found --wait=true --timeout=20s >/dev/null 2>&1 \
      || log "could not delete node ${NODE2_NAME} from the API"
  fi
  remove_pod_cgroups "${NODE2_CGROUP}"
  unmount_state "${NODE2_DIR}"
  if [[ "${keep}" == keep-node1 ]]; then
    fault_unblock
    mtu_restore
    [[ -z "${pods}" ]] || node2_remove_host_rules "${pods}"
  fi
  dual_node2_unwire "${keep}"
  [[ -z "${pods}" ]] || ip route del "${pods}" 2>/dev/null || true
  ip route del "${NODE2_IP}/32" 2>/dev/null || true
  ip link del "${NODE2_VETH}" 2>/dev/null || true
  ip netns del "${NODE2_NETNS}" 2>/dev/null || true
  node2_conntrack_flush "${pods}"
  rm -rf "${NODE2_DIR:?}" 2>/dev/null || { unmount_state "${NODE2_DIR}"; rm -rf "${NODE2_DIR:?}"; }
  if [[ -e "/run/netns/${NODE2_NETNS}" ]] || ip link show "${NODE2_VETH}" >/dev/null 2>&1; then
    log "node 2's namespace or veth is still there"
  fi
}
