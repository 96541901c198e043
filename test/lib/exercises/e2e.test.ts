// The exercises' real runs on the two-node e2e cluster (test/fixtures/exercises): their failures diagnosed
// anew by the rules and judged anew give the verdict the cluster gave, passed.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose, type RunFacts } from "../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../lib/checks/types";
import {
  EXERCISE_NAMES,
  type ExerciseName,
  exerciseOf,
  exercisePlan,
  exerciseLab,
  withExercise,
} from "../../../lib/exercises";
import { type ExerciseResult, judgeExercise } from "../../../lib/exercises/judge";
import { parseLabConfig } from "../../../lib/config";
import { e2eLab } from "../checks/diagnosis/support";

interface Captured {
  checks: CheckResult[];
  facts: RunFacts;
  exercise: ExerciseResult;
}

const captured = (name: ExerciseName): Captured =>
  JSON.parse(
    readFileSync(path.resolve(__dirname, "../../fixtures/exercises", `e2e-${name}.json`), "utf8"),
  ) as Captured;

describe.each(EXERCISE_NAMES)("%s on the e2e cluster", (name) => {
  const run = captured(name);
  const config = withExercise(parseLabConfig({ exercise: name }, { fileExists: () => true }));
  const plan = exercisePlan(exerciseOf(config), exerciseLab(config));

  it("was judged passed there", () => {
    expect(run.exercise.outcome).toBe("passed");
    expect(run.exercise.observed.failing).toEqual(plan?.failing);
  });

  it("is diagnosed and judged the same again", () => {
    if (plan === undefined) throw new Error("no plan");
    const bare = run.checks.map((result) => {
      const copy = { ...result };
      delete copy.diagnosis;
      return copy;
    });
    // The lab as the exercise deployed it: for wrong-target-port, the Service's targetPort 8080.
    const lab = e2eLab(
      name === "wrong-target-port" ? { services: JSON.stringify({ nginx: config.services.nginx }) } : {},
    );
    const results = diagnose(bare, run.facts, lab);
    expect(results).toEqual(run.checks);
    expect(judgeExercise(plan, results)).toEqual(run.exercise);
  });
});
