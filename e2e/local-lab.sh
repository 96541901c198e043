#!/usr/bin/env bash
# The lab on this machine, from nothing, in one command (Debian or Ubuntu, as root, no Docker):
#
#   npm run local-lab              # packages, builds, local cluster, engine, stack "local", pulumi up, report
#   npm run local-lab -- down      # destroy the stack, stop the cluster
#
# Each step says what it does, how long the run has taken and what remains. A second run reuses everything
# (builds, cluster, stack) and only runs `pulumi up` again. NETLAB_E2E_NODES=2 starts a two-node cluster.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${E2E_DIR}/.." && pwd)"
STACK="${NETLAB_LOCAL_STACK:-local}"
STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"
START=$(date +%s)

die() {
  echo "local-lab: $*" >&2
  exit 1
}

[[ "$(uname -s)" == Linux ]] || die "this builds a Kubernetes cluster from source on this machine, which needs Linux; on $(uname -s) use minikube or kind and the README's two commands"
[[ "$(id -u)" == 0 ]] || die "the local cluster needs root (network namespaces, iptables, containerd): run it with sudo, or use minikube or kind and the README's two commands"

ACTION="${1:-up}"
case "${ACTION}" in
  up | down) ;;
  *) die "unknown action '${ACTION}'; allowed: up (the default) or down" ;;
esac

STEPS=()
step_number=0
# progress NAME: one line per step: which, elapsed time, what remains.
progress() {
  step_number=$((step_number + 1))
  local remaining="" next
  for next in "${STEPS[@]:step_number}"; do remaining+="${remaining:+, }${next}"; done
  printf '\n[local-lab %d/%d, %d s] %s\n' "${step_number}" "${#STEPS[@]}" "$(($(date +%s) - START))" "$1"
  [[ -z "${remaining}" ]] || printf '  still to come: %s\n' "${remaining}"
}

lab() { (cd "${ROOT}" && timeout 1800 pulumi --non-interactive --stack "${STACK}" "$@"); }

engine_env() {
  # shellcheck source-path=SCRIPTDIR source=engine/pulumi-env.sh
  source "${E2E_DIR}/engine/pulumi-env.sh"
}

if [[ "${ACTION}" == down ]]; then
  STEPS=("destroy the stack" "stop the cluster")
  progress "destroy the stack ${STACK}"
  engine_env
  if command -v pulumi >/dev/null && (cd "${ROOT}" && pulumi stack select "${STACK}" >/dev/null 2>&1); then
    lab destroy --yes --skip-preview
    (cd "${ROOT}" && pulumi stack rm "${STACK}" --yes)
  else
    echo "no stack ${STACK}: nothing to destroy"
  fi
  progress "stop the cluster"
  bash "${E2E_DIR}/cluster/cluster.sh" down
  echo
  echo "local-lab: stack destroyed, cluster stopped ($(($(date +%s) - START)) s)"
  exit 0
fi

STEPS=("Debian packages" "npm packages" "Kubernetes and images" "the cluster" "the Pulumi engine" "stack ${STACK}" "pulumi up" "report")

progress "Debian packages (containerd, runc, CNI plugins, iptables, buildah, debootstrap...)"
bash "${E2E_DIR}/cluster/install-deps.sh"

progress "npm packages"
[[ -d "${ROOT}/node_modules/@pulumi/pulumi" ]] || (cd "${ROOT}" && npm ci --ignore-scripts --no-audit --no-fund)

# The engine's build does not need the cluster: on a cold machine it runs beside the Kubernetes build, in a
# process group of its own that is stopped if this script stops first.
engine_pid=""
ENGINE_LOG="${STATE}/local-lab-engine-build.log"
stop_engine_build() {
  if [[ -n "${engine_pid}" ]] && kill -0 "${engine_pid}" 2>/dev/null; then kill -- "-${engine_pid}" 2>/dev/null || true; fi
}
trap stop_engine_build EXIT
if ! bash "${E2E_DIR}/lab/warm.sh" >/dev/null 2>&1; then
  mkdir -p "${STATE}"
  setsid bash "${E2E_DIR}/engine/build-pulumi.sh" >"${ENGINE_LOG}" 2>&1 &
  engine_pid=$!
  echo "the Pulumi engine builds in the background meanwhile (log: ${ENGINE_LOG})"
fi

progress "Kubernetes, etcd, CoreDNS and the images (built once from their sources: about 30 min the first time)"
bash "${E2E_DIR}/cluster/build.sh" all
bash "${E2E_DIR}/cluster/images.sh" build

progress "the cluster"
if bash "${E2E_DIR}/cluster/cluster.sh" status >/dev/null 2>&1; then
  echo "the cluster is running"
else
  NETLAB_E2E_QUIET=1 bash "${E2E_DIR}/cluster/cluster.sh" up
fi

progress "the Pulumi engine (built once from its sources: about 35 min the first time, beside Kubernetes)"
if [[ -n "${engine_pid}" ]]; then
  waited=0
  while kill -0 "${engine_pid}" 2>/dev/null; do
    sleep 5
    waited=$((waited + 5))
    if ((waited % 60 == 0)); then
      printf '  still building the engine (%d s in all): %s\n' "$(($(date +%s) - START))" "$(tail -n 1 "${ENGINE_LOG}")"
    fi
  done
  if ! wait "${engine_pid}"; then
    tail -n 30 "${ENGINE_LOG}" >&2
    die "the engine's build failed; its log: ${ENGINE_LOG}"
  fi
  engine_pid=""
fi
# Again in the foreground: a no-op when the background build finished, and a build when nothing was missing
# at the start but something is now.
bash "${E2E_DIR}/engine/build-pulumi.sh"
engine_env

progress "stack ${STACK}, pointed at the local cluster and its images"
if ! (cd "${ROOT}" && pulumi stack select "${STACK}" >/dev/null 2>&1); then
  (cd "${ROOT}" && pulumi stack init "${STACK}")
fi
lab config set kubeconfig "${STATE}/kubeconfig"
lab config set context netlab-e2e
lab config set imagePullPolicy Never
lab config set --path images.httpd localhost/netlab/httpd:e2e
lab config set --path images.nginx localhost/netlab/nginx:e2e
lab config set --path images.client localhost/netlab/client:e2e
lab config set --path images.dnsTools localhost/netlab/dnstools:e2e

progress "pulumi up"
lab up --yes --skip-preview

progress "report"
lab stack output report
cat <<EOF

local-lab: done in $(($(date +%s) - START)) s. The rest of the results:
  source e2e/engine/pulumi-env.sh && pulumi stack select ${STACK}
  pulumi stack output summary | checks --json | facts --json | diagram | junit
  export KUBECONFIG=${STATE}/kubeconfig; kubectl get pods -n netlab -o wide
Run it again to rerun pulumi up; 'npm run local-lab -- down' destroys the stack and stops the cluster.
EOF
