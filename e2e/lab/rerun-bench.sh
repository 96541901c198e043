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
# Every rerun must end with no failed check. Both labs are destroyed at the end.
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
ROUNDS="${NETLAB_BENCH_ROUNDS:-5}"
MAX_LOAD="${NETLAB_BENCH_MAX_LOAD:-$(awk -v c="$(nproc)" 'BEGIN { printf "%.2f", c * 0.75 }')}"
SETTLE_SECONDS="${NETLAB_BENCH_SETTLE_SECONDS:-90}"
OUT="${STATE}/rerun-bench"
CHECKOUT="${ROOT}"

fail() {
  echo "rerun-bench: $*" >&2
  exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
load1() { cut -d' ' -f1 /proc/loadavg; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
settle() {
  local deadline=$((SECONDS + SETTLE_SECONDS))
  while above "$(load1)" "${MAX_LOAD}" && ((SECONDS < deadline)); do sleep 5; done
}
# stats UNIT NUMBER...: "median X UNIT, min-max UNIT over N" of the numbers.
stats() {
  local unit=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v u="${unit}" '
    { v[NR] = $1 }
    END {
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "median %.2f%s, %.2f-%.2f%s over %d", m, u, v[1], v[NR], u, NR
    }'
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
build old "${OUT}/old-source" 31001

declare -A times
ratios=()
flagged=0
run=1
echo "rerun times (load average before -> after), ${ROUNDS} rounds; limit ${MAX_LOAD}"
for ((round = 1; round <= ROUNDS; round++)); do
  order=(new old)
  ((round % 2 == 0)) && order=(old new)
  declare -A ms=()
  for side in "${order[@]}"; do
    use "${side}"
    run=$((run + 1))
    lab config set checksRun "${run}"
    settle
    before=$(load1)
    start=$(now_ms)
    lab up --yes --skip-preview >"${OUT}/${side}-rerun-${round}.log" 2>&1 ||
      { tail -n 40 "${OUT}/${side}-rerun-${round}.log"; fail "${side}: rerun ${round} failed"; }
    ms[${side}]=$(($(now_ms) - start))
    after=$(load1)
    lab stack output summary >"${OUT}/${side}-summary-${round}.json"
    node -e 'process.exit(require(process.argv[1]).failed === 0 ? 0 : 1)' "${OUT}/${side}-summary-${round}.json" ||
      fail "${side}: a check failed in rerun ${round}"
    mark=""
    if above "${before}" "${MAX_LOAD}"; then
      mark=" (under load)"
      flagged=1
    fi
    times[${side}]+=" $(awk -v ms="${ms[${side}]}" 'BEGIN { printf "%.2f", ms / 1000 }')"
    printf 'round %d %-3s %6.1f s  (load %s -> %s)%s\n' "${round}" "${side}" \
      "$(awk -v ms="${ms[${side}]}" 'BEGIN { print ms / 1000 }')" "${before}" "${after}" "${mark}"
  done
  ratios+=("$(awk -v a="${ms[new]}" -v b="${ms[old]}" 'BEGIN { printf "%.3f", a / b }')")
  unset ms
done

read -ra new_times <<<"${times[new]}"
read -ra old_times <<<"${times[old]}"
echo "new (this checkout): $(stats " s" "${new_times[@]}")"
echo "old (${REVISION} = $(git -C "${CHECKOUT}" rev-parse --short "${REVISION}")): $(stats " s" "${old_times[@]}")"
echo "ratio new/old per round: $(stats "" "${ratios[@]}")"
if ((flagged)); then
  echo "some reruns started above the load limit: their times and ratios are not comparable with a quiet machine's"
fi
