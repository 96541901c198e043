#!/usr/bin/env bash
# A Kubernetes cluster on this machine, built from source: one node, or two.
#
#   e2e/cluster/cluster.sh up [--nodes 1|2] [--proxy-mode iptables|nftables] [--ip-family ipv4|dual]
#                             [--pod-network routed|flannel] [--ingress traefik|none]
#                                             build what is missing, then start a fresh cluster
#   e2e/cluster/cluster.sh down               stop everything it started and remove its state
#   e2e/cluster/cluster.sh status             show what is running
#
# --nodes wins over $NETLAB_E2E_NODES; the default is 2. --ip-family (or
# $NETLAB_E2E_IP_FAMILY) dual adds IPv6 everywhere (see dualstack.sh). Node 2 runs in its
# own network namespace (see node-2.sh). `up` on a healthy cluster only adds
# or removes node 2 to match the number asked for. --ingress (or
# $NETLAB_E2E_INGRESS) starts the Traefik ingress controller or none; the
# default is traefik when its binary is built (see ingress.sh). --pod-network
# flannel runs flannel's VXLAN overlay instead of host routes (see flannel.sh).
#
# Everything runs as plain host processes started by this script (pid files
# in $NETLAB_E2E_STATE/run); nothing is installed as a system service.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.sh
source "${E2E_DIR}/versions.sh"

CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"
BIN_DIR="$(netlab_bin_dir "${CACHE}")"

# Addresses. The node address lives on a port-less bridge created here, so
# node traffic never leaves the machine.
NODE_IF="netlab0"
NODE_IP="10.250.0.1"
NODE_NAME="netlab-e2e-node"
CLUSTER_NAME="netlab-e2e"
POD_CIDR="10.244.0.0/16"
NODE_POD_CIDR="10.244.0.0/24"
CNI_BRIDGE="netlab-cni0"
CNI_GATEWAY="10.244.0.1"
SERVICE_CIDR="10.96.0.0/16"
KUBERNETES_SVC_IP="10.96.0.1"
DNS_SVC_IP="10.96.0.10"
CLUSTER_DOMAIN="cluster.local"
APISERVER_PORT=6443
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380

PKI="${STATE}/pki"
CONF="${STATE}/conf"
LOGS="${STATE}/logs"
RUN="${STATE}/run"
CTRD_SOCK="${STATE}/containerd/containerd.sock"
KUBECONFIG_OUT="${STATE}/kubeconfig"
# What `up` creates inside ${STATE} (and `down` removes).
OWN_STATE=(pki conf logs run containerd etcd kubelet cni kubeconfig node-2)
# Component start order; `down` stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)
# Host sysctls that the node components change; saved by `up`, restored by `down`.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables vm.overcommit_memory vm.panic_on_oom
  kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.conf.all.route_localnet)

export PATH="${BIN_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

KUBECTL="${BIN_DIR}/kubectl"
[[ -x "${KUBECTL}" ]] || KUBECTL="$(command -v kubectl || echo kubectl)"
kc() { timeout 30 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" "$@"; }

# shellcheck source-path=SCRIPTDIR source=node-2.sh
source "${E2E_DIR}/node-2.sh"
# shellcheck source-path=SCRIPTDIR source=ingress.sh
source "${E2E_DIR}/ingress.sh"
# shellcheck source-path=SCRIPTDIR source=dualstack.sh
source "${E2E_DIR}/dualstack.sh"
# shellcheck source-path=SCRIPTDIR source=flannel.sh
source "${E2E_DIR}/flannel.sh"

pid_of() {
  local f="${RUN}/$1.pid" pid
  [[ -f "${f}" ]] || return 1
  pid="$(cat "${f}")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null && echo "${pid}"
}

log_tail() {
  local f="${LOGS}/$1.log"
  if [[ -f "${f}" ]]; then
    echo "----- last lines of ${f} -----" >&2
    tail -n "${2:-25}" "${f}" >&2
    echo "-----" >&2
  fi
}

fail_component() {
  local comp="$1"; shift
  log "ERROR: ${comp}: $*"
  log_tail "${comp}" 40
  exit 1
}

# wait_until COMPONENT SECONDS DESCRIPTION CMD...: polls CMD once a second.
wait_until() {
  local comp="$1" secs="$2" what="$3"; shift 3
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -f "${RUN}/${comp}.pid" ]] && ! pid_of "${comp}" >/dev/null; then
      fail_component "${comp}" "process exited while waiting for: ${what}"
    fi
    sleep 1
  done
  fail_component "${comp}" "did not come up within ${secs}s (waiting for: ${what})"
}

# start_component NAME CMD...: starts CMD in its own session, logs to
# $LOGS/NAME.log and records its pid.
start_component() {
  local name="$1"; shift
  log "starting ${name}"
  setsid "$@" >>"${LOGS}/${name}.log" 2>&1 </dev/null &
  echo "$!" >"${RUN}/${name}.pid"
}

have_binaries() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns agnhost; do
    [[ -x "${BIN_DIR}/${b}" ]] || return 1
  done
}

check_host() {
  [[ ${EUID} -eq 0 ]] || die "must run as root"
  local t
  for t in containerd containerd-shim-runc-v2 runc ctr iptables iptables-save ip openssl setsid findmnt curl nsenter; do
    command -v "${t}" >/dev/null || die "missing host tool ${t} (apt-get install containerd runc iptables iproute2 openssl util-linux)"
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] \
    || die "missing CNI plugins in /usr/lib/cni (apt-get install containernetworking-plugins)"
}

# ---------------------------------------------------------------- certificates

# sign NAME CN O EKU [SANS]: key + certificate signed by the CA named in
# $SIGN_CA (default: the cluster CA), written to $SIGN_OUT (default: $PKI).
# With SIGN_RANDOM_SERIAL=1 the CA's serial file is left untouched.
sign() {
  local name="$1" cn="$2" org="$3" eku="$4" sans="${5:-}" subj="/CN=$2"
  local out="${SIGN_OUT:-${PKI}}"
  [[ -n "${org}" ]] && subj="/O=${org}/CN=${cn}"
  openssl ecparam -name prime256v1 -genkey -noout -out "${out}/${name}.key" 2>/dev/null
  openssl req -new -key "${out}/${name}.key" -subj "${subj}" -out "${out}/${name}.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=${eku}"
    [[ -n "${sans}" ]] && echo "subjectAltName=${sans}"
  } >"${out}/${name}.ext"
  local ca="${SIGN_CA:-ca}" serial=(-CAcreateserial)
  [[ "${SIGN_RANDOM_SERIAL:-0}" == 1 ]] && serial=(-set_serial "0x$(openssl rand -hex 16)")
  openssl x509 -req -in "${out}/${name}.csr" -CA "${PKI}/${ca}.crt" -CAkey "${PKI}/${ca}.key" \
    "${serial[@]}" -days 30 -sha256 -extfile "${out}/${name}.ext" -out "${out}/${name}.crt" 2>/dev/null
  rm -f "${out}/${name}.csr" "${out}/${name}.ext"
}

# make_ca NAME CN: self-signed CA key and certificate.
make_ca() {
  openssl ecparam -name prime256v1 -genkey -noout -out "${PKI}/$1.key" 2>/dev/null
  openssl req -x509 -new -key "${PKI}/$1.key" -subj "/CN=$2" -days 30 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "${PKI}/$1.crt" 2>/dev/null
}

make_pki() {
  log "creating certificates in ${PKI}"
  mkdir -p "${PKI}"
  chmod 0700 "${PKI}"
  make_ca ca netlab-e2e-ca
  # Separate CA for the aggregation layer's request-header authentication.
  make_ca front-proxy-ca netlab-e2e-front-proxy-ca
  SIGN_CA=front-proxy-ca sign front-proxy-client front-proxy-client "" clientAuth
  local svc_names="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  svc_names+=",DNS:kubernetes.default.svc.${CLUSTER_DOMAIN},DNS:localhost"
  sign apiserver kube-apiserver "" serverAuth \
    "${svc_names},IP:${KUBERNETES_SVC_IP},IP:${NODE_IP},IP:127.0.0.1"
  sign apiserver-kubelet-client kube-apiserver-kubelet-client system:masters clientAuth
  sign admin netlab-e2e-admin system:masters clientAuth
  sign controller-manager system:kube-controller-manager "" clientAuth
  sign scheduler system:kube-scheduler "" clientAuth
  sign kube-proxy system:kube-proxy "" clientAuth
  sign kubelet-client "system:node:${NODE_NAME}" system:nodes clientAuth
  sign kubelet-server "${NODE_NAME}" "" serverAuth "DNS:${NODE_NAME},IP:${NODE_IP}"
  openssl genrsa -out "${PKI}/sa.key" 2048 2>/dev/null
  openssl rsa -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
}

# kubeconfig FILE USER CERT [CONTEXT]: CERT is a name in $PKI or an absolute
# path without the .crt/.key suffix.
write_kubeconfig() {
  local file="$1" user="$2" cert="$3" ctx="${4:-${CLUSTER_NAME}}"
  local ca crt key
  [[ "${cert}" == /* ]] || cert="${PKI}/${cert}"
  ca="$(base64 -w0 <"${PKI}/ca.crt")"
  crt="$(base64 -w0 <"${cert}.crt")"
  key="$(base64 -w0 <"${cert}.key")"
  cat >"${file}" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ${CLUSTER_NAME}
  cluster:
    server: https://${NODE_IP}:${APISERVER_PORT}
    certificate-authority-data: ${ca}
users:
- name: ${user}
  user:
    client-certificate-data: ${crt}
    client-key-data: ${key}
contexts:
- name: ${ctx}
  context:
    cluster: ${CLUSTER_NAME}
    user: ${user}
current-context: ${ctx}
EOF
  chmod 0600 "${file}"
}

# ---------------------------------------------------------------- host network

save_sysctls() {
  local s v
  : >"${RUN}/sysctl.saved"
  for s in "${SYSCTLS[@]}"; do
    if v="$(sysctl -n "${s}" 2>/dev/null)"; then echo "${s}=${v}" >>"${RUN}/sysctl.saved"; fi
  done
}

restore_sysctls() {
  local f="${RUN}/sysctl.saved" line
  [[ -f "${f}" ]] || return 0
  while IFS= read -r line; do
    sysctl -q -w "${line}" >/dev/null 2>&1 || log "could not restore sysctl ${line}"
  done <"${f}"
}

setup_host_network() {
  log "node address ${NODE_IP} on ${NODE_IF}"
  ip link add "${NODE_IF}" type bridge
  ip addr add "${NODE_IP}/32" dev "${NODE_IF}"
  ip link set "${NODE_IF}" up
  # Service addresses without a kube-proxy rule end here (a bridge without
  # ports drops them) instead of following the default route off the machine.
  ip route add "${SERVICE_CIDR}" dev "${NODE_IF}"
  sysctl -q -w net.ipv4.ip_forward=1
  sysctl -q -w net.bridge.bridge-nf-call-iptables=1
  # Pod traffic may go to pods, services and the node, never off the machine.
  iptables -N NETLAB-E2E
  iptables -A NETLAB-E2E -s "${POD_CIDR}" -o "${CNI_BRIDGE}" -j RETURN
  iptables -A NETLAB-E2E -s "${POD_CIDR}" -j DROP
  iptables -I FORWARD 1 -m comment --comment "netlab-e2e: keep pod traffic local" -j NETLAB-E2E
  dual_setup_host_network
}

# Drops every chain (and the rules that jump to it) whose name matches $2
# from table $1 of iptables or ip6tables ($3).
purge_chains() {
  local table="$1" pattern="$2" tool="${3:-iptables}" dump
  dump="$("${tool}-save" -t "${table}" 2>/dev/null)" || return 0
  grep -qE "${pattern}" <<<"${dump}" || return 0
  grep -vE "${pattern}" <<<"${dump}" | "${tool}-restore" -T "${table}" 2>/dev/null \
    || grep -vE "${pattern}" <<<"${dump}" | "${tool}-restore" 2>/dev/null \
    || log "could not clean ${tool} table ${table}"
}

cleanup_host_network() {
  local t tool
  if [[ -x "${BIN_DIR}/kube-proxy" ]]; then
    timeout 60 "${BIN_DIR}/kube-proxy" --cleanup >/dev/null 2>&1 || true
  fi
  for tool in iptables ip6tables; do
    for t in filter nat mangle; do
      purge_chains "${t}" '(KUBE-|CNI-|NETLAB-E2E|netlab-e2e)' "${tool}"
    done
  done
  ip link del "${CNI_BRIDGE}" 2>/dev/null || true
  ip link del "${NODE_IF}" 2>/dev/null || true
}

# ---------------------------------------------------------------- configuration

# containerd_config DIR CNI_DIR [RUNC_ROOT]: containerd's configuration with
# its root, state and sockets under DIR and the CNI configuration in
# CNI_DIR/net.d; RUNC_ROOT gives runc a state folder of its own.
containerd_config() {
  local dir="$1" cni="$2" runc_root="${3:-}"
  cat <<EOF
version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/netlab/pause:e2e"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  # This machine withholds CAP_SYS_RESOURCE even from root, so negative
  # oom_score_adj values (pod sandboxes, Guaranteed pods) cannot be set;
  # clamp them to containerd's own value instead of failing.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
EOF
  [[ -z "${runc_root}" ]] || echo "        Root = \"${runc_root}\""
  cat <<EOF
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${cni}/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ""
EOF
}

# cni_config NAME BRIDGE SUBNET GATEWAY IPMASQ IPAM_DIR [SUBNET6 GATEWAY6]: the
# bridge network of one node (with SUBNET6, dual-stack).
cni_config() {
  cat <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$1",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$2",
      "isGateway": true,
      "ipMasq": $5,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$6",
        "ranges": [[{ "subnet": "$3", "gateway": "$4" }]$(cni_range6 "${7:-}" "${8:-}")],
        "routes": [{ "dst": "0.0.0.0/0" }$(cni_route6 "${7:-}")]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

# kubelet_config NODE_IP CERT SOCKET: the kubelet configuration every node
# shares (CERT: the serving certificate's path without .crt/.key).
kubelet_config() {
  local ip="$1" cert="$2" sock="$3"
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${ip}
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: ${PKI}/ca.crt
authorization:
  mode: Webhook
tlsCertFile: ${cert}.crt
tlsPrivateKeyFile: ${cert}.key
containerRuntimeEndpoint: unix://${sock}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS:
- ${DNS_SVC_IP}
clusterDomain: ${CLUSTER_DOMAIN}
resolvConf: /etc/resolv.conf
maxPods: 60
serializeImagePulls: false
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
rotateCertificates: false
serverTLSBootstrap: false
protectKernelDefaults: false
registerNode: true
EOF
}

# The kube-proxy mode this cluster was brought up with (up --proxy-mode), kept with its configuration.
PROXY_MODE_FILE="${CONF}/proxy-mode"
proxy_mode() { cat "${PROXY_MODE_FILE}" 2>/dev/null || echo iptables; }

# check_proxy_mode MODE: a mode this machine can run, or a stop saying why not.
check_proxy_mode() {
  case "$1" in
    iptables) ;;
    nftables) command -v nft >/dev/null || die "--proxy-mode nftables needs nft (apt-get install nftables; e2e/cluster/install-deps.sh does)" ;;
    ipvs) die "--proxy-mode ipvs cannot run here: this kernel is built without IP_VS (no /proc/net/ip_vs, no ip_vs module); use iptables or nftables" ;;
    *) die "--proxy-mode must be iptables or nftables, not '$1'" ;;
  esac
}

# kube_proxy_config NODE_NAME: kube-proxy's configuration for one node.
kube_proxy_config() {
  cat <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: $(proxy_mode)
clientConnection:
  kubeconfig: ${CONF}/kube-proxy.kubeconfig
hostnameOverride: $1
clusterCIDR: $(family_list "${POD_CIDR}" "${POD_CIDR6}")
bindAddress: 0.0.0.0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

write_configs() {
  mkdir -p "${CONF}" "${STATE}/cni/net.d" "${STATE}/cni/ipam" "${STATE}/containerd" "${STATE}/etcd"
  containerd_config "${STATE}/containerd" "${STATE}/cni" >"${CONF}/containerd.toml"
  # On flannel, node 1's bridge network is written from flanneld's subnet.env once it runs.
  # shellcheck disable=SC2046 # node1_cni_args6: an IPv6 subnet and gateway, or nothing
  flannel_on || cni_config netlab "${CNI_BRIDGE}" "${NODE_POD_CIDR}" "${CNI_GATEWAY}" true "${STATE}/cni/ipam" \
    $(node1_cni_args6) >"${STATE}/cni/net.d/10-netlab.conflist"
  {
    kubelet_config "${NODE_IP}" "${PKI}/kubelet-server" "${CTRD_SOCK}"
    # Only read in standalone mode; the controller-manager assigns the same.
    echo "podCIDR: ${NODE_POD_CIDR}"
  } >"${CONF}/kubelet.yaml"
  kube_proxy_config "${NODE_NAME}" >"${CONF}/kube-proxy.yaml"

  write_kubeconfig "${KUBECONFIG_OUT}" netlab-e2e-admin admin
  write_kubeconfig "${CONF}/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "${CONF}/scheduler.kubeconfig" system:kube-scheduler scheduler
  write_kubeconfig "${CONF}/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  write_kubeconfig "${CONF}/kubelet.kubeconfig" "system:node:${NODE_NAME}" kubelet-client
}

# ---------------------------------------------------------------- components

start_etcd() {
  start_component etcd "${BIN_DIR}/etcd" \
    --name "${NODE_NAME}" \
    --data-dir "${STATE}/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
    --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster "${NODE_NAME}=http://127.0.0.1:${ETCD_PEER_PORT}" \
    --log-level warn
  wait_until etcd 60 "etcd /health" \
    curl -sf --max-time 2 "http://127.0.0.1:${ETCD_CLIENT_PORT}/health"
}

start_apiserver() {
  start_component kube-apiserver "${BIN_DIR}/kube-apiserver" \
    --advertise-address "${NODE_IP}" \
    --bind-address "${NODE_IP}" \
    --secure-port "${APISERVER_PORT}" \
    --etcd-servers "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
    --service-cluster-ip-range "$(family_list "${SERVICE_CIDR}" "${SERVICE_CIDR6}")" \
    --service-node-port-range 30000-32767 \
    --allow-privileged=true \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --client-ca-file "${PKI}/ca.crt" \
    --tls-cert-file "${PKI}/apiserver.crt" \
    --tls-private-key-file "${PKI}/apiserver.key" \
    --kubelet-client-certificate "${PKI}/apiserver-kubelet-client.crt" \
    --kubelet-client-key "${PKI}/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "${PKI}/ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --requestheader-client-ca-file "${PKI}/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User \
    --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "${PKI}/front-proxy-client.crt" \
    --proxy-client-key-file "${PKI}/front-proxy-client.key" \
    --service-account-issuer "https://kubernetes.default.svc.${CLUSTER_DOMAIN}" \
    --service-account-key-file "${PKI}/sa.pub" \
    --service-account-signing-key-file "${PKI}/sa.key" \
    --profiling=false \
    --v 1
  wait_until kube-apiserver 120 "https://${NODE_IP}:${APISERVER_PORT}/readyz" \
    curl -sf --max-time 3 --cacert "${PKI}/ca.crt" --cert "${PKI}/admin.crt" --key "${PKI}/admin.key" \
    "https://${NODE_IP}:${APISERVER_PORT}/readyz"
}

start_controller_manager() {
  local kcfg="${CONF}/controller-manager.kubeconfig" cidr_flags
  read -r -a cidr_flags <<<"$(controller_manager_cidr_flags)"
  start_component kube-controller-manager "${BIN_DIR}/kube-controller-manager" \
    --kubeconfig "${kcfg}" \
    --authentication-kubeconfig "${kcfg}" \
    --authorization-kubeconfig "${kcfg}" \
    --bind-address 127.0.0.1 \
    --leader-elect=false \
    --allocate-node-cidrs=true \
    "${cidr_flags[@]}" \
    --service-cluster-ip-range "$(family_list "${SERVICE_CIDR}" "${SERVICE_CIDR6}")" \
    --root-ca-file "${PKI}/ca.crt" \
    --service-account-private-key-file "${PKI}/sa.key" \
    --use-service-account-credentials=true \
    --profiling=false \
    --v 1
  wait_until kube-controller-manager 60 "controller-manager /healthz" \
    curl -skf --max-time 2 https://127.0.0.1:10257/healthz
}

start_scheduler() {
  local kcfg="${CONF}/scheduler.kubeconfig"
  start_component kube-scheduler "${BIN_DIR}/kube-scheduler" \
    --kubeconfig "${kcfg}" \
    --authentication-kubeconfig "${kcfg}" \
    --authorization-kubeconfig "${kcfg}" \
    --bind-address 127.0.0.1 \
    --leader-elect=false \
    --profiling=false \
    --v 1
  wait_until kube-scheduler 60 "scheduler /healthz" \
    curl -skf --max-time 2 https://127.0.0.1:10259/healthz
}

start_containerd() {
  start_component containerd containerd --config "${CONF}/containerd.toml"
  wait_until containerd 60 "containerd socket ${CTRD_SOCK}" \
    ctr --address "${CTRD_SOCK}" version
  log "importing images into containerd"
  "${E2E_DIR}/images.sh" import "${CTRD_SOCK}" 2>>"${LOGS}/images.log" \
    || { log_tail images 30; die "image import failed"; }
}

start_kubelet() {
  start_component kubelet "${BIN_DIR}/kubelet" \
    --config "${CONF}/kubelet.yaml" \
    --kubeconfig "${CONF}/kubelet.kubeconfig" \
    --root-dir "${STATE}/kubelet" \
    --cert-dir "${STATE}/kubelet/pki" \
    --hostname-override "${NODE_NAME}" \
    --node-ip "$(family_list "${NODE_IP}" "${NODE_IP6}")" \
    --v 1
  wait_until kubelet 90 "kubelet /healthz" curl -sf --max-time 2 http://127.0.0.1:10248/healthz
}

start_kube_proxy() {
  start_component kube-proxy "${BIN_DIR}/kube-proxy" --config "${CONF}/kube-proxy.yaml" --v 1
  wait_until kube-proxy 60 "kube-proxy /healthz" curl -sf --max-time 2 http://127.0.0.1:10256/healthz
}

node_ready() {
  [[ "$(kc get node "${NODE_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == "True" ]]
}

deploy_coredns() {
  log "deploying CoreDNS (kube-dns ${DNS_SVC_IP})"
  kc apply -f "${E2E_DIR}/addons/coredns.yaml" >/dev/null || die "applying CoreDNS manifests failed"
  if ! timeout 150 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" -n kube-system \
    rollout status deployment/coredns --timeout=140s >/dev/null; then
    kc -n kube-system get pods -o wide >&2 || true
    kc -n kube-system logs deployment/coredns --tail=30 >&2 || true
    fail_component kubelet "CoreDNS did not become ready within 140s"
  fi
}

# ---------------------------------------------------------------- commands

# cmd_up NODES PROXY_MODE IP_FAMILY POD_NETWORK
cmd_up() {
  local nodes="$1" mode="$2" family="$3" net="$4"
  check_host
  check_proxy_mode "${mode}"
  ingress_check
  check_ip_family "${family}"
  check_pod_network "${net}"
  if cluster_healthy && [[ "$(proxy_mode)" != "${mode}" ]]; then
    die "the cluster is up with kube-proxy in $(proxy_mode) mode; run '$0 down' first for ${mode}"
  fi
  if cluster_healthy && [[ "$(ip_family)" != "${family}" ]]; then
    die "the cluster is up with IP family $(ip_family); run '$0 down' first for ${family}"
  fi
  if cluster_healthy && [[ "$(pod_network)" != "${net}" ]]; then
    die "the cluster is up with the $(pod_network) pod network; run '$0 down' first for ${net}"
  fi
  local t
  for t in buildah debootstrap gcc; do
    command -v "${t}" >/dev/null || die "missing image build tool ${t} (apt-get install buildah debootstrap gcc libc6-dev)"
  done
  if cluster_healthy; then
    log "cluster already up"
    if ((nodes == 2)) && ! node2_healthy; then
      if node2_present; then
        log "node 2 is not healthy; removing it first"
        node2_down keep-node1
      fi
      node2_up
    elif ((nodes == 1)) && node2_present; then
      log "removing node 2 (--nodes 1)"
      node2_down keep-node1
      log "node 2 removed"
    fi
    ingress_up
    print_access
    return 0
  fi
  if [[ -d "${RUN}" || -d "${STATE}/containerd" ]] || ip link show "${NODE_IF}" >/dev/null 2>&1 || node2_present; then
    log "leftovers of a previous cluster found; cleaning them up first"
    cmd_down
  fi
  local start=${SECONDS}
  if ! have_binaries; then
    log "building components (log: ${CACHE}/build.log)"
    "${E2E_DIR}/build.sh" all >>"${CACHE}/build.log" 2>&1 \
      || { tail -n 30 "${CACHE}/build.log" >&2; die "build failed"; }
  fi
  [[ "${net}" != flannel ]] || flannel_build
  log "building/caching images (log: ${CACHE}/images.log)"
  "${E2E_DIR}/images.sh" build >>"${CACHE}/images.log" 2>&1 \
    || { tail -n 30 "${CACHE}/images.log" >&2; die "image build failed"; }

  mkdir -p "${STATE}" "${LOGS}" "${RUN}" "${CONF}"
  echo "${mode}" >"${PROXY_MODE_FILE}"
  echo "${family}" >"${IP_FAMILY_FILE}"
  echo "${net}" >"${POD_NETWORK_FILE}"
  save_sysctls
  setup_host_network
  make_pki
  write_configs
  if ((nodes == 2)); then node2_prepare_async; fi

  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_containerd
  start_kubelet
  if flannel_on; then flannel_node1_up; fi
  start_kube_proxy
  wait_until kubelet 120 "node ${NODE_NAME} Ready" node_ready
  deploy_coredns
  if ((nodes == 2)); then
    node2_prepare_wait
    node2_join
  fi
  ingress_up
  log "cluster up in $((SECONDS - start))s (${nodes} node$( ((nodes == 1)) || echo s))"
  print_access
}

cluster_healthy() {
  local c
  for c in "${COMPONENTS[@]}"; do pid_of "${c}" >/dev/null || return 1; done
  flannel_healthy && [[ -f "${KUBECONFIG_OUT}" ]] && node_ready
}

print_access() {
  echo "kubeconfig: ${KUBECONFIG_OUT} (context ${CLUSTER_NAME})"
  echo "  export KUBECONFIG=${KUBECONFIG_OUT}"
  echo "node ${NODE_NAME} ${NODE_IP}, pods ${POD_CIDR}, services ${SERVICE_CIDR}, DNS ${DNS_SVC_IP}"
  if node2_present; then
    echo "node ${NODE2_NAME} ${NODE2_IP} (netns ${NODE2_NETNS}), pods $(node2_pod_cidr || echo '?')"
  fi
  ip_family_line
  if [[ "${NETLAB_E2E_QUIET:-0}" != 1 ]]; then
    echo "----- ${KUBECONFIG_OUT} -----"
    cat "${KUBECONFIG_OUT}"
  fi
}

# stop_pid NAME PID: SIGTERM, bounded wait, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" i
  kill -0 "${pid}" 2>/dev/null || return 0
  kill -TERM "${pid}" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  log "${name} (pid ${pid}) ignored SIGTERM for 10s; killing"
  kill -KILL "${pid}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  log "${name} (pid ${pid}) still alive after SIGKILL"
}

stop_component() {
  local name="$1" pid
  if pid="$(pid_of "${name}")"; then
    log "stopping ${name} (pid ${pid})"
    stop_pid "${name}" "${pid}"
  fi
  rm -f "${RUN}/${name}.pid"
}

# kill_pod_processes [CGROUP]: kills every process in a kubelet's pod cgroups
# (the containers of its node), found through the cgroup hierarchy the kubelet
# created under CGROUP (node 1: kubepods).
kill_pod_processes() {
  local cg="${1:-kubepods}" dir pid round
  for round in 1 2 3; do
    local found=0
    for dir in "/sys/fs/cgroup/pids/${cg}" "/sys/fs/cgroup/memory/${cg}" "/sys/fs/cgroup/unified/${cg}"; do
      [[ -d "${dir}" ]] || continue
      while IFS= read -r pid; do
        [[ -n "${pid}" ]] || continue
        found=1
        kill -KILL "${pid}" 2>/dev/null || true
      done < <(find "${dir}" -name cgroup.procs -exec cat {} + 2>/dev/null)
    done
    ((found)) || break
    sleep 1
    ((round < 3)) || log "some pod processes survived SIGKILL"
  done
}

# kill_shims [DIR]: the runc shims started by a containerd write shim.pid
# into their bundle directories under its state dir DIR.
kill_shims() {
  local dir="${1:-${STATE}/containerd/state}" f pid
  [[ -d "${dir}" ]] || return 0
  while IFS= read -r f; do
    pid="$(cat "${f}" 2>/dev/null || true)"
    [[ "${pid}" =~ ^[0-9]+$ ]] || continue
    if [[ "$(readlink "/proc/${pid}/exe" 2>/dev/null || true)" == *containerd-shim* ]]; then
      stop_pid containerd-shim "${pid}"
    fi
  done < <(find "${dir}" -name shim.pid 2>/dev/null)
}

# remove_pod_cgroups [CGROUP]: removes CGROUP (default kubepods) and
# everything below it in every hierarchy.
remove_pod_cgroups() {
  local cg="${1:-kubepods}" dir
  for dir in /sys/fs/cgroup/*/"${cg}"; do
    [[ -d "${dir}" ]] || continue
    find "${dir}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# unmount_state [DIR]: unmounts everything under DIR (default: $STATE).
unmount_state() {
  local top="${1:-${STATE}}" m round
  for round in 1 2 3; do
    local any=0
    while IFS= read -r m; do
      [[ "${m}" == "${top}"/* ]] || continue
      any=1
      umount "${m}" 2>/dev/null || umount -l "${m}" 2>/dev/null || true
    done < <(findmnt -rn -o TARGET | sort -r)
    ((any)) || return 0
  done
  findmnt -rn -o TARGET | grep -F "${top}/" >&2 && log "some mounts under ${top} remain"
  return 0
}

cmd_down() {
  check_host
  local i
  stop_component traefik
  # Node 2 first: its processes, mounts, cgroups, namespace and veth (the
  # host's iptables go below, with node 1's).
  if node2_present; then
    log "stopping node 2"
    node2_down
  fi
  # flanneld before the rest: it would make its vxlan device anew.
  flannel_down
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    case "${COMPONENTS[i]}" in
      containerd)
        # Pods first (containerd does not stop them), then their shims.
        kill_pod_processes
        kill_shims
        ;;
    esac
    stop_component "${COMPONENTS[i]}"
  done
  kill_pod_processes
  kill_shims
  remove_pod_cgroups
  unmount_state
  cleanup_host_network
  restore_sysctls
  # Only what `up` created: other tools keep their own files in ${STATE}.
  local d
  for d in "${OWN_STATE[@]}"; do
    rm -rf "${STATE:?}/${d}" 2>/dev/null || { unmount_state; rm -rf "${STATE:?}/${d}"; }
  done
  rmdir "${STATE}" 2>/dev/null || true
  log "down: cluster state removed from ${STATE}"
}

cmd_status() {
  local c pid rc=0 all=("${COMPONENTS[@]}")
  node2_present && all+=("${NODE2_COMPONENTS[@]}")
  for c in "${all[@]}"; do
    if pid="$(pid_of "${c}")"; then
      printf '%-24s running  pid %s\n' "${c}" "${pid}"
    else
      printf '%-24s stopped\n' "${c}"
      rc=1
    fi
  done
  ingress_status || rc=1
  flannel_status || rc=1
  if [[ -f "${KUBECONFIG_OUT}" ]] && pid_of kube-apiserver >/dev/null; then
    flannel_describe
    echo "kube-proxy mode: $(proxy_mode)"
    ip_family_line
    echo "kubeconfig: ${KUBECONFIG_OUT} (context ${CLUSTER_NAME})"
    kc get nodes -o wide 2>&1 || rc=1
    kc get pods -A -o wide 2>&1 || rc=1
  fi
  if node2_present; then
    echo "node 2: netns ${NODE2_NETNS}, ${NODE2_IP} via ${NODE2_VETH}, pods $(node2_pod_cidr || echo '?')$(fault_active && echo ', cross-node traffic BLOCKED (fault.sh)')"
  fi
  return "${rc}"
}

usage() { echo "usage: $0 up [--nodes 1|2] [--proxy-mode iptables|nftables] [--ip-family ipv4|dual] [--pod-network routed|flannel] [--ingress traefik|none] | down | status" >&2; exit 2; }

main() {
  local cmd="${1:-}" nodes="${NETLAB_E2E_NODES:-2}" mode="${NETLAB_E2E_PROXY_MODE:-iptables}"
  local family="${NETLAB_E2E_IP_FAMILY:-ipv4}" net="${NETLAB_E2E_POD_NETWORK:-routed}"
  (($# == 0)) || shift
  while (($#)); do
    case "$1" in
      --nodes) [[ "${cmd}" == up && $# -ge 2 ]] || usage; nodes="$2"; shift 2 ;;
      --nodes=*) [[ "${cmd}" == up ]] || usage; nodes="${1#--nodes=}"; shift ;;
      --proxy-mode) [[ "${cmd}" == up && $# -ge 2 ]] || usage; mode="$2"; shift 2 ;;
      --proxy-mode=*) [[ "${cmd}" == up ]] || usage; mode="${1#--proxy-mode=}"; shift ;;
      --ingress) [[ "${cmd}" == up && $# -ge 2 ]] || usage; INGRESS="$2"; shift 2 ;;
      --ingress=*) [[ "${cmd}" == up ]] || usage; INGRESS="${1#--ingress=}"; shift ;;
      --ip-family) [[ "${cmd}" == up && $# -ge 2 ]] || usage; family="$2"; shift 2 ;;
      --ip-family=*) [[ "${cmd}" == up ]] || usage; family="${1#--ip-family=}"; shift ;;
      --pod-network) [[ "${cmd}" == up && $# -ge 2 ]] || usage; net="$2"; shift 2 ;;
      --pod-network=*) [[ "${cmd}" == up ]] || usage; net="${1#--pod-network=}"; shift ;;
      *) usage ;;
    esac
  done
  case "${cmd}" in
    up)
      [[ "${nodes}" == 1 || "${nodes}" == 2 ]] || die "--nodes / NETLAB_E2E_NODES must be 1 or 2, not '${nodes}'"
      cmd_up "${nodes}" "${mode}" "${family}" "${net}"
      ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

# Sourcing the file (for tests) only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
