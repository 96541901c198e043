#!/usr/bin/env bash
# Builds the Pulumi engine and the plugins the lab needs, offline, from Go
# modules, into the e2e cache (never into the repository):
#
#   e2e/engine/build-pulumi.sh
#
#   ${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}/pulumi/<pulumi-version>/
#     bin/pulumi                          CLI, github.com/pulumi/pulumi/pkg/v3
#     bin/pulumi-language-nodejs          Node.js language host (e2e/engine/pulumi/language-nodejs)
#     bin/pulumi-resource-pulumi-nodejs   shim for pulumi.dynamic providers
#     providers/command-<v>/...           command provider (e2e/engine/pulumi/command-provider)
#     providers/kubernetes-<v>/...        github.com/pulumi/pulumi-kubernetes/provider/v4
#     ambient/                            providers put on $PATH (see PULUMI-ENGINE.md)
#     src/, go/, logs/                    wrapper modules, Go caches, build logs
#   ${NETLAB_E2E_CACHE}/pulumi-home       PULUMI_HOME with the providers installed
#
# Versions come from package-lock.json (e2e/engine/pulumi/lib.sh). Every step is
# skipped when its output is already there and up to date, so a rerun is cheap.
# Source e2e/engine/pulumi-env.sh afterwards to use the engine.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=pulumi/lib.sh
source "${E2E_DIR}/pulumi/lib.sh"

log() { printf '[build-pulumi %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[[ -x "${GO}" ]] || die "go toolchain not found (set GO=/path/to/go)"
command -v node >/dev/null || die "node is needed to read package-lock.json"

netlab_pulumi_versions
PV="${NETLAB_PULUMI_VERSION}"
BIN="${NETLAB_PULUMI_DIR}/bin"
SRC="${NETLAB_PULUMI_DIR}/src"
LOGS="${NETLAB_PULUMI_DIR}/logs"
PROVIDERS="${NETLAB_PULUMI_DIR}/providers"
AMBIENT="${NETLAB_PULUMI_DIR}/ambient"
PULUMI_HOME_DIR="${NETLAB_E2E_CACHE}/pulumi-home"
TIMINGS="${LOGS}/timings.log"
mkdir -p "${BIN}" "${SRC}" "${LOGS}" "${PROVIDERS}" "${AMBIENT}" "${PULUMI_HOME_DIR}"

# The Go caches live beside the binaries so that the cache folder holds all
# the build needs and a cold build is well defined. Override to share them.
export GOMODCACHE="${NETLAB_PULUMI_GOMODCACHE:-${NETLAB_PULUMI_DIR}/go/mod}"
export GOCACHE="${NETLAB_PULUMI_GOCACHE:-${NETLAB_PULUMI_DIR}/go/build}"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
NICE=(nice -n "${NETLAB_BUILD_NICE:-10}")

SCRIPT_START=$(date +%s)

# timed NAME LOGFILE CMD...: runs CMD with output in LOGFILE, records seconds.
timed() {
  local name=$1 logfile=$2 start rc=0
  shift 2
  start=$(date +%s)
  log "${name}: started (log: ${logfile})"
  "$@" >"${logfile}" 2>&1 || rc=$?
  local secs=$(( $(date +%s) - start ))
  printf '%s %s %ss rc=%s\n' "$(date -u +%FT%TZ)" "${name}" "${secs}" "${rc}" >>"${TIMINGS}"
  if (( rc != 0 )); then
    tail -n 30 "${logfile}" >&2 || true
    die "${name} failed after ${secs}s (rc=${rc}); full log: ${logfile}"
  fi
  log "${name}: done in ${secs}s"
}

# in_dir DIR CMD...: runs CMD in DIR.
in_dir() {
  local d=$1
  shift
  (cd "${d}" && "$@")
}

# stamp_of FILES...: a digest of the given inputs plus the extra words in $STAMP_EXTRA.
stamp_of() {
  { cat "$@"; printf '%s\n' "${STAMP_EXTRA:-}"; } | sha256sum | cut -d' ' -f1
}

up_to_date() { # up_to_date BINARY STAMP
  [[ -x "$1" && -f "$1.stamp" && "$(cat "$1.stamp")" == "$2" ]]
}

# mod_json MODULE@VERSION: `go mod download -json` for one module (downloads it).
mod_json() {
  (cd "${SRC}" && "${GO}" mod download -json "$1")
}

# json_field JSON FIELD
json_field() {
  node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "");' "$1" "$2"
}

# module_replaces GOMODFILE: prints "old=new@version" for each replace of the
# file that points at another module version (local-path replaces are skipped:
# they refer to the upstream repository layout).
module_replaces() {
  "${GO}" mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || []) {
        if (!r.New.Version) continue;
        const old = r.Old.Version ? r.Old.Path + "@" + r.Old.Version : r.Old.Path;
        console.log(old + "=" + r.New.Path + "@" + r.New.Version);
      }
    });'
}

# local_replaces GOMODFILE: prints the old paths of local-path replaces.
local_replaces() {
  "${GO}" mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || []) if (!r.New.Version) console.log(r.Old.Path);
    });'
}

# A go.mod for the small wrapper modules, so that `go mod download -json` can
# run before any wrapper exists.
if [[ ! -f "${SRC}/go.mod" ]]; then
  printf 'module netlab.local/pulumi-downloads\n\ngo 1.25\n' >"${SRC}/go.mod"
fi

# ---------------------------------------------------------------------------
# 1. The pulumi CLI and the wrapper module shared with the Go helpers.
# ---------------------------------------------------------------------------
PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
SDK_MOD="github.com/pulumi/pulumi/sdk/v3"

# write_pulumi_wrapper DIR MODULE: a module requiring pkg/v3 and sdk/v3 at the
# lock file's version, with the same module replaces as pkg/v3's own go.mod.
write_pulumi_wrapper() {
  local dir=$1 module=$2 info gomod goversion
  mkdir -p "${dir}"
  info="$(mod_json "${PKG_MOD}@v${PV}")"
  gomod="$(json_field "${info}" GoMod)"
  goversion="$("${GO}" mod edit -json "${gomod}" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).Go));')"
  cat >"${dir}/go.mod" <<EOF
module ${module}

go ${goversion}

require (
	${PKG_MOD} v${PV}
	${SDK_MOD} v${PV}
)
EOF
  local r
  while IFS= read -r r; do
    [[ -n "${r}" ]] && "${GO}" mod edit -replace="${r}" "${dir}/go.mod"
  done < <(module_replaces "${gomod}")
}

build_cli() {
  local out="${BIN}/pulumi" dir="${SRC}/cli"
  if [[ -x "${out}" ]] && [[ "$("${out}" version 2>/dev/null)" == "v${PV}" ]]; then
    log "pulumi v${PV}: present, skipping"
    return
  fi
  write_pulumi_wrapper "${dir}" netlab.local/pulumi-cli-build
  cat >"${dir}/tools.go" <<'EOF'
//go:build tools

// Package tools pins the pulumi CLI's main package in this wrapper module.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
  timed "cli: go mod tidy" "${LOGS}/cli-tidy.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" mod tidy
  timed "cli: go build pulumi v${PV}" "${LOGS}/cli-build.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" build -trimpath \
    -ldflags "-s -w -X ${SDK_MOD}/go/common/version.Version=v${PV}" \
    -o "${out}.tmp" "${PKG_MOD}/cmd/pulumi"
  mv "${out}.tmp" "${out}"
  log "pulumi: $("${out}" version)"
}

# ---------------------------------------------------------------------------
# 2. The Go helpers written for this repo: Node.js language host and the
#    command provider. Built in one wrapper module against the same pkg/v3
#    and sdk/v3 as the CLI.
# ---------------------------------------------------------------------------
COMMAND_PLUGIN_VERSION="${NETLAB_COMMAND_VERSION}+netlab"
LANGHOST_VERSION="${PV}+netlab"
COMMAND_DIR="${PROVIDERS}/command-${COMMAND_PLUGIN_VERSION}"

build_helpers() {
  local dir="${SRC}/helpers" lh="${BIN}/pulumi-language-nodejs" cp="${COMMAND_DIR}/pulumi-resource-command"
  local lh_stamp cp_stamp
  lh_stamp="$(STAMP_EXTRA="${LANGHOST_VERSION} ${PV}" stamp_of "${E2E_DIR}/pulumi/language-nodejs/main.go")"
  cp_stamp="$(STAMP_EXTRA="${COMMAND_PLUGIN_VERSION} ${PV}" stamp_of "${E2E_DIR}/pulumi/command-provider/main.go")"
  if up_to_date "${lh}" "${lh_stamp}" && up_to_date "${cp}" "${cp_stamp}"; then
    log "pulumi-language-nodejs and pulumi-resource-command: present, skipping"
    return
  fi
  write_pulumi_wrapper "${dir}" netlab.local/pulumi-helpers-build
  rm -rf "${dir}/cmd"
  mkdir -p "${dir}/cmd" "${COMMAND_DIR}"
  cp -r "${E2E_DIR}/pulumi/language-nodejs" "${E2E_DIR}/pulumi/command-provider" "${dir}/cmd/"
  timed "helpers: go mod tidy" "${LOGS}/helpers-tidy.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" mod tidy
  timed "helpers: go build pulumi-language-nodejs" "${LOGS}/langhost-build.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" build -trimpath \
    -ldflags "-s -w -X main.version=${LANGHOST_VERSION}" -o "${lh}.tmp" ./cmd/language-nodejs
  mv "${lh}.tmp" "${lh}"
  printf '%s\n' "${lh_stamp}" >"${lh}.stamp"
  timed "helpers: go build pulumi-resource-command" "${LOGS}/command-build.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" build -trimpath \
    -ldflags "-s -w -X main.version=${COMMAND_PLUGIN_VERSION}" -o "${cp}.tmp" ./cmd/command-provider
  mv "${cp}.tmp" "${cp}"
  printf '%s\n' "${cp_stamp}" >"${cp}.stamp"
}

# The engine runs pulumi.dynamic providers through this plugin name; it starts
# the dynamic-provider entry point of the project's @pulumi/pulumi.
write_dynamic_shim() {
  local out="${BIN}/pulumi-resource-pulumi-nodejs"
  cat >"${out}.tmp" <<'EOF'
#!/bin/sh
# Runs @pulumi/pulumi's dynamic provider from the nearest node_modules.
dir=$(pwd)
while :; do
  entry="$dir/node_modules/@pulumi/pulumi/cmd/dynamic-provider"
  if [ -f "$entry/index.js" ]; then
    exec node "$entry" "$@"
  fi
  [ "$dir" = "/" ] && break
  dir=$(dirname "$dir")
done
echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi not found above $(pwd)" >&2
exit 1
EOF
  chmod +x "${out}.tmp"
  mv "${out}.tmp" "${out}"
}

# ---------------------------------------------------------------------------
# 3. The Kubernetes provider, from its module with the schema files that
#    upstream generates at build time and does not ship.
# ---------------------------------------------------------------------------
K8S_MOD="github.com/pulumi/pulumi-kubernetes/provider/v4"
K8S_MODVER="${NETLAB_K8S_PROVIDER_MODULE_VERSION}"
K8S_VERSION="${NETLAB_K8S_PROVIDER_SOURCE_VERSION}"
K8S_DIR="${PROVIDERS}/kubernetes-${K8S_VERSION}"

build_kubernetes() {
  local out="${K8S_DIR}/pulumi-resource-kubernetes" dir="${SRC}/kubernetes-provider" stamp info moddir r
  stamp="$(STAMP_EXTRA="${K8S_MOD}@${K8S_MODVER} ${K8S_VERSION}" stamp_of "${E2E_DIR}/pulumi/k8s-schema-embed/main.go")"
  if up_to_date "${out}" "${stamp}"; then
    log "pulumi-resource-kubernetes ${K8S_VERSION}: present, skipping"
    return
  fi
  if [[ "${NETLAB_K8S_NPM_VERSION}" != "${K8S_VERSION}" ]]; then
    log "note: @pulumi/kubernetes is ${NETLAB_K8S_NPM_VERSION} but the provider module served is ${K8S_VERSION}"
  fi
  log "kubernetes: go mod download ${K8S_MOD}@${K8S_MODVER}"
  info="$(mod_json "${K8S_MOD}@${K8S_MODVER}" 2>"${LOGS}/k8s-download.log")" ||
    { cat "${LOGS}/k8s-download.log" >&2; die "could not download ${K8S_MOD}@${K8S_MODVER}"; }
  moddir="$(json_field "${info}" Dir)"
  [[ -d "${moddir}" ]] || die "module folder not found for ${K8S_MOD}@${K8S_MODVER}"
  # A writable copy: the build needs two generated files beside main.go.
  rm -rf "${dir}"
  cp -r "${moddir}" "${dir}"
  chmod -R u+w "${dir}"
  # Its replaces of sibling folders (../sdk) point into the upstream repository,
  # which a module does not have: use the required module versions instead.
  while IFS= read -r r; do
    [[ -n "${r}" ]] && "${GO}" mod edit -dropreplace="${r}" "${dir}/go.mod"
  done < <(local_replaces "${dir}/go.mod")
  mkdir -p "${dir}/cmd/netlab-schema-embed" "${K8S_DIR}"
  cp "${E2E_DIR}/pulumi/k8s-schema-embed/main.go" "${dir}/cmd/netlab-schema-embed/main.go"
  timed "kubernetes: generate schema-embed.json" "${LOGS}/k8s-generate.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" run -mod=mod ./cmd/netlab-schema-embed \
    -dir cmd/pulumi-resource-kubernetes -version "${K8S_VERSION}"
  timed "kubernetes: go build pulumi-resource-kubernetes ${K8S_VERSION}" "${LOGS}/k8s-build.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" build -mod=mod -trimpath \
    -ldflags "-s -w -X ${K8S_MOD}/pkg/version.Version=${K8S_VERSION}" \
    -o "${out}.tmp" ./cmd/pulumi-resource-kubernetes
  mv "${out}.tmp" "${out}"
  printf '%s\n' "${stamp}" >"${out}.stamp"
}

# ---------------------------------------------------------------------------
# 4. Install the providers into PULUMI_HOME, and put on $PATH the ones whose
#    version cannot equal the npm SDK's (the engine then uses them whatever
#    version the SDK asks for).
# ---------------------------------------------------------------------------
install_plugin() { # install_plugin NAME VERSION BINARY
  local name=$1 version=$2 binary=$3
  local target="${PULUMI_HOME_DIR}/plugins/resource-${name}-v${version}/pulumi-resource-${name}"
  if [[ -x "${target}" ]] && cmp -s "${target}" "${binary}"; then
    log "plugin ${name} ${version}: installed, skipping"
    return
  fi
  timed "plugin install ${name} ${version}" "${LOGS}/plugin-install-${name}.log" \
    env PULUMI_HOME="${PULUMI_HOME_DIR}" PULUMI_SKIP_UPDATE_CHECK=true \
    "${BIN}/pulumi" plugin install resource "${name}" "${version}" --file "${binary}" --reinstall
}

install_plugins() {
  install_plugin command "${COMMAND_PLUGIN_VERSION}" "${COMMAND_DIR}/pulumi-resource-command"
  install_plugin kubernetes "${K8S_VERSION}" "${K8S_DIR}/pulumi-resource-kubernetes"
  rm -f "${AMBIENT}/pulumi-resource-kubernetes"
  if [[ "${NETLAB_K8S_NPM_VERSION}" != "${K8S_VERSION}" ]]; then
    ln -s "${PULUMI_HOME_DIR}/plugins/resource-kubernetes-v${K8S_VERSION}/pulumi-resource-kubernetes" \
      "${AMBIENT}/pulumi-resource-kubernetes"
    log "pulumi-resource-kubernetes ${K8S_VERSION} put on \$PATH for SDK ${NETLAB_K8S_NPM_VERSION}"
  fi
}

log "versions from package-lock.json: @pulumi/pulumi ${PV}, @pulumi/kubernetes ${NETLAB_K8S_NPM_VERSION}, @pulumi/command ${NETLAB_COMMAND_VERSION}"
log "cache: ${NETLAB_PULUMI_DIR}; PULUMI_HOME: ${PULUMI_HOME_DIR}"
build_cli
build_helpers
write_dynamic_shim
build_kubernetes
install_plugins

log "installed plugins:"
PULUMI_HOME="${PULUMI_HOME_DIR}" PULUMI_SKIP_UPDATE_CHECK=true "${BIN}/pulumi" plugin ls >&2
# The Go caches make later rebuilds (say, after an edit of a helper) take
# seconds, but hold most of the disk used; drop them on request.
if [[ "${NETLAB_PULUMI_TRIM_GO_CACHES:-0}" == 1 ]]; then
  log "removing the Go build and module caches (NETLAB_PULUMI_TRIM_GO_CACHES=1)"
  (cd "${SRC}" && "${GO}" clean -cache -modcache)
fi
total=$(( $(date +%s) - SCRIPT_START ))
printf '%s total %ss\n' "$(date -u +%FT%TZ)" "${total}" >>"${TIMINGS}"
log "all done in ${total}s; source e2e/engine/pulumi-env.sh to use it"
