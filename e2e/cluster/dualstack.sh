# shellcheck shell=bash disable=SC2153
# (SC2153: the names of node 1 and node 2, NODE_IF, NODE2_VETH and the like, come from cluster.sh and node-2.sh.)
# The IP family of the e2e cluster, sourced by cluster.sh after node-2.sh: `up --ip-family ipv4` (the
# default) or `dual`, IPv4 first and IPv6 second everywhere. With dual, every address of IPv6 is
# unique-local (fd00::/8) and nothing routes IPv6 off the machine: no IPv6 default route is added
# anywhere, the IPv6 Service range is routed to the port-less bridge netlab0, and the NETLAB-E2E chain
# of ip6tables drops pod traffic that would leave by another interface than the pod bridge.
#
#   host (node 1)                               netns netlab-e2e-node-2 (node 2)
#   netlab0     fd00:10:250::1/128              eth0  fd00:10:250::2/128, fe80::2/64
#   netlab-n2   fe80::1/64              <--->   (its peer)
#   netlab-cni0 fd00:10:244::1/64               netlab-cni1 fd00:10:244:1::1/64 (first address of its podCIDR)
#   route fd00:10:250::2/128 via fe80::2        routes fd00:10:250::1/128, fd00:10:244::/56 and
#   route <node-2 IPv6 podCIDR> via fe80::2     fd00:10:96::/112 via fe80::1 (and no default route)
#   (on flannel, no routes to the other node's IPv6 pods: flannel-v6.1 carries them, see flannel.sh)

IP_FAMILY_FILE="${CONF}/ip-family"
POD_CIDR6="fd00:10:244::/56"
NODE_POD_CIDR6="fd00:10:244::/64"
CNI_GATEWAY6="fd00:10:244::1"
SERVICE_CIDR6="fd00:10:96::/112"
NODE_IP6="fd00:10:250::1"
NODE2_IP6="fd00:10:250::2"
# The veth between the nodes carries IPv6 between fixed link-local addresses: each end answers neighbour
# solicitations only for its own addresses, and a node's address lives on another device.
NODE1_LINK6="fe80::1"
NODE2_LINK6="fe80::2"
# Saved by `up` and restored by `down` in both families: the bridge plugin turns IPv6 forwarding on by
# itself as soon as a pod gets an IPv6 address.
SYSCTLS+=(net.ipv6.conf.all.forwarding net.bridge.bridge-nf-call-ip6tables)

# The IP family this cluster was brought up with (up --ip-family), kept with its configuration.
ip_family() { cat "${IP_FAMILY_FILE}" 2>/dev/null || echo ipv4; }
is_dual() { [[ "$(ip_family)" == dual ]]; }

# check_ip_family FAMILY: a family this machine can run, or a stop saying why not.
check_ip_family() {
  case "$1" in
    ipv4) ;;
    dual)
      [[ -f /proc/net/if_inet6 && "$(sysctl -n net.ipv6.conf.all.disable_ipv6 2>/dev/null)" == 0 ]] \
        || die "--ip-family dual needs IPv6 in the kernel, switched on (net.ipv6.conf.all.disable_ipv6=0)"
      local t
      for t in ip6tables ip6tables-save ip6tables-restore; do
        command -v "${t}" >/dev/null || die "--ip-family dual needs ${t} (apt-get install iptables)"
      done
      ;;
    ipv6) die "--ip-family ipv6 (IPv6 only) is not offered; use ipv4 or dual" ;;
    *) die "--ip-family must be ipv4 or dual, not '$1'" ;;
  esac
}

# family_list IPV4 IPV6: "IPV4", or "IPV4,IPV6" on a dual-stack cluster (the form of Kubernetes' flags).
family_list() { if is_dual; then echo "$1,$2"; else echo "$1"; fi; }

# The controller-manager's pod ranges: one /24 of IPv4 and, on dual, one /64 of IPv6 per node.
controller_manager_cidr_flags() {
  if is_dual; then
    echo "--cluster-cidr ${POD_CIDR},${POD_CIDR6} --node-cidr-mask-size-ipv4 24 --node-cidr-mask-size-ipv6 64"
  else
    echo "--cluster-cidr ${POD_CIDR} --node-cidr-mask-size 24"
  fi
}

# cni_range6 SUBNET6 GATEWAY6 / cni_route6 SUBNET6: the IPv6 range and default route of a node's bridge
# network, as JSON list items that follow the IPv4 ones (nothing when SUBNET6 is empty).
cni_range6() { [[ -z "${1:-}" ]] || printf ', [{ "subnet": "%s", "gateway": "%s" }]' "$1" "$2"; }
cni_route6() { [[ -z "${1:-}" ]] || printf ', { "dst": "::/0" }'; }

# Node 1's IPv6 subnet and gateway as the last two arguments of cni_config (none on IPv4).
node1_cni_args6() { if is_dual; then echo "${NODE_POD_CIDR6} ${CNI_GATEWAY6}"; fi; }

# The IPv6 part of the host network, after setup_host_network.
dual_setup_host_network() {
  is_dual || return 0
  log "node address ${NODE_IP6} on ${NODE_IF}; IPv6 services ${SERVICE_CIDR6}"
  ip -6 addr add "${NODE_IP6}/128" dev "${NODE_IF}" nodad
  ip -6 route add "${SERVICE_CIDR6}" dev "${NODE_IF}"
  sysctl -q -w net.ipv6.conf.all.forwarding=1
  sysctl -q -w net.bridge.bridge-nf-call-ip6tables=1
  ip6tables -N NETLAB-E2E
  ip6tables -A NETLAB-E2E -s "${POD_CIDR6}" -o "${CNI_BRIDGE}" -j RETURN
  ip6tables -A NETLAB-E2E -s "${POD_CIDR6}" -j DROP
  ip6tables -I FORWARD 1 -m comment --comment "netlab-e2e: keep pod traffic local" -j NETLAB-E2E
}

# ---------------------------------------------------------------- node 2

# Node 2's IPv6: its sysctls, the link-local ends of the veth, its address and routes (node2_network).
dual_node2_network() {
  is_dual || return 0
  log "node 2: ${NODE2_IP6} via ${NODE2_VETH} (${NODE1_LINK6} <-> ${NODE2_LINK6})"
  in_node2 sysctl -q -w net.ipv6.conf.all.forwarding=1
  in_node2 sysctl -q -w net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null || true
  in_node2 ip -6 addr add "${NODE2_LINK6}/64" dev eth0 nodad
  in_node2 ip -6 addr add "${NODE2_IP6}/128" dev eth0 nodad
  ip -6 addr add "${NODE1_LINK6}/64" dev "${NODE2_VETH}" nodad
  local dst dsts=("${NODE_IP6}/128" "${SERVICE_CIDR6}")
  # On flannel, flannel-v6.1 carries node 1's pods (a route to them by the veth would also make the kernel
  # refuse flannel's onlink route: its gateway, node 1's subnet's first address, would be routed elsewhere).
  flannel_on || dsts+=("${POD_CIDR6}")
  for dst in "${dsts[@]}"; do
    in_node2 ip -6 route add "${dst}" via "${NODE1_LINK6}" dev eth0
  done
  ip -6 route add "${NODE2_IP6}/128" via "${NODE2_LINK6}" dev "${NODE2_VETH}" src "${NODE_IP6}"
}

node2_pod_cidr6() {
  local f="${NODE2_DIR}/pod-cidr6"
  [[ -s "${f}" ]] && cat "${f}"
}

# dual_node2_wire: node 2's IPv6 podCIDR (the second of .spec.podCIDRs), the host's route to it (not on
# flannel, whose flannel-v6.1 carries it) and the host's ip6tables rules for it; sets NODE2_CNI_ARGS6
# (subnet and gateway for cni_config, none on IPv4).
# shellcheck disable=SC2034 # NODE2_CNI_ARGS6 is read by node2_wire
dual_node2_wire() {
  NODE2_CNI_ARGS6=""
  is_dual || return 0
  local pods6 node1_pods6
  pods6="$(kc get node "${NODE2_NAME}" -o jsonpath='{.spec.podCIDRs[1]}')"
  node1_pods6="$(kc get node "${NODE_NAME}" -o jsonpath='{.spec.podCIDRs[1]}')"
  [[ "${node1_pods6}" == "${NODE_POD_CIDR6}" ]] \
    || die "node 1 has IPv6 podCIDR '${node1_pods6}', its bridge network expects ${NODE_POD_CIDR6}"
  [[ "${pods6}" =~ ^(fd00:10:244:[0-9a-f]+::)/64$ ]] || die "unexpected IPv6 podCIDR '${pods6}' for ${NODE2_NAME}"
  echo "${pods6}" >"${NODE2_DIR}/pod-cidr6"
  NODE2_CNI_ARGS6="${pods6} ${BASH_REMATCH[1]}1"
  if flannel_on; then
    log "node 2: IPv6 pods ${pods6}, through ${FLANNEL_DEV6}"
  else
    log "node 2: IPv6 pods ${pods6} (gateway ${BASH_REMATCH[1]}1), routed via ${NODE2_LINK6}"
    ip -6 route replace "${pods6}" via "${NODE2_LINK6}" dev "${NODE2_VETH}" src "${NODE_IP6}"
  fi
  IPT=ip6tables node2_add_host_rules "${pods6}" "${POD_CIDR6}" "${NODE2_IP6}/128"
}

# dual_node2_unwire [keep-node1]: with keep-node1, the host's ip6tables rules for node 2 (a full `down`
# removes the chains wholesale); always node 2's IPv6 conntrack entries. Routes go with the veth.
dual_node2_unwire() {
  local pods6
  pods6="$(node2_pod_cidr6 || true)"
  [[ -n "${pods6}" ]] || return 0
  if [[ "${1:-}" == keep-node1 ]]; then
    IPT=ip6tables node2_remove_host_rules "${pods6}" "${POD_CIDR6}" "${NODE2_IP6}/128"
  fi
  command -v conntrack >/dev/null || return 0
  local dir
  for dir in --orig-src --orig-dst --reply-src --reply-dst; do
    timeout 10 conntrack -D -f ipv6 "${dir}" "${NODE2_IP6}" >/dev/null 2>&1 || true
  done
  timeout 10 conntrack -D -f ipv6 -s "${pods6%/*}" --mask-src ffff:ffff:ffff:ffff:: >/dev/null 2>&1 || true
  timeout 10 conntrack -D -f ipv6 -d "${pods6%/*}" --mask-dst ffff:ffff:ffff:ffff:: >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- a fault over IPv6

# fault.sh drop-icmpv6-too-big: ICMPv6 "packet too big" dropped where each node makes it (OUTPUT), as a
# firewall that drops all ICMPv6 would. IPv6 is never fragmented on the way, so a pod whose packets do not fit
# a device between the nodes (flannel-v6.1 at 1430 under pods at 1450) is never told, and its large
# transfers across the nodes hang. On the routed network the pods' packets fit, and nothing changes.
ICMP6_FAULT_RULE=(OUTPUT -p icmpv6 --icmpv6-type packet-too-big -m comment --comment "netlab-e2e: fault drop-icmpv6-too-big" -j DROP)

icmp6_drop() {
  is_dual || die "drop-icmpv6-too-big needs a dual-stack cluster (up --ip-family dual)"
  node2_present || die "node 2 is not up"
  ip6tables -C "${ICMP6_FAULT_RULE[@]}" 2>/dev/null || ip6tables -I "${ICMP6_FAULT_RULE[@]}"
  in_node2 ip6tables -C "${ICMP6_FAULT_RULE[@]}" 2>/dev/null || in_node2 ip6tables -I "${ICMP6_FAULT_RULE[@]}"
}

# The rule removed on both nodes. What a pod learnt of the path's MTU while it was in place, it keeps.
icmp6_allow() {
  is_dual || return 0
  while ip6tables -D "${ICMP6_FAULT_RULE[@]}" 2>/dev/null; do :; done
  if node2_present; then
    while in_node2 ip6tables -D "${ICMP6_FAULT_RULE[@]}" 2>/dev/null; do :; done
  fi
}

icmp6_fault_active() { is_dual && ip6tables -C "${ICMP6_FAULT_RULE[@]}" 2>/dev/null; }

# ---------------------------------------------------------------- what up prints

# One line for print_access and status.
ip_family_line() {
  if is_dual; then
    echo "IP family: dual (IPv4 first): node ${NODE_IP6}$(node2_present && echo ", node 2 ${NODE2_IP6}"), pods ${POD_CIDR6}, services ${SERVICE_CIDR6}"
  else
    echo "IP family: ipv4"
  fi
}
