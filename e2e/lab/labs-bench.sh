#!/usr/bin/env bash
# What the chapters after the tutorial cost `pulumi up`, on the e2e cluster: in each round, from nothing,
#
#   T. the tutorial's labs (eg1, eg2, services)
#   C. the same with the chapters after it (service-depth, ingress: agnhost backends, four Services, an
#      Ingress and a Gateway with three HTTPRoutes, and their checks)
#
# each timed from `pulumi up` to its end and destroyed again, in the same run, T and C alternating.
#
#   e2e/lab/labs-bench.sh
#
# Environment: NETLAB_BENCH_ROUNDS (default 5), NETLAB_BENCH_MAX_LOAD and NETLAB_BENCH_SETTLE_SECONDS as
# for bench.sh (bench-lib.sh).
# Prints, per run: its wall time, the checks passed/failed/skipped, and the 1-minute load average just
# before it; at the end the median and spread of T, C and their difference over all rounds and over the
# rounds not under load. Every check of every run must pass, or the bench fails.
# Needs: e2e/cluster/cluster.sh up (with its Traefik ingress controller), e2e/engine/build-pulumi.sh.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lab-stack.sh
source "${E2E_DIR}/lab-stack.sh"
STACK="labs-bench"
WORK="${STATE}/labs-bench-project"
OUT="${STATE}/labs-bench"
# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "${E2E_DIR}/bench-lib.sh"
# shellcheck source-path=SCRIPTDIR source=../engine/pulumi-env.sh
source "${E2E_DIR}/../engine/pulumi-env.sh"

TUTORIAL="eg1,eg2,services"
CHAPTERS="eg1,eg2,services,service-depth,ingress"

fail() {
  echo "labs-bench: $*" >&2
  exit 1
}

# timed_up LABS NAME: from nothing, pulumi up with LABS; prints "<ms> <load before> <passed/failed/skipped>".
timed_up() {
  lab config set labs "$1"
  settle
  local load start end
  load="$(load1)"
  start="$(now_ms)"
  lab up --yes --skip-preview >"${OUT}/$2.log" 2>&1 || {
    tail -n 30 "${OUT}/$2.log" >&2
    fail "pulumi up with labs $1 failed"
  }
  end="$(now_ms)"
  lab stack output summary --json >"${OUT}/$2-summary.json"
  all_passed "${OUT}/$2-summary.json" || fail "a check failed with labs $1 (${OUT}/$2-summary.json)"
  local counts
  counts="$(node -e 'const s = require(process.argv[1]); console.log(`${s.passed}/${s.failed}/${s.skipped}`)' \
    "${OUT}/$2-summary.json")"
  lab destroy --yes --skip-preview >"${OUT}/$2-destroy.log" 2>&1 || fail "pulumi destroy after $2 failed"
  echo "$((end - start)) ${load} ${counts}"
}

main() {
  [[ -n "$(k get ingressclass traefik -o name 2>/dev/null)" ]] ||
    fail "the cluster has no IngressClass traefik: start it with e2e/cluster/cluster.sh up (not --ingress none)"
  mkdir -p "${OUT}"
  lab_stack_create
  lab config set --path images.agnhost localhost/netlab/agnhost:e2e
  local tutorial=() chapters=() difference=() calm_t=() calm_c=() calm_d=()
  local round line t c load_t load_c counts_t counts_c
  for ((round = 1; round <= ROUNDS; round++)); do
    line="$(timed_up "${TUTORIAL}" "round-${round}-tutorial")"
    read -r t load_t counts_t <<<"${line}"
    line="$(timed_up "${CHAPTERS}" "round-${round}-chapters")"
    read -r c load_c counts_c <<<"${line}"
    tutorial+=("${t}")
    chapters+=("${c}")
    difference+=("$((c - t))")
    local flag=""
    if above "${load_t}" "${MAX_LOAD}" || above "${load_c}" "${MAX_LOAD}"; then
      flag=" (under load)"
    else
      calm_t+=("${t}")
      calm_c+=("${c}")
      calm_d+=("$((c - t))")
    fi
    printf 'round %d: T %s (load %s, checks %s passed/failed/skipped), C %s (load %s, checks %s)%s\n' \
      "${round}" "$(seconds "${t}")" "${load_t}" "${counts_t}" "$(seconds "${c}")" "${load_c}" "${counts_c}" "${flag}"
  done
  echo "tutorial's labs (T):       $(stats s "${tutorial[@]}")"
  echo "with the chapters (C):     $(stats s "${chapters[@]}")"
  echo "C - T:                     $(stats s "${difference[@]}")"
  if ((${#calm_t[@]} > 0)); then
    echo "not under load: T $(stats s "${calm_t[@]}"); C $(stats s "${calm_c[@]}"); C - T $(stats s "${calm_d[@]}")"
  fi
  echo "load limit ${MAX_LOAD} on ${CORES} cores; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
}

main "$@"
