#!/usr/bin/env bash
# Builds the pinned cluster components, and the e2e suite's agnhost test
# server, from Go modules into the e2e cache.
#
#   e2e/cluster/build.sh [all|kubernetes|etcd|coredns|agnhost]
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
      ./*|../*) echo "${lhs}" >>"${dir}/.local-replaces" ;;
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
  while read -r m; do
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

main() {
  local what="${1:-all}" start=${SECONDS}
  case "${what}" in
    all) build_kubernetes; build_etcd; build_coredns; build_agnhost ;;
    kubernetes) build_kubernetes ;;
    agnhost) build_agnhost ;;
    etcd) build_etcd ;;
    coredns) build_coredns ;;
    *) die "usage: $0 [all|kubernetes|etcd|coredns|agnhost]" ;;
  esac
  log "done in $((SECONDS - start))s; binaries in ${BIN_DIR}"
}

main "$@"
