// Runs to diagnose, made from real results: the 32 checks of a real two-node e2e run (all passed,
// test/fixtures/results/e2e-two-node-checks.json), with some checks failed as a real fault fails them. A
// failed check is judged by the real judge on a captured probe output (test/fixtures/curl, bash-tcp,
// nslookup-bind), so its failure kind and observed text are what the lab would report.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { judgeCheck } from "../../../../lib/checks/judge";
import type { DiagnosisLab, RunFacts } from "../../../../lib/checks/diagnosis";
import type { CheckPlan, CheckResult, Expectation, Step, StepResult } from "../../../../lib/checks/types";
import { capture, type Capture } from "../../../support/fixtures";
import { RESULTS_FIXTURES_DIR } from "../../results/fixtures";
import { topologyOf } from "../scenarios/lab";

export const E2E_RESULTS = JSON.parse(
  readFileSync(path.join(RESULTS_FIXTURES_DIR, "e2e-two-node-checks.json"), "utf8"),
) as CheckResult[];

const NODE_1 = "netlab-e2e-node";
const NODE_2 = "netlab-e2e-node-2";

/** The facts of that run, as its results and diagram (e2e-two-node-one-failure.mmd) show them. */
export const E2E_FACTS: RunFacts = {
  podIPs: { "pod-demo": "10.244.0.4", "pod-httpd": "10.244.0.3", "pod-nginx": "10.244.1.2" },
  podNodes: { "pod-demo": NODE_1, "pod-httpd": NODE_1, "pod-nginx": NODE_2, "netlab-dns-probe": NODE_2 },
  nodes: [
    { name: NODE_1, internalIP: "10.250.0.1", schedulable: true },
    { name: NODE_2, internalIP: "10.250.0.2", schedulable: true },
  ],
  nodeProbes: { [NODE_1]: "netlab-node-probe-zk5wm", [NODE_2]: "netlab-node-probe-hx22n" },
  kubeDnsNodes: [NODE_1],
  services: {
    "svc-nodeport-httpd": { clusterIP: "10.96.109.70", nodePort: 31000 },
    "svc-clusterip-nginx": { clusterIP: "10.96.110.67" },
  },
  kubeDnsIP: "10.96.0.10",
  apiServiceIP: "10.96.0.1",
};

/** The lab of that run (the default one), reached as its rerun commands reach it; config as given. */
export function e2eLab(raw: Record<string, string> = {}): DiagnosisLab {
  const { services } = topologyOf(raw);
  return {
    namespace: "netlab",
    kubectl: {
      kubeconfig: "/var/lib/netlab-e2e/kubeconfig",
      context: "netlab-e2e",
      requestTimeoutSeconds: 30,
    },
    services,
  };
}

export const K =
  "kubectl --kubeconfig /var/lib/netlab-e2e/kubeconfig --context netlab-e2e --request-timeout=30s";

/** A capture with one text replaced by another: the same output, for the lab's own names and ports. */
export function adapted(c: Capture, replacements: Record<string, string>): Capture {
  const swap = (text: string) =>
    Object.entries(replacements).reduce((out, [from, to]) => out.split(from).join(to), text);
  return { ...c, stdout: swap(c.stdout), stderr: swap(c.stderr) };
}

export const captured = capture;

const stepOf = (c: Capture, extra: Partial<StepResult> = {}): StepResult => ({
  kubectlExit: c.exit,
  remoteExit: c.exit,
  attempts: 1,
  durationMs: 3000,
  timedOut: false,
  stdout: c.stdout,
  stderr: c.stderr,
  ...extra,
});

/** What a check expected, read back from its result: a DNS answer or a page. */
function expectationOf(result: CheckResult): Expectation {
  if (result.via === "dns") {
    const name = result.target.replace(/^nslookup (-vc )?/, "");
    return { type: "dns", name, address: result.expected.split(" -> ")[1]?.split(" ")[0] ?? null };
  }
  const marker = /the page contains "(.*)"/.exec(result.expected)?.[1] ?? "";
  return { type: "http", tool: result.source.startsWith("pod-demo") ? "curl" : "bash-tcp", marker };
}

const EXEC: Step = { kind: "exec", argv: ["kubectl", "exec", "p", "--", "probe"] };

/** The check judged anew on other step results: its outcome, failure and observed text, and no timing. */
function rejudged(result: CheckResult, steps: Step[], outputs: StepResult[]): CheckResult {
  const plan: CheckPlan = { ...result, steps, expectation: expectationOf(result), tests: [] };
  const judged = judgeCheck(plan, outputs);
  const changed: CheckResult = { ...result, outcome: judged.outcome, observed: judged.observed };
  delete changed.timing;
  delete changed.failure;
  return judged.failure === undefined ? changed : { ...changed, failure: judged.failure };
}

/** The check as the judge sees it when its probe printed `output`. */
export const printed = (result: CheckResult, output: Capture): CheckResult =>
  rejudged(result, [EXEC], [stepOf(output)]);

/** The check as judged when its Service never listed `podIP` as ready, its wait having seen `seen`. */
export function endpointNeverReady(result: CheckResult, podIP: string, seen: string): CheckResult {
  const wait: Step = { kind: "wait", until: `${podIP}=true`, argv: ["kubectl", "get", "endpointslices"] };
  const timedOut = stepOf(
    { stdout: seen, stderr: "", exit: 0 },
    { timedOut: true, attempts: 60, durationMs: 30_400 },
  );
  return rejudged(result, [wait, EXEC], [timedOut, stepOf(capture("curl", "httpd-it-works"))]);
}

/** The run with the checks `change` returns a new result for changed, the others as they were. */
export function withFault(
  change: (result: CheckResult) => CheckResult | undefined,
  results: readonly CheckResult[] = E2E_RESULTS,
): CheckResult[] {
  return results.map((result) => change(result) ?? result);
}

export const byId = (results: readonly CheckResult[], id: string): CheckResult => {
  const found = results.find((result) => result.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
};
