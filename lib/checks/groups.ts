// Checks that test the same lab objects run together, as one command: they wait for the same objects and
// rerun on the same changes, and one script can share their kubectl calls (a step two checks need runs
// once; the probes of one container go in one exec).
import { type TestedObject, testedKey } from "./tested";
import type { CheckPlan, Step } from "./types";

export interface CheckGroup {
  /** The name of the group's command, from the objects it tests, e.g. `checks-pod/pod-demo,probes/node`. */
  name: string;
  /** The tested objects, once each, sorted by key. */
  tests: TestedObject[];
  /** The group's checks, in plan order. */
  ids: string[];
}

/** The checks grouped by the set of objects they test, in the order of their first check. */
export function groupChecks(plans: readonly CheckPlan[]): CheckGroup[] {
  const groups = new Map<string, CheckGroup>();
  for (const plan of plans) {
    const byKey = [...new Map(plan.tests.map((object) => [testedKey(object), object])).entries()].sort(
      ([a], [b]) => (a < b ? -1 : 1),
    );
    const tests = byKey.map(([, object]) => object);
    const name = `checks-${byKey.map(([key]) => key).join(",") || "cluster"}`;
    const group = groups.get(name);
    if (group === undefined) groups.set(name, { name, tests, ids: [plan.id] });
    else group.ids.push(plan.id);
  }
  return [...groups.values()];
}

export interface GroupSteps {
  /** Every distinct step of the group's checks, their own and their evidence steps, once. */
  steps: Step[];
  /** For each check, the indices of its steps in `steps`. */
  indices: number[][];
  /** For each check, the indices of its evidence steps in `steps`. */
  evidenceIndices: number[][];
}

/** The distinct steps of some checks, and where each check's steps are among them. */
export function distinctSteps(plans: readonly CheckPlan[]): GroupSteps {
  const steps: Step[] = [];
  const seen = new Map<string, number>();
  const indexOf = (step: Step) => {
    const key = JSON.stringify([step.kind, step.until ?? null, step.argv]);
    let index = seen.get(key);
    if (index === undefined) {
      index = steps.push(step) - 1;
      seen.set(key, index);
    }
    return index;
  };
  const indices = plans.map((plan) => plan.steps.map(indexOf));
  const evidenceIndices = plans.map((plan) => (plan.evidenceSteps ?? []).map((probe) => indexOf(probe.step)));
  return { steps, indices, evidenceIndices };
}
