#!/usr/bin/env bash
# Faults for the two-node e2e cluster (cluster.sh up --nodes 2).
#
#   e2e/cluster/fault.sh block-cross-node     pod traffic between the two nodes is dropped
#   e2e/cluster/fault.sh unblock-cross-node   removes that again
#   e2e/cluster/fault.sh status               prints "blocked" or "open" (exit 0 either way)
#
# The block is two iptables chains jumped to first: NETLAB-E2E-FAULT-FWD in
# FORWARD drops whatever node 1 would forward to or from node 2's veth (pod
# traffic either way, replies included), NETLAB-E2E-FAULT in OUTPUT drops what
# node 1 itself sends to node 2's pod CIDR. The nodes' own traffic (API server
# and kubelets) is neither forwarded nor sent to a pod, so it still flows and
# kubectl exec works on both nodes. Connections across nodes time out (nothing
# is rejected). No route changes: nothing can be sent anywhere else. Both
# commands are idempotent; `cluster.sh down` removes the chains too.
set -euo pipefail

FAULT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Sourcing cluster.sh only defines its settings and functions.
# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "${FAULT_DIR}/cluster.sh"

usage() { echo "usage: $0 block-cross-node|unblock-cross-node|status" >&2; exit 2; }

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
  status)
    if fault_active; then echo blocked; else echo open; fi
    ;;
  *) usage ;;
esac
