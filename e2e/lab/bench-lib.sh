# shellcheck shell=bash disable=SC2034
# Shared by e2e/lab/bench.sh and e2e/lab/rerun-bench.sh: rounds, the load limit and the settle before each
# timed run, clocks, and the median and spread of a series. Callers define fail().

ROUNDS="${NETLAB_BENCH_ROUNDS:-5}"
CORES="$(nproc)"
MAX_LOAD="${NETLAB_BENCH_MAX_LOAD:-$(awk -v c="${CORES}" 'BEGIN { printf "%.2f", c * 0.75 }')}"
SETTLE_SECONDS="${NETLAB_BENCH_SETTLE_SECONDS:-90}"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
load1() { cut -d' ' -f1 /proc/loadavg; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
# settle: waits up to SETTLE_SECONDS for the 1-minute load average to fall to MAX_LOAD or below.
settle() {
  local deadline=$((SECONDS + SETTLE_SECONDS))
  while above "$(load1)" "${MAX_LOAD}" && ((SECONDS < deadline)); do sleep 5; done
}
# stats UNIT NUMBER...: "median X, min-max" of the numbers (UNIT "s": milliseconds shown as seconds).
stats() {
  local unit=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v unit="${unit}" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "no rounds"; exit }
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      if (unit == "s") printf "median %.1f s, %.1f-%.1f s over %d rounds", m / 1000, v[1] / 1000, v[NR] / 1000, NR
      else printf "median %.2f, %.2f-%.2f over %d rounds", m, v[1], v[NR], NR
    }'
}
# all_passed FILE: the summary output in FILE has no failed check.
all_passed() { node -e 'process.exit(require(process.argv[1]).failed === 0 ? 0 : 1)' "$1"; }
