// The checks as a JUnit XML report, for CI systems that show test results (Jenkins, GitLab, GitHub actions).
import type { CheckResult } from "../checks/types";
import { excerpt, oneLine } from "../text";
import { serializeXml, type XmlElement } from "./xml";

export interface JUnitOptions {
  /** The name of the suite (and of the `testsuites` root). Default "k8s-networking-lab". */
  suiteName?: string;
  /** When the checks ran, ISO 8601 (`2026-11-27T15:18:53`); left out when not given. */
  timestamp?: string;
  /** Where the checks ran from; left out when not given. */
  hostname?: string;
  /** Written as `<properties>` of the suite, in order: for example the namespace and kube context. */
  properties?: Record<string, string>;
}

export const DEFAULT_SUITE_NAME = "k8s-networking-lab";

/** How long the longest value may be in a one-line `message` attribute; the element's body has it all. */
const MESSAGE_VALUE_WIDTH = 240;

/** Milliseconds as seconds with three decimals; a negative or non-finite duration counts as 0. */
export function seconds(durationMs: number): string {
  return (Number.isFinite(durationMs) && durationMs > 0 ? durationMs / 1000 : 0).toFixed(3);
}

/**
 * A check whose probe could not run at all (kubectl failed, the tool is missing) is an `<error>`: the
 * check is broken, the network was not tested. Every other failure kind is a `<failure>`.
 */
function isError(result: CheckResult): boolean {
  return result.outcome === "failed" && result.failure === "exec-error";
}

/** A failure's diagnosis: its cause, the command that shows it (unless the rerun), the checks it broke. */
function diagnosisDetails({ diagnosis, command }: CheckResult): string[] {
  if (diagnosis === undefined) return [];
  return [
    `cause:    ${diagnosis.cause}`,
    ...(diagnosis.see === command ? [] : [`see:      ${diagnosis.see}`]),
    ...(diagnosis.sharedBy === undefined ? [] : [`shared:   ${diagnosis.sharedBy.join(", ")}`]),
  ];
}

function details(result: CheckResult): string {
  return [
    `claim:    ${result.claim}`,
    `from:     ${result.source}`,
    `to:       ${result.target}`,
    `expected: ${result.expected}`,
    `observed: ${result.observed}`,
    ...diagnosisDetails(result),
    `rerun:    ${result.command}`,
    `attempts: ${result.attempts}`,
  ].join("\n");
}

/**
 * A failed check's one-line message: its kind, what was expected and observed, what broke (when the run
 * was diagnosed), and the whole rerun.
 */
function failureMessage(result: CheckResult): string {
  const cause = result.diagnosis?.cause;
  return [
    `${result.failure ?? "unknown"}: expected ${excerpt(result.expected, MESSAGE_VALUE_WIDTH)}`,
    `observed ${excerpt(result.observed, MESSAGE_VALUE_WIDTH)}`,
    ...(cause === undefined ? [] : [`cause: ${excerpt(cause, MESSAGE_VALUE_WIDTH)}`]),
    `rerun: ${oneLine(result.command)}`,
  ].join("; ");
}

function testcase(result: CheckResult): XmlElement {
  const attributes = {
    "@name": result.id,
    "@classname": result.section,
    "@time": seconds(result.durationMs),
  };
  if (result.outcome === "skipped") {
    const reason = result.skipReason ?? "skipped";
    return { ...attributes, skipped: { "@message": excerpt(reason, MESSAGE_VALUE_WIDTH) } };
  }
  if (result.outcome === "failed") {
    const failure = {
      "@type": result.failure ?? "unknown",
      "@message": failureMessage(result),
      "#text": details(result),
    };
    return { ...attributes, [isError(result) ? "error" : "failure"]: failure };
  }
  return { ...attributes, "system-out": details(result) };
}

/** Counts as the `testsuite` attributes say them: `failures` and `errors` together are the failed checks. */
export interface JUnitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function junitCounts(results: readonly CheckResult[]): JUnitCounts {
  const failed = results.filter((r) => r.outcome === "failed");
  const errors = failed.filter(isError).length;
  return {
    tests: results.length,
    failures: failed.length - errors,
    errors,
    skipped: results.filter((r) => r.outcome === "skipped").length,
  };
}

/**
 * One `<testsuite>` for the lab inside `<testsuites>`, one `<testcase>` per check (name: the check's id,
 * classname: its section, time: seconds). A failed check has `<failure type="<kind>">` (or `<error
 * type="exec-error">` when its probe could not run) whose message and body say what was expected, what
 * was observed, its diagnosis when the run has one, and what to run to see it; a skipped check has
 * `<skipped message="<reason>"/>`; a passed check shows what was observed in `<system-out>`. The suite's
 * time is the sum of the checks' times.
 */
export function formatJUnit(results: readonly CheckResult[], options: JUnitOptions = {}): string {
  const name = options.suiteName ?? DEFAULT_SUITE_NAME;
  const counts = junitCounts(results);
  const time = seconds(results.reduce((sum, r) => sum + (r.durationMs > 0 ? r.durationMs : 0), 0));
  const totals = {
    "@name": name,
    "@tests": counts.tests,
    "@failures": counts.failures,
    "@errors": counts.errors,
  };
  const properties = Object.entries(options.properties ?? {}).map(([key, value]) => ({
    "@name": key,
    "@value": value,
  }));
  return serializeXml("testsuites", {
    ...totals,
    "@time": time,
    testsuite: {
      ...totals,
      "@skipped": counts.skipped,
      "@time": time,
      "@timestamp": options.timestamp,
      "@hostname": options.hostname,
      ...(properties.length === 0 ? {} : { properties: { property: properties } }),
      testcase: results.map(testcase),
    },
  });
}
