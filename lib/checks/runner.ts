// Runs the kubectl steps of a group of checks on the machine running Pulumi, and reads back what they
// returned.
//
// The script always exits 0 so that a failing check is recorded as data, not as a failed resource.
// Each step gets a hard deadline (a watchdog kills kubectl), and only failures of kubectl itself
// (no "command terminated with exit code" line from an exec) are retried: a networking result is final.
import * as path from "node:path";
import { readScript, shellAssignments, shellJoin, shellQuote } from "../shell";
import { BATCH_HEADER, batchCommand, parseBatchOutput } from "./batch";
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
   * (an eBPF dataplane) can take 0. Skipped when the endpoints last changed long ago (SETTLED_AFTER_SECONDS).
   */
  kubeProxySettleSeconds: number;
}

export const ENVELOPE_HEADER = "netlab-check-result v1";

/**
 * A Service whose endpoints last changed longer ago than kube-proxy's moment plus this many seconds (by
 * this machine's clock against the API server's time stamp) gets no moment: kube-proxy synced long ago, as
 * on a rerun. A time stamp that is missing or cannot be read means a recent change. Only a clock more than
 * this far ahead of the API server's could skip a moment that was needed.
 */
export const SETTLED_AFTER_SECONDS = 60;

// Non-zero exits that are the answer, not a transport failure, so retrying cannot change them: the
// remote command's own exit code, the API saying the object does not exist or the container is not
// valid, or the probe's tool missing from the image.
const GENUINE_RESULT =
  "command terminated with exit code|Error from server \\((NotFound|BadRequest)\\)|executable file not found";

// The runner's functions (runner.sh), with the data they need set before them.
const RUNNER_FUNCTIONS = [
  shellAssignments({
    netlab_genuine_result: GENUINE_RESULT,
    netlab_batch_header: BATCH_HEADER,
    netlab_settled_after: SETTLED_AFTER_SECONDS,
  }),
  readScript(path.join(__dirname, "runner.sh")),
].join("\n");

/** The part of an exec step's kubectl command line before the remote command: who runs it, and where. */
function execTarget(step: Step): string[] | undefined {
  const end = step.argv.indexOf("--");
  return step.kind === "exec" && end > 0 ? step.argv.slice(0, end + 1) : undefined;
}

/**
 * The sh script a check group's local.Command runs for its steps (each distinct step once). The waits for
 * Services come first; then everything else runs side by side, with the exec steps of one container
 * batched into one `kubectl exec` (see batch.ts). Prints one record per step or batch, each labelled with
 * the indices of the steps it answers.
 */
export function buildRunnerScript(steps: readonly Step[], options: RunnerOptions): string {
  const retry = [options.execTimeoutSeconds, options.execAttempts, options.retryDelaySeconds].map(String);
  const single = (i: number) =>
    `netlab_step ${shellJoin([`step:${i}`, ...retry, ...(steps[i] as Step).argv])}`;
  const waits: string[] = [];
  const others: string[] = [];
  // The exec steps by container: the kubectl command line up to the remote command, and the steps' indices.
  const batches = new Map<string, { target: string[]; indices: number[] }>();
  steps.forEach((step, i) => {
    const target = execTarget(step);
    if (step.kind === "wait") {
      waits.push(
        `netlab_wait ${shellJoin([
          `step:${i}`,
          String(options.execTimeoutSeconds),
          step.until ?? "",
          String(options.kubeProxySettleSeconds),
          ...step.argv,
        ])}`,
      );
    } else if (target === undefined) {
      others.push(single(i));
    } else {
      const key = JSON.stringify(target);
      const batch = batches.get(key) ?? { target, indices: [] };
      batch.indices.push(i);
      batches.set(key, batch);
    }
  });
  for (const { target, indices } of batches.values()) {
    if (indices.length === 1) {
      others.push(single(indices[0] as number));
      continue;
    }
    const probes = indices.map((i) => (steps[i] as Step).argv.slice(target.length));
    const batch = shellJoin([`batch:${indices.join(",")}`, ...retry, ...target, ...batchCommand(probes)]);
    // A container that cannot run the batch gets its probes one exec each.
    others.push(`netlab_batch ${batch} || { ${indices.map((i) => `${single(i)};`).join(" ")} }`);
  }
  const jobs = [waits, others].filter((phase) => phase.length > 0);
  let job = 0;
  const lines: string[] = [];
  for (const phase of jobs) {
    for (const command of phase) lines.push(`( ${command} ) >"$netlab_tmp/r${job++}" &`);
    lines.push("wait");
  }
  const records = Array.from({ length: job }, (_, i) => `"$netlab_tmp/r${i}"`);
  return [
    RUNNER_FUNCTIONS,
    `echo ${shellQuote(ENVELOPE_HEADER)}`,
    ...lines,
    ...(records.length > 0 ? [`cat ${records.join(" ")}`] : []),
    "exit 0",
  ].join("\n");
}

const RECORD_LINE =
  /^(step|batch):(\d+(?:,\d+)*) kubectl_exit=(\d+) attempts=(\d+) duration_ms=(-?\d+) timed_out=([01])$/;
const REMOTE_EXIT = /command terminated with exit code (\d+)/;
const NOT_FOUND = /Error from server \(NotFound\)/;

function decode(line: string | undefined, field: string): Buffer {
  if (line === undefined || !line.startsWith(`${field}=`)) {
    throw new Error(`runner output: expected a ${field}= line, got ${JSON.stringify(line)}`);
  }
  return Buffer.from(line.slice(field.length + 1), "base64");
}

/** One step's result from what kubectl returned for it. */
function stepResult(
  kubectlExit: number,
  attempts: number,
  durationMs: number,
  timedOut: boolean,
  stdout: string,
  stderr: string,
): StepResult {
  const remote = REMOTE_EXIT.exec(stderr);
  return {
    kubectlExit,
    remoteExit: timedOut
      ? undefined
      : kubectlExit === 0 || NOT_FOUND.test(stderr)
        ? kubectlExit
        : remote
          ? Number(remote[1])
          : undefined,
    attempts,
    durationMs: Math.max(0, durationMs),
    timedOut,
    stdout,
    stderr: stderr.replace(/^command terminated with exit code \d+\n?/m, ""),
  };
}

/** The results of a batch's probes; a probe the batch did not report on gets the exec's own failure. */
function batchResults(
  kubectlExit: number,
  attempts: number,
  durationMs: number,
  timedOut: boolean,
  stdout: Buffer,
  stderr: string,
  count: number,
): StepResult[] {
  const probes = timedOut ? undefined : parseBatchOutput(stdout);
  return Array.from({ length: count }, (_, i) => {
    const probe = probes?.get(i);
    if (probe === undefined || probe.exit < 0) {
      const why = stderr || "error: the batch of probes in this container ended before this probe reported\n";
      return stepResult(kubectlExit === 0 ? 1 : kubectlExit, attempts, durationMs, timedOut, "", why);
    }
    return {
      kubectlExit: probe.exit,
      remoteExit: probe.exit,
      attempts,
      durationMs: probe.durationMs ?? Math.max(0, durationMs),
      timedOut: false,
      stdout: probe.stdout,
      stderr: probe.stderr,
    };
  });
}

/** Reads the runner's output back into one result per step, in the order of the steps it was built from. */
export function parseRunnerOutput(output: string): StepResult[] {
  const lines = output.split("\n").filter((line) => line !== "");
  if (lines[0] !== ENVELOPE_HEADER) {
    throw new Error(`runner output: missing "${ENVELOPE_HEADER}" header, got ${JSON.stringify(lines[0])}`);
  }
  const results: StepResult[] = [];
  for (let i = 1; i < lines.length; i += 3) {
    const match = RECORD_LINE.exec(lines[i] ?? "");
    if (match === null) throw new Error(`runner output: unexpected line ${JSON.stringify(lines[i])}`);
    const indices = (match[2] as string).split(",").map(Number);
    const stdout = decode(lines[i + 1], "stdout");
    const stderr = decode(lines[i + 2], "stderr").toString("utf8");
    const [kubectlExit, attempts, durationMs] = [Number(match[3]), Number(match[4]), Number(match[5])];
    const timedOut = match[6] === "1";
    const answers =
      match[1] === "batch"
        ? batchResults(kubectlExit, attempts, durationMs, timedOut, stdout, stderr, indices.length)
        : [stepResult(kubectlExit, attempts, durationMs, timedOut, stdout.toString("utf8"), stderr)];
    indices.forEach((index, k) => {
      if (results[index] !== undefined) throw new Error(`runner output: step ${index} reported twice`);
      results[index] = answers[k] as StepResult;
    });
  }
  const missing = Array.from(results, (result, i) => (result === undefined ? i : -1)).filter((i) => i >= 0);
  if (missing.length > 0) throw new Error(`runner output: no result for step(s) ${missing.join(", ")}`);
  return results;
}
