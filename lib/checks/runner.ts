// Runs a check's kubectl steps on the machine running Pulumi, and reads back what they returned.
//
// The script always exits 0 so that a failing check is recorded as data, not as a failed resource.
// Each step gets a hard deadline (a watchdog kills kubectl), and only failures of kubectl itself
// (no "command terminated with exit code" line from an exec) are retried: a networking result is final.
import { shellJoin, shellQuote } from "../shell";
import type { Step, StepResult } from "./types";

export interface RunnerOptions {
  /** Deadline of one kubectl invocation, in seconds. */
  execTimeoutSeconds: number;
  /** Attempts per step when kubectl itself fails (transport errors), at least 1. */
  execAttempts: number;
  /** Seconds between attempts. */
  retryDelaySeconds: number;
  /**
   * Seconds a check waits after a Service lists its endpoint as ready, before it probes: kube-proxy writes its
   * rules at most once a second by default (--iptables-min-sync-period=1s), so 2 s covers one sync and its
   * run. A cluster whose proxy syncs less often needs more; one that programs rules as endpoints change
   * (an eBPF dataplane) can take 0.
   */
  kubeProxySettleSeconds: number;
}

export const ENVELOPE_HEADER = "netlab-check-result v1";

// Non-zero exits that are the answer, not a transport failure, so retrying cannot change them: the
// remote command's own exit code, the API saying the object does not exist or the container is not
// valid, or the probe's tool missing from the image.
const GENUINE_RESULT =
  "command terminated with exit code|Error from server \\((NotFound|BadRequest)\\)|executable file not found";

// Each step costs a few processes only (kubectl, its watchdog, two clock reads, an encoding of each output
// that is not empty): a rerun starts every check at once on the machine that also runs the cluster. Files
// live in one directory per script, removed on exit.
const RUNNER_FUNCTIONS = `
netlab_tmp=$(mktemp -d) || { echo "netlab: cannot create a temporary directory" >&2; exit 1; }
trap 'rm -rf "$netlab_tmp"' EXIT
trap 'exit 143' HUP INT TERM
netlab_n=0
netlab_now_ms() {
  netlab_ms=$(date +%s%3N 2>/dev/null)
  case "$netlab_ms" in ''|*[!0-9]*) netlab_ms=$(( $(date +%s) * 1000 )) ;; esac
}
if base64 -w 0 </dev/null >/dev/null 2>&1; then
  netlab_encode() { [ ! -s "$1" ] || base64 -w 0 <"$1"; }
else
  netlab_encode() { [ ! -s "$1" ] || base64 <"$1" | tr -d '\\n'; }
fi
netlab_report() {
  printf 'step kubectl_exit=%s attempts=%s duration_ms=%s timed_out=%s\\nstdout=' "$1" "$2" "$3" "$4"
  netlab_encode "$out"
  printf '\\nstderr='
  netlab_encode "$err"
  printf '\\n'
}
netlab_run() {
  netlab_n=$((netlab_n + 1))
  out="$netlab_tmp/$netlab_n.out" err="$netlab_tmp/$netlab_n.err" expired="$netlab_tmp/$netlab_n.expired"
  "$@" >"$out" 2>"$err" </dev/null &
  pid=$!
  ( sleep "$deadline"; : >"$expired"; kill -TERM "$pid"; sleep 2; kill -KILL "$pid" ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$pid"; code=$?
  kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
  timed_out=0; [ -e "$expired" ] && timed_out=1
}
netlab_step() {
  deadline=$1; attempts_max=$2; delay=$3; shift 3
  attempt=0
  netlab_now_ms; start=$netlab_ms
  while :; do
    attempt=$((attempt + 1))
    netlab_run "$@"
    genuine=0
    if [ "$timed_out" -eq 0 ] && { [ "$code" -eq 0 ] || grep -Eq '${GENUINE_RESULT}' "$err"; }; then genuine=1; fi
    if [ "$genuine" -eq 1 ] || [ "$attempt" -ge "$attempts_max" ]; then break; fi
    sleep "$delay"
  done
  netlab_now_ms
  netlab_report "$code" "$attempt" "$((netlab_ms - start))" "$timed_out"
}
netlab_wait() {
  deadline=$1; until_line=$2; settle=$3; shift 3
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
  [ "$found" -eq 1 ] && sleep "$settle"
  netlab_now_ms
  netlab_report "$code" "$polls" "$((netlab_ms - start))" "$((1 - found))"
}
`;

/** The sh script a check's local.Command runs. */
export function buildRunnerScript(steps: readonly Step[], options: RunnerOptions): string {
  const prefix = [options.execTimeoutSeconds, options.execAttempts, options.retryDelaySeconds].map(String);
  return [
    RUNNER_FUNCTIONS.trim(),
    `echo ${shellQuote(ENVELOPE_HEADER)}`,
    ...steps.map((step) =>
      step.kind === "wait"
        ? `netlab_wait ${shellJoin([
            String(options.execTimeoutSeconds),
            step.until ?? "",
            String(options.kubeProxySettleSeconds),
            ...step.argv,
          ])}`
        : `netlab_step ${shellJoin([...prefix, ...step.argv])}`,
    ),
    "exit 0",
  ].join("\n");
}

/** The commands a user runs to repeat a check by hand. */
export function displayCommand(steps: readonly Step[]): string {
  return steps.map((step) => shellJoin(step.argv)).join(" && ");
}

const STEP_LINE = /^step kubectl_exit=(\d+) attempts=(\d+) duration_ms=(-?\d+) timed_out=([01])$/;
const REMOTE_EXIT = /command terminated with exit code (\d+)/;
const NOT_FOUND = /Error from server \(NotFound\)/;

function decode(line: string | undefined, field: string): string {
  if (line === undefined || !line.startsWith(`${field}=`)) {
    throw new Error(`runner output: expected a ${field}= line, got ${JSON.stringify(line)}`);
  }
  return Buffer.from(line.slice(field.length + 1), "base64").toString("utf8");
}

/** Reads the runner's output back into one result per step. */
export function parseRunnerOutput(output: string): StepResult[] {
  const lines = output.split("\n").filter((line) => line !== "");
  if (lines[0] !== ENVELOPE_HEADER) {
    throw new Error(`runner output: missing "${ENVELOPE_HEADER}" header, got ${JSON.stringify(lines[0])}`);
  }
  const results: StepResult[] = [];
  for (let i = 1; i < lines.length; i += 3) {
    const match = STEP_LINE.exec(lines[i] ?? "");
    if (match === null) throw new Error(`runner output: unexpected line ${JSON.stringify(lines[i])}`);
    const stdout = decode(lines[i + 1], "stdout");
    const stderr = decode(lines[i + 2], "stderr");
    const kubectlExit = Number(match[1]);
    const timedOut = match[4] === "1";
    const remote = REMOTE_EXIT.exec(stderr);
    results.push({
      kubectlExit,
      remoteExit: timedOut
        ? undefined
        : kubectlExit === 0 || NOT_FOUND.test(stderr)
          ? kubectlExit
          : remote
            ? Number(remote[1])
            : undefined,
      attempts: Number(match[2]),
      durationMs: Math.max(0, Number(match[3])),
      timedOut,
      stdout,
      stderr: stderr.replace(/^command terminated with exit code \d+\n?/m, ""),
    });
  }
  return results;
}
