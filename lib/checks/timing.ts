// Connect and total time of the HTTP probes, and the lab's median connect time per kind of path.
import type { CheckResult } from "./types";

/** The line the HTTP probes print after the page: seconds, as curl's --write-out gives them. */
export const TIMING_PREFIX = "netlab-timing";

export interface Timing {
  connectMs: number;
  totalMs: number;
}

const TIMING_LINE = new RegExp(`(?:^|\\n)${TIMING_PREFIX} connect=([0-9.]+) total=([0-9.]+)\\n?$`);

const ms = (seconds: string) => Math.round(Number(seconds) * 1_000_000) / 1000;

/** Splits a probe's stdout into what the server sent and the timing line the probe added. */
export function splitTiming(stdout: string): { body: string; timing?: Timing } {
  const match = TIMING_LINE.exec(stdout);
  if (match === null) return { body: stdout };
  // The probes print "\n" before the timing line, so that it stands on a line of its own: drop it too.
  return {
    body: stdout.slice(0, match.index),
    timing: { connectMs: ms(match[1] as string), totalMs: ms(match[2] as string) },
  };
}

/** The kinds of path the summary gives a median connect time for. */
export const LATENCY_PATHS = [
  "localhost",
  "pod-ip-same-node",
  "pod-ip-cross-node",
  "cluster-ip",
  "node-port",
  "node-to-pod",
] as const;
export type LatencyPath = (typeof LATENCY_PATHS)[number];

/** Which latency figure a check's timing counts toward, if any. */
export function latencyPathOf(result: CheckResult): LatencyPath | undefined {
  if (result.from.kind === "node" && result.via === "pod-ip") return "node-to-pod";
  switch (result.via) {
    case "localhost":
      return "localhost";
    case "pod-ip":
      if (result.path === "same-pod" || result.path === "same-node") return "pod-ip-same-node";
      return result.path === "cross-node" ? "pod-ip-cross-node" : undefined;
    case "cluster-ip":
      return "cluster-ip";
    case "node-port":
      return "node-port";
    default:
      return undefined;
  }
}

export interface LatencyFigure {
  /** Median connect time in milliseconds over `samples` passed checks. */
  medianConnectMs: number;
  samples: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(value * 1000) / 1000;
}

/**
 * The median connect time of the passed checks on each kind of path. A lab figure from one probe per check,
 * not a benchmark: it shows the order of magnitude of each hop on this cluster, nothing finer.
 */
export function connectLatency(results: readonly CheckResult[]): Partial<Record<LatencyPath, LatencyFigure>> {
  const samples = new Map<LatencyPath, number[]>();
  for (const result of results) {
    const path = latencyPathOf(result);
    if (path === undefined || result.outcome !== "passed" || result.timing === undefined) continue;
    samples.set(path, [...(samples.get(path) ?? []), result.timing.connectMs]);
  }
  const figures: Partial<Record<LatencyPath, LatencyFigure>> = {};
  for (const path of LATENCY_PATHS) {
    const values = samples.get(path);
    if (values !== undefined) figures[path] = { medianConnectMs: median(values), samples: values.length };
  }
  return figures;
}
