#!/usr/bin/env bash
# Times `pulumi up` of the lab against the same lab done by hand, in one run, on the e2e cluster:
#
#   A. pulumi up --yes from nothing (pods, services, probes, every check in parallel)
#   B. the same objects as plain manifests: kubectl apply + kubectl wait, then the same checks
#      (the lab's own planner and runner) one after another with kubectl
#
# Runs NETLAB_BENCH_ROUNDS rounds (default 3) of A then B, prints every round's wall times and the median
# ratio A/B. Both paths end with every check passing, or the bench fails.
# Needs: e2e/cluster/cluster.sh up, e2e/engine/build-pulumi.sh.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lab-stack.sh
source "${E2E_DIR}/lab-stack.sh"
STACK="bench"
WORK="${STATE}/bench-project"
OUT="${STATE}/bench"
ROUNDS="${NETLAB_BENCH_ROUNDS:-3}"

fail() {
  echo "bench: $*" >&2
  exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
wait_namespace_gone() {
  local deadline=$((SECONDS + 180))
  while k get namespace "${NAMESPACE}" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "namespace ${NAMESPACE} still exists after 180 s"
    sleep 2
  done
}

[[ -f "${KUBECONFIG_FILE}" ]] || fail "no kubeconfig at ${KUBECONFIG_FILE}: run e2e/cluster/cluster.sh up"
k get namespace "${NAMESPACE}" >/dev/null 2>&1 && fail "namespace ${NAMESPACE} exists: destroy the lab first"
bash "${E2E_DIR}/../engine/build-pulumi.sh" >/dev/null
# shellcheck source-path=SCRIPTDIR source=../engine/pulumi-env.sh
source "${E2E_DIR}/../engine/pulumi-env.sh"

rm -rf "${OUT}"
mkdir -p "${OUT}"
lab_stack_create >/dev/null

cat >"${OUT}/lab.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: netlab}
---
apiVersion: v1
kind: Pod
metadata: {name: pod-demo, namespace: netlab, labels: {component: centos, k8s-networking-lab/pod: pod-demo}}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: cntr-httpd
    image: localhost/netlab/httpd:e2e
    imagePullPolicy: Never
    ports: [{containerPort: 80}]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
  - name: cntr-centos
    image: localhost/netlab/client:e2e
    imagePullPolicy: Never
    command: ["/bin/bash", "-c"]
    args: ["while true ; do\n  date\n  curl http://localhost\n  sleep 10\ndone\n"]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
---
apiVersion: v1
kind: Pod
metadata: {name: pod-httpd, namespace: netlab, labels: {k8s-networking-lab/pod: pod-httpd}}
spec:
  containers:
  - name: cntr-httpd
    image: localhost/netlab/httpd:e2e
    imagePullPolicy: Never
    ports: [{containerPort: 80}]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
---
apiVersion: v1
kind: Pod
metadata: {name: pod-nginx, namespace: netlab, labels: {k8s-networking-lab/pod: pod-nginx}}
spec:
  containers:
  - name: cntr-nginx
    image: localhost/netlab/nginx:e2e
    imagePullPolicy: Never
    ports: [{containerPort: 80}]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
---
apiVersion: v1
kind: Pod
metadata: {name: netlab-dns-probe, namespace: netlab}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: probe
    image: localhost/netlab/dnstools:e2e
    imagePullPolicy: Never
    command: ["sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 3600 & wait $!; done"]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
---
apiVersion: v1
kind: Service
metadata: {name: svc-nodeport-httpd, namespace: netlab}
spec:
  type: NodePort
  selector: {k8s-networking-lab/pod: pod-httpd}
  ports: [{name: http, protocol: TCP, port: 3050, targetPort: 80, nodePort: 31000}]
---
apiVersion: v1
kind: Service
metadata: {name: svc-clusterip-nginx, namespace: netlab}
spec:
  type: ClusterIP
  selector: {k8s-networking-lab/pod: pod-nginx}
  ports: [{name: http, protocol: TCP, port: 80, targetPort: 80}]
YAML

pulumi_round() {
  start=$(now_ms)
  lab up --yes --skip-preview >"${OUT}/pulumi-up.log" 2>&1 || { cat "${OUT}/pulumi-up.log"; fail "pulumi up failed"; }
  pulumi_ms=$(($(now_ms) - start))
  lab stack output summary --json | tee "${OUT}/pulumi-summary.json"
  node -e 'process.exit(require(process.argv[1]).failed === 0 ? 0 : 1)' "${OUT}/pulumi-summary.json" ||
    fail "checks failed under pulumi up"
  lab destroy --yes --skip-preview >"${OUT}/pulumi-destroy.log" 2>&1
  wait_namespace_gone
}

plain_round() {
  start=$(now_ms)
  k apply -f "${OUT}/lab.yaml" >/dev/null
  k wait --for=condition=Ready pod/pod-demo -n "${NAMESPACE}" --timeout=300s >/dev/null
  node_name=$(k get pod pod-demo -n "${NAMESPACE}" -o jsonpath='{.spec.nodeName}')
  k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: netlab-node-probe, namespace: ${NAMESPACE}}
spec:
  hostNetwork: true
  nodeName: ${node_name}
  terminationGracePeriodSeconds: 5
  containers:
  - name: probe
    image: localhost/netlab/client:e2e
    imagePullPolicy: Never
    command: ["sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 3600 & wait \$!; done"]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
YAML
  k wait --for=condition=Ready pod --all -n "${NAMESPACE}" --timeout=300s >/dev/null
  k get pods -n "${NAMESPACE}" -o json >"${OUT}/pods.json"
  k get services -n "${NAMESPACE}" -o json >"${OUT}/services.json"
  deploy_ms=$(($(now_ms) - start))
  # The checks time themselves, so that starting ts-node is not counted against the plain path.
  (cd "${ROOT}" && npx ts-node --transpile-only e2e/lab/sequential-checks.ts "${KUBECONFIG_FILE}" "${CONTEXT}" \
    "${OUT}/pods.json" "${OUT}/services.json") | tee "${OUT}/sequential.txt" || fail "checks failed in the plain run"
  k delete namespace "${NAMESPACE}" --wait=false >/dev/null
  wait_namespace_gone
}

RATIOS=()
for round in $(seq 1 "${ROUNDS}"); do
  echo "== round ${round}/${ROUNDS}: A. pulumi up"
  pulumi_round
  echo "== round ${round}/${ROUNDS}: B. kubectl apply + wait + the same checks one after another"
  plain_round
  checks_ms=$(awk '/^checks-wall-ms /{print $2}' "${OUT}/sequential.txt")
  plain_ms=$((deploy_ms + checks_ms))
  ratio=$(awk -v a="${pulumi_ms}" -v b="${plain_ms}" 'BEGIN { printf "%.2f", a / b }')
  RATIOS+=("${ratio}")
  echo "round ${round}: pulumi up ${pulumi_ms} ms; kubectl ${plain_ms} ms (apply + wait ${deploy_ms} ms, checks ${checks_ms} ms); ratio ${ratio}" |
    tee -a "${OUT}/rounds.txt"
done
(cd "${WORK}" && pulumi stack rm "${STACK}" --yes >/dev/null)
median=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
echo
cat "${OUT}/rounds.txt"
echo "median ratio pulumi up / plain kubectl over ${ROUNDS} rounds: ${median} (goal: at most 1.2)"
