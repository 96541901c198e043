#!/usr/bin/env bash
# Prints a kubeconfig for one learner of a class: the cluster of the current kubeconfig (its server and
# CA), a token of the ServiceAccount "learner" in namespace NAME (docs/class/learner.yaml), and NAME as
# the context's default namespace. The token expires after HOURS (default 12); the API server may cap
# it lower (--service-account-max-token-expiration).
#
#   docs/class/learner-kubeconfig.sh learner-1 8 >learner-1.kubeconfig
#
# The output holds a credential: keep it as you would a password (the script writes nothing itself).
# Reads $KUBECONFIG as kubectl does; NETLAB_CONTEXT picks a context other than the current one.
set -euo pipefail

usage() {
  echo "usage: $0 NAME [HOURS]  (NAME: the learner's namespace, e.g. learner-1; HOURS: 1 to 168, default 12)" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
name=$1
hours=${2:-12}
[[ "${name}" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] || usage
[[ "${hours}" =~ ^[1-9][0-9]{0,2}$ && "${hours}" -le 168 ]] || usage

context_args=()
if [[ -n "${NETLAB_CONTEXT:-}" ]]; then context_args=(--context "${NETLAB_CONTEXT}"); fi

# kc ARGS...: kubectl on the instructor's cluster, bounded.
kc() { timeout 40 kubectl "${context_args[@]}" --request-timeout=30s "$@"; }

# --flatten turns a CA kept in a file into data, so that the printed kubeconfig stands alone.
view() { kc config view --raw --minify --flatten --output "jsonpath=$1"; }
cluster=$(view '{.clusters[0].name}')
server=$(view '{.clusters[0].cluster.server}')
ca=$(view '{.clusters[0].cluster.certificate-authority-data}')
[[ -n "${server}" ]] || {
  echo "$0: the current kubeconfig names no cluster server (KUBECONFIG=${KUBECONFIG:-~/.kube/config})" >&2
  exit 1
}

if ! token=$(kc create token learner --namespace "${name}" --duration "${hours}h"); then
  echo "$0: no token for ServiceAccount learner in namespace ${name}: apply docs/class/learner.yaml for ${name} first" >&2
  exit 1
fi

printf '%s\n' \
  'apiVersion: v1' \
  'kind: Config' \
  'clusters:' \
  "  - name: \"${cluster}\"" \
  '    cluster:' \
  "      server: \"${server}\""
if [[ -n "${ca}" ]]; then
  printf '      certificate-authority-data: "%s"\n' "${ca}"
else
  echo "$0: the cluster ${cluster} has no CA data in this kubeconfig; the learner's kubectl will trust the system's CAs" >&2
fi
printf '%s\n' \
  'users:' \
  "  - name: \"${name}\"" \
  '    user:' \
  "      token: \"${token}\"" \
  'contexts:' \
  "  - name: \"${name}\"" \
  '    context:' \
  "      cluster: \"${cluster}\"" \
  "      user: \"${name}\"" \
  "      namespace: \"${name}\"" \
  "current-context: \"${name}\""
