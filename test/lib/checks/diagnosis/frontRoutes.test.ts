// Requests through the ingress controller that failed, judged by the real judge on Traefik's captured answers
// (test/fixtures/ingress): nothing answering at its address, or its own 404 for the lab's routes.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import { judgeCheck } from "../../../../lib/checks/judge";
import type { LiveFacts } from "../../../../lib/checks/lab";
import { planChecks } from "../../../../lib/checks/plan";
import type { CheckResult, StepResult } from "../../../../lib/checks/types";
import { capture } from "../../../support/fixtures";
import { topologyOf, TWO_NODES } from "../scenarios/lab";
import { byId, e2eLab } from "./support";

const FACTS: LiveFacts = {
  ...TWO_NODES,
  fronts: {
    ingress: {
      className: "traefik",
      controller: "traefik.io/ingress-controller",
      address: "10.250.0.1",
      addressFrom: "status",
    },
    gateway: { skipReason: "the cluster does not serve the Gateway API (no GatewayClass resource)" },
  },
};
const topology = topologyOf({ labs: "eg1,eg2,services,ingress" });

/** Every ingress check of the lab, the route checks answered by `answer` (a capture's name, per check id). */
function ingressRun(answer: (id: string) => string): CheckResult[] {
  return planChecks(topology, FACTS)
    .filter((plan) => plan.id.startsWith("ingress."))
    .map((plan) => {
      const steps = plan.steps.map((_step, i): StepResult => {
        const last = i === plan.steps.length - 1;
        const c = last
          ? plan.id === "ingress.controller"
            ? { stdout: '{"loadBalancer":{"ingress":[{"ip":"10.250.0.1"}]}}', stderr: "", exit: 0 }
            : capture("ingress", answer(plan.id))
          : { stdout: "10.244.1.10=true\nchanged=\n", stderr: "", exit: 0 };
        return { kubectlExit: c.exit, remoteExit: c.exit, attempts: 1, durationMs: 5, timedOut: false, ...c };
      });
      return judgeCheck(plan, steps);
    });
}

const TRAEFIK = {
  "ingress.host.httpd": "ingress-host-httpd",
  "ingress.host.nginx": "ingress-path-nginx-page",
  "ingress.path.root": "ingress-path-root",
  "ingress.path.index": "ingress-path-nginx-page",
  "ingress.unknown-host": "ingress-unknown-host",
  "ingress.unknown-path": "ingress-unknown-path",
} as Record<string, string>;

describe("requests through the ingress controller", () => {
  it("pass on Traefik's own answers", () => {
    const run = ingressRun((id) => TRAEFIK[id] as string);
    expect(run.map((r) => [r.id, r.outcome])).toEqual([
      ["ingress.controller", "passed"],
      ...Object.keys(TRAEFIK).map((id) => [id, "passed"]),
    ]);
  });

  it("controller-unreached: nothing answers at the address it published", () => {
    const results = diagnose(
      ingressRun(() => "no-controller"),
      FACTS,
      e2eLab(),
    );
    expect(byId(results, "ingress.path.root").diagnosis).toEqual({
      rule: "controller-unreached",
      cause:
        "no request through the lab's Ingress got an answer (ingress.host.httpd, ingress.host.nginx and 4 more: refused): nothing serves port 80 at the address of the controller of class traefik at 10.250.0.1; check that the controller runs and listens where its status says",
      summary: "nothing answers at the controller of class traefik at 10.250.0.1",
      see: expect.stringContaining(
        "get ingress.networking.k8s.io ing-tutorial --namespace netlab --output wide",
      ) as string,
      sharedBy: [
        "ingress.host.httpd",
        "ingress.host.nginx",
        "ingress.path.root",
        "ingress.path.index",
        "ingress.unknown-host",
        "ingress.unknown-path",
      ],
    });
  });

  it("routes-not-taken: the controller's own 404 for every route, or for one rule only", () => {
    const none = diagnose(
      ingressRun(() => "ingress-unknown-host"),
      FACTS,
      e2eLab(),
    );
    expect(byId(none, "ingress.host.nginx").diagnosis).toMatchObject({
      rule: "routes-not-taken",
      summary: "the controller of class traefik at 10.250.0.1 has not taken the lab's Ingress",
    });
    // The 404s that were due pass, whoever gave them.
    expect(byId(none, "ingress.unknown-path").outcome).toBe("passed");

    const one = diagnose(
      ingressRun((id) => (id === "ingress.path.index" ? "ingress-unknown-path" : (TRAEFIK[id] as string))),
      FACTS,
      e2eLab(),
    );
    expect(byId(one, "ingress.path.index").diagnosis).toMatchObject({
      rule: "routes-not-taken",
      cause:
        "the controller of class traefik at 10.250.0.1 serves some routes of the lab's Ingress (ingress.host.httpd, ingress.host.nginx and ingress.path.root) but answers http://paths.netlab.netlab.test/index.html with its own 404: that rule is missing from what it serves",
    });
  });

  it("leaves a backend's own 404 to the failure itself", () => {
    const results = diagnose(
      ingressRun((id) => (id === "ingress.path.index" ? "ingress-path-nginx" : (TRAEFIK[id] as string))),
      FACTS,
      e2eLab(),
    );
    expect(byId(results, "ingress.path.index").diagnosis?.rule).toBe("failure-kind");
  });
});
