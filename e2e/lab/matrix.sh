#!/usr/bin/env bash
# The lab on each network flavour of the e2e cluster, one after another: for each, the cluster brought up
# anew in that flavour (e2e/cluster/cluster.sh), then run.sh's steps 2-3 (preview, up, every output checked
# against kubectl, including that the lab found that flavour's kube-proxy mode, pod network and IP families), 6e
# (service-depth), 6g (ingress, through the cluster's Traefik), 6h (ICMPv6 "packet too big" dropped, on flannel
# with dual stack) and 7
# (destroy); one table at the end: flavour, checks passed/failed/skipped, pulumi up seconds, service-depth,
# the network the lab reported, and the load average.
#
#   bash e2e/lab/matrix.sh [FLAVOUR...]     (root; default: every flavour below)
#
# Flavours are "<pod network>+<kube-proxy mode>+<IP family>". The cluster is left down. Exits non-zero when
# any flavour failed.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLUSTER="${E2E_DIR}/../cluster/cluster.sh"
STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"
OUT="${STATE}/e2e-run"
LOGS="${NETLAB_MATRIX_LOGS:-${STATE}/matrix}"
# Every flavour the e2e cluster can build.
FLAVOURS=("routed+iptables+ipv4" "routed+nftables+ipv4" "flannel+iptables+ipv4" "flannel+nftables+ipv4"
  "routed+nftables+dual" "flannel+nftables+dual")

die() { echo "matrix: $*" >&2; exit 1; }
[[ ${EUID} -eq 0 ]] || die "must run as root (it brings the e2e cluster up and down)"
(($# == 0)) || FLAVOURS=("$@")
mkdir -p "${LOGS}"
rows=()
for flavour in "${FLAVOURS[@]}"; do
  IFS=+ read -r network mode family <<<"${flavour}"
  [[ "${network}" =~ ^(routed|flannel)$ && "${mode}" =~ ^(iptables|nftables)$ && "${family}" =~ ^(ipv4|dual)$ ]] ||
    die "flavour ${flavour}: <routed|flannel>+<iptables|nftables>+<ipv4|dual> can be built here"
  log="${LOGS}/${flavour}.log"
  echo "== ${flavour} (log: ${log})"
  timeout 300 bash "${CLUSTER}" down >"${log}" 2>&1
  timeout 900 bash "${CLUSTER}" up --proxy-mode "${mode}" --pod-network "${network}" --ip-family "${family}" >>"${log}" 2>&1 || die "${flavour}: cluster up failed (${log})"
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=${SECONDS}
  if NETLAB_E2E_ONLY='^(2-3|6e|6g|6h|7)\.' timeout 1800 bash "${E2E_DIR}/run.sh" >>"${log}" 2>&1; then result=passed; else result=FAILED; fi
  wall=$((SECONDS - start))
  # The counts and the network line of the first up, as the lab reported them.
  read -r passed failed skipped total < <(node -e '
    const { checks } = require(process.argv[1]);
    const n = (o) => checks.filter((c) => c.outcome === o).length;
    console.log(n("passed"), n("failed"), n("skipped"), checks.length);
  ' "${OUT}/first-outputs.json" 2>/dev/null || echo "? ? ? ?")
  up="$(sed -n 's/^-- 2-3\. preview + up; outputs match the cluster: \([0-9]*\) ms$/\1/p' "${log}" | tail -n 1)"
  depth="$(grep -c '^service-depth\.[a-z0-9.-]*: passed:' "${log}" || true)"
  depth_all="$(grep -c '^service-depth\.[a-z0-9.-]*: [a-z]*:' "${log}" || true)"
  # Step 6h breaks and mends something on flannel with dual stack only.
  icmp6="not on this flavour"
  if grep -q '^ICMPv6 let through: every check passes again' "${log}"; then icmp6="passed"; fi
  fronts="$(grep -cE '^(ingress|gateway)\.[a-z.-]*: passed:' "${log}" || true)"
  fronts_all="$(grep -cE '^(ingress|gateway)\.[a-z.-]*: [a-z]*:' "${log}" || true)"
  line="$(head -n 1 "${OUT}/report.txt" 2>/dev/null | sed 's/^network: //')"
  rows+=("| ${flavour} | ${result} | ${passed}/${total} passed, ${failed} failed, ${skipped} skipped | $(((${up:-0} + 500) / 1000)) s | ${depth}/${depth_all} passed | ${fronts}/${fronts_all} passed | ${icmp6} | ${line} | ${load} | ${wall} s |")
  echo "${rows[-1]}"
done
timeout 300 bash "${CLUSTER}" down >>"${LOGS}/down.log" 2>&1 || true
echo
echo "| flavour | run.sh 2-3, 6e, 6g, 6h, 7 | checks (default lab) | steps 2-3 (preview, up, outputs) | service-depth | ingress | ICMPv6 dropped (6h) | the lab's network line | load before | wall |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
# Any flavour that failed fails the run (its log is named above).
[[ "${rows[*]}" != *"| FAILED |"* ]]
