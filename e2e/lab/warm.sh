#!/usr/bin/env bash
# Exits 0 when every binary of the e2e path is already built for the pinned versions (a warm cache),
# so that an e2e run takes minutes, not the cold build's hour; otherwise says what is missing.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../cluster/versions.sh
source "${E2E_DIR}/../cluster/versions.sh"
# shellcheck source-path=SCRIPTDIR source=../engine/pulumi/lib.sh
source "${E2E_DIR}/../engine/pulumi/lib.sh"
CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
netlab_pulumi_versions

k8s_bin="$(netlab_bin_dir "${CACHE}")"
wanted=()
for binary in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd coredns agnhost; do
  wanted+=("${k8s_bin}/${binary}")
done
wanted+=("${NETLAB_PULUMI_DIR}/bin/pulumi" "${NETLAB_PULUMI_DIR}/bin/pulumi-language-nodejs")
missing=()
for file in "${wanted[@]}"; do
  [[ -x "${file}" ]] || missing+=("${file}")
done
for plugin in command kubernetes; do
  compgen -G "${CACHE}/pulumi-home/plugins/resource-${plugin}-v*/pulumi-resource-${plugin}" >/dev/null ||
    missing+=("${CACHE}/pulumi-home/plugins/resource-${plugin}-v*")
done
if ((${#missing[@]} > 0)); then
  printf 'e2e cache is cold; missing:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "e2e cache is warm (${CACHE})"
