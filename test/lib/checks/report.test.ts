import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  formatReport,
  STRICT_GATE_SCRIPT,
  strictGateEnvironment,
  summarize,
} from "../../../lib/checks/report";
import type { CheckResult } from "../../../lib/checks/types";

const passed: CheckResult = {
  id: "pod-demo.localhost",
  claim: "Containers of one pod reach each other on localhost.",
  source: "pod-demo/cntr-centos",
  target: "pod-demo/cntr-httpd via localhost:80",
  command:
    "kubectl exec --namespace netlab pod-demo --container cntr-centos -- curl -sS http://localhost:80/",
  expected: 'the page contains "It works!"',
  observed: "<html><body><h1>It works!</h1></body></html>",
  outcome: "passed",
  section: "pod-demo",
  from: { kind: "pod", pod: "pod-demo", container: "cntr-centos" },
  to: { kind: "pod", pod: "pod-demo", container: "cntr-httpd" },
  via: "localhost",
  sourceNode: "node-1",
  targetNode: "node-1",
  path: "same-pod",
  timing: { connectMs: 0.131, totalMs: 5.541 },
  durationMs: 412,
  attempts: 1,
};
const failed: CheckResult = {
  ...passed,
  id: "pod-to-pod.pod-httpd.pod-nginx",
  claim: "Pods reach each other by pod IP.",
  source: "pod-httpd/cntr-httpd",
  target: "pod-nginx/cntr-nginx via 10.244.1.11:80",
  command:
    "kubectl exec --namespace netlab pod-httpd --container cntr-httpd -- timeout 10 bash -c '...' _ 10.244.1.11 80",
  expected: 'the page contains "Welcome to nginx!"',
  observed: "exit 124: ",
  outcome: "failed",
  failure: "timeout",
  section: "pod-to-pod",
  from: { kind: "pod", pod: "pod-httpd", container: "cntr-httpd" },
  to: { kind: "pod", pod: "pod-nginx", container: "cntr-nginx" },
  via: "pod-ip",
  targetNode: "node-2",
  path: "cross-node",
  timing: undefined,
  durationMs: 10021,
};
const skipped: CheckResult = {
  ...passed,
  id: "node-to-pod.pod-demo.other-node",
  outcome: "skipped",
  skipReason: "the cluster has one schedulable node",
  observed: "skipped: the cluster has one schedulable node",
  command: "",
  path: "cross-node",
  timing: undefined,
  durationMs: 0,
  attempts: 0,
};

describe("summarize", () => {
  it("counts and lists failures in run order", () => {
    expect(summarize([passed, failed, passed])).toEqual({
      passed: 2,
      failed: 1,
      skipped: 0,
      total: 3,
      failedIds: ["pod-to-pod.pod-httpd.pod-nginx"],
      skippedIds: [],
    });
    expect(summarize([])).toEqual({
      passed: 0,
      failed: 0,
      skipped: 0,
      total: 0,
      failedIds: [],
      skippedIds: [],
    });
  });

  it("counts skipped checks apart: never as passed, never as failed", () => {
    expect(summarize([passed, skipped])).toMatchObject({
      passed: 1,
      failed: 0,
      skipped: 1,
      total: 2,
      skippedIds: ["node-to-pod.pod-demo.other-node"],
    });
    expect(strictGateEnvironment([passed, skipped]).NETLAB_FAILED_CHECKS).toBe("0");
  });
});

describe("formatReport", () => {
  it("is an aligned table, then the failures with what to rerun", () => {
    expect(formatReport([passed, failed])).toBe(
      [
        "CHECK                           RESULT            PATH                      TIME      CONNECT  OBSERVED",
        "pod-demo.localhost              passed            same-pod node-1           412 ms    0.13 ms  <html><body><h1>It works!</h1></body></html>",
        "pod-to-pod.pod-httpd.pod-nginx  FAILED (timeout)  cross-node node-1>node-2  10021 ms           exit 124:",
        "",
        "1/2 checks failed: pod-to-pod.pod-httpd.pod-nginx",
        "",
        "FAILED pod-to-pod.pod-httpd.pod-nginx: Pods reach each other by pod IP.",
        "  from:     pod-httpd/cntr-httpd",
        "  to:       pod-nginx/cntr-nginx via 10.244.1.11:80",
        '  expected: the page contains "Welcome to nginx!"',
        "  observed: exit 124: ",
        "  rerun:    kubectl exec --namespace netlab pod-httpd --container cntr-httpd -- timeout 10 bash -c '...' _ 10.244.1.11 80",
      ].join("\n"),
    );
  });

  it("says so when everything passed", () => {
    expect(formatReport([passed]).split("\n").pop()).toBe("1/1 checks passed.");
  });

  it("clips long observations in the table only", () => {
    const long = { ...failed, observed: "x".repeat(100) };
    const report = formatReport([long]);
    expect(report).toContain(`${"x".repeat(59)}…`);
    expect(report).toContain(`  observed: ${"x".repeat(100)}`);
  });
});

describe("skipped checks in the report", () => {
  it("shows them as skipped, with no time, and says why under the table", () => {
    const report = formatReport([passed, skipped]);
    expect(report).toMatch(
      /^node-to-pod\.pod-demo\.other-node\s+skipped\s+cross-node node-1\s+-\s+skipped: the cluster/m,
    );
    expect(report).toContain("\n1/2 checks passed. 1 skipped.\n");
    expect(report).toContain("skipped node-to-pod.pod-demo.other-node: the cluster has one schedulable node");
  });
});

describe("the strict-mode gate", () => {
  const run = (results: CheckResult[]) => {
    const env = { ...process.env, ...strictGateEnvironment(results) };
    try {
      const stdout = execFileSync("sh", ["-c", STRICT_GATE_SCRIPT], { encoding: "utf8", stdio: "pipe", env });
      return { status: 0, stdout, stderr: "" };
    } catch (error) {
      const { status, stdout, stderr } = error as { status: number; stdout: string; stderr: string };
      return { status, stdout, stderr };
    }
  };

  it("does not fail for skipped checks", () => {
    expect(run([passed, skipped])).toEqual({
      status: 0,
      stdout: "strict mode: no check failed (1 passed, 1 skipped)\n",
      stderr: "",
    });
  });

  it("succeeds when every check passed", () => {
    expect(run([passed, passed])).toEqual({
      status: 0,
      stdout: "strict mode: all 2 checks passed\n",
      stderr: "",
    });
  });

  it("fails naming each failed check, with the whole report", () => {
    expect(run([passed, failed])).toEqual({
      status: 1,
      stdout: "",
      stderr: `strict mode: 1 of 2 checks failed: pod-to-pod.pod-httpd.pod-nginx\n\n${formatReport([passed, failed])}\n`,
    });
  });

  it("keeps the report out of the command line", () => {
    expect(STRICT_GATE_SCRIPT).not.toContain("pod-to-pod");
    expect(strictGateEnvironment([passed, failed]).NETLAB_FAILED_CHECKS).toBe("1");
  });
});
