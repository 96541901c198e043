#!/usr/bin/env bash
# Times `pulumi up` of the lab against the same lab done by hand, on the e2e cluster:
#
#   A. pulumi up --yes from nothing (pods, services, probes, every check in parallel)
#   B. the same objects as plain manifests: kubectl apply + kubectl wait, then the same checks
#      (the lab's own planner and runner) one after another with kubectl (e2e/lab/sequential-checks.ts)
#   R. after A, on the lab it built: checksRun bumped, `pulumi up` reruns every check and nothing else
#
#   e2e/lab/bench.sh
#
# Environment:
#   NETLAB_BENCH_ROUNDS          rounds of A, R then B (default 5)
#   NETLAB_BENCH_MAX_LOAD        1-minute load average above which a run counts as "under load"
#                                (default 0.75 per core: 1.5 on 2 cores; the idle two-node cluster alone
#                                keeps it near 0.5 per core)
#   NETLAB_BENCH_SETTLE_SECONDS  how long to wait, before each timed run, for the load average to fall
#                                below that limit (default 90; the run starts anyway afterwards)
#
# Prints, per round: both wall times, the ratio A/B, the 1-minute load average just before and just after
# each timed run, and the phases of `pulumi up` (start-up until the first resource, pods ready, services
# ready, checks done) read from the engine's event log (`pulumi up --event-log`, e2e/lab/up-phases.ts). At the
# end: median and spread (min-max) of A, B, the ratio and R over all rounds and over the rounds not under
# load, and the median and spread of each phase. A round is flagged when the load average before A, R or B
# was above the limit: other work then shared the CPUs and its ratio is not comparable. The load after a run
# is printed but not judged: it includes the run's own work (and the cluster's).
# Both paths end with every check passing, or the bench fails.
# Needs: e2e/cluster/cluster.sh up, e2e/engine/build-pulumi.sh.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lab-stack.sh
source "${E2E_DIR}/lab-stack.sh"
STACK="bench"
WORK="${STATE}/bench-project"
OUT="${STATE}/bench"
# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "${E2E_DIR}/bench-lib.sh"

fail() {
  echo "bench: $*" >&2
  exit 1
}

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
# Registers `pulumi up --event-log`; it changes nothing else.
export PULUMI_DEBUG_COMMANDS=true

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
YAML
# eg2's two pods differ only in their names and images.
for eg2 in pod-httpd:cntr-httpd:httpd pod-nginx:cntr-nginx:nginx; do
  IFS=: read -r pod container image <<<"${eg2}"
  cat >>"${OUT}/lab.yaml" <<YAML
---
apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: netlab, labels: {k8s-networking-lab/pod: ${pod}, k8s-networking-lab/pair: eg2}}
spec:
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: {matchLabels: {k8s-networking-lab/pair: eg2}}
          topologyKey: kubernetes.io/hostname
  containers:
  - name: ${container}
    image: localhost/netlab/${image}:e2e
    imagePullPolicy: Never
    ports: [{containerPort: 80}]
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
YAML
done
cat >>"${OUT}/lab.yaml" <<'YAML'
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
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: netlab-node-probe, namespace: netlab}
spec:
  selector: {matchLabels: {k8s-networking-lab/pod: netlab-node-probe}}
  template:
    metadata: {labels: {k8s-networking-lab/pod: netlab-node-probe}}
    spec:
      hostNetwork: true
      terminationGracePeriodSeconds: 5
      containers:
      - name: probe
        image: localhost/netlab/client:e2e
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

# pulumi_round N: A, timed, then R, timed; sets pulumi_ms, pulumi_start_ms, pulumi_end_ms, load_a_before,
# load_a_after, rerun_ms, load_r_before, load_r_after.
pulumi_round() {
  local events="${OUT}/round-$1.events.json"
  settle
  load_a_before=$(load1)
  pulumi_start_ms=$(now_ms)
  lab up --yes --skip-preview --event-log "${events}" >"${OUT}/pulumi-up.log" 2>&1 ||
    { cat "${OUT}/pulumi-up.log"; fail "pulumi up failed"; }
  pulumi_end_ms=$(now_ms)
  load_a_after=$(load1)
  pulumi_ms=$((pulumi_end_ms - pulumi_start_ms))
  lab stack output summary --json | tee "${OUT}/pulumi-summary.json"
  all_passed "${OUT}/pulumi-summary.json" || fail "checks failed under pulumi up"
  local checks_run=$(($1 + 1))
  lab config set checksRun "${checks_run}"
  settle
  load_r_before=$(load1)
  local rerun_start_ms
  rerun_start_ms=$(now_ms)
  lab up --yes --skip-preview >"${OUT}/pulumi-rerun.log" 2>&1 ||
    { cat "${OUT}/pulumi-rerun.log"; fail "the rerun (checksRun ${checks_run}) failed"; }
  rerun_ms=$(($(now_ms) - rerun_start_ms))
  load_r_after=$(load1)
  lab stack output summary --json >"${OUT}/rerun-summary.json"
  all_passed "${OUT}/rerun-summary.json" || fail "checks failed in the rerun"
  lab config rm checksRun
  lab destroy --yes --skip-preview >"${OUT}/pulumi-destroy.log" 2>&1
  wait_namespace_gone
  PHASES+=("${pulumi_start_ms}" "${pulumi_end_ms}" "${events}")
}

# plain_round: B, timed; sets deploy_ms, checks_ms, load_b_before, load_b_after.
plain_round() {
  settle
  load_b_before=$(load1)
  start=$(now_ms)
  k apply -f "${OUT}/lab.yaml" >/dev/null
  k rollout status daemonset/netlab-node-probe -n "${NAMESPACE}" --timeout=300s >/dev/null
  k wait --for=condition=Ready pod --all -n "${NAMESPACE}" --timeout=300s >/dev/null
  k get pods -n "${NAMESPACE}" -o json >"${OUT}/pods.json"
  k get services -n "${NAMESPACE}" -o json >"${OUT}/services.json"
  deploy_ms=$(($(now_ms) - start))
  # The checks time themselves, so that starting ts-node is not counted against the plain path.
  (cd "${ROOT}" && npx ts-node --transpile-only e2e/lab/sequential-checks.ts "${KUBECONFIG_FILE}" "${CONTEXT}" \
    "${OUT}/pods.json" "${OUT}/services.json") >"${OUT}/sequential.txt" ||
    { cat "${OUT}/sequential.txt"; fail "checks failed in the plain run"; }
  load_b_after=$(load1)
  checks_ms=$(awk '/^checks-wall-ms /{print $2}' "${OUT}/sequential.txt")
  tail -n 2 "${OUT}/sequential.txt" | head -n 1
  k delete namespace "${NAMESPACE}" --wait=false >/dev/null
  wait_namespace_gone
}

phases() { (cd "${ROOT}" && npx ts-node --transpile-only e2e/lab/up-phases.ts "$@"); }

RERUN_MS=() PULUMI_MS=() PLAIN_MS=() RATIOS=() QUIET_PULUMI_MS=() QUIET_PLAIN_MS=() QUIET_RATIOS=() QUIET_RERUN_MS=() PHASES=()
LOADED=0
echo "${ROUNDS} rounds; a run counts as under load when the 1-minute load average before it is above ${MAX_LOAD}" \
  "(${CORES} cores); each run first waits up to ${SETTLE_SECONDS} s for the load to fall below that."
for round in $(seq 1 "${ROUNDS}"); do
  echo "== round ${round}/${ROUNDS}: A. pulumi up"
  pulumi_round "${round}"
  phases "${pulumi_start_ms}" "${pulumi_end_ms}" "${OUT}/round-${round}.events.json"
  echo "== round ${round}/${ROUNDS}: B. kubectl apply + wait + the same checks one after another"
  plain_round
  plain_ms=$((deploy_ms + checks_ms))
  ratio=$(awk -v a="${pulumi_ms}" -v b="${plain_ms}" 'BEGIN { printf "%.2f", a / b }')
  PULUMI_MS+=("${pulumi_ms}") PLAIN_MS+=("${plain_ms}") RATIOS+=("${ratio}") RERUN_MS+=("${rerun_ms}")
  flag=""
  if above "${load_a_before}" "${MAX_LOAD}" || above "${load_b_before}" "${MAX_LOAD}" ||
    above "${load_r_before}" "${MAX_LOAD}"; then
    flag="; UNDER LOAD (load average above ${MAX_LOAD} before a run): not comparable"
    LOADED=$((LOADED + 1))
  else
    QUIET_PULUMI_MS+=("${pulumi_ms}") QUIET_PLAIN_MS+=("${plain_ms}") QUIET_RATIOS+=("${ratio}")
    QUIET_RERUN_MS+=("${rerun_ms}")
  fi
  echo "round ${round}: pulumi up $(seconds "${pulumi_ms}") (load ${load_a_before} -> ${load_a_after});" \
    "kubectl $(seconds "${plain_ms}") (apply + wait $(seconds "${deploy_ms}"), checks $(seconds "${checks_ms}");" \
    "load ${load_b_before} -> ${load_b_after}); ratio ${ratio};" \
    "rerun $(seconds "${rerun_ms}") (load ${load_r_before} -> ${load_r_after})${flag}" | tee -a "${OUT}/rounds.txt"
done
(cd "${WORK}" && pulumi stack rm "${STACK}" --yes >/dev/null)

echo
cat "${OUT}/rounds.txt"
echo
echo "all ${ROUNDS} rounds:"
echo "  pulumi up      $(stats s "${PULUMI_MS[@]}")"
echo "  plain kubectl  $(stats s "${PLAIN_MS[@]}")"
echo "  ratio          $(stats ratio "${RATIOS[@]}") (goal: at most 1.0)"
echo "  checks rerun   $(stats s "${RERUN_MS[@]}")"
if ((LOADED == 0)); then
  echo "no round ran under load (1-minute load average at most ${MAX_LOAD} before every run)."
elif ((LOADED == ROUNDS)); then
  echo "every round ran under load: none of these figures is comparable; run again on a quiet machine."
else
  echo "$((ROUNDS - LOADED)) rounds not under load:"
  echo "  pulumi up      $(stats s "${QUIET_PULUMI_MS[@]}")"
  echo "  plain kubectl  $(stats s "${QUIET_PLAIN_MS[@]}")"
  echo "  ratio          $(stats ratio "${QUIET_RATIOS[@]}") (goal: at most 1.0)"
  echo "  checks rerun   $(stats s "${QUIET_RERUN_MS[@]}")"
fi
echo "A ratio measured under load (1-minute load average above ${MAX_LOAD} before a run, more than the idle" \
  "cluster gives) is not comparable: the two paths do not use the CPUs alike, so other work moves the ratio."
echo
phases --spread-only "${PHASES[@]}"
