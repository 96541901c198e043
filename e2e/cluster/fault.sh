#!/usr/bin/env bash
# Faults for the two-node e2e cluster (cluster.sh up --nodes 2), each one a
# broken link the lab's diagnoses name (docs/troubleshooting.md).
#
#   e2e/cluster/fault.sh block-cross-node     pod traffic between the two nodes is dropped
#   e2e/cluster/fault.sh unblock-cross-node   removes that again
#   e2e/cluster/fault.sh scale-dns-down       CoreDNS scaled to zero: kube-dns keeps its ClusterIP, with no endpoint
#   e2e/cluster/fault.sh scale-dns-up         CoreDNS back to its replicas, and ready
#   e2e/cluster/fault.sh stop-kube-proxy-2    node 2's kube-proxy stopped, and its rules removed
#   e2e/cluster/fault.sh start-kube-proxy-2   node 2's kube-proxy started again (it writes its rules anew)
#   e2e/cluster/fault.sh shrink-mtu          the link between the nodes narrowed to MTU 1280, the ICMP that
#                                             would say so dropped: large transfers across nodes hang (on
#                                             flannel the overlay, flannel.1, is narrowed: see flannel.sh)
#   e2e/cluster/fault.sh restore-mtu         the link back to MTU 1500 (flannel.1 to flannel's MTU), that
#                                             ICMP let through again
#   e2e/cluster/fault.sh drop-icmpv6-too-big  (dual stack) ICMPv6 "packet too big" dropped on both nodes: on
#                                             flannel, whose IPv6 device is narrower than the pods, large
#                                             transfers by IPv6 across nodes hang (see dualstack.sh)
#   e2e/cluster/fault.sh allow-icmpv6-too-big that ICMPv6 let through again
#   e2e/cluster/fault.sh status               one line per fault, "<fault>: <state>" (exit 0 either way)
#
# The block is two iptables chains jumped to first: NETLAB-E2E-FAULT-FWD in
# FORWARD drops whatever node 1 would forward to or from node 2's veth (pod
# traffic either way, replies included), NETLAB-E2E-FAULT in OUTPUT drops what
# node 1 itself sends to node 2's pod CIDR. The nodes' own traffic (API server
# and kubelets) is neither forwarded nor sent to a pod, so it still flows and
# kubectl exec works on both nodes. Connections across nodes time out (nothing
# is rejected). No route changes: nothing can be sent anywhere else.
#
# kube-proxy runs on each node as a plain process started by cluster.sh (not as
# a pod). Stopping it alone would leave its iptables rules in place, and they
# keep forwarding to the Services they already knew; `kube-proxy --cleanup` in
# node 2's network namespace removes them, so node 2 forwards no Service traffic
# of its own, as a node whose kube-proxy never ran. What node 2 alone serves,
# its NodePorts, stops; what node 2's pods send to a ClusterIP leaves by node
# 2's default route through node 1, whose own rules may still translate it.
#
# Every command is idempotent, and `cluster.sh down` undoes every fault with
# the rest. Mend a fault with its own command: `cluster.sh up` leaves CoreDNS
# as it is, and builds node 2 anew when its kube-proxy is not running.
set -euo pipefail

FAULT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Sourcing cluster.sh only defines its settings and functions.
# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "${FAULT_DIR}/cluster.sh"

# CoreDNS's replicas as addons/coredns.yaml declares them.
DNS_REPLICAS=1
DNS_DEPLOYMENT=deployment/coredns
NODE2_KUBE_PROXY=node-2-kube-proxy

usage() {
  echo "usage: $0 block-cross-node|unblock-cross-node|scale-dns-down|scale-dns-up|stop-kube-proxy-2|start-kube-proxy-2|shrink-mtu|restore-mtu|drop-icmpv6-too-big|allow-icmpv6-too-big|status" >&2
  exit 2
}

dns_replicas() {
  kc -n kube-system get "${DNS_DEPLOYMENT}" -o jsonpath='{.spec.replicas}/{.status.readyReplicas}'
}

dns_down() {
  kc -n kube-system scale "${DNS_DEPLOYMENT}" --replicas=0 >/dev/null
  # Bounded by kc's own timeout; the pods stop within their 5 s grace period.
  kc -n kube-system wait --for=delete pod --selector k8s-app=kube-dns --timeout=25s >/dev/null 2>&1 \
    || die "CoreDNS's pods are still there: $(kc -n kube-system get pods --selector k8s-app=kube-dns -o wide 2>&1)"
}

dns_up() {
  kc -n kube-system scale "${DNS_DEPLOYMENT}" --replicas="${DNS_REPLICAS}" >/dev/null
  timeout 150 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" -n kube-system \
    rollout status "${DNS_DEPLOYMENT}" --timeout=140s >/dev/null \
    || die "CoreDNS did not become ready again: $(kc -n kube-system get pods --selector k8s-app=kube-dns -o wide 2>&1)"
}

kube_proxy_2_stop() {
  node2_present || die "node 2 is not up"
  stop_component "${NODE2_KUBE_PROXY}"
  timeout 60 "${NODE2_NSENTER[@]}" "${BIN_DIR}/kube-proxy" --cleanup >/dev/null 2>&1 \
    || die "kube-proxy --cleanup failed in ${NODE2_NETNS}"
}

kube_proxy_2_start() {
  node2_present || die "node 2 is not up"
  pid_of "${NODE2_KUBE_PROXY}" >/dev/null || node2_start_kube_proxy
}

status() {
  if fault_active; then echo "cross-node: blocked"; else echo "cross-node: open"; fi
  if mtu_fault_active; then echo "mtu: shrunk (${MTU_FAULT} between the nodes, ICMP dropped)"; else echo "mtu: as built"; fi
  if icmp6_fault_active; then echo "icmpv6-too-big: dropped"; else echo "icmpv6-too-big: let through"; fi
  local replicas
  if replicas="$(dns_replicas 2>/dev/null)"; then
    if [[ "${replicas}" == 0/* ]]; then echo "dns: down (coredns scaled to 0)"; else echo "dns: up (coredns ${replicas%/} wanted/ready)"; fi
  else
    echo "dns: unknown (the API server did not answer)"
  fi
  if ! node2_present; then
    echo "kube-proxy-2: no node 2"
  elif pid_of "${NODE2_KUBE_PROXY}" >/dev/null; then
    echo "kube-proxy-2: running"
  else
    echo "kube-proxy-2: stopped"
  fi
}

(($# == 1)) || usage
[[ ${EUID} -eq 0 ]] || die "must run as root"
case "$1" in
  block-cross-node)
    fault_block
    echo "blocked: pod traffic between the nodes (${NODE2_NAME}'s pods $(node2_pod_cidr), its veth ${NODE2_VETH})"
    ;;
  unblock-cross-node)
    fault_unblock
    echo "open: cross-node traffic flows again"
    ;;
  scale-dns-down)
    dns_down
    echo "dns down: ${DNS_DEPLOYMENT} scaled to 0, kube-dns has no endpoint"
    ;;
  scale-dns-up)
    dns_up
    echo "dns up: ${DNS_DEPLOYMENT} scaled to ${DNS_REPLICAS} and ready"
    ;;
  stop-kube-proxy-2)
    kube_proxy_2_stop
    echo "stopped: ${NODE2_NAME}'s kube-proxy, its rules removed"
    ;;
  start-kube-proxy-2)
    kube_proxy_2_start
    echo "running: ${NODE2_NAME}'s kube-proxy"
    ;;
  shrink-mtu)
    if flannel_on; then
      flannel_mtu_shrink
      echo "shrunk: the overlay between the nodes (${FLANNEL_DEV} on both) at MTU ${MTU_FAULT}, ICMP fragmentation-needed dropped"
    else
      mtu_shrink
      echo "shrunk: the link between the nodes (${NODE2_VETH}) at MTU ${MTU_FAULT}, ICMP fragmentation-needed dropped"
    fi
    ;;
  restore-mtu)
    if flannel_on; then
      flannel_mtu_restore
      echo "restored: ${FLANNEL_DEV} at flannel's MTU on both nodes, ICMP let through"
    else
      mtu_restore
      echo "restored: MTU 1500 between the nodes, ICMP let through"
    fi
    ;;
  drop-icmpv6-too-big)
    icmp6_drop
    echo "dropped: ICMPv6 packet-too-big on both nodes"
    ;;
  allow-icmpv6-too-big)
    icmp6_allow
    echo "let through: ICMPv6 packet-too-big"
    ;;
  status) status ;;
  *) usage ;;
esac
