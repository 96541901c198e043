#!/usr/bin/env bash
# Prints which Pulumi engine binaries e2e/engine/build-pulumi.sh installed: for each,
# whether it is the real upstream program, this repo's stand-in or a shim, its
# version and where it came from. Reads the build's manifest (plugins.tsv) and
# checks that every binary is still the one recorded.
#
#   e2e/engine/pulumi/plugins.sh          a table on stdout
#
# Exits 1 when the manifest is missing or a binary differs from it (run
# e2e/engine/build-pulumi.sh again then).
set -euo pipefail

# shellcheck source=e2e/engine/pulumi/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
netlab_pulumi_versions

MANIFEST="${NETLAB_PULUMI_DIR}/plugins.tsv"
if [[ ! -f "${MANIFEST}" ]]; then
  echo "plugins.sh: no ${MANIFEST}: run e2e/engine/build-pulumi.sh" >&2
  exit 1
fi

stale=0
printf '%-30s %-9s %-14s %s\n' binary kind version source
while IFS=$'\t' read -r name kind version source path sha; do
  [[ "${name}" == \#* ]] && continue
  state=""
  if [[ ! -x "${path}" ]]; then
    state="  (MISSING: ${path})"
    stale=1
  elif [[ "$(sha256sum "${path}" | cut -d' ' -f1)" != "${sha}" ]]; then
    state="  (CHANGED since the build: ${path})"
    stale=1
  fi
  printf '%-30s %-9s %-14s %s%s\n' "${name}" "${kind}" "${version}" "${source}" "${state}"
done <"${MANIFEST}"
exit "${stale}"
