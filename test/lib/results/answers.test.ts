import { describe, expect, it } from "vitest";
import type { CheckPlan, StepResult } from "../../../lib/checks/types";
import { answersOf, MAX_ANSWER_LINES, trimmed } from "../../../lib/results/answers";
import { capture } from "../../support/fixtures";
import { capturedLab, stepOf } from "./capturedRuns";

const plans = Object.fromEntries(capturedLab().runs.map((run) => [run.plan.id, run.plan]));
const planOf = (id: string): CheckPlan => plans[id] as CheckPlan;

describe("what the cluster answered", () => {
  it("keeps an answer to its lines that matter: no blank lines, at most a page of them", () => {
    expect(trimmed("a\n\n  b  \n\n")).toBe("a\n  b");
    const long = Array.from({ length: MAX_ANSWER_LINES + 3 }, (_, i) => `line ${i}`).join("\n");
    expect(trimmed(long).split("\n")).toEqual([
      ...Array.from({ length: MAX_ANSWER_LINES }, (_, i) => `line ${i}`),
      "… (3 more lines)",
    ]);
  });

  it("shows the first lines of a page that lacks the marker (another server's page)", () => {
    const [answer] = answersOf(planOf("pod-demo.localhost"), [stepOf(capture("curl", "nginx-welcome"))]);
    expect(answer).toEqual({
      caption: "pod-demo/cntr-centos got the page's first lines",
      text: "<!DOCTYPE html>\n<html>\n<head>",
    });
  });

  it("shows both containers' networks when they differ", () => {
    const plan = planOf("pod-demo.shared-network");
    const answers = answersOf(plan, [
      stepOf(capture("netns", "network-identity")),
      stepOf(capture("netns", "network-identity-host")),
    ]);
    expect(answers.map((a) => a.caption)).toEqual([
      "pod-demo/cntr-httpd: its network namespace, interfaces, eth0 MAC and addresses",
      "pod-demo/cntr-centos: its network namespace, interfaces, eth0 MAC and addresses",
    ]);
    expect(answers[1]?.text).not.toBe(answers[0]?.text);
  });

  it("says when a Service listed no ready endpoint before the wait ended, and when kubectl ran out of time", () => {
    const plan = planOf("service.svc-clusterip-nginx.cluster-ip");
    const wait: StepResult = { ...stepOf({ stdout: "changed=\n", stderr: "", exit: 1 }), timedOut: true };
    const exec: StepResult = {
      ...stepOf({ stdout: "", stderr: "", exit: 1 }),
      remoteExit: undefined,
      timedOut: true,
    };
    expect(answersOf(plan, [wait, exec])).toEqual([
      {
        caption:
          "the Service's EndpointSlices, as the check waited for them, not ready before the wait ended",
        text: "(no endpoint)",
      },
      { caption: "kubectl did not finish in time (1 attempt(s))" },
    ]);
  });

  it("says a step printed nothing", () => {
    const plan = planOf("pod-to-pod.pod-httpd.pod-nginx");
    expect(answersOf(plan, [stepOf(capture("bash-tcp", "timeout"))])).toEqual([
      { caption: "the request from pod-httpd/cntr-httpd failed (exit 124), and printed nothing" },
    ]);
  });

  it("gives nothing for a check that ran no step", () => {
    expect(answersOf(planOf("pod-demo.localhost"), [])).toEqual([]);
  });
});
