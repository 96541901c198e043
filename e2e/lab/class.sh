# shellcheck shell=bash
# Sourced by e2e/lab/run.sh: step 9a, a class on one cluster. Three learners, each with a namespace, a
# ServiceAccount and a kubeconfig for it made as an instructor would (docs/class/), and each with a stack
# and a copy of the project of their own:
#
#   learner-1: admin in learner-1, plus the cluster-wide read rights of docs/class/learner-cluster-read.yaml
#   learner-2, learner-3: admin in their own namespace only
#
# Uses run.sh's helpers (k, lab, lab_stack_create, fail, state_holds_nothing) and its OUT and ROOT.

CLASS_LEARNERS=(1 2 3)
CLASS_NAMESPACES=(learner-1 learner-2 learner-3)
CLASS_READ_BINDING="netlab-learner-read-learner-1"
CLASS_READ_ROLE="netlab-learner-read"

# class_dir: where the learners' project copies, kubeconfigs and logs go (inside run.sh's OUT).
class_dir() { echo "${OUT}/class"; }

# learner_lab N ARGS...: pulumi on learner N's stack, in learner N's copy of the project.
learner_lab() {
  local n=$1
  shift
  WORK="$(class_dir)/learner-${n}/project" STACK="learner-${n}" lab "$@"
}

# class_forget: what an earlier run of this step left, gone: the learners' stacks (their state only: the
# namespaces hold every object the labs made, and are deleted with them), the namespaces, the read rights.
class_forget() {
  local scratch n
  scratch="$(class_dir)/forget"
  mkdir -p "${scratch}"
  cp "${ROOT}/Pulumi.yaml" "${scratch}/"
  for n in "${CLASS_LEARNERS[@]}"; do
    (cd "${scratch}" && timeout 60 pulumi --non-interactive stack rm "learner-${n}" --yes --force >/dev/null 2>&1) || true
  done
  k delete namespace "${CLASS_NAMESPACES[@]}" --ignore-not-found --wait=false >/dev/null
  k delete clusterrolebinding "${CLASS_READ_BINDING}" --ignore-not-found >/dev/null
  k delete clusterrole "${CLASS_READ_ROLE}" --ignore-not-found >/dev/null
  rm -f "$(class_dir)"/learner-*.kubeconfig
}

# class_namespaces_gone: every learner namespace deleted, within 180 s.
class_namespaces_gone() {
  local deadline=$((SECONDS + 180))
  while k get namespace "${CLASS_NAMESPACES[@]}" -o name --ignore-not-found 2>/dev/null | grep -q .; do
    ((SECONDS < deadline)) || fail "learner namespaces still exist 180 s after their deletion"
    sleep 2
  done
}

# class_enrol N: learner N's namespace, ServiceAccount and RoleBinding from docs/class/learner.yaml, a
# kubeconfig for them from docs/class/learner-kubeconfig.sh, and a stack of their own using it.
class_enrol() {
  local n=$1 dir kubeconfig learner_context
  dir="$(class_dir)"
  kubeconfig="${dir}/learner-${n}.kubeconfig"
  sed "s/learner-1/learner-${n}/g" "${ROOT}/docs/class/learner.yaml" | k apply -f - >/dev/null
  # The kubeconfig holds a token: readable by this user only. Two hours outlast the step.
  (umask 077 && KUBECONFIG="${KUBECONFIG_FILE}" NETLAB_CONTEXT="${CONTEXT}" timeout 60 \
    bash "${ROOT}/docs/class/learner-kubeconfig.sh" "learner-${n}" 2 >"${kubeconfig}") ||
    fail "docs/class/learner-kubeconfig.sh learner-${n} made no kubeconfig"
  learner_context=$(timeout 30 kubectl --kubeconfig "${kubeconfig}" config current-context)
  WORK="${dir}/learner-${n}/project" STACK="learner-${n}" NAMESPACE="learner-${n}" \
    KUBECONFIG_FILE="${kubeconfig}" CONTEXT="${learner_context}" lab_stack_create >/dev/null
  learner_lab "${n}" config set createNamespace false
  echo "learner-${n}: namespace learner-${n}, context ${learner_context} of ${kubeconfig}"
}

# class_objects NAMESPACE: every pod, Service and DaemonSet in it, with its UID, one a line.
class_objects() {
  k get pods,services,daemonsets -n "$1" \
    -o jsonpath='{range .items[*]}{.kind}/{.metadata.name} {.metadata.uid}{"\n"}{end}' | sort
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# class_up_side_by_side: every learner's pulumi up at once; each must succeed. Prints each one's wall
# time with the load average at its start and at its end.
class_up_side_by_side() {
  local dir n pids=() rc ms s1 s2 s3 e1 e2 e3
  dir="$(class_dir)"
  for n in "${CLASS_LEARNERS[@]}"; do
    (
      started=$(date +%s%N)
      load=$(load_average)
      rc=0
      learner_lab "${n}" up --yes --skip-preview >"${dir}/learner-${n}-up.log" 2>&1 || rc=$?
      echo "${rc} $((($(date +%s%N) - started) / 1000000)) ${load} $(load_average)" >"${dir}/learner-${n}-up.status"
    ) &
    pids+=("$!")
  done
  wait "${pids[@]}"
  for n in "${CLASS_LEARNERS[@]}"; do
    read -r rc ms s1 s2 s3 e1 e2 e3 <"${dir}/learner-${n}-up.status"
    printf 'learner-%s: pulumi up took %.1f s (exit %s; load average %s %s %s at its start, %s %s %s at its end)\n' \
      "${n}" "${ms}e-3" "${rc}" "${s1}" "${s2}" "${s3}" "${e1}" "${e2}" "${e3}"
    ((rc == 0)) || { tail -n 40 "${dir}/learner-${n}-up.log"; fail "learner-${n}'s pulumi up failed"; }
  done
}

# class_judged N RIGHTS: learner N's checks all passed or skipped; with RIGHTS "namespace-only", every
# skipped check says the rights are the reason (or, for an ipv6.* check, that the cluster has no IPv6) and `facts` names the reads the credentials forbid. Prints
# the counts, the httpd Service's node port and the reads not made.
class_judged() {
  local n=$1 dir
  dir="$(class_dir)"
  learner_lab "${n}" stack output --json >"${dir}/learner-${n}-outputs.json"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [file, who, rights] = process.argv.slice(1);
    const outputs = require(file);
    const checks = outputs.checks ?? [];
    const problems = checks.length === 0 ? ["no checks in the outputs"] : [];
    const count = (outcome) => checks.filter((c) => c.outcome === outcome).length;
    for (const c of checks) {
      if (c.outcome !== "passed" && c.outcome !== "skipped") {
        problems.push(`${c.id}: ${c.outcome} ${c.failure ?? ""} (observed: ${c.observed})`);
      }
      // The ipv6.* checks are skipped on a cluster without IPv6 whatever the rights.
      const forFamily = c.id.startsWith("ipv6.") && /IPv4 only/.test(c.skipReason ?? "");
      if (rights === "namespace-only" && c.outcome === "skipped" && !forFamily && !/forbidden|credentials/i.test(c.skipReason ?? "")) {
        problems.push(`${c.id}: skipped for a reason other than the rights: ${c.skipReason}`);
      }
    }
    const unread = outputs.facts?.unread ?? [];
    const whole = (u) => ["read", "why", "cost"].every((f) => typeof u?.[f] === "string" && u[f] !== "");
    if (rights === "namespace-only" && (!Array.isArray(unread) || unread.length === 0)) {
      problems.push("facts.unread names no read that the credentials forbid");
    }
    for (const u of unread) if (!whole(u)) problems.push(`facts.unread: not {read, why, cost}: ${JSON.stringify(u)}`);
    const nodePort = Object.values(outputs.facts?.services ?? {}).find((s) => s.nodePort !== undefined)?.nodePort;
    console.log(`${who}: ${count("passed")} passed, ${count("skipped")} skipped, of ${checks.length} checks; node port ${nodePort}`);
    for (const u of unread) console.log(`  unread: ${u.read} (${u.why}): ${u.cost}`);
    const reasons = [...new Set(checks.filter((c) => c.outcome === "skipped").map((c) => c.skipReason))];
    for (const reason of reasons) console.log(`  skipped because: ${reason}`);
    if (problems.length > 0) {
      console.error(`${who}:\n  ${problems.join("\n  ")}`);
      process.exit(1);
    }
  ' "${dir}/learner-${n}-outputs.json" "learner-${n}" "$2"
}

# class_report N RIGHTS: the head of learner N's report, for the log; with RIGHTS "namespace-only" its
# header names what these credentials could not read.
class_report() {
  local n=$1 report
  report="$(class_dir)/learner-${n}-report.txt"
  learner_lab "${n}" stack output report >"${report}"
  echo "learner-${n}'s report begins:"
  head -n 6 "${report}" | cut -c1-400 | sed 's/^/  | /'
  if [[ "$2" == namespace-only ]]; then
    grep -q '^not read with these credentials:' "${report}" ||
      { cat "${report}"; fail "learner-${n}'s report does not say what these credentials could not read"; }
    # Shown in full when it is not among the lines above.
    head -n 6 "${report}" | grep -q '^not read with these credentials:' ||
      grep -m1 '^not read with these credentials:' "${report}" | sed 's/^/  | /'
  fi
}

# class_node_port N: the node port learner N's httpd Service got, from the cluster.
class_node_port() {
  k get services -n "learner-$1" -l app.kubernetes.io/part-of=k8s-networking-lab \
    -o jsonpath='{.items[*].spec.ports[*].nodePort}'
}

# class_taken_port_stops: learner-2 asks for the tutorial's node port, which learner-1's lab holds: pulumi
# up stops before anything is built, naming the port and its holder.
class_taken_port_stops() {
  local dir start
  dir="$(class_dir)"
  start=$(date +%s%N)
  if learner_lab 2 up --yes --skip-preview >"${dir}/learner-2-taken.log" 2>&1; then
    cat "${dir}/learner-2-taken.log"
    fail "learner-2's pulumi up succeeded with node port 31000, which learner-1's lab holds"
  fi
  printf 'learner-2 with node port 31000: pulumi up stopped after %.1f s (load average %s):\n' \
    "$((($(date +%s%N) - start) / 1000000))e-3" "$(load_average)"
  grep -o 'services\.httpd\.nodePort: 31000 is already allocated to.*' "${dir}/learner-2-taken.log" |
    head -n 1 | grep . || { cat "${dir}/learner-2-taken.log"; fail "the stop does not say that 31000 is taken"; }
  if grep -q 'error serializing' "${dir}/learner-2-taken.log"; then
    fail "the stop is buried in the program's serialization errors"
  fi
  [[ -z "$(k get pods,services,daemonsets -n learner-2 -o name)" ]] ||
    { k get pods,services,daemonsets -n learner-2; fail "learner-2's lab built objects all the same"; }
  learner_lab 2 stack export >"${dir}/learner-2-taken-state.json"
  state_holds_nothing "${dir}/learner-2-taken-state.json"
  echo "nothing was built in learner-2"
}

# class_destroy_leaves_others: destroying learner-2's lab leaves the other learners' objects as they were
# (the same UIDs) and learner-2's namespace, which the lab did not create, in place.
class_destroy_leaves_others() {
  local before after
  before="$(class_objects learner-1 && class_objects learner-3)"
  [[ -n "${before}" ]] || fail "learner-1 and learner-3 hold no objects to compare"
  learner_lab 2 destroy --yes --skip-preview >/dev/null
  after="$(class_objects learner-1 && class_objects learner-3)"
  [[ "${before}" == "${after}" ]] ||
    { diff <(echo "${before}") <(echo "${after}") || true; fail "destroying learner-2's lab changed other learners' objects"; }
  echo "destroying learner-2's lab left learner-1's and learner-3's $(grep -c . <<<"${before}") objects as they were"
  k get namespace learner-2 >/dev/null || fail "destroy removed learner-2's namespace, which the lab did not create"
  [[ -z "$(k get pods,services,daemonsets -n learner-2 -l app.kubernetes.io/part-of=k8s-networking-lab -o name)" ]] ||
    fail "learner-2's lab objects outlived its destroy"
}

class_side_by_side() {
  mkdir -p "$(class_dir)"
  # A failure half-way leaves no learner behind for the next run (the namespaces hold every lab object).
  trap class_forget EXIT
  class_forget
  class_namespaces_gone
  local n ports
  for n in "${CLASS_LEARNERS[@]}"; do class_enrol "${n}"; done
  k apply -f "${ROOT}/docs/class/learner-cluster-read.yaml" >/dev/null
  echo "learner-1 may also read nodes, Services and EndpointSlices cluster-wide"

  learner_lab 1 up --yes --skip-preview >"$(class_dir)/learner-1-first-up.log" 2>&1 ||
    { tail -n 40 "$(class_dir)/learner-1-first-up.log"; fail "learner-1's first pulumi up failed"; }
  [[ "$(class_node_port 1)" == 31000 ]] || fail "learner-1's httpd Service has node port $(class_node_port 1), not 31000"
  echo "learner-1 alone: built, node port 31000"
  class_taken_port_stops

  learner_lab 1 config set checksRun 2
  learner_lab 2 config set --path services.httpd.nodePort auto
  learner_lab 3 config set --path services.httpd.nodePort auto
  class_up_side_by_side
  class_judged 1 cluster-read
  class_judged 2 namespace-only
  class_judged 3 namespace-only
  class_report 1 cluster-read
  class_report 2 namespace-only
  class_report 3 namespace-only
  ports="$(class_node_port 1) $(class_node_port 2) $(class_node_port 3)"
  [[ "$(tr ' ' '\n' <<<"${ports}" | sort -u | grep -c .)" == 3 ]] || fail "the learners' node ports are not three: ${ports}"
  echo "node ports of learner-1, -2, -3: ${ports}"

  class_destroy_leaves_others
  learner_lab 1 destroy --yes --skip-preview >/dev/null
  learner_lab 3 destroy --yes --skip-preview >/dev/null
  for n in "${CLASS_LEARNERS[@]}"; do
    (cd "$(class_dir)/learner-${n}/project" && pulumi stack rm "learner-${n}" --yes)
  done
  trap - EXIT
  class_forget
  class_namespaces_gone
  echo "the learners' namespaces and read rights are gone"
}
