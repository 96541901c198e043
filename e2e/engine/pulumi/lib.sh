# shellcheck shell=bash
# Shared by e2e/engine/build-pulumi.sh and e2e/engine/pulumi-env.sh: where the Pulumi engine
# lives in the e2e cache and which versions it must match. The versions come
# from the repository's package-lock.json only, so the npm packages and the
# binaries cannot drift apart.

NETLAB_REPO_DIR="${NETLAB_REPO_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
NETLAB_E2E_CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
NETLAB_E2E_STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"

# The Kubernetes provider is built from the newest module version of
# github.com/pulumi/pulumi-kubernetes/provider/v4 that the Go module proxy
# serves here. That pseudo-version is the commit tagged v4.25.0 upstream; the
# npm SDK in package-lock.json may be newer (see e2e/engine/PULUMI-ENGINE.md).
NETLAB_K8S_PROVIDER_MODULE_VERSION="${NETLAB_K8S_PROVIDER_MODULE_VERSION:-v4.0.0-20260115033456-f47bc2d6f199}"
NETLAB_K8S_PROVIDER_SOURCE_VERSION="${NETLAB_K8S_PROVIDER_SOURCE_VERSION:-4.25.0}"

# netlab_lock_version PACKAGE: the version package-lock.json pins for PACKAGE.
netlab_lock_version() {
  local lock="${NETLAB_REPO_DIR}/package-lock.json"
  [[ -f "${lock}" ]] || { echo "package-lock.json not found at ${lock}" >&2; return 1; }
  node -e '
    const lock = require(process.argv[1]);
    const entry = (lock.packages || {})["node_modules/" + process.argv[2]];
    if (!entry || !entry.version) { console.error("no " + process.argv[2] + " in package-lock.json"); process.exit(1); }
    console.log(entry.version);
  ' "${lock}" "$1"
}

# netlab_pulumi_versions: sets NETLAB_PULUMI_VERSION, NETLAB_K8S_NPM_VERSION,
# NETLAB_COMMAND_VERSION and NETLAB_PULUMI_DIR for the scripts that source this.
# shellcheck disable=SC2034
netlab_pulumi_versions() {
  NETLAB_PULUMI_VERSION="$(netlab_lock_version @pulumi/pulumi)" || return 1
  NETLAB_K8S_NPM_VERSION="$(netlab_lock_version @pulumi/kubernetes)" || return 1
  NETLAB_COMMAND_VERSION="$(netlab_lock_version @pulumi/command)" || return 1
  NETLAB_PULUMI_DIR="${NETLAB_E2E_CACHE}/pulumi/${NETLAB_PULUMI_VERSION}"
}
