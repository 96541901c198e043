// Each exercise judged on the run its mistake makes: the 32 checks of a real two-node e2e run, with the
// checks the mistake breaks failed as the real judge judges captured probe outputs (test/lib/checks/
// diagnosis/support.ts), then diagnosed by the real rules.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../lib/checks/diagnosis";
import { STRICT_GATE_SCRIPT, strictGateEnvironment } from "../../../lib/checks/report";
import type { CheckResult } from "../../../lib/checks/types";
import { EXERCISES, type ExerciseName, exerciseLab, exercisePlan } from "../../../lib/exercises";
import { exerciseLine, expectedFailures, judgeExercise } from "../../../lib/exercises/judge";
import {
  adapted,
  captured,
  E2E_FACTS,
  E2E_RESULTS,
  e2eLab,
  endpointNeverReady,
  K,
  printed,
  withFault,
} from "../checks/diagnosis/support";

const NGINX_CHECK = "service.svc-clusterip-nginx.cluster-ip";
/** The e2e run's pod-nginx, which the Service selects. */
const NGINX_IP = "10.244.1.2";

const planOf = (name: ExerciseName) => {
  const plan = exercisePlan(
    EXERCISES[name],
    exerciseLab({
      namespace: "netlab",
      clusterDomain: "cluster.local",
      services: { httpd: { name: "svc-nodeport-httpd" }, nginx: { name: "svc-clusterip-nginx" } },
    } as Parameters<typeof exerciseLab>[0]),
  );
  if (plan === undefined) throw new Error(`no plan for ${name}`);
  return plan;
};

/** A request through the nginx Service, refused (curl's real refusal, for the Service's name and port). */
const refused = (r: CheckResult) =>
  printed(r, adapted(captured("curl", "refused"), { "10.244.1.10 port 81": "svc-clusterip-nginx port 80" }));

/** A request by name whose name did not resolve (curl's real message, for the Service's name). */
const unresolved = (r: CheckResult) =>
  printed(
    r,
    adapted(captured("curl", "resolve-failure"), {
      "no-such-svc.invalid": r.to.kind === "service" ? r.to.service : "",
    }),
  );

/** The run each exercise's mistake makes, diagnosed as the lab diagnoses it. */
const runs: Record<ExerciseName, () => CheckResult[]> = {
  "wrong-target-port": () =>
    diagnose(
      withFault((r) => (r.id === NGINX_CHECK ? refused(r) : undefined)),
      E2E_FACTS,
      // The lab's Service as the exercise deploys it: targetPort 8080.
      e2eLab({ services: '{"nginx":{"targetPort":8080}}' }),
    ),
  "selector-typo": () =>
    diagnose(
      withFault((r) =>
        r.id === NGINX_CHECK ? endpointNeverReady(r, NGINX_IP, "changed=2026-12-01T06:17:35Z\n") : undefined,
      ),
      E2E_FACTS,
      e2eLab(),
    ),
  "dns-nowhere": () =>
    diagnose(
      withFault((r) => {
        if (r.via === "cluster-ip") return unresolved(r);
        if (r.id === "dns.resolv-conf.pod-demo") {
          const observed =
            "kube-dns is 10.96.0.10, resolv.conf has nameserver 192.0.2.53; search netlab.svc.cluster.local svc.cluster.local cluster.local; options ndots:5";
          return { ...r, outcome: "failed", failure: "wrong-answer", observed };
        }
        return undefined;
      }),
      E2E_FACTS,
      e2eLab(),
    ),
};

describe("judgeExercise", () => {
  it.each(Object.keys(EXERCISES) as ExerciseName[])(
    "passes %s when its checks failed and were diagnosed as expected",
    (name) => {
      const plan = planOf(name);
      const result = judgeExercise(plan, runs[name]());
      expect(result.outcome, result.sentence).toBe("passed");
      expect(result.observed.failing).toEqual(plan.failing);
      expect(Object.values(result.observed.rules)).toEqual(plan.failing.map(() => plan.rule));
    },
  );

  it("says what failed, how it was diagnosed and the command that shows it", () => {
    const result = judgeExercise(planOf("selector-typo"), runs["selector-typo"]());
    expect(result).toEqual({
      name: "selector-typo",
      mistake: EXERCISES["selector-typo"].mistake,
      expected: { failing: [NGINX_CHECK], rule: "no-endpoint" },
      observed: { failing: [NGINX_CHECK], rules: { [NGINX_CHECK]: "no-endpoint" } },
      outcome: "passed",
      sentence:
        `${NGINX_CHECK} failed as the mistake makes them fail, diagnosed as no-endpoint: the selector of ` +
        `svc-clusterip-nginx matches no running pod; see it with: ${K} describe service svc-clusterip-nginx ` +
        `--namespace netlab && ${K} get pods --namespace netlab --show-labels --output wide`,
    });
    expect(exerciseLine(result)).toMatch(
      /^exercise selector-typo: PASSED \(the selector of the Service exposing pod-nginx has a typo/,
    );
  });

  it("fails when the mistake did not show: every check passed", () => {
    const result = judgeExercise(planOf("wrong-target-port"), E2E_RESULTS);
    expect(result.outcome).toBe("failed");
    expect(result.observed.failing).toEqual([]);
    expect(result.sentence).toBe(`${NGINX_CHECK} did not fail: the mistake did not show.`);
  });

  it("fails when the failure was diagnosed by another rule", () => {
    // The refusal, but with the lab believing the Service sends to port 80, which pod-nginx serves.
    const run = diagnose(
      withFault((r) => (r.id === NGINX_CHECK ? refused(r) : undefined)),
      E2E_FACTS,
      e2eLab(),
    );
    const result = judgeExercise(planOf("wrong-target-port"), run);
    expect(result.outcome).toBe("failed");
    expect(result.sentence).toBe(`${NGINX_CHECK} was diagnosed as failure-kind, not nothing-listens.`);
  });

  it("fails when another check failed too, which the mistake does not explain", () => {
    const run = runs["wrong-target-port"]().map((r) =>
      r.id === "pod-demo.localhost" ? { ...r, outcome: "failed" as const, failure: "refused" as const } : r,
    );
    const result = judgeExercise(planOf("wrong-target-port"), run);
    expect(result.outcome).toBe("failed");
    expect(result.observed.failing).toEqual(["pod-demo.localhost", NGINX_CHECK]);
    expect(result.sentence).toMatch(/pod-demo.localhost failed too, which the mistake does not explain/);
  });

  it("fails when an expected check was left out", () => {
    const run = runs["dns-nowhere"]().filter((r) => r.id !== "dns.resolv-conf.pod-demo");
    const result = judgeExercise(planOf("dns-nowhere"), run);
    expect(result.outcome).toBe("failed");
    expect(result.sentence).toBe(
      "dns.resolv-conf.pod-demo did not run (left out by checksOnly or checksSkip).",
    );
  });
});

describe("strict mode under an exercise", () => {
  const gate = (results: CheckResult[], expected: readonly string[]) => {
    const env = { ...process.env, ...strictGateEnvironment(results, expected) };
    try {
      return {
        code: 0,
        out: execFileSync("sh", ["-c", STRICT_GATE_SCRIPT], { encoding: "utf8", stdio: "pipe", env }),
      };
    } catch (error) {
      const failed = error as { status: number; stderr: string };
      return { code: failed.status, out: failed.stderr };
    }
  };

  it("does not fail on the failures the exercise expects", () => {
    const plan = planOf("dns-nowhere");
    const { code, out } = gate(runs["dns-nowhere"](), expectedFailures(plan));
    expect(code).toBe(0);
    expect(out.trim()).toBe(
      "strict mode: no unexpected failure (29 passed; 3 failed as the exercise expects)",
    );
  });

  it("fails on a failure the exercise does not expect, naming it alone", () => {
    const run = runs["wrong-target-port"]().map((r) =>
      r.id === "pod-demo.localhost" ? { ...r, outcome: "failed" as const, failure: "refused" as const } : r,
    );
    const { code, out } = gate(run, expectedFailures(planOf("wrong-target-port")));
    expect(code).toBe(1);
    expect(out.split("\n")[0]).toBe(
      "strict mode: 1 of 32 checks failed: pod-demo.localhost; 1 failed as the exercise expects",
    );
  });

  it("fails on every failure without an exercise", () => {
    expect(gate(runs["selector-typo"](), expectedFailures(undefined)).code).toBe(1);
  });
});
