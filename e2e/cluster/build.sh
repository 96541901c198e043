#!/usr/bin/env bash
# Builds the pinned cluster components, the e2e suite's agnhost test server
# the Traefik ingress controller (with the Gateway API CRDs Traefik is built
# against) and flannel from Go modules into the e2e cache.
#
#   e2e/cluster/build.sh [all|kubernetes|etcd|coredns|agnhost|traefik|flannel]
#
# Each component is compiled from its published Go module through a small
# generated wrapper module that lives in the cache (never in the repo).
# Binaries land in ${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}/k8s/<version>/bin
# and are reused when present.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.sh
source "${E2E_DIR}/versions.sh"

CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
BIN_DIR="$(netlab_bin_dir "${CACHE}")"
SRC_DIR="${CACHE}/k8s/${K8S_VERSION}/src"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
JOBS="${NETLAB_E2E_BUILD_JOBS:-2}"

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -x "${GO}" ]] || die "go toolchain not found (set GO=/path/to/go)"
mkdir -p "${BIN_DIR}" "${SRC_DIR}"

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local

# new_wrapper DIR MODULE VERSION
# Writes a throw-away main module that requires MODULE@VERSION and copies the
# dependency's non-local replace directives (which Go ignores in a dependency).
new_wrapper() {
  local dir="$1" mod="$2" ver="$3" modfile
  rm -rf "${dir}"
  mkdir -p "${dir}"
  modfile="$(cd "${dir}" && "${GO}" mod download -json "${mod}@${ver}" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "${modfile}" ]] || die "could not download ${mod}@${ver}"
  local gover
  gover="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "${modfile}" | head -n1)"
  {
    echo "module netlab.local/e2e-build"
    echo
    echo "go ${gover:-1.24}"
    echo
    echo "require ${mod} ${ver}"
  } >"${dir}/go.mod"
  # Replace directives pointing at published versions (not at local paths).
  awk '
    /^replace \($/ { inblock = 1; next }
    inblock && /^\)$/ { inblock = 0; next }
    inblock { print; next }
    /^replace / { sub(/^replace /, ""); print }
  ' "${modfile}" | while read -r line; do
    [[ -z "${line}" || "${line}" == //* ]] && continue
    local lhs rhs
    lhs="${line%%=>*}"; rhs="${line#*=>}"
    lhs="$(echo "${lhs}" | xargs)"; rhs="$(echo "${rhs}" | xargs)"
    case "${rhs}" in
      ./*|../*) echo "${lhs} ${rhs}" >>"${dir}/.local-replaces" ;;
      *) (cd "${dir}" && "${GO}" mod edit -replace "${lhs/ /@}=${rhs/ /@}") ;;
    esac
  done
}

# write_tools DIR PKG...: blank-imports the main packages so `go mod tidy`
# records every module they need.
write_tools() {
  local dir="$1"; shift
  {
    echo "//go:build tools"
    echo
    echo "package tools"
    echo
    echo "import ("
    local p
    for p in "$@"; do echo "	_ \"${p}\""; done
    echo ")"
  } >"${dir}/tools.go"
}

# kubernetes_wrapper DIR PKG...: a wrapper module around k8s.io/kubernetes at
# K8S_VERSION whose tools.go imports the given packages of it.
kubernetes_wrapper() {
  local dir="$1"; shift
  log "kubernetes ${K8S_VERSION}: generating wrapper module in ${dir}"
  new_wrapper "${dir}" k8s.io/kubernetes "${K8S_VERSION}"
  # The staging modules are published separately as k8s.io/<name> v0.<minor>.<patch>.
  local staging_ver="v0.${K8S_VERSION#v1.}" m
  [[ -f "${dir}/.local-replaces" ]] || die "no staging replaces found in k8s.io/kubernetes go.mod"
  while read -r m _; do
    (cd "${dir}" && "${GO}" mod edit -replace "${m}=${m}@${staging_ver}")
  done <"${dir}/.local-replaces"
  write_tools "${dir}" "$@"
  (cd "${dir}" && "${GO}" mod tidy) || die "go mod tidy failed in ${dir}"
}

build_kubernetes() {
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
  local missing=0 c
  for c in "${cmds[@]}"; do [[ -x "${BIN_DIR}/${c}" ]] || missing=1; done
  if [[ ${missing} -eq 0 ]]; then log "kubernetes ${K8S_VERSION}: cached"; return 0; fi

  local dir="${SRC_DIR}/kubernetes" pkgs=()
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/${c}"); done
  kubernetes_wrapper "${dir}" "${pkgs[@]}"

  local ver="${K8S_VERSION}" major minor rest
  rest="${ver#v}"; major="${rest%%.*}"; rest="${rest#*.}"; minor="${rest%%.*}"
  local ldflags="-s -w" key val
  local -A vars=(
    [gitVersion]="${ver}" [gitMajor]="${major}" [gitMinor]="${minor}"
    [gitTreeState]="archive" [buildDate]="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  )
  for key in "${!vars[@]}"; do
    val="${vars[${key}]}"
    ldflags+=" -X k8s.io/component-base/version.${key}=${val}"
    ldflags+=" -X k8s.io/client-go/pkg/version.${key}=${val}"
  done
  for c in "${cmds[@]}"; do
    [[ -x "${BIN_DIR}/${c}" ]] && continue
    log "kubernetes ${K8S_VERSION}: building ${c}"
    (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath -ldflags "${ldflags}" \
      -o "${BIN_DIR}/${c}.tmp" "k8s.io/kubernetes/cmd/${c}") || die "build of ${c} failed"
    mv "${BIN_DIR}/${c}.tmp" "${BIN_DIR}/${c}"
  done
}

# agnhost is the Kubernetes e2e suite's test server (netexec answers
# /hostname, /clientip, /echo). It is a package of k8s.io/kubernetes itself,
# built from the same source as the cluster, with the version the upstream
# image stamps into it (test/images/agnhost/VERSION).
build_agnhost() {
  if [[ -x "${BIN_DIR}/agnhost" ]]; then log "agnhost (kubernetes ${K8S_VERSION}): cached"; return 0; fi
  local dir="${SRC_DIR}/agnhost" pkg=k8s.io/kubernetes/test/images/agnhost src version
  kubernetes_wrapper "${dir}" "${pkg}"
  src="$(cd "${dir}" && "${GO}" list -m -f '{{.Dir}}' k8s.io/kubernetes)" || die "k8s.io/kubernetes not in ${dir}"
  version="$(tr -d '[:space:]' <"${src}/test/images/agnhost/VERSION")"
  log "agnhost ${version} (kubernetes ${K8S_VERSION}): building"
  (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath \
    -ldflags "-s -w -X main.Version=${version}" \
    -o "${BIN_DIR}/agnhost.tmp" "${pkg}") || die "build of agnhost failed"
  mv "${BIN_DIR}/agnhost.tmp" "${BIN_DIR}/agnhost"
}

build_etcd() {
  if [[ -x "${BIN_DIR}/etcd" ]]; then log "etcd ${ETCD_VERSION}: cached"; return 0; fi
  local dir="${SRC_DIR}/etcd"
  log "etcd ${ETCD_VERSION}: generating wrapper module"
  new_wrapper "${dir}" go.etcd.io/etcd/server/v3 "${ETCD_VERSION}"
  write_tools "${dir}" go.etcd.io/etcd/server/v3
  (cd "${dir}" && "${GO}" mod tidy) || die "go mod tidy failed for etcd"
  log "etcd ${ETCD_VERSION}: building"
  (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-${ETCD_VERSION}" \
    -o "${BIN_DIR}/etcd.tmp" go.etcd.io/etcd/server/v3) || die "build of etcd failed"
  mv "${BIN_DIR}/etcd.tmp" "${BIN_DIR}/etcd"
}

build_coredns() {
  if [[ -x "${BIN_DIR}/coredns" ]]; then log "coredns ${COREDNS_VERSION}: cached"; return 0; fi
  local dir="${SRC_DIR}/coredns"
  log "coredns ${COREDNS_VERSION}: generating wrapper module"
  new_wrapper "${dir}" github.com/coredns/coredns "${COREDNS_VERSION}"
  write_tools "${dir}" github.com/coredns/coredns
  (cd "${dir}" && "${GO}" mod tidy) || die "go mod tidy failed for coredns"
  log "coredns ${COREDNS_VERSION}: building"
  (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath \
    -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=module-${COREDNS_VERSION}" \
    -o "${BIN_DIR}/coredns.tmp" github.com/coredns/coredns) || die "build of coredns failed"
  mv "${BIN_DIR}/coredns.tmp" "${BIN_DIR}/coredns"
}

# traefik_ext DIR: the module github.com/traefik/traefik/dynamic/ext. Upstream
# keeps it as a nested module of the repository (so the v3 module zip leaves it
# out) and the module proxy does not serve it; at TRAEFIK_VERSION its only use
# is two struct types embedded, without fields, in dynamic.HTTPConfiguration
# and dynamic.Router, so empty types of those names stand in for it.
traefik_ext() {
  local dir="$1"
  mkdir -p "${dir}"
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"${dir}/go.mod"
  cat >"${dir}/ext.go" <<'GO'
// Package ext stands in for the dynamic-configuration extension module that
// the Traefik module replaces with a directory its zip does not contain.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded in dynamic.Router.
type Router struct{}
GO
}

# edit_once FILE OLD NEW: replaces the one occurrence of the text OLD (within
# a line) in FILE by NEW. Any other count is an error, so that a version whose
# source moved fails here rather than building something else.
edit_once() {
  local file="$1" old="$2" new="$3" text
  [[ "$(grep -cF -- "${old}" "${file}")" == 1 ]] || die "${file}: expected one line with: ${old}"
  text="$(<"${file}")"
  printf '%s\n' "${text/"${old}"/"${new}"}" >"${file}"
}

# traefik_without_dns_providers COPY: Traefik's ACME support imports lego's
# registry of DNS-challenge providers, and the module proxy here refuses the
# SDKs of several of them (Akamai, Huawei Cloud, Oracle Cloud, Sakura Cloud,
# UCloud, Yandex Cloud). The lab issues no certificates, so the copy asks for a
# DNS provider by name with an error instead; HTTP and TLS challenges stay.
traefik_without_dns_providers() {
  local f="$1/pkg/provider/acme/provider.go"
  edit_once "${f}" '"github.com/go-acme/lego/v5/providers/dns"' ''
  edit_once "${f}" 'dns.NewDNSChallengeProviderByName(p.DNSChallenge.Provider)' \
    'nil, fmt.Errorf("DNS challenge provider %q: not built into this binary", p.DNSChallenge.Provider)'
}

# traefik_wrapper DIR: a wrapper module around a writable copy of the Traefik
# module (DIR/traefik-<version>). The copy gets what the module zip lacks: the
# web UI's built assets (webui embeds static/, which holds only a note; the
# API's dashboard parses static/index.html at start-up) as a placeholder page,
# and the nested modules its go.mod replaces with local directories.
traefik_wrapper() {
  local dir="$1" mod=github.com/traefik/traefik/v3 src copy lhs rhs
  log "traefik ${TRAEFIK_VERSION}: generating wrapper module in ${dir}"
  new_wrapper "${dir}" "${mod}" "${TRAEFIK_VERSION}"
  src="$(cd "${dir}" && "${GO}" mod download -json "${mod}@${TRAEFIK_VERSION}" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "${src}" ]] || die "could not find the source of ${mod}@${TRAEFIK_VERSION}"
  copy="traefik-${TRAEFIK_VERSION}"
  cp -r "${src}" "${dir}/${copy}"
  chmod -R u+w "${dir}/${copy}"
  if [[ ! -f "${dir}/${copy}/webui/static/index.html" ]]; then
    printf '%s\n' '<!DOCTYPE html>' \
      '<html><head><meta charset="utf-8"><title>Traefik</title></head>' \
      '<body><p>The web UI was not built; the API is at {{ .APIUrl }}</p></body></html>' \
      >"${dir}/${copy}/webui/static/index.html"
  fi
  traefik_without_dns_providers "${dir}/${copy}"
  # Traefik replaces go-http-auth (its basic and digest auth middlewares) with
  # a fork at a version the module proxy here does not serve; the fork's
  # earlier version below, which Traefik required for years, is served and has
  # the API Traefik calls (upstream's release lacks part of it).
  (cd "${dir}" && "${GO}" mod edit -replace "${mod}=./${copy}" -replace \
    github.com/abbot/go-http-auth=github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e)
  if [[ -f "${dir}/.local-replaces" ]]; then
    while read -r lhs rhs; do
      rhs="${copy}/${rhs#./}"
      if [[ ! -f "${dir}/${rhs}/go.mod" ]]; then
        [[ "${lhs}" == github.com/traefik/traefik/dynamic/ext ]] \
          || die "${mod} replaces ${lhs} with a directory its module zip lacks"
        traefik_ext "${dir}/${rhs}"
      fi
      (cd "${dir}" && "${GO}" mod edit -replace "${lhs}=./${rhs}")
    done <"${dir}/.local-replaces"
  fi
  write_tools "${dir}" "${mod}/cmd/traefik"
  (cd "${dir}" && "${GO}" mod tidy) || die "go mod tidy failed in ${dir}"
}

# flannel_wrapper DIR: a wrapper module around a writable copy of the flannel
# module (DIR/flannel-<version>) whose main.go, which imports every backend,
# leaves two out: Tencent Cloud VPC, whose SDK the module proxy here does not
# serve, and UDP, whose packet proxy is C (every binary here is built without
# cgo, and flannel itself calls UDP a debugging backend). The e2e cluster runs
# the VXLAN backend; every other backend stays in.
flannel_wrapper() {
  local dir="$1" mod=github.com/flannel-io/flannel src copy
  log "flannel ${FLANNEL_VERSION}: generating wrapper module in ${dir}"
  new_wrapper "${dir}" "${mod}" "${FLANNEL_VERSION}"
  src="$(cd "${dir}" && "${GO}" mod download -json "${mod}@${FLANNEL_VERSION}" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "${src}" ]] || die "could not find the source of ${mod}@${FLANNEL_VERSION}"
  copy="flannel-${FLANNEL_VERSION}"
  cp -r "${src}" "${dir}/${copy}"
  chmod -R u+w "${dir}/${copy}"
  edit_once "${dir}/${copy}/main.go" '_ "github.com/flannel-io/flannel/pkg/backend/tencentvpc"' ''
  edit_once "${dir}/${copy}/main.go" '_ "github.com/flannel-io/flannel/pkg/backend/udp"' ''
  (cd "${dir}/${copy}" && "${GO}" mod edit \
    -droprequire github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc \
    -droprequire github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common)
  (cd "${dir}" && "${GO}" mod edit -replace "${mod}=./${copy}")
  write_tools "${dir}" "${mod}"
  (cd "${dir}" && "${GO}" mod tidy) || die "go mod tidy failed in ${dir}"
}

# flanneld is the pod network of `cluster.sh up --pod-network flannel`; its
# main package is the module's root.
build_flannel() {
  if [[ -x "${BIN_DIR}/flanneld" ]]; then log "flannel ${FLANNEL_VERSION}: cached"; return 0; fi
  local dir="${SRC_DIR}/flannel" mod=github.com/flannel-io/flannel
  flannel_wrapper "${dir}"
  log "flannel ${FLANNEL_VERSION}: building"
  (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath \
    -ldflags "-s -w -X ${mod}/pkg/version.Version=${FLANNEL_VERSION}" \
    -o "${BIN_DIR}/flanneld.tmp" "${mod}") || die "build of flannel failed"
  mv "${BIN_DIR}/flanneld.tmp" "${BIN_DIR}/flanneld"
}

build_traefik() {
  if [[ -x "${BIN_DIR}/traefik" ]]; then log "traefik ${TRAEFIK_VERSION}: cached"; return 0; fi
  local dir="${SRC_DIR}/traefik" v=github.com/traefik/traefik/v3/pkg/version
  traefik_wrapper "${dir}"
  log "traefik ${TRAEFIK_VERSION}: building"
  (cd "${dir}" && nice -n 10 "${GO}" build -p "${JOBS}" -trimpath \
    -ldflags "-s -w -X ${v}.Version=${TRAEFIK_VERSION} -X ${v}.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "${BIN_DIR}/traefik.tmp" github.com/traefik/traefik/v3/cmd/traefik) || die "build of traefik failed"
  mv "${BIN_DIR}/traefik.tmp" "${BIN_DIR}/traefik"
}

# mod_field MODULE@VERSION FIELD: a field (Dir, GoMod, ...) of `go mod download -json`.
mod_field() {
  local tmp
  tmp="$(mktemp -d)"
  (cd "${tmp}" && timeout 600 "${GO}" mod download -json "$1") \
    | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\$/\1/p"
  rm -rf "${tmp}"
}

# gateway_api_crds: the standard channel of the Gateway API at the version
# Traefik's go.mod requires, copied from that Go module (config/crd/standard:
# the CRDs and the safe-upgrades admission policy, as upstream's standard
# install has them) into the cache for cluster.sh. Traefik's Gateway provider
# watches only standard-channel kinds unless its experimental channel is on.
gateway_api_crds() {
  local out gomod ver dir
  out="$(netlab_gateway_api_dir "${CACHE}")"
  if [[ -f "${out}/version" ]]; then log "gateway-api $(<"${out}/version") CRDs: cached"; return 0; fi
  gomod="$(mod_field "github.com/traefik/traefik/v3@${TRAEFIK_VERSION}" GoMod)"
  [[ -f "${gomod}" ]] || die "could not download github.com/traefik/traefik/v3@${TRAEFIK_VERSION}"
  ver="$(awk '$1 == "sigs.k8s.io/gateway-api" { print $2; exit }' "${gomod}")"
  [[ "${ver}" == v* ]] || die "no sigs.k8s.io/gateway-api requirement in ${gomod}"
  dir="$(mod_field "sigs.k8s.io/gateway-api@${ver}" Dir)"
  compgen -G "${dir}/config/crd/standard/*.yaml" >/dev/null || die "no config/crd/standard in sigs.k8s.io/gateway-api@${ver}"
  rm -rf "${out}"
  mkdir -p "${out}/standard"
  cp "${dir}"/config/crd/standard/*.yaml "${out}/standard/"
  chmod -R u+w "${out}"
  echo "${ver}" >"${out}/version"
  log "gateway-api ${ver} CRDs (standard channel, for traefik ${TRAEFIK_VERSION}): ${out}"
}

main() {
  local what="${1:-all}" start=${SECONDS}
  case "${what}" in
    all) build_kubernetes; build_etcd; build_coredns; build_agnhost; build_traefik; gateway_api_crds; build_flannel ;;
    kubernetes) build_kubernetes ;;
    agnhost) build_agnhost ;;
    etcd) build_etcd ;;
    coredns) build_coredns ;;
    traefik) build_traefik; gateway_api_crds ;;
    flannel) build_flannel ;;
    *) die "usage: $0 [all|kubernetes|etcd|coredns|agnhost|traefik|flannel]" ;;
  esac
  log "done in $((SECONDS - start))s; binaries in ${BIN_DIR}"
}

main "$@"
