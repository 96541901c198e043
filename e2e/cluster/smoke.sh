#!/usr/bin/env bash
# Runs the tutorial's manual networking checks against the e2e cluster.
#
#   e2e/cluster/smoke.sh [--capture DIR] [--keep]
#
# Applies e2e/cluster/manifests/ into the namespace netlab-smoke, prints PASS/FAIL
# per check and exits non-zero if any check failed. --capture DIR also writes
# the pods' real /etc/hosts and /etc/resolv.conf and kubectl listings to DIR.
# --keep leaves the namespace in place afterwards.
#
# On a two-node cluster (cluster.sh up --nodes 2) it also applies
# manifests/cross-node/ (pods pinned to each node) and checks traffic between
# the nodes: pod to pod both ways with the client's pod IP seen by the server,
# a Service by name across nodes, the NodePort of a node-1 pod through node
# 2's address, node 2's host network to a node-1 pod, and fault.sh's
# block-cross-node / unblock-cross-node.
#
# On a dual-stack cluster (cluster.sh up --ip-family dual) it also checks IPv6:
# every pod has an address of each family, pod to pod by IPv6 across the nodes,
# a PreferDualStack Service on its IPv6 ClusterIP and its AAAA record, node to
# pod over IPv6 and a NodePort on each node's IPv6 address.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.sh
source "${E2E_DIR}/versions.sh"

CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"
KUBECONFIG_FILE="${STATE}/kubeconfig"
NS="netlab-smoke"
DNS_SVC_IP="10.96.0.10"
NODE1_NAME="netlab-e2e-node"
NODE2_NAME="netlab-e2e-node-2"
KUBECTL="$(netlab_bin_dir "${CACHE}")/kubectl"
[[ -x "${KUBECTL}" ]] || KUBECTL="$(command -v kubectl)"

CAPTURE_DIR=""
KEEP=0
while (($#)); do
  case "$1" in
    --capture) CAPTURE_DIR="${2:?--capture needs a directory}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--capture DIR] [--keep]" >&2; exit 2 ;;
  esac
done

[[ -f "${KUBECONFIG_FILE}" ]] || { echo "no kubeconfig at ${KUBECONFIG_FILE}: run e2e/cluster/cluster.sh up" >&2; exit 1; }

k() { timeout 60 "${KUBECTL}" --kubeconfig "${KUBECONFIG_FILE}" --request-timeout=30s "$@"; }
kn() { k -n "${NS}" "$@"; }
# kexec POD CONTAINER CMD...: exec with a hard time limit.
kexec() {
  local pod="$1" ctr="$2"; shift 2
  timeout 30 "${KUBECTL}" --kubeconfig "${KUBECONFIG_FILE}" -n "${NS}" exec "${pod}" -c "${ctr}" -- "$@"
}

PASSED=0
FAILED=0
FAULT_SET=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() {
  FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$1"
  if [[ -n "${2:-}" ]]; then printf '%s\n' "$2" | sed 's/^/      | /' | head -n 15; fi
}

# check NAME EXPECTED_REGEX CMD...: runs CMD, passes when its output matches.
check() {
  local name="$1" want="$2" out rc=0; shift 2
  out="$("$@" 2>&1)" || rc=$?
  if [[ ${rc} -eq 0 ]] && grep -Eq -- "${want}" <<<"${out}"; then
    pass "${name}"
  else
    fail "${name} (exit ${rc}, wanted /${want}/)" "${out}"
  fi
}

# check_nslookup NAME WANT_IP: nslookup in the dnstools pod must be answered
# by kube-dns with WANT_IP.
# A Service created seconds ago may still be cached under an older address
# (or not at all): retry for up to 15 seconds.
check_nslookup() {
  local name="$1" want="$2" out rc server addrs try
  for ((try = 0; try < 8; try++)); do
    rc=0
    out="$(kexec dnstools dnstools nslookup "${name}" 2>&1)" || rc=$?
    server="$(awk '/^Server:/ {print $2; exit}' <<<"${out}")"
    addrs="$(awk '/^Name:/ {f = 1} f && /^Address:/ {print $2}' <<<"${out}")"
    [[ ${rc} -eq 0 && "${server}" == "${DNS_SVC_IP}" ]] && grep -qx -- "${want}" <<<"${addrs}" && break
    sleep 2
  done
  if [[ ${rc} -eq 0 && "${server}" == "${DNS_SVC_IP}" ]] && grep -qx -- "${want}" <<<"${addrs}"; then
    pass "nslookup ${name} -> ${want} (answered by ${server})"
  else
    fail "nslookup ${name} -> ${want} via ${DNS_SVC_IP} (exit ${rc})" "${out}"
  fi
}

# node_ipv4 NODE / node_ipv6 NODE: a node's InternalIP of one family (a dual-stack node has two).
node_internal_ips() { k get node "$1" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}' | tr ' ' '\n'; }
node_ipv4() { node_internal_ips "$1" | grep -v ':' || true; }
node_ipv6() { node_internal_ips "$1" | grep ':' || true; }

cleanup() {
  if ((FAULT_SET)); then "${E2E_DIR}/fault.sh" unblock-cross-node >/dev/null 2>&1 || true; fi
  if ((KEEP)); then
    echo "namespace ${NS} kept"
    return 0
  fi
  kn delete pods --all --grace-period=1 --wait=false >/dev/null 2>&1 || true
  k delete namespace "${NS}" --wait=true --timeout=90s >/dev/null 2>&1 \
    || echo "warning: namespace ${NS} not deleted within 90s" >&2
}

main() {
  k get namespace "${NS}" >/dev/null 2>&1 && { echo "removing old namespace ${NS}"; cleanup; }
  trap cleanup EXIT
  k create namespace "${NS}" >/dev/null
  # The default service account is created asynchronously.
  local i
  for ((i = 0; i < 30; i++)); do kn get serviceaccount default >/dev/null 2>&1 && break; sleep 1; done
  local nodes
  nodes="$(k get nodes -o name | wc -l)"
  echo "nodes: ${nodes}"
  kn apply -f "${E2E_DIR}/manifests/" >/dev/null
  if ((nodes == 2)); then kn apply -f "${E2E_DIR}/manifests/cross-node/" >/dev/null; fi

  if kn wait --for=condition=Ready pod --all --timeout=50s >/dev/null 2>&1; then
    pass "all pods Ready"
  else
    fail "all pods Ready" "$(kn get pods -o wide 2>&1; kn describe pods 2>&1 | grep -A8 -E '^Events:' | tail -n 40)"
  fi

  local demo_ip httpd_ip nginx_ip node_ip probe_ip svc_ip
  demo_ip="$(kn get pod pod-demo -o jsonpath='{.status.podIP}')"
  httpd_ip="$(kn get pod pod-httpd -o jsonpath='{.status.podIP}')"
  nginx_ip="$(kn get pod pod-nginx -o jsonpath='{.status.podIP}')"
  node_ip="$(node_ipv4 "${NODE1_NAME}")"
  # The node the hostNetwork probe runs on (node 1 or, on two nodes, either).
  probe_ip="$(kn get pod probe-hostnet -o jsonpath='{.status.hostIP}')"
  svc_ip="$(kn get svc svc-nodeport-httpd -o jsonpath='{.spec.clusterIP}')"
  echo "pod-demo ${demo_ip}, pod-httpd ${httpd_ip}, pod-nginx ${nginx_ip}, node ${node_ip}, svc-nodeport-httpd ${svc_ip}"

  # 1. Containers of one pod share localhost.
  check "pod-demo: cntr-centos curls localhost -> cntr-httpd 'It works!'" '<h1>It works!</h1>' \
    kexec pod-demo cntr-centos curl -sS --max-time 5 http://localhost
  check "pod-demo: cntr-centos loop output in its log" 'It works!' \
    k -n "${NS}" logs pod-demo -c cntr-centos --tail=20

  # 2. The node reaches pod IPs directly.
  check "node (host) curls pod-demo IP ${demo_ip}" '<h1>It works!</h1>' \
    timeout 10 curl -sS --max-time 5 "http://${demo_ip}/"
  check "node (hostNetwork pod) curls pod-httpd IP ${httpd_ip}" '<h1>It works!</h1>' \
    kexec probe-hostnet probe curl -sS --max-time 5 "http://${httpd_ip}/"
  check "hostNetwork pod has the node's address ${probe_ip}" "inet ${probe_ip//./\\.}/" \
    kexec probe-hostnet probe ip -4 addr show

  # 3. Pod to pod by IP (the httpd image has no curl: bash's /dev/tcp).
  check "pod-httpd -> pod-nginx ${nginx_ip}:80 via /dev/tcp 'Welcome to nginx!'" 'Welcome to nginx!' \
    kexec pod-httpd cntr-httpd bash -c "exec 3<>/dev/tcp/${nginx_ip}/80 \
      && printf 'GET / HTTP/1.0\r\nHost: ${nginx_ip}\r\n\r\n' >&3 && timeout 5 cat <&3"

  # 4. DNS configuration written by the kubelet.
  local resolv
  resolv="$(kexec pod-demo cntr-centos cat /etc/resolv.conf 2>&1 || true)"
  if grep -qx "nameserver ${DNS_SVC_IP}" <<<"${resolv}" \
    && grep -qx "search ${NS}.svc.cluster.local svc.cluster.local cluster.local" <<<"${resolv}" \
    && grep -Eq '^options .*ndots:5' <<<"${resolv}"; then
    pass "pod-demo /etc/resolv.conf: nameserver ${DNS_SVC_IP}, search ${NS}.svc.cluster.local svc.cluster.local cluster.local, ndots:5"
  else
    fail "pod-demo /etc/resolv.conf" "${resolv}"
  fi

  # 5. Service names resolve through kube-dns to the ClusterIP.
  check_nslookup "svc-nodeport-httpd" "${svc_ip}"
  check_nslookup "svc-nodeport-httpd.${NS}.svc.cluster.local" "${svc_ip}"
  check_nslookup "kubernetes.default" "10.96.0.1"

  # 6. Services: ClusterIP by name from a pod, NodePort from the node.
  check "pod-demo curls svc-nodeport-httpd:3050 by name" '<h1>It works!</h1>' \
    kexec pod-demo cntr-centos curl -sS --max-time 5 http://svc-nodeport-httpd:3050/
  check "node curls NodePort ${node_ip}:31000" '<h1>It works!</h1>' \
    timeout 10 curl -sS --max-time 5 "http://${node_ip}:31000/"
  check "hostNetwork pod curls NodePort ${node_ip}:31000" '<h1>It works!</h1>' \
    kexec probe-hostnet probe curl -sS --max-time 5 "http://${node_ip}:31000/"

  if ((nodes == 2)); then cross_node_checks; fi
  if [[ "$(k get node "${NODE1_NAME}" -o jsonpath='{.spec.podCIDRs}')" == *:* ]]; then
    if ((nodes == 2)); then dual_stack_checks; else echo "dual-stack checks need two nodes: skipped"; fi
  fi

  if [[ -n "${CAPTURE_DIR}" ]]; then capture "${CAPTURE_DIR}"; fi

  echo "${PASSED} passed, ${FAILED} failed"
  ((FAILED == 0))
}

# check_source_ip NAME CLIENT_IP SERVER_POD TOKEN: the server's access log has
# a request carrying TOKEN whose client address is CLIENT_IP (no masquerade).
check_source_ip() {
  local name="$1" want="$2" pod="$3" token="$4" log line try
  for ((try = 0; try < 5; try++)); do
    log="$(k -n "${NS}" logs "${pod}" --tail=200 2>&1 || true)"
    line="$(grep -F "${token}" <<<"${log}" | tail -n 1 || true)"
    [[ -n "${line}" ]] && break
    sleep 1
  done
  if [[ "${line%% *}" == "${want}" ]]; then
    pass "${name}"
  else
    fail "${name} (the server logged the client as '${line%% *}')" "${line:-no request with ${token} in the log of ${pod}}"
  fi
}

# The checks between the two nodes (manifests/cross-node/).
cross_node_checks() {
  local node2_ip web1 web2 client1 client2 where
  node2_ip="$(node_ipv4 "${NODE2_NAME}")"
  web1="$(kn get pod xn-web-1 -o jsonpath='{.status.podIP}')"
  web2="$(kn get pod xn-web-2 -o jsonpath='{.status.podIP}')"
  client1="$(kn get pod xn-client-1 -o jsonpath='{.status.podIP}')"
  client2="$(kn get pod xn-client-2 -o jsonpath='{.status.podIP}')"
  echo "cross-node: node 2 ${node2_ip}; node 1 pods xn-web-1 ${web1}, xn-client-1 ${client1};" \
    "node 2 pods xn-web-2 ${web2}, xn-client-2 ${client2}"
  where="$(kn get pods xn-web-1 xn-client-1 xn-web-2 xn-client-2 xn-hostnet-2 \
    -o jsonpath='{range .items[*]}{.metadata.name}={.spec.nodeName} {end}')"
  if [[ "${where}" == "xn-web-1=${NODE1_NAME} xn-client-1=${NODE1_NAME} xn-web-2=${NODE2_NAME} xn-client-2=${NODE2_NAME} xn-hostnet-2=${NODE2_NAME} " ]]; then
    pass "cross-node pods are on their nodes"
  else
    fail "cross-node pods are on their nodes" "${where}"
  fi

  # Pod to pod across the nodes, both ways, and the server sees the client's pod IP.
  check "xn-client-1 (node 1) curls xn-web-2 ${web2} (node 2)" '<h1>It works!</h1>' \
    kexec xn-client-1 client curl -sS --max-time 5 "http://${web2}/?from=xn-client-1"
  check_source_ip "xn-web-2 sees xn-client-1's pod IP ${client1} (no masquerade)" "${client1}" xn-web-2 "from=xn-client-1"
  check "xn-client-2 (node 2) curls xn-web-1 ${web1} (node 1)" '<h1>It works!</h1>' \
    kexec xn-client-2 client curl -sS --max-time 5 "http://${web1}/?from=xn-client-2"
  check_source_ip "xn-web-1 sees xn-client-2's pod IP ${client2} (no masquerade)" "${client2}" xn-web-1 "from=xn-client-2"

  # A Service by name from node 2 (kube-dns runs on node 1) to a pod on node 1.
  check "xn-client-2 (node 2) curls service xn-web-1:3051 by name" '<h1>It works!</h1>' \
    kexec xn-client-2 client curl -sS --max-time 5 http://xn-web-1:3051/

  # NodePort through node 2's address to a pod on node 1.
  check "node 1 curls NodePort ${node2_ip}:31001 (node 2) -> xn-web-1 on node 1" '<h1>It works!</h1>' \
    timeout 10 curl -sS --max-time 5 "http://${node2_ip}:31001/"
  check "xn-client-1 curls NodePort ${node2_ip}:31001 (node 2) -> xn-web-1 on node 1" '<h1>It works!</h1>' \
    kexec xn-client-1 client curl -sS --max-time 5 "http://${node2_ip}:31001/"

  # Node 2's host network to a pod on node 1.
  check "xn-hostnet-2 has node 2's address ${node2_ip}" "inet ${node2_ip//./\\.}/" \
    kexec xn-hostnet-2 client ip -4 addr show
  check "node 2 (hostNetwork pod xn-hostnet-2) curls xn-web-1 ${web1} (node 1)" '<h1>It works!</h1>' \
    kexec xn-hostnet-2 client curl -sS --max-time 5 "http://${web1}/"

  # fault.sh: blocked, node 1's pod times out (curl exit 28); unblocked, it works again.
  local out rc=0
  FAULT_SET=1
  if "${E2E_DIR}/fault.sh" block-cross-node >/dev/null; then
    out="$(kexec xn-client-1 client curl -sS --max-time 3 "http://${web2}/" 2>&1)" || rc=$?
    if [[ ${rc} -eq 28 ]]; then
      pass "fault.sh block-cross-node: xn-client-1 -> xn-web-2 times out (curl exit 28)"
    else
      fail "fault.sh block-cross-node: xn-client-1 -> xn-web-2 should time out (curl exit ${rc})" "${out}"
    fi
  else
    fail "fault.sh block-cross-node"
  fi
  "${E2E_DIR}/fault.sh" unblock-cross-node >/dev/null || fail "fault.sh unblock-cross-node"
  FAULT_SET=0
  check "fault.sh unblock-cross-node: xn-client-1 curls xn-web-2 again" '<h1>It works!</h1>' \
    kexec xn-client-1 client curl -sS --max-time 5 "http://${web2}/"
}

# ipv6_of POD: the IPv6 address of a pod (the second of its podIPs on a dual-stack cluster).
ipv6_of() { kn get pod "$1" -o jsonpath='{.status.podIPs[1].ip}'; }

# The IPv6 checks of a dual-stack cluster with two nodes (the pods of manifests/cross-node/, plus the
# Service xn-web-2-dual made here in front of xn-web-2).
dual_stack_checks() {
  kn apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: xn-web-2-dual
spec:
  type: NodePort
  ipFamilyPolicy: PreferDualStack
  selector:
    component: xn-web-2
  ports:
  - port: 3052
    targetPort: 80
    nodePort: 31002
YAML
  local web1 web2 client1 client2 node1 node2 families svc6 fqdn
  web1="$(ipv6_of xn-web-1)"
  web2="$(ipv6_of xn-web-2)"
  client1="$(ipv6_of xn-client-1)"
  client2="$(ipv6_of xn-client-2)"
  node1="$(node_ipv6 "${NODE1_NAME}")"
  node2="$(node_ipv6 "${NODE2_NAME}")"
  families="$(kn get svc xn-web-2-dual -o jsonpath='{.spec.ipFamilies}')"
  svc6="$(kn get svc xn-web-2-dual -o jsonpath='{.spec.clusterIPs[1]}')"
  echo "dual-stack: nodes ${node1:-?} and ${node2:-?}; xn-web-1 ${web1:-?}, xn-client-1 ${client1:-?}," \
    "xn-web-2 ${web2:-?}, xn-client-2 ${client2:-?}; xn-web-2-dual ${families} ${svc6:-?}"

  if [[ "${web1}" == fd* && "${web2}" == fd* && "${client1}" == fd* && "${client2}" == fd* ]]; then
    pass "every cross-node pod has a unique-local IPv6 address besides its IPv4 one"
  else
    fail "every cross-node pod has a unique-local IPv6 address" "$(kn get pods -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIPs}{"\n"}{end}')"
  fi
  if [[ "${node1}" == fd* && "${node2}" == fd* ]]; then
    pass "both nodes have an IPv6 InternalIP (${node1}, ${node2})"
  else
    fail "both nodes have an IPv6 InternalIP" "$(k get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.addresses}{"\n"}{end}')"
  fi

  # Pod to pod by IPv6 across the nodes, both ways, the client's own IPv6 address seen by the server.
  check "xn-client-1 (node 1) curls xn-web-2 [${web2}] (node 2)" '<h1>It works!</h1>' \
    kexec xn-client-1 client curl -sS --max-time 5 "http://[${web2}]/?from=xn-client-1-ipv6"
  check_source_ip "xn-web-2 sees xn-client-1's IPv6 address ${client1}" "${client1}" xn-web-2 "from=xn-client-1-ipv6"
  check "xn-client-2 (node 2) curls xn-web-1 [${web1}] (node 1)" '<h1>It works!</h1>' \
    kexec xn-client-2 client curl -sS --max-time 5 "http://[${web1}]/?from=xn-client-2-ipv6"
  check_source_ip "xn-web-1 sees xn-client-2's IPv6 address ${client2}" "${client2}" xn-web-1 "from=xn-client-2-ipv6"

  # A PreferDualStack Service: an IPv6 ClusterIP, answered across the nodes, and its AAAA record.
  if [[ "${families}" == '["IPv4","IPv6"]' && "${svc6}" == fd00:10:96:* ]]; then
    pass "xn-web-2-dual (PreferDualStack) has families IPv4,IPv6 and the IPv6 ClusterIP ${svc6}"
  else
    fail "xn-web-2-dual (PreferDualStack) has families IPv4,IPv6 and an IPv6 ClusterIP" "${families} ${svc6}"
  fi
  check "xn-client-1 (node 1) curls xn-web-2-dual [${svc6}]:3052 -> xn-web-2 on node 2" '<h1>It works!</h1>' \
    kexec xn-client-1 client curl -sS --max-time 5 "http://[${svc6}]:3052/"
  fqdn="xn-web-2-dual.${NS}.svc.cluster.local"
  check_nslookup "${fqdn}" "${svc6}"
  check "dig AAAA ${fqdn} -> ${svc6}" "^${svc6}\$" \
    kexec dnstools dnstools dig +short +time=3 +tries=2 AAAA "${fqdn}"

  # Node to pod over IPv6: node 1 (the host) to a pod on node 2, node 2's host network to a pod on node 1.
  check "node 1 (host) curls xn-web-2 [${web2}] (node 2)" '<h1>It works!</h1>' \
    timeout 10 curl -sS --max-time 5 "http://[${web2}]/"
  check "node 2 (hostNetwork pod xn-hostnet-2) curls xn-web-1 [${web1}] (node 1)" '<h1>It works!</h1>' \
    kexec xn-hostnet-2 client curl -sS --max-time 5 "http://[${web1}]/"

  # The NodePort on each node's IPv6 address (the endpoint is on node 2).
  check "node 1 curls NodePort [${node2}]:31002 (node 2)" '<h1>It works!</h1>' \
    timeout 10 curl -sS --max-time 5 "http://[${node2}]:31002/"
  check "xn-client-2 (node 2) curls NodePort [${node1}]:31002 (node 1) -> xn-web-2 on node 2" '<h1>It works!</h1>' \
    kexec xn-client-2 client curl -sS --max-time 5 "http://[${node1}]:31002/"
}

# capture DIR: real files and listings from the running pods, for fixtures.
capture() {
  local dir="$1" when
  mkdir -p "${dir}"
  when="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local ver="Kubernetes ${K8S_VERSION}, e2e/cluster/cluster.sh node, ${when}"
  {
    echo "# kubectl -n ${NS} exec pod-demo -c cntr-centos -- cat /etc/hosts (${ver})"
    kexec pod-demo cntr-centos cat /etc/hosts
  } >"${dir}/pod-demo.cntr-centos.hosts.txt"
  {
    echo "# kubectl -n ${NS} exec pod-demo -c cntr-centos -- cat /etc/resolv.conf (${ver})"
    kexec pod-demo cntr-centos cat /etc/resolv.conf
  } >"${dir}/pod-demo.cntr-centos.resolv.conf.txt"
  {
    echo "# kubectl -n ${NS} exec probe-hostnet -c probe -- cat /etc/hosts (hostNetwork: true; ${ver})"
    kexec probe-hostnet probe cat /etc/hosts
  } >"${dir}/hostnetwork-pod.hosts.txt"
  {
    echo "# kubectl -n ${NS} exec probe-hostnet -c probe -- cat /etc/resolv.conf (hostNetwork: true, dnsPolicy ClusterFirst; ${ver})"
    kexec probe-hostnet probe cat /etc/resolv.conf
  } >"${dir}/hostnetwork-pod.resolv.conf.txt"
  {
    echo "# kubectl -n ${NS} get pods -o wide (manifests from e2e/cluster/manifests/; ${ver})"
    kn get pods -o wide
  } >"${dir}/kubectl-get-pods-wide.txt"
  {
    echo "# kubectl get svc -A -o wide (${ver})"
    k get svc -A -o wide
  } >"${dir}/kubectl-get-svc-all-wide.txt"
  echo "captured into ${dir}"
}

main
