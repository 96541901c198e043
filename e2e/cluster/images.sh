#!/usr/bin/env bash
# Builds the container images the e2e cluster uses, without any registry:
# a Debian minbase root filesystem (debootstrap) as a shared base layer, one
# package layer per image on top of it, plus scratch images for the pause
# process, CoreDNS and agnhost (the Kubernetes e2e suite's test server). Every
# image is saved as a docker-archive tarball in the cache, keyed by a hash of
# its recipe, and reused when present.
#
#   e2e/cluster/images.sh build             build missing tarballs
#   e2e/cluster/images.sh import SOCKET     build, then import into containerd (k8s.io)
#   e2e/cluster/images.sh list              print image names
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.sh
source "${E2E_DIR}/versions.sh"

CACHE="${NETLAB_E2E_CACHE:-/var/cache/netlab-e2e}"
BIN_DIR="$(netlab_bin_dir "${CACHE}")"
IMG_DIR="${CACHE}/images"
BUILDAH_ROOT="${CACHE}/buildah/root"
BUILDAH_RUNROOT="${CACHE}/buildah/run"
DEBIAN_SUITE="bookworm"
DEBIAN_MIRROR="${NETLAB_E2E_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PREFIX="localhost/netlab"
TAG="e2e"
# NETLAB_E2E_IMAGES narrows the set (space separated), e.g. while iterating.
read -r -a IMAGES <<<"${NETLAB_E2E_IMAGES:-pause coredns httpd nginx client dnstools agnhost}"

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bah() { buildah --root "${BUILDAH_ROOT}" --runroot "${BUILDAH_RUNROOT}" --storage-driver overlay "$@"; }

# Packages layered on the base, per image.
packages_for() {
  case "$1" in
    httpd) echo "apache2" ;;
    nginx) echo "nginx" ;;
    client) echo "curl iproute2 ca-certificates" ;;
    dnstools) echo "bind9-dnsutils curl" ;;
    *) echo "" ;;
  esac
}

# recipe_hash NAME: hash of everything that defines the image's content.
recipe_hash() {
  local name="$1"
  {
    echo "suite=${DEBIAN_SUITE} name=${name} packages=$(packages_for "${name}")"
    sed -n '/^# --- base recipe start/,/^# --- base recipe end/p' "${BASH_SOURCE[0]}"
    case "${name}" in
      base) ;;
      *) sed -n '/^# --- image recipe start/,/^# --- image recipe end/p' "${BASH_SOURCE[0]}" ;;
    esac
    case "${name}" in
      pause) cat "${E2E_DIR}/images/pause.c" ;;
      coredns) echo "coredns=${COREDNS_VERSION}"; sha256sum <"${BIN_DIR}/coredns" ;;
      agnhost) declare -f agnhost_root; sha256sum <"${BIN_DIR}/agnhost" ;;
    esac
  } | sha256sum | cut -c1-16
}

tarball_for() { echo "${IMG_DIR}/$1-$(recipe_hash "$1").tar"; }

# --- base recipe start

base_image() {
  local ref
  ref="${PREFIX}/base:${TAG}-$(recipe_hash base)"
  if bah inspect --type image "${ref}" >/dev/null 2>&1; then echo "${ref}"; return 0; fi
  local rootfs="${IMG_DIR}/rootfs-base.tmp"
  rm -rf "${rootfs}"
  mkdir -p "${IMG_DIR}"
  log "debootstrap ${DEBIAN_SUITE} minbase (log: ${IMG_DIR}/debootstrap.log)"
  timeout 1200 debootstrap --variant=minbase "${DEBIAN_SUITE}" "${rootfs}" "${DEBIAN_MIRROR}" \
    >"${IMG_DIR}/debootstrap.log" 2>&1 || { tail -n 20 "${IMG_DIR}/debootstrap.log" >&2; die "debootstrap failed"; }
  # Keep layers small: no docs, man pages or translations in anything installed later.
  cat >"${rootfs}/etc/dpkg/dpkg.cfg.d/01-netlab-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
  cat >"${rootfs}/etc/apt/apt.conf.d/01-netlab" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
  printf '#!/bin/sh\nexit 101\n' >"${rootfs}/usr/sbin/policy-rc.d"
  chmod 0755 "${rootfs}/usr/sbin/policy-rc.d"
  rm -rf "${rootfs}"/usr/share/doc/* "${rootfs}"/usr/share/man/* "${rootfs}"/usr/share/info/* \
    "${rootfs}"/usr/share/locale/* "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/var/cache/apt/* \
    "${rootfs}"/var/log/* "${rootfs}"/etc/hostname "${rootfs}"/etc/resolv.conf
  : >"${rootfs}/etc/hosts"
  local ctr mnt
  ctr="$(bah from scratch)"
  mnt="$(bah mount "${ctr}")"
  tar -C "${rootfs}" -cf - . | tar -C "${mnt}" -xpf -
  bah umount "${ctr}" >/dev/null
  bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash "${ctr}"
  bah commit --rm -q "${ctr}" "${ref}" >/dev/null
  rm -rf "${rootfs}"
  echo "${ref}"
}

# --- base recipe end

# --- image recipe start
HTTPD_PAGE='<html><body><h1>It works!</h1></body></html>'

# with_chroot MNT CMD...: runs CMD inside the mounted root with /proc, /dev
# and the host's resolver available, and removes them again afterwards.
with_chroot() {
  local mnt="$1"; shift
  mkdir -p "${mnt}/proc" "${mnt}/dev"
  mount -t proc proc "${mnt}/proc"
  mount --rbind /dev "${mnt}/dev"
  cp /etc/resolv.conf "${mnt}/etc/resolv.conf"
  local rc=0
  chroot "${mnt}" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    "$@" || rc=$?
  rm -f "${mnt}/etc/resolv.conf"
  umount -l "${mnt}/dev"
  umount "${mnt}/proc"
  return "${rc}"
}

customize() {
  local name="$1" mnt="$2" ctr="$3"
  case "${name}" in
    httpd)
      printf '%s\n' "${HTTPD_PAGE}" >"${mnt}/var/www/html/index.html"
      echo 'ServerName localhost' >"${mnt}/etc/apache2/conf-available/netlab-servername.conf"
      ln -sf ../conf-available/netlab-servername.conf "${mnt}/etc/apache2/conf-enabled/netlab-servername.conf"
      mkdir -p "${mnt}/var/log/apache2"
      ln -sf /proc/self/fd/1 "${mnt}/var/log/apache2/access.log"
      ln -sf /proc/self/fd/1 "${mnt}/var/log/apache2/other_vhosts_access.log"
      ln -sf /proc/self/fd/2 "${mnt}/var/log/apache2/error.log"
      cat >"${mnt}/usr/local/bin/httpd-foreground" <<'EOF'
#!/bin/bash
set -e
# shellcheck disable=SC1091
. /etc/apache2/envvars
# /var/lock points into /run, which starts empty in a container.
mkdir -p /run/lock
mkdir -p "${APACHE_RUN_DIR}" "${APACHE_LOCK_DIR}" "${APACHE_LOG_DIR}"
rm -f "${APACHE_PID_FILE}"
exec /usr/sbin/apache2 -D FOREGROUND "$@"
EOF
      chmod 0755 "${mnt}/usr/local/bin/httpd-foreground"
      mkdir -p "${mnt}/run/lock"
      bah config --port 80 --cmd '["/usr/local/bin/httpd-foreground"]' "${ctr}"
      ;;
    nginx)
      # The official nginx image serves its welcome page as /index.html too (the ingress lab routes that path).
      cp "${mnt}/var/www/html/index.nginx-debian.html" "${mnt}/var/www/html/index.html"
      ln -sf /proc/self/fd/1 "${mnt}/var/log/nginx/access.log"
      ln -sf /proc/self/fd/2 "${mnt}/var/log/nginx/error.log"
      bah config --port 80 --cmd '["/usr/sbin/nginx","-g","daemon off;"]' "${ctr}"
      ;;
    client|dnstools)
      bah config --cmd '["/bin/bash","-c","trap \"exit 0\" TERM; sleep infinity & wait"]' "${ctr}"
      ;;
  esac
}
# --- image recipe end

build_debian_image() {
  local name="$1" out="$2" base ctr mnt pkgs
  base="$(base_image)"
  pkgs="$(packages_for "${name}")"
  log "${name}: installing ${pkgs}"
  ctr="$(bah from --pull-never "${base}")"
  mnt="$(bah mount "${ctr}")"
  # shellcheck disable=SC2086
  with_chroot "${mnt}" /bin/bash -c "apt-get update -qq && apt-get install -y -qq ${pkgs} >/dev/null \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log" \
    || { bah umount "${ctr}" >/dev/null; bah rm "${ctr}" >/dev/null; die "${name}: package install failed"; }
  customize "${name}" "${mnt}" "${ctr}"
  bah umount "${ctr}" >/dev/null
  commit_and_save "${name}" "${ctr}" "${out}"
}

# agnhost_root MNT CTR: the agnhost image's content and config (hashed into its
# key, with the binary, by recipe_hash).
agnhost_root() {
  local mnt="$1" ctr="$2"
  [[ -x "${BIN_DIR}/agnhost" ]] || die "agnhost binary missing in ${BIN_DIR}: run e2e/cluster/build.sh agnhost"
  install -m 0755 "${BIN_DIR}/agnhost" "${mnt}/agnhost"
  # netexec stores what /upload receives in /uploads; a scratch image has no /tmp either.
  mkdir -p "${mnt}/uploads" "${mnt}/tmp"
  chmod 1777 "${mnt}/tmp"
  # As upstream's image: with no arguments it idles (`agnhost pause`).
  bah config --entrypoint '["/agnhost"]' --cmd '["pause"]' --port 8080/tcp "${ctr}"
}

build_static_image() {
  local name="$1" out="$2" ctr mnt
  ctr="$(bah from scratch)"
  mnt="$(bah mount "${ctr}")"
  case "${name}" in
    pause)
      gcc -static -Os -s -o "${mnt}/pause" "${E2E_DIR}/images/pause.c" || die "pause: gcc failed"
      bah config --entrypoint '["/pause"]' "${ctr}"
      ;;
    coredns)
      [[ -x "${BIN_DIR}/coredns" ]] || die "coredns binary missing in ${BIN_DIR}: run e2e/cluster/build.sh coredns"
      install -m 0755 "${BIN_DIR}/coredns" "${mnt}/coredns"
      mkdir -p "${mnt}/etc/coredns" "${mnt}/tmp"
      bah config --entrypoint '["/coredns"]' --port 53/udp --port 53/tcp --port 9153/tcp "${ctr}"
      ;;
    agnhost) agnhost_root "${mnt}" "${ctr}" ;;
  esac
  bah umount "${ctr}" >/dev/null
  commit_and_save "${name}" "${ctr}" "${out}"
}

commit_and_save() {
  local name="$1" ctr="$2" out="$3" ref="${PREFIX}/$1:${TAG}"
  bah commit --rm -q "${ctr}" "${ref}" >/dev/null
  rm -f "${out}.tmp"
  bah push -q "${ref}" "docker-archive:${out}.tmp:${ref}" >/dev/null
  mv "${out}.tmp" "${out}"
  log "${name}: saved $(du -h "${out}" | cut -f1) ${out}"
}

build_all() {
  mkdir -p "${IMG_DIR}"
  local name out built=0
  for name in "${IMAGES[@]}"; do
    out="$(tarball_for "${name}")"
    if [[ -s "${out}" ]]; then continue; fi
    # Drop tarballs of older recipes of this image.
    find "${IMG_DIR}" -maxdepth 1 -name "${name}-*.tar" ! -name "${out##*/}" -delete
    case "${name}" in
      pause|coredns|agnhost) build_static_image "${name}" "${out}" ;;
      *) build_debian_image "${name}" "${out}" ;;
    esac
    built=1
  done
  ((built == 0)) || prune_store
}

# Keeps only the current base image in buildah's store; every other image
# lives on as a tarball.
prune_store() {
  local keep ref
  keep="${PREFIX}/base:${TAG}-$(recipe_hash base)"
  while IFS= read -r ref; do
    [[ -n "${ref}" && "${ref}" != "${keep}" ]] || continue
    bah rmi -f "${ref}" >/dev/null 2>&1 || true
  done < <(bah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep "^${PREFIX}/")
  bah rmi --prune >/dev/null 2>&1 || true
}

import_all() {
  local sock="$1" name out
  for name in "${IMAGES[@]}"; do
    out="$(tarball_for "${name}")"
    timeout 300 ctr --address "${sock}" -n k8s.io images import "${out}" >/dev/null \
      || die "import of ${out} into containerd failed"
  done
  log "imported: ${IMAGES[*]}"
}

case "${1:-build}" in
  build) build_all ;;
  import) [[ -n "${2:-}" ]] || die "usage: $0 import CONTAINERD_SOCKET"; build_all; import_all "$2" ;;
  list) for n in "${IMAGES[@]}"; do echo "${PREFIX}/${n}:${TAG}"; done ;;
  *) die "usage: $0 build|import SOCKET|list" ;;
esac
