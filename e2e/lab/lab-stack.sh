# shellcheck shell=bash disable=SC2034
# Shared by e2e/lab/run.sh and e2e/lab/bench.sh: where the e2e cluster is, and a copy of the lab's project with a
# stack pointed at that cluster and its local images. Callers set WORK and STACK, and source
# e2e/engine/pulumi-env.sh before creating the stack.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}"
KUBECONFIG_FILE="${STATE}/kubeconfig"
CONTEXT="netlab-e2e"
NAMESPACE="netlab"

# k ARGS...: kubectl on the e2e cluster, bounded.
k() { timeout 330 kubectl --kubeconfig "${KUBECONFIG_FILE}" --context "${CONTEXT}" --request-timeout=30s "$@"; }

# lab ARGS...: pulumi in the copied project, on the stack, bounded.
lab() { (cd "${WORK}" && timeout 900 pulumi --non-interactive --stack "${STACK}" "$@"); }

# lab_stack_create: copies the lab's own files (so that the stack's config file stays out of the work
# tree), removes what an earlier run left of the stack, and configures a new one.
lab_stack_create() {
  rm -rf "${WORK}"
  mkdir -p "${WORK}"
  cp -r "${ROOT}/index.ts" "${ROOT}/components" "${ROOT}/lib" "${ROOT}/Pulumi.yaml" "${ROOT}/package.json" \
    "${ROOT}/tsconfig.json" "${ROOT}/tsconfig.pulumi.json" "${WORK}/"
  ln -s "${ROOT}/node_modules" "${WORK}/node_modules"
  if (cd "${WORK}" && pulumi stack select "${STACK}" >/dev/null 2>&1); then
    echo "removing the ${STACK} stack of an earlier run"
    # An earlier run killed mid-way leaves the stack locked.
    lab cancel --yes >/dev/null 2>&1 || true
    lab destroy --yes --skip-preview || true
    (cd "${WORK}" && pulumi stack rm "${STACK}" --yes --force)
  fi
  (cd "${WORK}" && pulumi stack init "${STACK}")
  lab config set namespace "${NAMESPACE}"
  lab config set kubeconfig "${KUBECONFIG_FILE}"
  lab config set context "${CONTEXT}"
  lab config set imagePullPolicy Never
  lab config set --path images.httpd localhost/netlab/httpd:e2e
  lab config set --path images.nginx localhost/netlab/nginx:e2e
  lab config set --path images.client localhost/netlab/client:e2e
  lab config set --path images.dnsTools localhost/netlab/dnstools:e2e
}
