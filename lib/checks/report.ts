// The summary and the plain-text report of all checks, for `pulumi stack output report`.
import * as path from "node:path";
import { readScript } from "../shell";
import { clip } from "../text";
import type { CheckResult } from "./types";

export interface CheckSummary {
  passed: number;
  failed: number;
  /** Checks that could not apply here (never counted as passed). */
  skipped: number;
  total: number;
  /** Ids of the failed checks, in run order. */
  failedIds: string[];
  /** Ids of the skipped checks, in run order. */
  skippedIds: string[];
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const idsOf = (outcome: CheckResult["outcome"]) =>
    results.filter((r) => r.outcome === outcome).map((r) => r.id);
  const failedIds = idsOf("failed");
  const skippedIds = idsOf("skipped");
  return {
    passed: idsOf("passed").length,
    failed: failedIds.length,
    skipped: skippedIds.length,
    total: results.length,
    failedIds,
    skippedIds,
  };
}

/** Where a check's traffic went: the kind of path and the nodes at both ends. */
export function pathLabel(result: CheckResult): string {
  const { sourceNode, targetNode, path } = result;
  if (path === "api" || sourceNode === undefined || targetNode === undefined) return path;
  if (path === "same-pod" || sourceNode === targetNode) return `${path} ${sourceNode ?? targetNode}`;
  return `${path} ${sourceNode ?? "?"}>${targetNode ?? "?"}`;
}

function resultLabel(result: CheckResult): string {
  if (result.outcome === "passed") return "passed";
  if (result.outcome === "skipped") return "skipped";
  return `FAILED (${result.failure ?? "unknown"})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

const OBSERVED_WIDTH = 60;

/**
 * The causes that several failures share (their diagnoses' `sharedBy`), each said once, in the order of
 * their first failure: a person reads the one broken link before the many checks it broke.
 */
function sharedCauses(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  const said = new Set<string>();
  for (const { outcome, diagnosis } of results) {
    const sharedBy = diagnosis?.sharedBy;
    if (outcome !== "failed" || diagnosis === undefined || sharedBy === undefined) continue;
    const first = sharedBy[0] as string;
    if (said.has(first)) continue;
    said.add(first);
    lines.push(
      `${sharedBy.length} failures share one cause: ${diagnosis.cause}`,
      `  see:    ${diagnosis.see}`,
      `  checks: ${sharedBy.join(", ")}`,
      "",
    );
  }
  return lines;
}

/** A failure's diagnosis under it: a shared cause briefly (it is said above), any other in full. */
function diagnosisLines(result: CheckResult): string[] {
  const diagnosis = result.diagnosis;
  if (diagnosis === undefined) return [];
  if (diagnosis.sharedBy !== undefined) {
    return [
      `  cause:    ${diagnosis.summary} (the cause ${diagnosis.sharedBy.length} failures share, above)`,
    ];
  }
  return [
    `  cause:    ${diagnosis.cause}`,
    ...(diagnosis.see === result.command ? [] : [`  see:      ${diagnosis.see}`]),
  ];
}

function failureLines(r: CheckResult): string[] {
  return [
    "",
    `FAILED ${r.id}: ${r.claim}`,
    `  from:     ${r.source}`,
    `  to:       ${r.target}`,
    `  expected: ${r.expected}`,
    `  observed: ${r.observed}`,
    ...evidenceLines(r),
    ...diagnosisLines(r),
    `  rerun:    ${r.command}`,
  ];
}

/** The chain that carried a failed check, one link a line, each as observed or why it was not read. */
function evidenceLines(result: CheckResult): string[] {
  const evidence = result.evidence ?? [];
  return evidence.map(
    (e, i) =>
      `  ${i === 0 ? "evidence:" : "         "} ${e.link}: ${e.status === "observed" ? e.value : `not read (${e.reason})`}`,
  );
}

/**
 * A table a person reads first (after the causes several failures share, when there are such), then the
 * failures with their diagnosis and what to run to see them.
 */
export function formatReport(results: readonly CheckResult[], leftOut: readonly string[] = []): string {
  const summary = summarize(results);
  const rows = results.map((r) => [
    r.id,
    resultLabel(r),
    pathLabel(r),
    r.outcome === "skipped" ? "-" : `${r.durationMs} ms`,
    r.timing === undefined ? "" : `${r.timing.connectMs.toFixed(2)} ms`,
    clip(r.observed, OBSERVED_WIDTH),
  ]);
  const header = ["CHECK", "RESULT", "PATH", "TIME", "CONNECT", "OBSERVED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i] as number)))
      .join("  ")
      .trimEnd();
  const lines = [...sharedCauses(results), line(header), ...rows.map(line), ""];
  const skipped = summary.skipped === 0 ? "" : ` ${summary.skipped} skipped.`;
  lines.push(
    summary.failed === 0
      ? `${summary.passed}/${summary.total} checks passed.${skipped}`
      : `${summary.failed}/${summary.total} checks failed: ${summary.failedIds.join(", ")}${summary.skipped === 0 ? "" : ` (${summary.skipped} skipped)`}`,
  );
  if (leftOut.length > 0) {
    lines.push(`${leftOut.length} check(s) left out by checksOnly/checksSkip: ${leftOut.join(", ")}`);
  }
  for (const r of results.filter((result) => result.outcome === "skipped")) {
    lines.push(`skipped ${r.id}: ${r.skipReason ?? "no reason given"}`);
  }
  for (const r of results.filter((result) => result.outcome === "failed")) lines.push(...failureLines(r));
  return lines.join("\n");
}

/**
 * The strict-mode gate (strict-gate.sh): a command that fails the update when any check failed, naming each
 * one. It runs after every check, so the report is complete before the update fails. The message travels in
 * the environment (strictGateEnvironment), so that the provider's error shows it once, not inside the
 * command line.
 */
export const STRICT_GATE_SCRIPT = readScript(path.join(__dirname, "strict-gate.sh"));

/**
 * The gate's variables. `expected` are the checks a break-it exercise makes fail on purpose: they do not
 * count, so the gate fails only on a failure the exercise does not expect.
 */
export function strictGateEnvironment(
  results: readonly CheckResult[],
  expected: readonly string[] = [],
): Record<string, string> {
  const summary = summarize(results);
  const unexpected = summary.failedIds.filter((id) => !expected.includes(id));
  const onPurpose = summary.failed - unexpected.length;
  const exercise = onPurpose === 0 ? "" : `; ${onPurpose} failed as the exercise expects`;
  const message =
    summary.failed === 0
      ? summary.skipped === 0
        ? `strict mode: all ${summary.total} checks passed`
        : `strict mode: no check failed (${summary.passed} passed, ${summary.skipped} skipped)`
      : unexpected.length === 0
        ? `strict mode: no unexpected failure (${summary.passed} passed${exercise})`
        : [
            `strict mode: ${unexpected.length} of ${summary.total} checks failed: ${unexpected.join(", ")}${exercise}`,
            "",
            formatReport(results),
          ].join("\n");
  return { NETLAB_FAILED_CHECKS: String(unexpected.length), NETLAB_STRICT_MESSAGE: message };
}
