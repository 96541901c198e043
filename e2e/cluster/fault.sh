#!/usr/bin/env bash
# Faults for the two-node e2e cluster (cluster.sh up --nodes 2).
#
#   e2e/cluster/fault.sh block-cross-node     node 1 drops everything it sends to node 2's pod CIDR
#   e2e/cluster/fault.sh unblock-cross-node   removes that again
#   e2e/cluster/fault.sh status               prints "blocked" or "open" (exit 0 either way)
#
# The block is an iptables chain NETLAB-E2E-FAULT with one DROP rule for node
# 2's pod CIDR, jumped to first in the host's FORWARD (node-1 pods, replies
# included) and OUTPUT (node 1 itself) chains, so conntrack's ESTABLISHED
# accepts further down cannot let anything through. Pods on node 1 then see
# their connections to node-2 pods time out (nothing is rejected). No route
# changes: nothing can be sent anywhere else. Both commands are idempotent;
# `cluster.sh down` removes the chain too.
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
    echo "blocked: node 1 drops what it sends to ${NODE2_NAME}'s pods $(node2_pod_cidr)"
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
