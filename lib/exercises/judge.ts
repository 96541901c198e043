// Whether an exercise was observed and diagnosed as expected: the expected failures are data computed before
// the run (exercisePlan), the observed ones come from the diagnosed results, and the verdict compares them.
// A failure the mistake does not explain fails the exercise: something else is broken too, and the learner
// should mend that first. Pure: no Pulumi import.
import type { CheckResult } from "../checks/types";
import type { ExercisePlan } from "./index";

export interface ExerciseResult {
  name: string;
  mistake: string;
  expected: { failing: string[]; rule: string };
  /** Every failed check of the run, and the rule that diagnosed each, by check id. */
  observed: { failing: string[]; rules: Record<string, string> };
  outcome: "passed" | "failed";
  /** What was seen, in one sentence, with the command that shows the cause when it passed. */
  sentence: string;
}

const listOf = (ids: readonly string[]) => ids.join(", ");

/** What differs from the plan, one phrase each; none when the exercise passed. */
function differences(plan: ExercisePlan, results: readonly CheckResult[]): string[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  const failed = results.filter((result) => result.outcome === "failed");
  const missing = plan.failing.filter((id) => !byId.has(id));
  const notFailed = plan.failing.filter((id) => byId.has(id) && byId.get(id)?.outcome !== "failed");
  const misdiagnosed = failed.filter((r) => plan.failing.includes(r.id) && r.diagnosis?.rule !== plan.rule);
  const unexplained = failed.filter((r) => !plan.failing.includes(r.id)).map((r) => r.id);
  return [
    ...(missing.length === 0
      ? []
      : [`${listOf(missing)} did not run (left out by checksOnly or checksSkip)`]),
    ...(notFailed.length === 0 ? [] : [`${listOf(notFailed)} did not fail: the mistake did not show`]),
    ...misdiagnosed.map(
      (r) => `${r.id} was diagnosed as ${r.diagnosis?.rule ?? "nothing"}, not ${plan.rule}`,
    ),
    ...(unexplained.length === 0
      ? []
      : [`${listOf(unexplained)} failed too, which the mistake does not explain: something else is broken`]),
  ];
}

export function judgeExercise(plan: ExercisePlan, results: readonly CheckResult[]): ExerciseResult {
  const failed = results.filter((result) => result.outcome === "failed");
  const rules = Object.fromEntries(failed.map((r) => [r.id, r.diagnosis?.rule ?? "none"]));
  const found = differences(plan, results);
  const diagnosis = results.find((r) => r.id === plan.failing[0])?.diagnosis;
  const sentence =
    found.length === 0
      ? `${listOf(plan.failing)} failed as the mistake makes them fail, diagnosed as ${plan.rule}: ` +
        `${diagnosis?.summary ?? plan.mistake}; see it with: ${diagnosis?.see ?? "the report"}`
      : `${found.join("; ")}.`;
  return {
    name: plan.name,
    mistake: plan.mistake,
    expected: { failing: [...plan.failing], rule: plan.rule },
    observed: { failing: failed.map((r) => r.id), rules },
    outcome: found.length === 0 ? "passed" : "failed",
    sentence,
  };
}

/** The report's first line when an exercise is on. */
export function exerciseLine(result: ExerciseResult): string {
  return `exercise ${result.name}: ${result.outcome.toUpperCase()} (${result.mistake}): ${result.sentence}`;
}

/** The checks whose failure the exercise expects: strict mode does not count them. */
export const expectedFailures = (plan: ExercisePlan | undefined): readonly string[] => plan?.failing ?? [];
