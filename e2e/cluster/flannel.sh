# shellcheck shell=bash disable=SC2153
# (SC2153: STATE, CONF, NODE_NAME, NODE2_DIR and the like come from cluster.sh and node-2.sh.)
# The flannel pod network of the e2e cluster (`cluster.sh up --pod-network flannel`), sourced by cluster.sh
# after node-2.sh. The default pod network, `routed`, is cluster.sh's own: a bridge per node and a host
# route to node 2's pods.
#
# flanneld (built by `build.sh flannel`) runs on each node as a plain process, as the other node
# components do: node 1's on the host, node 2's in node 2's network namespace (`nsenter --net`). Each runs
# the VXLAN backend with the Kubernetes subnet manager: it takes its node's podCIDR (allocated by the
# controller-manager), writes its lease into the node's annotations, makes the vxlan device flannel.1 on the
# node's address (its MTU the link's less 50 bytes of VXLAN headers), routes every other node's pod subnet
# through it, and writes subnet.env.
#
#   node 1 (host)                                  node 2 (netns netlab-e2e-node-2)
#   flannel.1  vxlan id 1, local 10.250.0.1        flannel.1  vxlan id 1, local 10.250.0.2
#              dstport 8472, mtu 1450                         dstport 8472, mtu 1450
#   route <node-2 podCIDR> via <its .0> dev flannel.1 onlink   and the other way round
#   the VXLAN packets themselves: UDP 10.250.0.1 <-> 10.250.0.2 over the veth netlab-n2 (eth0 in node 2)
#
# flannel's own CNI plugin is not served here. It is a thin wrapper that reads subnet.env and hands the
# bridge plugin a configuration made from it, so this file writes that bridge configuration from
# subnet.env the same way, once flanneld has written it: the node's subnet for host-local, a route to the
# whole flannel network, the bridge's MTU FLANNEL_MTU, and ipMasq off when flannel masquerades itself
# (FLANNEL_IPMASQ=true, from --ip-masq, as flannel's own manifest runs it).
#
# With `--ip-family dual`, flannel runs its IPv6 overlay beside the IPv4 one, as its dual-stack
# configuration does: EnableIPv6 and IPv6Network in net-conf.json, each node's second podCIDR as its IPv6
# lease, a second vxlan device flannel-v6.1 (VNI 1 as well) between the nodes' unique-local addresses
# (fd00:10:250::1 and ::2, given as --public-ipv6), and FLANNEL_IPV6_NETWORK and FLANNEL_IPV6_SUBNET in
# subnet.env, from which the bridge configuration takes its IPv6 range and route as flannel's CNI plugin
# does. flannel makes flannel-v6.1 as wide as flannel.1 (the link's MTU less 50), although VXLAN over
# IPv6 carries 20 bytes more of headers; the lab's large transfers over IPv6 show whether that holds.

FLANNEL_DIR="${STATE}/flannel"
FLANNEL_NODE2_DIR="${NODE2_DIR}/flannel"
FLANNEL_DEV="flannel.1"
FLANNEL_DEV6="flannel-v6.1"
# The Linux kernel's VXLAN port, which flannel's VXLAN backend uses by default.
FLANNEL_VXLAN_PORT=8472
# The network every node's link between the nodes is on (netlab0 and node 2's veth).
FLANNEL_NODE_NET="10.250.0.0/24"
FLANNEL_NODE_NET6="fd00:10:250::/64"
FLANNEL_USER="netlab-e2e-flannel"
# The pod network this cluster was brought up with (up --pod-network), kept with its configuration.
POD_NETWORK_FILE="${CONF}/pod-network"
OWN_STATE+=(flannel)

pod_network() { cat "${POD_NETWORK_FILE}" 2>/dev/null || echo routed; }
flannel_on() { [[ "$(pod_network)" == flannel ]]; }

check_pod_network() {
  case "$1" in
    routed | flannel) ;;
    *) die "--pod-network must be routed or flannel, not '$1'" ;;
  esac
}

# flannel_build: flanneld, when the cluster is to run it and it is not built yet.
flannel_build() {
  [[ ! -x "${BIN_DIR}/flanneld" ]] || return 0
  log "building flannel (log: ${CACHE}/build.log)"
  "${E2E_DIR}/build.sh" flannel >>"${CACHE}/build.log" 2>&1 \
    || { tail -n 30 "${CACHE}/build.log" >&2; die "build of flannel failed"; }
}

# ---------------------------------------------------------------- configuration

# flannel's network configuration: the whole pod CIDR (and, dual-stack, the IPv6 one), the VXLAN backend
# with its defaults (VNI 1, the kernel's port 8472, the MTU of the node's interface less the VXLAN headers).
flannel_net_conf() {
  printf '{\n  "Network": "%s",\n' "${POD_CIDR}"
  if is_dual; then printf '  "EnableIPv6": true,\n  "IPv6Network": "%s",\n' "${POD_CIDR6}"; fi
  printf '  "Backend": { "Type": "vxlan" }\n}\n'
}

# The rights flanneld needs with the Kubernetes subnet manager: read nodes (its own podCIDR, the other
# nodes' leases), write its lease into its node's annotations and its NetworkUnavailable condition.
flannel_rbac() {
  cat <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: netlab-e2e-flannel }
rules:
  - apiGroups: [""]
    resources: [pods, nodes, namespaces]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [nodes/status]
    verbs: [patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: netlab-e2e-flannel }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: netlab-e2e-flannel }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: ${FLANNEL_USER} }
EOF
}

# flannel_setup: the configuration, identity and rights both nodes' flanneld use.
flannel_setup() {
  mkdir -p "${FLANNEL_DIR}"
  flannel_net_conf >"${FLANNEL_DIR}/net-conf.json"
  SIGN_RANDOM_SERIAL=1 sign flannel "${FLANNEL_USER}" "" clientAuth
  write_kubeconfig "${FLANNEL_DIR}/kubeconfig" "${FLANNEL_USER}" flannel
  kc apply -f - >/dev/null <<<"$(flannel_rbac)" || die "applying flannel's RBAC failed"
}

# flannel_env FILE KEY: one value of a subnet.env.
flannel_env() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# flannel_cni_config NAME BRIDGE IPAM_DIR SUBNET_ENV: the bridge network flannel's CNI plugin would hand
# the bridge plugin on this node, made from that node's subnet.env (with its IPv6 range and route when
# the file has FLANNEL_IPV6_SUBNET).
flannel_cni_config() {
  local env="$4" network subnet mtu masq bridge_masq=true network6 subnet6 range6="" route6=""
  network="$(flannel_env "${env}" FLANNEL_NETWORK)"
  subnet="$(flannel_env "${env}" FLANNEL_SUBNET)"
  mtu="$(flannel_env "${env}" FLANNEL_MTU)"
  masq="$(flannel_env "${env}" FLANNEL_IPMASQ)"
  network6="$(flannel_env "${env}" FLANNEL_IPV6_NETWORK)"
  subnet6="$(flannel_env "${env}" FLANNEL_IPV6_SUBNET)"
  # flanneld writes each subnet's first address (the bridge's gateway); host-local takes the subnet.
  if [[ -n "${subnet6}" ]]; then
    [[ -n "${network6}" && "${subnet6}" =~ ^([0-9a-f:]+::)1/64$ ]] \
      || die "unexpected IPv6 subnet in ${env}: $(tr '\n' ' ' <"${env}")"
    range6=", [{ \"subnet\": \"${BASH_REMATCH[1]}/64\" }]"
    route6=", { \"dst\": \"${network6}\" }"
  fi
  [[ "${mtu}" =~ ^[0-9]+$ && -n "${network}" && "${subnet}" =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.[0-9]+/24$ ]] \
    || die "unexpected ${env}: $(tr '\n' ' ' <"${env}")"
  # (The IPv4 subnet's match last: BASH_REMATCH is the last match's.)
  subnet="${BASH_REMATCH[1]}.0/24"
  [[ "${masq}" != true ]] || bridge_masq=false
  cat <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$1",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$2",
      "mtu": ${mtu},
      "isGateway": true,
      "isDefaultGateway": true,
      "ipMasq": ${bridge_masq},
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$3",
        "ranges": [[{ "subnet": "${subnet}" }]${range6}],
        "routes": [{ "dst": "${network}" }${route6}]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

# ---------------------------------------------------------------- flanneld

# flannel_start COMPONENT NODE IFACE IP IP6 SUBNET_FILE [PREFIX...]: flanneld for NODE, its VXLAN endpoint
# IFACE/IP (and IP6 for the IPv6 overlay, dual-stack), run through PREFIX (node 2: nsenter into its
# namespace); waits for its subnet.env.
flannel_start() {
  local comp="$1" node_name="$2" iface="$3" ip="$4" ip6="$5" file="$6" v6=()
  shift 6
  if is_dual; then v6=(--public-ipv6 "${ip6}"); fi
  start_component "${comp}" "$@" env "NODE_NAME=${node_name}" "${BIN_DIR}/flanneld" \
    --kube-subnet-mgr \
    --kubeconfig-file "${FLANNEL_DIR}/kubeconfig" \
    --net-config-path "${FLANNEL_DIR}/net-conf.json" \
    --subnet-file "${file}" \
    --iface "${iface}" \
    --public-ip "${ip}" \
    "${v6[@]}" \
    --ip-masq \
    --v 1
  wait_until "${comp}" 60 "flannel's ${file}" test -s "${file}"
}

node_has_pod_cidr() {
  [[ -n "$(kc get node "$1" -o jsonpath='{.spec.podCIDR}' 2>/dev/null)" ]]
}

# The host's guard rules for the overlay: pod traffic may leave node 1 through flannel.1 toward the other
# nodes' pods (the NETLAB-E2E chain drops any other way out but the pod bridge), and VXLAN packets may go
# to the nodes' own network only.
flannel_guard_rules() {
  flannel_guard_rules_for iptables "${POD_CIDR}" "${FLANNEL_DEV}" "${FLANNEL_NODE_NET}"
  # The same for the IPv6 overlay: ip6tables' NETLAB-E2E (dualstack.sh) lets pod traffic out by the pod
  # bridge only.
  if is_dual; then
    flannel_guard_rules_for ip6tables "${POD_CIDR6}" "${FLANNEL_DEV6}" "${FLANNEL_NODE_NET6}"
  fi
}

# flannel_guard_rules_for TOOL POD_CIDR DEVICE NODE_NET: flannel_guard_rules for one family.
flannel_guard_rules_for() {
  local ipt="$1" pods="$2" dev="$3" nodes="$4" c=(-m comment --comment "netlab-e2e: flannel")
  "${ipt}" -C NETLAB-E2E -s "${pods}" -d "${pods}" -o "${dev}" "${c[@]}" -j RETURN 2>/dev/null \
    || "${ipt}" -I NETLAB-E2E 1 -s "${pods}" -d "${pods}" -o "${dev}" "${c[@]}" -j RETURN
  "${ipt}" -N NETLAB-E2E-VXLAN 2>/dev/null || "${ipt}" -F NETLAB-E2E-VXLAN
  "${ipt}" -A NETLAB-E2E-VXLAN -p udp --dport "${FLANNEL_VXLAN_PORT}" ! -d "${nodes}" "${c[@]}" -j DROP
  "${ipt}" -C OUTPUT -j NETLAB-E2E-VXLAN 2>/dev/null || "${ipt}" -I OUTPUT 1 -j NETLAB-E2E-VXLAN
}

# flannel_node1_up: once node 1 has its podCIDR, flanneld on the host and node 1's bridge network from its
# subnet.env (the kubelet reports Ready once that configuration is there).
flannel_node1_up() {
  wait_until kubelet 60 "a podCIDR for ${NODE_NAME}" node_has_pod_cidr "${NODE_NAME}"
  flannel_setup
  flannel_guard_rules
  flannel_start flanneld "${NODE_NAME}" "${NODE_IF}" "${NODE_IP}" "${NODE_IP6}" "${FLANNEL_DIR}/subnet.env"
  log "flannel: node 1 $(tr '\n' ' ' <"${FLANNEL_DIR}/subnet.env")"
  flannel_cni_config netlab "${CNI_BRIDGE}" "${STATE}/cni/ipam" "${FLANNEL_DIR}/subnet.env" \
    >"${STATE}/cni/net.d/10-netlab.conflist"
}

# flannel_node2_wire PODS: flanneld in node 2's namespace, node 2's bridge network from its subnet.env
# (no host route to its pods: flannel.1 carries them, and flannel-v6.1 the IPv6 ones).
flannel_node2_wire() {
  local pods="$1"
  mkdir -p "${FLANNEL_NODE2_DIR}"
  flannel_start node-2-flanneld "${NODE2_NAME}" eth0 "${NODE2_IP}" "${NODE2_IP6}" \
    "${FLANNEL_NODE2_DIR}/subnet.env" "${NODE2_NSENTER[@]}"
  log "flannel: node 2 $(tr '\n' ' ' <"${FLANNEL_NODE2_DIR}/subnet.env")"
  flannel_cni_config netlab-node-2 "${NODE2_CNI_BRIDGE}" "${NODE2_DIR}/cni/ipam" \
    "${FLANNEL_NODE2_DIR}/subnet.env" >"${NODE2_DIR}/cni/net.d/10-netlab.conflist"
  node2_add_host_rules "${pods}"
  # Node 2's IPv6 podCIDR and the host's ip6tables rules for it, as on the routed network (no route).
  dual_node2_wire
}

# flannel_node2_host_rules POD_CIDR NODE2_ADDR: the host rules for node 2 on flannel, in node2_host_rules'
# form, for one family (its overlay device: flannel.1, or flannel-v6.1 for an IPv6 POD_CIDR). Pod traffic
# between the nodes is VXLAN between the node addresses, never forwarded by the host; what is: node-1
# pods to node 2's address (a NodePort there; flannel masquerades them to node 1's address), and what
# node 2 sends to a NodePort of node 1 whose endpoint is a pod on node 1 (the pod bridge), on node 2 (back
# through the overlay) or node 2 itself. Anything else arriving from node 2 is dropped.
flannel_node2_host_rules() {
  local pod_cidr="$1" addr="$2" dev="${FLANNEL_DEV}" c=(-m comment --comment "${NODE2_COMMENT}")
  [[ "${pod_cidr}" != *:* ]] || dev="${FLANNEL_DEV6}"
  echo "filter NETLAB-E2E -s ${pod_cidr} -d ${addr} -o ${NODE2_VETH} ${c[*]} -j RETURN"
  echo "filter NETLAB-E2E -i ${NODE2_VETH} -o ${NODE2_VETH} ${c[*]} -j RETURN"
  echo "filter NETLAB-E2E -i ${NODE2_VETH} -d ${pod_cidr} -o ${dev} ${c[*]} -j RETURN"
  echo "filter NETLAB-E2E -i ${NODE2_VETH} ! -o ${CNI_BRIDGE} ${c[*]} -j DROP"
}

flannel_healthy() { ! flannel_on || pid_of flanneld >/dev/null; }
flannel_node2_healthy() { ! flannel_on || pid_of node-2-flanneld >/dev/null; }

# flannel_status: one line per flanneld, as cmd_status prints the other components; false when one of
# them is stopped.
flannel_status() {
  flannel_on || return 0
  local c pid rc=0 all=(flanneld)
  node2_present && all+=(node-2-flanneld)
  for c in "${all[@]}"; do
    if pid="$(pid_of "${c}")"; then
      printf '%-24s running  pid %s\n' "${c}" "${pid}"
    else
      printf '%-24s stopped\n' "${c}"
      rc=1
    fi
  done
  return "${rc}"
}

# flannel_describe: the pod network in words, for status.
flannel_describe() {
  if ! flannel_on; then
    echo "pod network: routed (a bridge per node, host routes between the nodes)"
    return 0
  fi
  local mtu devs="${FLANNEL_DEV}"
  mtu="$(flannel_env "${FLANNEL_DIR}/subnet.env" FLANNEL_MTU 2>/dev/null || true)"
  if is_dual; then devs+=" and ${FLANNEL_DEV6}"; fi
  echo "pod network: flannel ${FLANNEL_VERSION} vxlan (${devs}, pod MTU ${mtu:-?})"
}

# ---------------------------------------------------------------- down

# flannel_node2_down: node 2's flanneld stopped (before its vxlan device goes, which it would make anew).
flannel_node2_down() {
  stop_component node-2-flanneld
  if [[ -e "/run/netns/${NODE2_NETNS}" ]]; then
    in_node2 ip link del "${FLANNEL_DEV}" 2>/dev/null || true
    in_node2 ip link del "${FLANNEL_DEV6}" 2>/dev/null || true
  fi
}

# flannel_down: node 1's flanneld stopped, then everything flannel made on the host: flannel.1 and
# flannel-v6.1 (with their routes, neighbours and forwarding entries), its iptables and ip6tables chains
# and rules, the guard rules above.
flannel_down() {
  stop_component flanneld
  ip link del "${FLANNEL_DEV}" 2>/dev/null || true
  ip link del "${FLANNEL_DEV6}" 2>/dev/null || true
  local tool t
  for tool in iptables ip6tables; do
    for t in filter nat; do purge_chains "${t}" '(FLANNEL-|flanneld|netlab-e2e: flannel|NETLAB-E2E-VXLAN)' "${tool}"; done
  done
}

# ---------------------------------------------------------------- faults on the overlay

# flannel_fault_block CHAIN COMMENT...: on flannel the pods' traffic between the nodes is forwarded through
# flannel.1, not the veth, so fault.sh's block-cross-node drops what node 1 forwards into or out of the
# overlay as well (node 1's own traffic to node 2's pods is dropped in OUTPUT as on the routed network).
flannel_fault_block() {
  local chain="$1"
  shift
  iptables -A "${chain}" -i "${FLANNEL_DEV}" "$@" -j DROP
  iptables -A "${chain}" -o "${FLANNEL_DEV}" "$@" -j DROP
}

# shrink-mtu on flannel: the pods' traffic between the nodes is VXLAN, whose outer packets the kernel
# fragments on a narrow link (flannel's vxlan device does not set DF on them), so narrowing the veth (the
# routed variant in node-2.sh) breaks nothing. The overlay itself is narrowed instead: flannel.1 on both
# nodes at MTU_FAULT, while the pods keep sending packets of their MTU, and the ICMP "fragmentation
# needed" each node makes dropped as before.
flannel_mtu_shrink() {
  node2_present || die "node 2 is not up"
  ip link set dev "${FLANNEL_DEV}" mtu "${MTU_FAULT}"
  in_node2 ip link set dev "${FLANNEL_DEV}" mtu "${MTU_FAULT}"
  iptables -C "${MTU_FAULT_RULE[@]}" 2>/dev/null || iptables -I "${MTU_FAULT_RULE[@]}"
  in_node2 iptables -C "${MTU_FAULT_RULE[@]}" 2>/dev/null || in_node2 iptables -I "${MTU_FAULT_RULE[@]}"
}

# flannel.1 back to the MTU flannel gave it (its subnet.env's FLANNEL_MTU), and the ICMP let through.
flannel_mtu_restore() {
  local mtu
  mtu="$(flannel_env "${FLANNEL_DIR}/subnet.env" FLANNEL_MTU)"
  mtu_restore
  ip link set dev "${FLANNEL_DEV}" mtu "${mtu:-1450}" 2>/dev/null || true
  if node2_present; then
    mtu="$(flannel_env "${FLANNEL_NODE2_DIR}/subnet.env" FLANNEL_MTU 2>/dev/null || true)"
    in_node2 ip link set dev "${FLANNEL_DEV}" mtu "${mtu:-1450}" 2>/dev/null || true
  fi
}
