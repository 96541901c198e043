#!/usr/bin/env bash
# Installs the Debian packages the e2e cluster, its images and the script checks need (root).
set -euo pipefail
PACKAGES=(
  containerd runc containernetworking-plugins iptables nftables iproute2 openssl util-linux conntrack
  buildah debootstrap gcc libc6-dev shellcheck
)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q "install ok installed" || missing+=("${package}")
done
if ((${#missing[@]} == 0)); then
  echo "e2e packages: all installed"
  exit 0
fi
echo "e2e packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq
timeout 1200 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
