// Which checks the lab runs: every scenario's checks, from the topology (known from config) and the live
// facts (pod and service IPs, nodes).
import type { LabTopology, LiveFacts } from "./lab";
import { PlanContext } from "./scenarios/context";
import { SCENARIOS } from "./scenarios";
import type { CheckPlan } from "./types";

export function planChecks(topology: LabTopology, facts: LiveFacts): CheckPlan[] {
  const context = new PlanContext(topology, facts);
  const plans = SCENARIOS.flatMap((scenario) => scenario.plan(context));
  // A check that cannot apply here runs nothing.
  return plans.map((plan) =>
    plan.skipReason === undefined ? plan : { ...plan, steps: [], evidenceSteps: [] },
  );
}
