#!/usr/bin/env bash
# Times a `checksRun` rerun of this checkout's lab against another revision's, in turns, on the e2e cluster:
#
#   e2e/lab/rerun-bench.sh REVISION        e.g. e2e/lab/rerun-bench.sh HEAD~3
#
# Builds each lab once, on a stack of its own, in a namespace of its own (netlab-new for this checkout,
# netlab-old for REVISION, whose NodePort service gets node port 31001), then reruns the checks of each in
# turns (new first in odd rounds, old first in even ones), so that both meet the same machine. Prints each
# rerun's wall time with the 1-minute load average just before and just after it, then the median and spread
# of each and of the ratio new/old per round. A rerun is flagged when the load before it was above the limit.
# Every rerun must end with no failed check. Both labs are destroyed at the end. The reruns start over a
# minute after the new lab was built, when kube-proxy synced long ago, as on a user's later rerun.
# REVISION runs with this checkout's node_modules: its package.json must name the same packages.
#
# Environment: NETLAB_BENCH_ROUNDS (default 5), NETLAB_BENCH_MAX_LOAD and NETLAB_BENCH_SETTLE_SECONDS as in
# bench.sh.
# Needs: e2e/cluster/cluster.sh up, e2e/engine/build-pulumi.sh.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lab-stack.sh
source "${E2E_DIR}/lab-stack.sh"
REVISION="${1:?usage: e2e/lab/rerun-bench.sh REVISION}"
OUT="${STATE}/rerun-bench"
CHECKOUT="${ROOT}"
# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
source "${E2E_DIR}/bench-lib.sh"

fail() {
  echo "rerun-bench: $*" >&2
  exit 1
}

git -C "${CHECKOUT}" rev-parse --verify --quiet "${REVISION}^{commit}" >/dev/null ||
  fail "${REVISION} is not a revision of ${CHECKOUT}"
[[ -f "${KUBECONFIG_FILE}" ]] || fail "no kubeconfig at ${KUBECONFIG_FILE}: run e2e/cluster/cluster.sh up"
bash "${E2E_DIR}/../engine/build-pulumi.sh" >/dev/null
# shellcheck source-path=SCRIPTDIR source=../engine/pulumi-env.sh
source "${E2E_DIR}/../engine/pulumi-env.sh"

rm -rf "${OUT}"
mkdir -p "${OUT}/old-source"
git -C "${CHECKOUT}" archive "${REVISION}" index.ts components lib Pulumi.yaml package.json tsconfig.json \
  tsconfig.pulumi.json | tar -x -C "${OUT}/old-source"
ln -s "${CHECKOUT}/node_modules" "${OUT}/old-source/node_modules"

# use SIDE: points lab() at that side's project, stack and namespace.
use() {
  WORK="${OUT}/$1-project" STACK="rerun-$1" NAMESPACE="netlab-$1"
}
# build SIDE SOURCE [NODE_PORT]: creates that side's stack from SOURCE and runs its first `pulumi up`.
build() {
  use "$1"
  ROOT="$2" lab_stack_create >/dev/null
  if [[ -n "${3:-}" ]]; then lab config set --path services.httpd.nodePort "$3"; fi
  echo "== $1: first pulumi up (namespace ${NAMESPACE})"
  lab up --yes --skip-preview >"${OUT}/$1-up.log" 2>&1 || { tail -n 40 "${OUT}/$1-up.log"; fail "$1: up failed"; }
}
cleanup() {
  for side in new old; do
    use "${side}"
    if [[ -d "${WORK}" ]]; then lab destroy --yes --skip-preview >/dev/null 2>&1 || true; fi
  done
}
trap cleanup EXIT

build new "${CHECKOUT}"
new_built=${SECONDS}
build old "${OUT}/old-source" 31001
# Reruns start over a minute after the new lab was built, as a user's rerun does: its Services' endpoints
# then changed longer ago than kube-proxy's moment plus SETTLED_AFTER_SECONDS (lib/checks/runner.ts), so
# every rerun of this checkout skips the moment, instead of only those after the first minute.
pause=$((new_built + 65 - SECONDS))
if ((pause > 0)); then
  echo "waiting ${pause} s, so that the new lab's endpoints are over a minute old"
  sleep "${pause}"
fi

new_ms=()
old_ms=()
ratios=()
flagged=0
run=1
echo "rerun times (load average before -> after), ${ROUNDS} rounds; limit ${MAX_LOAD}"
for ((round = 1; round <= ROUNDS; round++)); do
  order=(new old)
  ((round % 2 == 0)) && order=(old new)
  for side in "${order[@]}"; do
    use "${side}"
    run=$((run + 1))
    lab config set checksRun "${run}"
    settle
    before=$(load1)
    start=$(now_ms)
    lab up --yes --skip-preview >"${OUT}/${side}-rerun-${round}.log" 2>&1 ||
      { tail -n 40 "${OUT}/${side}-rerun-${round}.log"; fail "${side}: rerun ${round} failed"; }
    ms=$(($(now_ms) - start))
    after=$(load1)
    lab stack output summary >"${OUT}/${side}-summary-${round}.json"
    all_passed "${OUT}/${side}-summary-${round}.json" || fail "${side}: a check failed in rerun ${round}"
    mark=""
    if above "${before}" "${MAX_LOAD}"; then
      mark=" (under load)"
      flagged=1
    fi
    if [[ "${side}" == new ]]; then new_ms+=("${ms}"); else old_ms+=("${ms}"); fi
    printf 'round %d %-3s %8s  (load %s -> %s)%s\n' "${round}" "${side}" "$(seconds "${ms}")" "${before}" "${after}" "${mark}"
  done
  ratios+=("$(awk -v a="${new_ms[-1]}" -v b="${old_ms[-1]}" 'BEGIN { printf "%.3f", a / b }')")
done

echo "new (this checkout): $(stats s "${new_ms[@]}")"
echo "old (${REVISION} = $(git -C "${CHECKOUT}" rev-parse --short "${REVISION}")): $(stats s "${old_ms[@]}")"
echo "ratio new/old per round: $(stats ratio "${ratios[@]}")"
if ((flagged)); then
  echo "some reruns started above the load limit: their times and ratios are not comparable with a quiet machine's"
fi
