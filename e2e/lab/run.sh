#!/usr/bin/env bash
# The lab end to end, with the real Pulumi engine, on the cluster of `e2e/cluster/cluster.sh up`:
#
#   1. an `e2e` stack pointing the lab at the local images and kubeconfig
#   2. `pulumi preview`, then `pulumi up`: every check passes
#   3. the stack outputs and `pulumi stack output report`, asserted against the cluster
#   4. a second `pulumi up` changes nothing; bumping checksRun reruns the checks only
#   5. a service port that nothing serves fails its check as "refused"; strict mode fails the update
#      naming it
#   6. on two nodes: pod traffic between the nodes is dropped (e2e/cluster/fault.sh); exactly the checks
#      whose path crosses nodes fail, as timeout or unreachable, and the report gives that one cause; with
#      the fault removed they pass again. CoreDNS scaled to zero: the report says cluster DNS is down; node
#      2's kube-proxy stopped: the report says so. Every failure shows its evidence. Each break-it
#      exercise (the config key `exercise`) is observed and diagnosed as expected, under strict mode, which
#      does not fail on it; unset, every check passes again. With labs service-depth (agnhost backends built
#      from the cluster's own Kubernetes source), every check of Services in depth passes, each expected
#      refusal and drop included; with the link between the nodes narrowed below the pods' MTU and the ICMP
#      that would say so dropped, exactly the large transfers across nodes fail, for that cause. With labs
#      ingress, the cluster's Traefik takes the lab's Ingress and Gateway: every route lands on its Service's
#      page and every unknown host or path gets Traefik's own 404, through both.
#   7. `pulumi destroy`: the namespace and everything in it are gone
#   8. unhappy paths, each on a new stack: a namespace under Pod Security "baseline" (node checks skipped,
#      the rest passes), "restricted" (a clear message, nothing built), an image that cannot be pulled
#      (pulumi up fails within podStartTimeoutSeconds naming the pod; fixing the image converges), an
#      interrupted pulumi up (the CLI killed while pods are created; refresh, then up converges), objects
#      of the lab's names made by hand (a clear message, nothing built; deleted or adopted, the lab
#      converges), and an unreachable cluster (up fails in bounded time, saying so; the state keeps every
#      resource)
#   9. a class on one cluster (class.sh): three learners side by side, each with a stack of their own in
#      their own namespace, two of them with the admin role there only; the second learner asking for the
#      first one's node port stops with a clear message, nothing built; with node ports left to
#      Kubernetes all three build at once, every check passing or skipped for the rights, and destroying
#      one lab leaves the others untouched. Then kubectl missing from the PATH: pulumi up stops within
#      seconds, saying so, nothing created
#
# Prints each step's wall time; exits non-zero at the first step that fails. NETLAB_E2E_ONLY (a regular
# expression on the step names) runs only some steps.
# Needs: e2e/cluster/cluster.sh up (a Ready node), e2e/engine/build-pulumi.sh (run here when binaries are missing).
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lab-stack.sh
source "${E2E_DIR}/lab-stack.sh"
# shellcheck source-path=SCRIPTDIR source=class.sh
source "${E2E_DIR}/class.sh"
STACK="e2e"
WORK="${STATE}/lab-project"
OUT="${STATE}/e2e-run"

TIMES=()
# NETLAB_E2E_ONLY: an extended regular expression; only the steps whose name matches run (with the
# preflight and the stack's creation), e.g. NETLAB_E2E_ONLY='^8e' for one unhappy path.
ONLY="${NETLAB_E2E_ONLY:-}"
step() { # step NAME COMMAND...
  local name=$1 start end
  shift
  if [[ -n "${ONLY}" && ! "${name}" =~ ${ONLY} && "${name}" != preflight* && "${name}" != 1.* ]]; then
    echo "-- ${name}: not selected by NETLAB_E2E_ONLY"
    return 0
  fi
  echo
  echo "== ${name}"
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  TIMES+=("$(printf '%-52s %8.1f s' "${name}" "$(((end - start) / 1000000))e-3")")
  echo "-- ${name}: $(((end - start) / 1000000)) ms"
}
fail() {
  echo "e2e: $*" >&2
  exit 1
}

preflight() {
  [[ -f "${KUBECONFIG_FILE}" ]] || fail "no kubeconfig at ${KUBECONFIG_FILE}: run e2e/cluster/cluster.sh up"
  k get nodes -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}' | grep -q True ||
    fail "the e2e node is not Ready: run e2e/cluster/cluster.sh up (and e2e/cluster/cluster.sh status)"
  [[ -d "${ROOT}/node_modules/@pulumi/pulumi" ]] || (cd "${ROOT}" && npm ci --ignore-scripts --no-audit --no-fund)
  bash "${E2E_DIR}/../engine/build-pulumi.sh"
  # shellcheck source-path=SCRIPTDIR source=../engine/pulumi-env.sh
  source "${E2E_DIR}/../engine/pulumi-env.sh"
  pulumi version
  echo "plugins this run uses:"
  bash "${E2E_DIR}/../engine/pulumi/plugins.sh"
  NODES=$(k get nodes -o name | wc -l)
  TOTAL=$(node -p 'require(process.argv[1]).length' "${ROOT}/test/support/default-check-ids.json")
  echo "cluster: ${NODES} node(s); the default lab has ${TOTAL} checks"
  # The kube-proxy mode the cluster was brought up with: the lab must find the same (check-outputs.mjs).
  local status
  status="$(bash "${E2E_DIR}/../cluster/cluster.sh" status 2>/dev/null || true)"
  NETLAB_E2E_PROXY_MODE=$(sed -n 's/^kube-proxy mode: //p' <<<"${status}")
  export NETLAB_E2E_PROXY_MODE="${NETLAB_E2E_PROXY_MODE:-iptables}"
  echo "kube-proxy mode: ${NETLAB_E2E_PROXY_MODE}"
  # The checks that cannot apply to this cluster and are skipped, saying why: those from another node on one
  # node, the ipv6.* ones on a cluster that gives no IPv6 addresses. Every other check must pass.
  local family ipv6
  family=$(sed -n 's/^IP family: \([a-z0-9]*\).*/\1/p' <<<"${status}")
  ipv6=$(node -p 'require(process.argv[1]).filter((id) => id.startsWith("ipv6.")).length' \
    "${ROOT}/test/support/default-check-ids.json")
  [[ "${family:-ipv4}" != dual ]] || ipv6=0
  PASSING=$((TOTAL - (NODES > 1 ? 0 : 2) - ipv6))
  echo "IP family: ${family:-ipv4}; ${PASSING} of them can apply here"
  export NETLAB_E2E_IP_FAMILY="${family:-ipv4}"
  NETLAB_E2E_POD_NETWORK=$(sed -n 's/^pod network: \([a-z]*\).*/\1/p' <<<"${status}")
  export NETLAB_E2E_POD_NETWORK="${NETLAB_E2E_POD_NETWORK:-routed}"
  echo "pod network: ${NETLAB_E2E_POD_NETWORK}"
}

prepare_project() {
  rm -rf "${OUT}"
  mkdir -p "${OUT}"
  lab_stack_create
}

capture_cluster() { # capture_cluster PREFIX
  k get pods -n "${NAMESPACE}" -o json >"${OUT}/$1-pods.json"
  k get services -n "${NAMESPACE}" -o json >"${OUT}/$1-services.json"
  k get service kube-dns -n kube-system -o json >"${OUT}/$1-kube-dns.json"
  k get nodes -o json >"${OUT}/$1-nodes.json"
  lab stack output --json >"${OUT}/$1-outputs.json"
}

assert_outputs() { # assert_outputs MODE PREFIX
  capture_cluster "$2"
  node "${E2E_DIR}/check-outputs.mjs" "$1" "${OUT}/$2-outputs.json" "${OUT}/$2-pods.json" \
    "${OUT}/$2-services.json" "${OUT}/$2-kube-dns.json" "${OUT}/$2-nodes.json"
}

first_up() {
  lab preview
  lab up --yes --skip-preview
  assert_outputs healthy first
  lab stack output report | tee "${OUT}/report.txt"
  grep -q "^${PASSING}/${TOTAL} checks passed\." "${OUT}/report.txt" ||
    fail "the report does not say ${PASSING}/${TOTAL} checks passed"
}

second_up_changes_nothing() {
  lab up --yes --skip-preview --expect-no-changes
}

rerun_on_demand() {
  local before after
  before=$(k get pods -n "${NAMESPACE}" -o jsonpath='{.items[*].metadata.uid}')
  lab config set checksRun 2
  lab preview --json >"${OUT}/rerun-preview.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const steps = require(process.argv[1]).steps.filter((s) => s.op !== "same");
    const others = steps.filter((s) => !/::command:local:Command::|\$command:local:Command::/.test(s.urn));
    const checks = steps.filter((s) => /command:local:Command::checks-/.test(s.urn));
    if (others.length > 0 || checks.length === 0) {
      console.error("bumping checksRun should replace the checks only, got:", steps.map((s) => `${s.op} ${s.urn}`));
      process.exit(1);
    }
    console.log(`checksRun 2: ${checks.length} check commands to run again, nothing else`);
  ' "${OUT}/rerun-preview.json"
  lab up --yes --skip-preview
  after=$(k get pods -n "${NAMESPACE}" -o jsonpath='{.items[*].metadata.uid}')
  [[ "${before}" == "${after}" ]] || fail "rerunning the checks replaced pods"
  assert_outputs healthy rerun
}

broken_target() {
  lab config set --path services.nginx.targetPort 8080
  lab up --yes --skip-preview
  assert_outputs broken-nginx-target broken
  lab stack output report >"${OUT}/broken-target-report.txt"
  diagnosed "${OUT}/broken-target-report.txt" "nothing listens on targetPort 8080 in pod-nginx"
  lab config set strict true
  if lab up --yes --skip-preview >"${OUT}/strict.log" 2>&1; then
    cat "${OUT}/strict.log"
    fail "strict mode did not fail the update"
  fi
  grep -q "strict mode: 1 of ${TOTAL} checks failed: service.svc-clusterip-nginx.cluster-ip" "${OUT}/strict.log" ||
    { cat "${OUT}/strict.log"; fail "strict mode's error does not name the failed check"; }
  echo "strict mode failed the update, naming service.svc-clusterip-nginx.cluster-ip"
  lab config set strict false
  lab config set --path services.nginx.targetPort 80
  lab up --yes --skip-preview
  assert_outputs healthy repaired
}

cross_node_fault() {
  if ((NODES < 2)); then
    echo "one node: no traffic crosses nodes, nothing to block"
    return
  fi
  trap 'bash "${E2E_DIR}/../cluster/fault.sh" unblock-cross-node >/dev/null 2>&1 || true' RETURN
  bash "${E2E_DIR}/../cluster/fault.sh" block-cross-node
  lab config set checksRun 3
  lab up --yes --skip-preview
  lab stack output report >"${OUT}/blocked-report.txt"
  assert_outputs cross-node-blocked blocked
  grep -E 'FAILED \(' "${OUT}/blocked-report.txt" || true
  diagnosed "${OUT}/blocked-report.txt" "failures share one cause: .*: pod traffic between netlab-e2e-node and netlab-e2e-node-2 is dropped"
  bash "${E2E_DIR}/../cluster/fault.sh" unblock-cross-node
  lab config set checksRun 4
  lab up --yes --skip-preview
  assert_outputs healthy unblocked
}

# diagnosed REPORT PATTERN: the report says the diagnosis (grep -E) and shows every failure's evidence.
diagnosed() {
  grep -Eq -- "$2" "$1" || { cat "$1"; fail "the report does not give the diagnosis /$2/"; }
  local failures with_evidence
  failures=$(grep -c '^FAILED ' "$1" || true)
  with_evidence=$(grep -c '^  evidence: ' "$1" || true)
  ((failures > 0 && failures == with_evidence)) ||
    { cat "$1"; fail "${failures} failures, ${with_evidence} with their evidence"; }
  grep -E -- "$2" "$1" | head -n 1
}

# rerun_all_pass RUN: checksRun=RUN reruns the checks; every check passes again.
# lab_up_logged NAME WHY: pulumi up, its output in ${OUT}/NAME.log; on failure, the log's tail and WHY.
lab_up_logged() {
  lab up --yes --skip-preview >"${OUT}/$1.log" 2>&1 || { tail -n 40 "${OUT}/$1.log"; fail "$2"; }
}

# service_depth_on NAME / service_depth_off NAME: the lab with service-depth (agnhost from the local image)
# switched on, or back to the tutorial's labs, by pulumi up logged as NAME.
service_depth_on() {
  lab config set labs eg1,eg2,services,service-depth
  lab config set --path images.agnhost localhost/netlab/agnhost:e2e
  lab_up_logged "$1" "pulumi up with service-depth failed"
}
service_depth_off() {
  lab config set labs eg1,eg2,services
  lab_up_logged "$1" "pulumi up without service-depth failed"
}

# rerun_mended NAME CHECKSRUN WHAT: once a fault is mended (WHAT says how), the checks run again and none may
# fail; the stack's outputs go to ${OUT}/NAME-outputs.json.
rerun_mended() {
  lab config set checksRun "$2"
  lab_up_logged "$1" "pulumi up with $3 failed"
  lab stack output --json >"${OUT}/$1-outputs.json"
  node -e '
    const { checks } = require(process.argv[1]);
    const bad = checks.filter((c) => c.outcome === "failed");
    if (bad.length > 0) { console.error(bad.map((c) => `${c.id}: ${c.observed}`).join(String.fromCharCode(10))); process.exit(1); }
  ' "${OUT}/$1-outputs.json" || fail "with $3, a check still fails"
}

rerun_all_pass() {
  lab config set checksRun "$1"
  lab up --yes --skip-preview
  lab stack output report >"${OUT}/mended-$1-report.txt"
  grep -q "^${PASSING}/${TOTAL} checks passed\." "${OUT}/mended-$1-report.txt" ||
    { cat "${OUT}/mended-$1-report.txt"; fail "with the fault mended, not every check passes"; }
}

dns_down_fault() {
  trap 'bash "${E2E_DIR}/../cluster/fault.sh" scale-dns-up >/dev/null 2>&1 || true' RETURN
  bash "${E2E_DIR}/../cluster/fault.sh" scale-dns-down
  lab config set checksRun 5
  lab up --yes --skip-preview
  lab stack output report >"${OUT}/dns-down-report.txt"
  diagnosed "${OUT}/dns-down-report.txt" "failures share one cause: kube-dns .* does not answer at all.*: cluster DNS is down"
  bash "${E2E_DIR}/../cluster/fault.sh" scale-dns-up
  rerun_all_pass 6
}

kube_proxy_fault() {
  if ((NODES < 2)); then
    echo "one node: no second node whose kube-proxy could be stopped"
    return
  fi
  trap 'bash "${E2E_DIR}/../cluster/fault.sh" start-kube-proxy-2 >/dev/null 2>&1 || true' RETURN
  bash "${E2E_DIR}/../cluster/fault.sh" stop-kube-proxy-2
  lab config set checksRun 7
  lab up --yes --skip-preview
  lab stack output report >"${OUT}/kube-proxy-stopped-report.txt"
  diagnosed "${OUT}/kube-proxy-stopped-report.txt" "kube-proxy on netlab-e2e-node-2 is not forwarding"
  # Whatever else failed with it (requests by ClusterIP from node 2's pods, lookups when kube-dns's
  # ClusterIP is reached from node 2) has the same broken link.
  if grep '^  cause:' "${OUT}/kube-proxy-stopped-report.txt" | grep -v 'kube-proxy on netlab-e2e-node-2 is not forwarding'; then
    fail "a failure with node 2's kube-proxy stopped is not put down to it"
  fi
  bash "${E2E_DIR}/../cluster/fault.sh" start-kube-proxy-2
  rerun_all_pass 8
}

# exercises: each break-it exercise on, under strict mode (which must not fail on the failures it expects):
# its `exercise` output says passed; then unset, every check passes again.
exercises() {
  local name run=11 start
  lab config set strict true
  # Every exercise of lib/exercises/index.ts (test/lib/exercises/index.test.ts keeps this list equal to it).
  for name in wrong-target-port selector-typo dns-nowhere; do
    lab config set exercise "${name}"
    start=$(date +%s)
    lab_up_logged "exercise-${name}" "pulumi up with exercise ${name} failed"
    echo "exercise ${name}: pulumi up took $(($(date +%s) - start)) s"
    lab stack output --json >"${OUT}/exercise-${name}-outputs.json"
    lab stack output report >"${OUT}/exercise-${name}-report.txt"
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e '
      const { exercise } = require(process.argv[1]);
      if (exercise?.name !== process.argv[2] || exercise.outcome !== "passed") {
        console.error(JSON.stringify(exercise, null, 2));
        process.exit(1);
      }
      console.log(`exercise ${exercise.name} passed: ${exercise.sentence}`);
    ' "${OUT}/exercise-${name}-outputs.json" "${name}" ||
      { cat "${OUT}/exercise-${name}-report.txt"; fail "exercise ${name} was not observed and diagnosed as expected"; }
    head -n 1 "${OUT}/exercise-${name}-report.txt"
    lab config rm exercise
    start=$(date +%s)
    rerun_all_pass "${run}"
    echo "exercise ${name} unset: every check passes again after $(($(date +%s) - start)) s"
    run=$((run + 1))
  done
  lab config set strict false
}

# On flannel with dual stack the pods send IPv6 packets of 1450 bytes while flannel-v6.1 carries 1430 (the
# report warns of it): large transfers by IPv6 across nodes rely on ICMPv6 "packet too big". With it dropped on
# both nodes before service-depth's backends exist (so that no pod has learnt the path's MTU), exactly the
# large transfer by IPv6 fails, put down to large packets dropped with the IPv6 device and ICMPv6 named, and
# every other check passes; let through again, every check passes. Other flavours: nothing to break.
icmpv6_fault() {
  if [[ "${NETLAB_E2E_IP_FAMILY}" != dual ]]; then
    echo "not on this cluster (${NETLAB_E2E_POD_NETWORK}, ${NETLAB_E2E_IP_FAMILY}): it has no IPv6"
    return 0
  fi
  if [[ "${NETLAB_E2E_POD_NETWORK}" != flannel ]]; then
    echo "not on this cluster (${NETLAB_E2E_POD_NETWORK}, dual): the pods' IPv6 packets fit the way between the nodes"
    return 0
  fi
  trap 'bash "${E2E_DIR}/../cluster/fault.sh" allow-icmpv6-too-big >/dev/null 2>&1 || true' RETURN
  bash "${E2E_DIR}/../cluster/fault.sh" drop-icmpv6-too-big
  service_depth_on icmpv6-fault
  lab stack output --json >"${OUT}/icmpv6-fault-outputs.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const { checks } = require(process.argv[1]);
    const v6 = checks.find((c) => c.id === "service-depth.large.pod-ipv6");
    const others = checks.filter((c) => c !== v6 && c.outcome === "failed");
    console.log(`${v6?.id}: ${v6?.outcome} (${v6?.failure}): ${v6?.diagnosis?.cause}`);
    const named = /IPv6 by flannel-v6\.1 at 1430/.test(v6?.diagnosis?.cause ?? "") && /ICMPv6 "packet too big"/.test(v6?.diagnosis?.cause ?? "");
    if (v6?.outcome !== "failed" || v6.diagnosis?.rule !== "large-packets-dropped" || !named || others.length > 0) {
      console.error(JSON.stringify(others.map(({ id, observed }) => ({ id, observed })), null, 2));
      process.exit(1);
    }
  ' "${OUT}/icmpv6-fault-outputs.json" ||
    fail "with ICMPv6 packet-too-big dropped, not exactly the IPv6 large transfer failed for large packets dropped, naming flannel-v6.1 and ICMPv6"
  bash "${E2E_DIR}/../cluster/fault.sh" allow-icmpv6-too-big
  rerun_mended icmpv6-mended 42 "ICMPv6 let through"
  echo "ICMPv6 let through: every check passes again"
  service_depth_off icmpv6-off
}

# The chapter after the tutorial, on the lab as it stands: agnhost backends (built from the cluster's own
# Kubernetes source) behind the Services of service-depth; every one of its checks must pass on two nodes,
# each expected refusal and drop included. Then the lab goes back to the tutorial's labs.
service_depth() {
  local start
  start=$(date +%s)
  service_depth_on service-depth
  echo "service-depth: pulumi up took $(($(date +%s) - start)) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  lab stack output --json >"${OUT}/service-depth-outputs.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const { checks } = require(process.argv[1]);
    const depth = checks.filter((check) => check.section === "service-depth");
    for (const check of depth) console.log(`${check.id}: ${check.outcome}: ${check.observed}`);
    // A check that cannot apply to this placement (both backends on the client node) is skipped, not failed.
    const bad = checks.filter((check) => check.outcome === "failed");
    // The large transfer by IPv6 is skipped on a cluster without IPv6, saying so.
    const v6 = depth.find((check) => check.id === "service-depth.large.pod-ipv6");
    const v6Wrong = v6?.outcome === "skipped" && !/no IPv6 address|another node/.test(v6.skipReason ?? "");
    if (depth.length !== 11 || bad.length > 0 || v6Wrong) {
      console.error(JSON.stringify(bad, null, 2), v6?.skipReason);
      process.exit(1);
    }
  ' "${OUT}/service-depth-outputs.json" || fail "a check failed with service-depth, or its 11 checks are not all there"
  service_depth_off service-depth-off
  if k get pods --namespace "${NAMESPACE}" pod-backend-a >/dev/null 2>&1; then
    fail "pod-backend-a is still there once service-depth is switched off"
  fi
  echo "service-depth switched off: its backends and Services are gone"
}

# The link between the nodes narrowed below the pods' MTU, the ICMP that would say so dropped: with
# service-depth's backends, exactly the large transfers that cross the nodes fail, each put down to large
# packets dropped (the MTUs the lab found named), and every other check passes; mended, every check passes.
mtu_fault() {
  trap 'bash "${E2E_DIR}/../cluster/fault.sh" restore-mtu >/dev/null 2>&1 || true' RETURN
  service_depth_on mtu-before
  bash "${E2E_DIR}/../cluster/fault.sh" shrink-mtu
  lab config set checksRun 40
  lab_up_logged "mtu-fault" "pulumi up with the MTU fault failed"
  lab stack output --json >"${OUT}/mtu-fault-outputs.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const { checks, report } = require(process.argv[1]);
    // The fault narrows the way IPv4 takes and drops ICMP, not ICMPv6: a transfer by IPv6 still passes
    // (or is skipped, without IPv6), so it is among the checks that must not fail.
    const crossing = (c) => c.large === true && c.path === "cross-node" && c.id !== "service-depth.large.pod-ipv6";
    const wrong = checks.filter((c) =>
      crossing(c)
        ? c.outcome !== "failed" || c.diagnosis?.rule !== "large-packets-dropped"
        : c.outcome === "failed",
    );
    const large = checks.filter(crossing);
    for (const c of large) console.log(`${c.id}: ${c.outcome} (${c.failure}): ${c.diagnosis?.cause}`);
    const lines = report.split(String.fromCharCode(10));
    console.log(lines[0]);
    // The network facts read the narrowed device too: the report warns before any check is read.
    const warning = lines.find((line) => /^warning: pods send packets of up to [0-9]+ bytes, but IPv4 between the nodes crosses .*at MTU 1280/.test(line));
    console.log(warning ?? "no MTU warning in the report");
    if (large.length === 0 || wrong.length > 0 || warning === undefined) {
      console.error(JSON.stringify(wrong.map(({ id, outcome, observed, diagnosis }) => ({ id, outcome, observed, diagnosis })), null, 2));
      process.exit(1);
    }
  ' "${OUT}/mtu-fault-outputs.json" ||
    fail "with the MTU fault, not exactly the large transfers across nodes failed, each for large packets dropped, or the report gave no MTU warning"
  bash "${E2E_DIR}/../cluster/fault.sh" restore-mtu
  rerun_mended mtu-mended 41 "the MTU mended"
  node -e '
    if (/^warning: pods send packets/m.test(require(process.argv[1]).report)) process.exit(1);
  ' "${OUT}/mtu-mended-outputs.json" || fail "with the MTU mended, the report still warns of the MTU"
  echo "MTU mended: every check passes again"
  service_depth_off mtu-off
}

# The chapter after that, Ingress: the cluster's Traefik (cluster.sh starts it, with the default IngressClass
# and a GatewayClass) takes the lab's Ingress and Gateway and publishes its address; through both, every route
# lands on its Service's page and each unknown host or path gets Traefik's own 404. Then the lab goes back to
# the tutorial's labs, and the Ingress, the Gateway and its HTTPRoutes are gone.
ingress_chapter() {
  local start
  start=$(date +%s)
  lab config set labs eg1,eg2,services,ingress
  lab_up_logged ingress "pulumi up with ingress failed"
  echo "ingress: pulumi up took $(($(date +%s) - start)) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  lab stack output --json >"${OUT}/ingress-outputs.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const { checks, facts } = require(process.argv[1]);
    const fronts = checks.filter((c) => c.section === "ingress" || c.section === "gateway");
    for (const c of fronts) console.log(`${c.id}: ${c.outcome}: ${c.observed}`);
    const expected = { className: "traefik", address: "10.250.0.1", addressFrom: "status" };
    const found = ["ingress", "gateway"].filter((f) =>
      Object.entries(expected).every(([key, value]) => facts.fronts?.[f]?.[key] === value),
    );
    const bad = checks.filter((c) => c.outcome === "failed" || (fronts.includes(c) && c.outcome !== "passed"));
    if (fronts.length !== 14 || bad.length > 0 || found.length !== 2) {
      console.error(JSON.stringify({ fronts: facts.fronts, bad }, null, 2));
      process.exit(1);
    }
  ' "${OUT}/ingress-outputs.json" ||
    fail "with ingress, not all 14 checks of Ingress and Gateway passed through Traefik, or a check failed"
  lab config set labs eg1,eg2,services
  lab_up_logged ingress-off "pulumi up without ingress failed"
  local left
  left="$(k get ingresses.networking.k8s.io,gateways.gateway.networking.k8s.io,httproutes.gateway.networking.k8s.io \
    --namespace "${NAMESPACE}" --output name)"
  [[ -z "${left}" ]] || fail "switched off, the ingress lab left: ${left}"
  echo "ingress switched off: its Ingress, Gateway and HTTPRoutes are gone"
}

destroy() {
  lab destroy --yes --skip-preview
  local deadline=$((SECONDS + 180))
  while k get namespace "${NAMESPACE}" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "namespace ${NAMESPACE} still exists 180 s after destroy"
    sleep 2
  done
  echo "namespace ${NAMESPACE} is gone"
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes)
}

fresh_stack() { # fresh_stack: a new stack on the project copy, the previous one destroyed and removed
  lab destroy --yes --skip-preview >/dev/null 2>&1 || true
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes --force >/dev/null 2>&1) || true
  lab_stack_create >/dev/null
}

namespace_gone() {
  local deadline=$((SECONDS + 180))
  while k get namespace "${NAMESPACE}" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "namespace ${NAMESPACE} still exists 180 s after destroy"
    sleep 2
  done
}

pod_security_baseline() {
  fresh_stack
  lab config set podSecurity baseline
  lab up --yes --skip-preview
  k get namespace "${NAMESPACE}" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' |
    grep -qx baseline || fail "the namespace is not labelled baseline"
  assert_outputs baseline baseline
  lab stack output report | grep -E '^skipped|checks passed'
  lab destroy --yes --skip-preview
  namespace_gone
}

pod_security_restricted() {
  fresh_stack
  lab config set podSecurity restricted
  if lab up --yes --skip-preview >"${OUT}/restricted.log" 2>&1; then
    cat "${OUT}/restricted.log"
    fail "pulumi up succeeded in a restricted namespace"
  fi
  grep -q 'Pod Security "restricted" requires every container to run as a non-root user' "${OUT}/restricted.log" ||
    { cat "${OUT}/restricted.log"; fail "the error does not say what restricted forbids"; }
  if k get namespace "${NAMESPACE}" >/dev/null 2>&1; then fail "the namespace was created all the same"; fi
  grep -m1 'Pod Security "restricted"' "${OUT}/restricted.log"
  echo "nothing was built"
}

unpullable_image() {
  fresh_stack
  lab config set podStartTimeoutSeconds 30
  lab config set imagePullPolicy IfNotPresent
  # A registry on a closed local port: the pull is refused at once, nothing leaves the machine.
  lab config set --path images.nginx localhost:1/netlab/nginx:missing
  local start end
  start=$(date +%s)
  if lab up --yes --skip-preview >"${OUT}/unpullable.log" 2>&1; then
    cat "${OUT}/unpullable.log"
    fail "pulumi up succeeded with an image that cannot be pulled"
  fi
  end=$(date +%s)
  grep -Eq 'pod-nginx.*(ErrImagePull|ImagePullBackOff)|(ErrImagePull|ImagePullBackOff).*pod-nginx' "${OUT}/unpullable.log" ||
    { cat "${OUT}/unpullable.log"; fail "the error does not name pod-nginx and the pull failure"; }
  echo "pulumi up failed after $((end - start)) s (podStartTimeoutSeconds 30):"
  grep -E 'ErrImagePull|ImagePullBackOff|timed out' "${OUT}/unpullable.log" | sort -u | head -5
  lab config set --path images.nginx localhost/netlab/nginx:e2e
  start=$(date +%s)
  lab up --yes --skip-preview >"${OUT}/unpullable-fixed.log" 2>&1 ||
    { cat "${OUT}/unpullable-fixed.log"; fail "the lab did not converge once the image was fixed"; }
  end=$(date +%s)
  echo "fixed image: pulumi up converged in $((end - start)) s"
  assert_outputs healthy fixed
  lab destroy --yes --skip-preview
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes)
  namespace_gone
}

interrupted_up() {
  fresh_stack
  # The killed up creates objects as users' provider (4.29 and later) does: a plain create, not server-side
  # apply. Those it created but never recorded are adopted by the next up through the provider's
  # upsertExistingObjects, which the e2e provider (4.25) does not have: with server-side apply on, its
  # default, it adopts them the same way, so the recovery runs that way.
  local -x PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false
  (cd "${WORK}" && exec pulumi --non-interactive --stack "${STACK}" up --yes --skip-preview) \
    >"${OUT}/interrupted.log" 2>&1 &
  local cli=$! deadline=$((SECONDS + 120))
  until k get pods -n "${NAMESPACE}" -o name 2>/dev/null | grep -q .; do
    ((SECONDS < deadline)) || fail "no lab pod appeared within 120 s of pulumi up"
    sleep 0.5
  done
  kill -KILL "${cli}"
  wait "${cli}" 2>/dev/null || true
  echo "killed pulumi up once $(k get pods -n "${NAMESPACE}" -o name | wc -l) pod(s) existed"
  # The killed CLI left its lock: pulumi cancel removes it. The state may hold pending creates: refresh
  # drops them, then up adopts or recreates what is missing.
  lab cancel --yes
  PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=true
  lab refresh --yes --skip-preview --clear-pending-creates >"${OUT}/interrupted-refresh.log" 2>&1 ||
    { cat "${OUT}/interrupted-refresh.log"; fail "refresh after the interrupted up failed"; }
  lab_up_logged "interrupted-up" "pulumi up after the interrupted one did not converge"
  assert_outputs healthy interrupted
  lab destroy --yes --skip-preview
  namespace_gone
}

# The tutorial's pod-httpd and the follow-on post's NodePort Service, as a learner would apply them by hand
# (with the e2e images: nothing is pulled).
hand_made_objects() {
  k get namespace "${NAMESPACE}" >/dev/null 2>&1 || k create namespace "${NAMESPACE}"
  k apply -n "${NAMESPACE}" -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: pod-httpd
  labels:
    app: httpd
spec:
  containers:
    - name: cntr-httpd
      image: localhost/netlab/httpd:e2e
      imagePullPolicy: Never
      ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: svc-nodeport-httpd
spec:
  type: NodePort
  selector:
    app: httpd
  ports:
    - port: 3050
      targetPort: 80
      nodePort: 31000
YAML
}

# Objects of the lab's names made by hand. Users' Kubernetes provider (4.29 and later) creates objects
# with a plain create, which fails with AlreadyExists on them; the e2e provider (4.25) does the same with
# server-side apply off (PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false), so this step runs that way.
leftovers() {
  fresh_stack
  lab destroy --yes --skip-preview >/dev/null
  # A namespace made by hand by an earlier run of this step that stopped half-way.
  k delete namespace "${NAMESPACE}" --ignore-not-found --wait=false
  namespace_gone
  hand_made_objects
  local start=$SECONDS
  if PULUMI_DEBUG_COMMANDS=true PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false lab up --yes --skip-preview --event-log "${OUT}/leftovers-events.json" \
    >"${OUT}/leftovers.log" 2>&1; then
    cat "${OUT}/leftovers.log"
    fail "pulumi up succeeded beside objects made by hand"
  fi
  echo "pulumi up stopped after $((SECONDS - start)) s:"
  grep -o 'namespace netlab, pod pod-httpd, service svc-nodeport-httpd already exist.*' "${OUT}/leftovers.log" |
    head -1 | grep . || { cat "${OUT}/leftovers.log"; fail "the error does not name the objects made by hand"; }
  grep -q 'kubectl delete --namespace netlab pod/pod-httpd service/svc-nodeport-httpd' "${OUT}/leftovers.log" ||
    fail "the error does not give the command that deletes them"
  [[ -z "$(k get pods,services -n "${NAMESPACE}" -l app.kubernetes.io/part-of=k8s-networking-lab -o name)" ]] ||
    fail "the lab built objects all the same"
  echo "nothing was built"

  # Way out 1, as the message says: delete the pod and the Service; the namespace is used as it is.
  k delete --namespace "${NAMESPACE}" pod/pod-httpd service/svc-nodeport-httpd --wait=true
  lab config set createNamespace false
  PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false lab up --yes --skip-preview >"${OUT}/leftovers-deleted.log" 2>&1 ||
    { tail -n 40 "${OUT}/leftovers-deleted.log"; fail "pulumi up failed once the objects made by hand were deleted"; }
  assert_outputs healthy leftovers-deleted
  lab destroy --yes --skip-preview >/dev/null
  k get namespace "${NAMESPACE}" >/dev/null || fail "destroy removed a namespace the lab did not create"

  # Way out 2: the namespace made by hand, adopted with upsertExisting (what is in it cannot be: a Service
  # applied with kubectl keeps the fields kubectl owns, and adopting it fails on a field conflict).
  lab config set createNamespace true
  lab config set upsertExisting true
  lab_up_logged "leftovers-adopted" "pulumi up did not adopt the namespace made by hand"
  k get namespace "${NAMESPACE}" -o jsonpath='{.metadata.labels.app\.kubernetes\.io/part-of}' |
    grep -qx k8s-networking-lab || fail "the namespace made by hand was not adopted"
  assert_outputs healthy leftovers-adopted
  echo "the namespace made by hand was adopted; every check passes"
  lab destroy --yes --skip-preview >/dev/null
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes)
  k delete namespace "${NAMESPACE}" --ignore-not-found --wait=false
  namespace_gone
}

# state_kept BEFORE AFTER TYPES WHAT: every resource of BEFORE (two `pulumi stack export` files) whose type
# matches the regular expression TYPES is still in AFTER; WHAT names them in the messages.
state_kept() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [beforeFile, afterFile, types, what] = process.argv.slice(1);
    const urns = (file) => new Set(JSON.parse(require("fs").readFileSync(file, "utf8")).deployment.resources
      .filter((r) => new RegExp(types).test(r.type)).map((r) => r.urn));
    const before = urns(beforeFile);
    const after = urns(afterFile);
    const lost = [...before].filter((urn) => !after.has(urn));
    if (lost.length > 0) { console.error(`the state lost ${what}:`, lost); process.exit(1); }
    console.log(`the state still holds all ${before.size} ${what} it had`);
  ' "$@"
}

# state_holds_nothing EXPORT: a `pulumi stack export` file holds no resource but the stack itself and
# providers (which create nothing on the cluster).
state_holds_nothing() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const resources = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).deployment.resources ?? [];
    const built = resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
    if (built.length > 0) { console.error("the state holds resources:", built.map((r) => r.urn)); process.exit(1); }
    console.log(`the state holds ${resources.map((r) => r.type).join(", ") || "nothing"}`);
  ' "$1"
}

unreachable_cluster() {
  fresh_stack
  lab up --yes --skip-preview >/dev/null
  local start
  lab stack export >"${OUT}/unreachable-state-before.json"
  # The same cluster's kubeconfig with its server moved to a closed local port.
  sed 's#server: https://.*#server: https://127.0.0.1:1#' "${KUBECONFIG_FILE}" >"${OUT}/unreachable.kubeconfig"
  lab config set kubeconfig "${OUT}/unreachable.kubeconfig"
  lab config set checksRun 5
  start=$SECONDS
  if lab up --yes --skip-preview >"${OUT}/unreachable-up.log" 2>&1; then
    cat "${OUT}/unreachable-up.log"
    fail "pulumi up succeeded against an unreachable cluster"
  fi
  echo "pulumi up failed after $((SECONDS - start)) s:"
  grep -E 'error:' "${OUT}/unreachable-up.log" | sort -u | head -4
  grep -q 'unreachable' "${OUT}/unreachable-up.log" || fail "the error does not say that the cluster is unreachable"
  if grep -q 'error serializing property' "${OUT}/unreachable-up.log"; then
    fail "the error is buried in the program's serialization errors"
  fi
  lab stack export >"${OUT}/unreachable-state-after.json"
  state_kept "${OUT}/unreachable-state-before.json" "${OUT}/unreachable-state-after.json" . "resources"
  lab config set kubeconfig "${KUBECONFIG_FILE}"

  # pulumi destroy uses the provider settings in the state, so a changed kubeconfig does not cut it off:
  # the API server itself is made unreachable, by rejecting connections to it from this machine.
  local server api_ip api_port
  server=$(sed -n 's#^ *server: https://\([0-9.]*\):\([0-9]*\).*#\1 \2#p' "${KUBECONFIG_FILE}" | head -1)
  read -r api_ip api_port <<<"${server}"
  [[ -n "${api_ip}" && -n "${api_port}" ]] || fail "no API server address in ${KUBECONFIG_FILE}"
  local rule=(OUTPUT -p tcp -d "${api_ip}" --dport "${api_port}" -j REJECT --reject-with tcp-reset)
  iptables -I "${rule[@]}"
  start=$SECONDS
  if lab destroy --yes --skip-preview >"${OUT}/unreachable-destroy.log" 2>&1; then
    iptables -D "${rule[@]}"
    cat "${OUT}/unreachable-destroy.log"
    fail "pulumi destroy succeeded with the API server unreachable"
  fi
  iptables -D "${rule[@]}"
  echo "pulumi destroy failed after $((SECONDS - start)) s:"
  grep -E 'error:' "${OUT}/unreachable-destroy.log" | sort -u | head -3
  grep -Eq 'connection refused|connection reset|unreachable' "${OUT}/unreachable-destroy.log" ||
    fail "the error does not say that the cluster cannot be reached"
  lab stack export >"${OUT}/unreachable-state-destroy.json"
  # What needs no cluster to delete (the check commands) is deleted; every Kubernetes object stays.
  state_kept "${OUT}/unreachable-state-before.json" "${OUT}/unreachable-state-destroy.json" \
    '^(kubernetes:|pulumi:providers:kubernetes$)' "Kubernetes objects and their provider"
  lab destroy --yes --skip-preview
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes)
  namespace_gone
}

# path_without NAME DIR: prints this PATH with NAME taken off it: each of its directories that holds NAME
# is replaced by a directory under DIR with links to everything else in it.
path_without() {
  local name=$1 root=$2 dir shim path="" n=0 dirs
  rm -rf "${root}"
  IFS=: read -ra dirs <<<"${PATH}"
  for dir in "${dirs[@]}"; do
    [[ -d "${dir}" ]] || continue
    if [[ -e "${dir}/${name}" ]]; then
      n=$((n + 1))
      shim="${root}/${n}"
      mkdir -p "${shim}"
      # -H: /bin may be a link to /usr/bin.
      find -H "${dir}" -mindepth 1 -maxdepth 1 ! -name "${name}" -exec ln -s -t "${shim}" {} +
      dir="${shim}"
    fi
    path="${path:+${path}:}${dir}"
  done
  echo "${path}"
}

# stop_seconds EVENTS: seconds from the program's start (the engine registering the stack resource) to its
# first error, from an event log (`pulumi up --event-log`), whose timestamps are whole seconds.
stop_seconds() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const events = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
    const start = events.find((e) => e.resourcePreEvent?.metadata.type === "pulumi:pulumi:Stack");
    const stop = events.find((e) => e.diagnosticEvent?.severity === "error");
    if (start === undefined || stop === undefined) { console.error("no program start or no error in the event log"); process.exit(1); }
    console.log(stop.timestamp - start.timestamp);
  ' "$1"
}

kubectl_missing() {
  fresh_stack
  namespace_gone
  local path start wall after
  path=$(path_without kubectl "${OUT}/path-without-kubectl")
  if PATH="${path}" command -v kubectl >/dev/null; then fail "kubectl is still on the PATH made without it"; fi
  PATH="${path}" command -v pulumi node sh timeout >/dev/null || fail "the PATH without kubectl lacks what pulumi up needs"
  start=$(date +%s%N)
  # PULUMI_DEBUG_COMMANDS: the engine's event log (--event-log) is one of its debugging flags.
  if PATH="${path}" PULUMI_DEBUG_COMMANDS=true lab up --yes --skip-preview --event-log "${OUT}/no-kubectl-events.json" >"${OUT}/no-kubectl.log" 2>&1; then
    cat "${OUT}/no-kubectl.log"
    fail "pulumi up succeeded without kubectl"
  fi
  wall=$((($(date +%s%N) - start) / 1000000))
  after=$(stop_seconds "${OUT}/no-kubectl-events.json")
  printf 'pulumi up without kubectl failed after %.1f s in all, %s s after the program started (load average %s):\n' \
    "${wall}e-3" "${after}" "$(cut -d' ' -f1-3 /proc/loadavg)"
  grep -o 'kubectl was not found on the PATH.*' "${OUT}/no-kubectl.log" | head -n 1 | grep . ||
    { cat "${OUT}/no-kubectl.log"; fail "the error does not say that kubectl was not found on the PATH"; }
  if grep -q 'error serializing' "${OUT}/no-kubectl.log"; then
    fail "the stop is buried in the program's serialization errors"
  fi
  # The program stops on discovery's first answer: 5 s, to the event log's whole seconds.
  ((after <= 5)) || fail "the program stopped ${after} s after it started, not within 5 s"
  # The rest of the wall time is the CLI's own start (plugins, the language host, transpiling the program)
  # and its end: a few seconds on a quiet machine, several times that on a loaded 2-core one. 30 s still
  # tells a stop before anything is built from a failure after the namespace and the node probes are made.
  ((wall < 30000)) || fail "pulumi up without kubectl took ${wall} ms, not under 30 s"
  lab stack export >"${OUT}/no-kubectl-state.json"
  state_holds_nothing "${OUT}/no-kubectl-state.json"
  if k get namespace "${NAMESPACE}" >/dev/null 2>&1; then fail "the namespace was created all the same"; fi
  echo "nothing was created"
  lab destroy --yes --skip-preview >/dev/null
  (cd "${WORK}" && pulumi stack rm "${STACK}" --yes)
}

step "preflight: cluster Ready, engine built" preflight
step "1. e2e stack with local images and kubeconfig" prepare_project
step "2-3. preview + up; outputs match the cluster" first_up
step "4a. second up changes nothing" second_up_changes_nothing
step "4b. checksRun=2 reruns the checks only" rerun_on_demand
step "5. broken target fails as refused; strict fails" broken_target
step "6. cross-node traffic dropped: exactly those checks fail" cross_node_fault
step "6b. CoreDNS scaled to zero: the report says cluster DNS is down" dns_down_fault
step "6c. node 2's kube-proxy stopped: the report names it" kube_proxy_fault
step "6d. exercises: each mistake observed and diagnosed" exercises
step "6e. service-depth: hairpin, no endpoints, load balancing, affinity, externalTrafficPolicy" service_depth
step "6f. MTU too small between the nodes: only large transfers across nodes fail, for that cause" mtu_fault
step "6g. ingress: routes by host and path through Traefik, as an Ingress and as Gateway API HTTPRoutes" ingress_chapter
step "6h. IPv6 packets too big for flannel's IPv6 overlay, ICMPv6 dropped: only the IPv6 large transfer fails" icmpv6_fault
step "7. destroy removes everything" destroy
step "8a. Pod Security baseline: node checks skipped, the rest passes" pod_security_baseline
step "8b. Pod Security restricted: a clear message, nothing built" pod_security_restricted
step "8c. an image that cannot be pulled fails fast; fixed, the lab converges" unpullable_image
step "8d. pulumi up killed while pods are created; refresh and up converge" interrupted_up
step "8e. objects made by hand: a clear message, nothing built; deleted or adopted, the lab converges" leftovers
step "8f. an unreachable cluster: up and destroy fail in bounded time, saying so; state kept" unreachable_cluster
step "9a. a class: three learners side by side" class_side_by_side
step "9b. kubectl missing: a clear stop in 5 s, nothing created" kubectl_missing

echo
echo "e2e passed. Wall time per step:"
printf '  %s\n' "${TIMES[@]}"
