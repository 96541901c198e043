#!/usr/bin/env bash
# Builds the Pulumi engine and the plugins the lab needs, offline, from Go
# modules, into the e2e cache (never into the repository):
#
#   e2e/engine/build-pulumi.sh
#
#   ${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}/pulumi/<pulumi-version>/
#     bin/pulumi                          CLI, github.com/pulumi/pulumi/pkg/v3
#     bin/pulumi-language-nodejs          Node.js language host: a copy of the real one
#                                         (real/) or of the stand-in (standin/)
#     bin/pulumi-resource-pulumi-nodejs   shim for pulumi.dynamic providers
#     real/language-nodejs-<v>/...        upstream sdk/nodejs/cmd/pulumi-language-nodejs
#     standin/pulumi-language-nodejs      e2e/engine/pulumi/language-nodejs
#     providers/command-<v>/...           upstream pulumi-command provider/
#     providers/command-<v>+netlab/...    e2e/engine/pulumi/command-provider (stand-in)
#     providers/kubernetes-<v>/...        github.com/pulumi/pulumi-kubernetes/provider/v4
#     ambient/                            providers put on $PATH (see PULUMI-ENGINE.md)
#     plugins.tsv                         what is installed, real or stand-in (plugins.sh)
#     src/, go/, logs/                    wrapper modules, Go caches, build logs
#   ${NETLAB_E2E_CACHE}/pulumi-home       PULUMI_HOME with the providers installed
#
# The real language host and command provider are built when git copies of
# their repositories are named (stand-ins otherwise; section 2 below):
#
#   NETLAB_PULUMI_GIT_DIR=/path/to/pulumi.git \
#   NETLAB_PULUMI_COMMAND_GIT_DIR=/path/to/pulumi-command.git e2e/engine/build-pulumi.sh
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
# 2. The Node.js language host and the command provider: the real ones, built
#    from git copies of their upstream repositories when the environment names
#    them, else this repo's stand-ins (e2e/engine/pulumi/language-nodejs,
#    e2e/engine/pulumi/command-provider), which need nothing but the module proxy.
#
#    NETLAB_PULUMI_GIT_DIR          git directory of github.com/pulumi/pulumi;
#                                   its tag v<@pulumi/pulumi version> gives
#                                   sdk/nodejs/cmd/pulumi-language-nodejs
#    NETLAB_PULUMI_COMMAND_GIT_DIR  git directory of github.com/pulumi/pulumi-command;
#                                   its tag v<@pulumi/command version> gives provider/
#
#    A named git directory that cannot be used is an error, not a fallback.
#    Upstream sources are extracted into the cache (src/upstream/), never into
#    the repository.
# ---------------------------------------------------------------------------
COMMAND_PLUGIN_VERSION="${NETLAB_COMMAND_VERSION}+netlab"
LANGHOST_VERSION="${PV}+netlab"
COMMAND_DIR="${PROVIDERS}/command-${COMMAND_PLUGIN_VERSION}"
STANDIN_DIR="${NETLAB_PULUMI_DIR}/standin"
LANGHOST_STANDIN="${STANDIN_DIR}/pulumi-language-nodejs"
COMMAND_STANDIN="${COMMAND_DIR}/pulumi-resource-command"
LANGHOST_REAL="${NETLAB_PULUMI_DIR}/real/language-nodejs-${PV}/pulumi-language-nodejs"
COMMAND_REAL_DIR="${PROVIDERS}/command-${NETLAB_COMMAND_VERSION}"
COMMAND_REAL="${COMMAND_REAL_DIR}/pulumi-resource-command"
PULUMI_GIT_DIR="${NETLAB_PULUMI_GIT_DIR:-}"
COMMAND_GIT_DIR="${NETLAB_PULUMI_COMMAND_GIT_DIR:-}"
# What was selected, for the manifest: "real <tag> <commit>" or "stand-in".
LANGHOST_ORIGIN=
COMMAND_ORIGIN=

# build_standins [language-nodejs] [command-provider]: builds the named
# stand-ins in one wrapper module against the CLI's pkg/v3 and sdk/v3.
build_standins() {
  local dir="${SRC}/helpers" want_lh=0 want_cp=0 what lh_stamp cp_stamp
  for what in "$@"; do
    case "${what}" in
      language-nodejs) want_lh=1 ;;
      command-provider) want_cp=1 ;;
    esac
  done
  lh_stamp="$(STAMP_EXTRA="${LANGHOST_VERSION} ${PV}" stamp_of "${E2E_DIR}/pulumi/language-nodejs/main.go")"
  cp_stamp="$(STAMP_EXTRA="${COMMAND_PLUGIN_VERSION} ${PV}" stamp_of "${E2E_DIR}/pulumi/command-provider/main.go")"
  if (( want_lh )) && up_to_date "${LANGHOST_STANDIN}" "${lh_stamp}"; then
    log "stand-in pulumi-language-nodejs ${LANGHOST_VERSION}: present, skipping"
    want_lh=0
  fi
  if (( want_cp )) && up_to_date "${COMMAND_STANDIN}" "${cp_stamp}"; then
    log "stand-in pulumi-resource-command ${COMMAND_PLUGIN_VERSION}: present, skipping"
    want_cp=0
  fi
  (( want_lh || want_cp )) || return 0
  write_pulumi_wrapper "${dir}" netlab.local/pulumi-helpers-build
  rm -rf "${dir}/cmd"
  mkdir -p "${dir}/cmd" "${STANDIN_DIR}" "${COMMAND_DIR}"
  cp -r "${E2E_DIR}/pulumi/language-nodejs" "${E2E_DIR}/pulumi/command-provider" "${dir}/cmd/"
  timed "helpers: go mod tidy" "${LOGS}/helpers-tidy.log" \
    in_dir "${dir}" "${NICE[@]}" "${GO}" mod tidy
  if (( want_lh )); then
    timed "helpers: go build pulumi-language-nodejs" "${LOGS}/langhost-build.log" \
      in_dir "${dir}" "${NICE[@]}" "${GO}" build -trimpath \
      -ldflags "-s -w -X main.version=${LANGHOST_VERSION}" -o "${LANGHOST_STANDIN}.tmp" ./cmd/language-nodejs
    mv "${LANGHOST_STANDIN}.tmp" "${LANGHOST_STANDIN}"
    printf '%s\n' "${lh_stamp}" >"${LANGHOST_STANDIN}.stamp"
  fi
  if (( want_cp )); then
    timed "helpers: go build pulumi-resource-command" "${LOGS}/command-build.log" \
      in_dir "${dir}" "${NICE[@]}" "${GO}" build -trimpath \
      -ldflags "-s -w -X main.version=${COMMAND_PLUGIN_VERSION}" -o "${COMMAND_STANDIN}.tmp" ./cmd/command-provider
    mv "${COMMAND_STANDIN}.tmp" "${COMMAND_STANDIN}"
    printf '%s\n' "${cp_stamp}" >"${COMMAND_STANDIN}.stamp"
  fi
}

# tag_commit GITDIR TAG: the commit TAG points at; dies when it cannot be had.
tag_commit() {
  local gitdir=$1 tag=$2 commit
  [[ -d "${gitdir}" ]] || die "${gitdir}: no such git directory"
  git --git-dir="${gitdir}" rev-parse --git-dir >/dev/null 2>&1 || die "${gitdir} is not a git directory"
  commit="$(git --git-dir="${gitdir}" rev-parse --verify --quiet "refs/tags/${tag}^{commit}")" ||
    die "${gitdir} has no tag ${tag}"
  printf '%s\n' "${commit}"
}

# extract_tree GITDIR COMMIT FOLDER DEST: FOLDER of COMMIT, as DEST/FOLDER.
# `git archive` first; when the copy lacks some blobs (archive fails), file by
# file, skipping the missing ones and saying which. Output in LOGFILE.
extract_tree() {
  local gitdir=$1 commit=$2 folder=$3 dest=$4 mode_type_object mode type object path missing=0
  rm -rf "${dest}"
  mkdir -p "${dest}"
  if git --git-dir="${gitdir}" archive --format=tar "${commit}" "${folder}" | tar -x -C "${dest}"; then
    return 0
  fi
  echo "git archive failed; extracting ${folder} file by file" >&2
  rm -rf "${dest}"
  mkdir -p "${dest}"
  while IFS=$'\t' read -r mode_type_object path; do
    read -r mode type object <<<"${mode_type_object}"
    [[ "${type}" == blob ]] || continue
    mkdir -p "${dest}/$(dirname "${path}")"
    if git --git-dir="${gitdir}" cat-file blob "${object}" >"${dest}/${path}" 2>/dev/null; then
      [[ "${mode}" == 100755 ]] && chmod +x "${dest}/${path}"
    else
      rm -f "${dest}/${path}"
      echo "missing from the git copy, skipped: ${path}" >&2
      missing=$((missing + 1))
    fi
  done < <(git --git-dir="${gitdir}" ls-tree -r --full-tree "${commit}" -- "${folder}")
  echo "${missing} file(s) missing" >&2
}

# The real Node.js language host: sdk/nodejs/cmd/pulumi-language-nodejs at the
# tag of the CLI's version. Its go.mod points pkg/v3 and sdk/v3 at folders of
# the upstream repository; they are replaced by the CLI's module versions.
build_real_langhost() {
  local tag="v${PV}" commit stamp dir mod info r
  commit="$(tag_commit "${PULUMI_GIT_DIR}" "${tag}")" || exit 1
  LANGHOST_ORIGIN="real pulumi/pulumi ${tag} ${commit}"
  stamp="$(STAMP_EXTRA="${LANGHOST_ORIGIN} ${PV}" stamp_of /dev/null)"
  if up_to_date "${LANGHOST_REAL}" "${stamp}"; then
    log "pulumi-language-nodejs ${PV} (pulumi/pulumi ${tag}): present, skipping"
    return
  fi
  dir="${SRC}/upstream/pulumi-${commit:0:12}"
  mod="${dir}/sdk/nodejs/cmd/pulumi-language-nodejs"
  timed "language host: extract ${tag} sdk/nodejs/cmd/pulumi-language-nodejs" "${LOGS}/langhost-real-extract.log" \
    extract_tree "${PULUMI_GIT_DIR}" "${commit}" sdk/nodejs/cmd/pulumi-language-nodejs "${dir}"
  [[ -f "${mod}/go.mod" && -f "${mod}/main.go" ]] || die "no go.mod and main.go in ${mod}"
  while IFS= read -r r; do
    [[ -n "${r}" ]] && "${GO}" mod edit -dropreplace="${r}" "${mod}/go.mod"
  done < <(local_replaces "${mod}/go.mod")
  "${GO}" mod edit -require="${PKG_MOD}@v${PV}" -require="${SDK_MOD}@v${PV}" "${mod}/go.mod"
  info="$(mod_json "${PKG_MOD}@v${PV}")"
  while IFS= read -r r; do
    [[ -n "${r}" ]] && "${GO}" mod edit -replace="${r}" "${mod}/go.mod"
  done < <(module_replaces "$(json_field "${info}" GoMod)")
  mkdir -p "$(dirname "${LANGHOST_REAL}")"
  timed "language host: go mod tidy" "${LOGS}/langhost-real-tidy.log" \
    in_dir "${mod}" "${NICE[@]}" "${GO}" mod tidy
  timed "language host: go build pulumi-language-nodejs ${PV}" "${LOGS}/langhost-real-build.log" \
    in_dir "${mod}" "${NICE[@]}" "${GO}" build -trimpath \
    -ldflags "-s -w -X ${SDK_MOD}/go/common/version.Version=v${PV}" -o "${LANGHOST_REAL}.tmp" .
  mv "${LANGHOST_REAL}.tmp" "${LANGHOST_REAL}"
  printf '%s\n' "${stamp}" >"${LANGHOST_REAL}.stamp"
  rm -rf "${dir}"
}

# The real command provider: provider/ of pulumi-command at the tag of the npm
# package's version, built as it is.
COMMAND_VERSION_VAR="github.com/pulumi/pulumi-command/provider/pkg/version.Version"
build_real_command() {
  local tag="v${NETLAB_COMMAND_VERSION}" commit stamp dir
  commit="$(tag_commit "${COMMAND_GIT_DIR}" "${tag}")" || exit 1
  COMMAND_ORIGIN="real pulumi/pulumi-command ${tag} ${commit}"
  stamp="$(STAMP_EXTRA="${COMMAND_ORIGIN} ${NETLAB_COMMAND_VERSION}" stamp_of /dev/null)"
  if up_to_date "${COMMAND_REAL}" "${stamp}"; then
    log "pulumi-resource-command ${NETLAB_COMMAND_VERSION} (pulumi/pulumi-command ${tag}): present, skipping"
    return
  fi
  dir="${SRC}/upstream/pulumi-command-${commit:0:12}"
  timed "command provider: extract ${tag} provider/" "${LOGS}/command-real-extract.log" \
    extract_tree "${COMMAND_GIT_DIR}" "${commit}" provider "${dir}"
  [[ -f "${dir}/provider/go.mod" ]] || die "no go.mod in ${dir}/provider"
  mkdir -p "${COMMAND_REAL_DIR}"
  timed "command provider: go build pulumi-resource-command ${NETLAB_COMMAND_VERSION}" \
    "${LOGS}/command-real-build.log" \
    in_dir "${dir}/provider" "${NICE[@]}" "${GO}" build -trimpath \
    -ldflags "-s -w -X ${COMMAND_VERSION_VAR}=${NETLAB_COMMAND_VERSION}" \
    -o "${COMMAND_REAL}.tmp" ./cmd/pulumi-resource-command
  mv "${COMMAND_REAL}.tmp" "${COMMAND_REAL}"
  printf '%s\n' "${stamp}" >"${COMMAND_REAL}.stamp"
  rm -rf "${dir}"
}

build_language_and_command() {
  local standins=()
  if [[ -n "${PULUMI_GIT_DIR}" ]]; then
    build_real_langhost
  else
    standins+=(language-nodejs)
    LANGHOST_ORIGIN="stand-in e2e/engine/pulumi/language-nodejs"
  fi
  if [[ -n "${COMMAND_GIT_DIR}" ]]; then
    build_real_command
  else
    standins+=(command-provider)
    COMMAND_ORIGIN="stand-in e2e/engine/pulumi/command-provider"
  fi
  if (( ${#standins[@]} > 0 )); then
    build_standins "${standins[@]}"
  fi
  # The CLI takes the language host that sits beside it.
  local lh="${LANGHOST_STANDIN}"
  [[ -n "${PULUMI_GIT_DIR}" ]] && lh="${LANGHOST_REAL}"
  if ! cmp -s "${lh}" "${BIN}/pulumi-language-nodejs"; then
    cp "${lh}" "${BIN}/pulumi-language-nodejs.tmp"
    mv "${BIN}/pulumi-language-nodejs.tmp" "${BIN}/pulumi-language-nodejs"
  fi
  rm -f "${BIN}/pulumi-language-nodejs.stamp"   # from before stand-ins had their own folder
  log "pulumi-language-nodejs: ${LANGHOST_ORIGIN}"
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

# uninstall_plugin NAME VERSION: removes exactly that version's folder (not
# `pulumi plugin rm`, whose version is a range: 1.2.1 also matches 1.2.1+netlab).
uninstall_plugin() {
  local folder="${PULUMI_HOME_DIR}/plugins/resource-$1-v$2"
  if [[ -e "${folder}" ]]; then
    rm -rf "${folder}" "${folder}.lock" "${folder}.partial"
    log "plugin $1 $2: removed"
  fi
}

install_plugins() {
  # One command provider only, so that the engine cannot pick the other one.
  if [[ -n "${COMMAND_GIT_DIR}" ]]; then
    install_plugin command "${NETLAB_COMMAND_VERSION}" "${COMMAND_REAL}"
    uninstall_plugin command "${COMMAND_PLUGIN_VERSION}"
  else
    install_plugin command "${COMMAND_PLUGIN_VERSION}" "${COMMAND_STANDIN}"
    uninstall_plugin command "${NETLAB_COMMAND_VERSION}"
  fi
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
# write_manifest: plugins.tsv, what is installed and where it came from, one
# binary a line: name, kind (real, stand-in, shim), version, source, path,
# sha256. e2e/engine/pulumi/plugins.sh prints it.
write_manifest() {
  local manifest="${NETLAB_PULUMI_DIR}/plugins.tsv" command_version command_path
  if [[ -n "${COMMAND_GIT_DIR}" ]]; then command_version="${NETLAB_COMMAND_VERSION}"; else command_version="${COMMAND_PLUGIN_VERSION}"; fi
  command_path="${PULUMI_HOME_DIR}/plugins/resource-command-v${command_version}/pulumi-resource-command"
  local langhost_version="${LANGHOST_VERSION}"
  [[ -n "${PULUMI_GIT_DIR}" ]] && langhost_version="${PV}"
  row() { # row NAME KIND VERSION SOURCE PATH
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$(sha256sum "$5" | cut -d' ' -f1)"
  }
  {
    printf '# name\tkind\tversion\tsource\tpath\tsha256\n'
    row pulumi real "${PV}" "module ${PKG_MOD}@v${PV}" "${BIN}/pulumi"
    row pulumi-language-nodejs "${LANGHOST_ORIGIN%% *}" "${langhost_version}" "${LANGHOST_ORIGIN#* }" \
      "${BIN}/pulumi-language-nodejs"
    row pulumi-resource-pulumi-nodejs shim - "written by e2e/engine/build-pulumi.sh" "${BIN}/pulumi-resource-pulumi-nodejs"
    row pulumi-resource-command "${COMMAND_ORIGIN%% *}" "${command_version}" "${COMMAND_ORIGIN#* }" "${command_path}"
    row pulumi-resource-kubernetes real "${K8S_VERSION}" "module ${K8S_MOD}@${K8S_MODVER}" \
      "${PULUMI_HOME_DIR}/plugins/resource-kubernetes-v${K8S_VERSION}/pulumi-resource-kubernetes"
  } >"${manifest}.tmp"
  mv "${manifest}.tmp" "${manifest}"
}

build_cli
build_language_and_command
write_dynamic_shim
build_kubernetes
install_plugins
write_manifest

log "installed plugins:"
PULUMI_HOME="${PULUMI_HOME_DIR}" PULUMI_SKIP_UPDATE_CHECK=true "${BIN}/pulumi" plugin ls >&2
bash "${E2E_DIR}/pulumi/plugins.sh" >&2
# The Go caches make later rebuilds (say, after an edit of a helper) take
# seconds, but hold most of the disk used; drop them on request.
if [[ "${NETLAB_PULUMI_TRIM_GO_CACHES:-0}" == 1 ]]; then
  log "removing the Go build and module caches (NETLAB_PULUMI_TRIM_GO_CACHES=1)"
  (cd "${SRC}" && "${GO}" clean -cache -modcache)
fi
total=$(( $(date +%s) - SCRIPT_START ))
printf '%s total %ss\n' "$(date -u +%FT%TZ)" "${total}" >>"${TIMINGS}"
log "all done in ${total}s; source e2e/engine/pulumi-env.sh to use it"
