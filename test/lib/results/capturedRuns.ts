// Every check of the default lab on two nodes, planned as the program plans it and answered step by step
// with the real tool outputs captured under test/fixtures: the raw runs a walkthrough is written from.
import { judgeCheck } from "../../../lib/checks/judge";
import type { CheckRun } from "../../../lib/checks/facts";
import type { LiveFacts } from "../../../lib/checks/lab";
import { planChecks } from "../../../lib/checks/plan";
import type { CheckPlan, CheckResult, StepResult } from "../../../lib/checks/types";
import { type Capture, capture, fixtureText } from "../../support/fixtures";
import { DUAL_STACK, topologyOf } from "../checks/scenarios/lab";

/**
 * The two-node facts of the planner's tests, dual-stack: pod-demo's IP and the ClusterIPs are those of the
 * captures (svc-dualstack-nginx's those of test/fixtures/network/dual-*).
 */
export const FACTS = { ...DUAL_STACK, kubeDnsIP: "10.96.0.10", apiServiceIP: "10.96.0.1" };

/** A step result as the runner reports a command that printed `c`. */
export function stepOf(c: Capture, extra: Partial<StepResult> = {}): StepResult {
  return {
    kubectlExit: c.exit,
    remoteExit: c.exit,
    attempts: 1,
    durationMs: 40,
    timedOut: false,
    stdout: c.stdout,
    stderr: c.stderr,
    ...extra,
  };
}

const text = (stdout: string): Capture => ({ stdout, stderr: "", exit: 0 });
const page = (tool: "curl" | "bash-tcp", marker: string) =>
  capture(tool, marker === "It works!" ? "httpd-it-works-timed" : "nginx-welcome");

/** The nslookup captures by the name looked up (bind's nslookup, the DNS probe's tool). */
function lookupCapture(name: string): Capture {
  if (name === "kubernetes.default") return capture("nslookup-bind", "kubernetes-default");
  if (name.startsWith("svc-dualstack-nginx.")) {
    // Captured on the dual-stack e2e cluster for a Service of another name, with the same ClusterIPs.
    const dual = capture("network", "dual-nslookup-service");
    return {
      ...dual,
      stdout: dual.stdout.replaceAll("web-2-dual.netlab-dual-capture.", "svc-dualstack-nginx.netlab."),
    };
  }
  const form = name.endsWith(".svc.cluster.local")
    ? "fqdn"
    : name.includes(".")
      ? "namespaced-name"
      : "short-name";
  return capture("nslookup-bind", name.startsWith("svc-nodeport-httpd") ? `httpd-${form}` : form);
}

/** The status Traefik wrote on the e2e cluster's Ingress or Gateway, as the check's jsonpath prints it. */
const statusOf = (file: string): Capture =>
  text(JSON.stringify((JSON.parse(fixtureText("ingress", file)) as { status: unknown }).status));

/** Traefik's answers through the e2e cluster's controller, by the page the route lands on. */
function routedCapture(marker: string | null): string {
  if (marker === null) return "ingress-unknown-host";
  return marker === "It works!" ? "ingress-host-httpd" : "ingress-path-nginx-page";
}

/** What the cluster answered to step `index` of a check that passes. */
function capturedStep(plan: CheckPlan, index: number): Capture {
  const step = plan.steps[index];
  const last = index === plan.steps.length - 1;
  // The endpoint wait prints "<address>=<ready>" lines and "changed=", written here in that form.
  if (step?.kind === "wait" && step.until === "accepted=True") return text("accepted=True\nchanged=\n");
  if (step?.kind === "wait") return text(`${(step.until ?? "").replace(/=true$/, "")}=true\nchanged=\n`);
  if (step?.kind === "get" && step.argv.includes("jsonpath={.status}"))
    return capture(
      "ingress",
      step.argv.includes("ingress.networking.k8s.io") ? "ingress-status" : "gateway-status",
    );
  if (step?.kind === "get")
    return text(step.argv.includes("kube-dns") ? FACTS.kubeDnsIP : FACTS.apiServiceIP);
  const e = plan.expectation;
  switch (e.type) {
    case "http":
      return page(e.tool, e.marker);
    case "http-from-each":
      return page("curl", e.marker);
    case "backends":
      return text(`${e.backends.join("\n")}\n`.repeat(e.requests / e.backends.length));
    case "client-ip":
      return text(`${e.address}:41234`);
    case "dropped":
      return capture("curl", "connect-timeout");
    case "transfer":
      return capture("agnhost", "transfer");
    case "http-by-name":
      return last ? page("curl", e.marker) : text(fixtureText("kubelet", "getent-hosts-pod-demo.txt"));
    case "refused":
      return capture("curl", "refused");
    case "pod-identity":
      return text(
        `==> /proc/sys/kernel/hostname <==\n${fixtureText("netns", "hostname.stdout")}\n` +
          `==> /etc/hosts <==\n${fixtureText("kubelet", "etc-hosts-pod-demo.txt")}`,
      );
    case "shared-network":
      return capture("netns", "network-identity");
    case "resolv-conf":
      return text(fixtureText("kubelet", "resolv-conf-pod.txt"));
    case "dns":
      return lookupCapture(e.name);
    case "service-exists":
      return text(FACTS.kubeDnsIP);
    case "routed":
      return capture("ingress", routedCapture(e.marker));
    case "front-address":
      return statusOf(e.front === "ingress" ? "ingress.json" : "gateway.json");
  }
}

export interface CapturedLab {
  runs: CheckRun[];
  results: CheckResult[];
}

/**
 * The lab's checks on two nodes, each answered with captured outputs; `answers` replaces the step results
 * of some checks (a failure), `facts` the live facts (a skip).
 */
export function capturedLab(
  answers: Record<string, StepResult[]> = {},
  facts: LiveFacts = FACTS,
): CapturedLab {
  const runs = planChecks(topologyOf(), facts).map((plan) => ({
    plan,
    steps:
      answers[plan.id] ??
      (plan.skipReason === undefined ? plan.steps.map((_, i) => stepOf(capturedStep(plan, i))) : []),
  }));
  return { runs, results: runs.map((run) => judgeCheck(run.plan, run.steps)) };
}
