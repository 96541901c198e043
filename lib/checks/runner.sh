# shellcheck shell=sh
# The functions of the script a check group runs on the machine running Pulumi (runner.ts embeds this text,
# without its comments, after the variables below and before one line per step or batch).
#
# Each step costs a few processes only (kubectl, its watchdog, two clock reads, an encoding of each output
# that is not empty): a rerun starts every check at once on the machine that also runs the cluster. Files
# live in one directory per script, removed on exit. Each function takes the label its record starts with
# ("step:3", "batch:0,2") and keeps its files under that label, so that steps can run side by side.
#
# Set by runner.ts: netlab_genuine_result, the extended regular expression of kubectl errors that are an
# answer rather than a transport failure; netlab_batch_header, the first line of a batch that ran;
# netlab_settled_after, the seconds after which a Service's endpoints count as settled.
: "${netlab_genuine_result:?}" "${netlab_batch_header:?}" "${netlab_settled_after:?}"

# kubectl is a Go program that lives a fraction of a second here, with small outputs: without its garbage
# collector (GOGC=off; GOMEMLIMIT still bounds its memory) each call takes about a quarter less user CPU.
export GOGC=off GOMEMLIMIT=256MiB
netlab_tmp=$(mktemp -d) || { echo "netlab: cannot create a temporary directory" >&2; exit 1; }
trap 'rm -rf "$netlab_tmp"' EXIT
trap 'exit 143' HUP INT TERM

# The time in milliseconds, in netlab_ms (whole seconds where date cannot give milliseconds).
netlab_now_ms() {
  netlab_ms=$(date +%s%3N 2>/dev/null)
  case "$netlab_ms" in ''|*[!0-9]*) netlab_ms=$(( $(date +%s) * 1000 )) ;; esac
}

# A file's bytes as one line of base64; nothing for an empty file.
if base64 -w 0 </dev/null >/dev/null 2>&1; then
  netlab_encode() { [ ! -s "$1" ] || base64 -w 0 <"$1"; }
else
  netlab_encode() { [ ! -s "$1" ] || base64 <"$1" | tr -d '\n'; }
fi

# netlab_report KUBECTL_EXIT ATTEMPTS DURATION_MS TIMED_OUT: the record of $label, with its outputs.
netlab_report() {
  printf '%s kubectl_exit=%s attempts=%s duration_ms=%s timed_out=%s\nstdout=' "$label" "$1" "$2" "$3" "$4"
  netlab_encode "$out"
  printf '\nstderr='
  netlab_encode "$err"
  printf '\n'
}

# netlab_run COMMAND...: runs it once under a watchdog that ends it after $deadline seconds.
netlab_run() {
  files="$netlab_tmp/$label"
  out="$files.out" err="$files.err" expired="$files.expired"
  [ ! -e "$expired" ] || rm -f "$expired"
  "$@" >"$out" 2>"$err" </dev/null &
  pid=$!
  ( sleep "$deadline"; : >"$expired"; kill -TERM "$pid"; sleep 2; kill -KILL "$pid" ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$pid"; code=$?
  kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
  timed_out=0; [ -e "$expired" ] && timed_out=1
}

# netlab_attempts COMMAND...: runs it until it gives an answer (genuine=1) or $attempts_max attempts are spent.
netlab_attempts() {
  attempt=0
  netlab_now_ms; start=$netlab_ms
  while :; do
    attempt=$((attempt + 1))
    netlab_run "$@"
    genuine=0
    if [ "$timed_out" -eq 0 ] && { [ "$code" -eq 0 ] || grep -Eq "$netlab_genuine_result" "$err"; }; then genuine=1; fi
    if [ "$genuine" -eq 1 ] || [ "$attempt" -ge "$attempts_max" ]; then break; fi
    sleep "$delay"
  done
  netlab_now_ms
}

# netlab_step LABEL DEADLINE ATTEMPTS DELAY COMMAND...: one step, retried on transport errors.
netlab_step() {
  label=$1 deadline=$2 attempts_max=$3 delay=$4; shift 4
  netlab_attempts "$@"
  netlab_report "$code" "$attempt" "$((netlab_ms - start))" "$timed_out"
}

# netlab_batch LABEL DEADLINE ATTEMPTS DELAY COMMAND...: a batch of probes in one exec; fails, printing
# nothing, when the container answered without running the batch.
netlab_batch() {
  label=$1 deadline=$2 attempts_max=$3 delay=$4; shift 4
  netlab_attempts "$@"
  first=
  [ -s "$out" ] && read -r first <"$out"
  [ "$genuine" -eq 1 ] && [ "$first" != "$netlab_batch_header" ] && return 1
  netlab_report "$code" "$attempt" "$((netlab_ms - start))" "$timed_out"
}

# netlab_epoch TIME: seconds since the epoch of an RFC 3339 time in UTC, with GNU or BSD date.
netlab_epoch() {
  date -u -d "$1" +%s 2>/dev/null || date -u -j -f '%Y-%m-%dT%H:%M:%SZ' "$1" +%s 2>/dev/null
}

# The age in seconds of the most recent change of the endpoints listed in $out, in netlab_age; empty when a
# slice does not say or its time cannot be read.
netlab_endpoints_age() {
  netlab_age=
  while IFS= read -r line; do
    case "$line" in
      changed=) netlab_age=; return ;;
      changed=*)
        t=$(netlab_epoch "${line#changed=}") || t=
        case "$t" in ''|*[!0-9]*) netlab_age=; return ;; esac
        a=$((netlab_ms / 1000 - t))
        if [ -z "$netlab_age" ] || [ "$a" -lt "$netlab_age" ]; then netlab_age=$a; fi ;;
    esac
  done <"$out"
}

# netlab_wait LABEL DEADLINE UNTIL_LINE SETTLE COMMAND...: polls until COMMAND prints UNTIL_LINE or the
# deadline passes, then gives kube-proxy SETTLE seconds unless the endpoints settled long ago.
netlab_wait() {
  label=$1 deadline=$2 until_line=$3 settle=$4; shift 4
  netlab_now_ms; start=$netlab_ms
  polls=0 found=0
  while :; do
    polls=$((polls + 1))
    netlab_run "$@"
    if [ "$code" -eq 0 ] && grep -Fxq -- "$until_line" "$out"; then found=1; break; fi
    netlab_now_ms
    [ $((netlab_ms - start)) -ge $((deadline * 1000)) ] && break
    sleep 0.5
  done
  if [ "$found" -eq 1 ] && [ "$settle" -gt 0 ]; then
    netlab_now_ms
    netlab_endpoints_age
    if [ -z "$netlab_age" ] || [ "$netlab_age" -lt $((settle + netlab_settled_after)) ]; then sleep "$settle"; fi
  fi
  netlab_now_ms
  netlab_report "$code" "$polls" "$((netlab_ms - start))" "$((1 - found))"
}
