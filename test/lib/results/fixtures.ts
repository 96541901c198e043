// Loads the result fixtures under test/fixtures/results (see the README there).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { DiagramInput } from "../../../lib/results/diagram";

export const RESULTS_FIXTURES_DIR = path.resolve(__dirname, "..", "..", "fixtures", "results");

export type LabFixture = "lab-passing" | "lab-with-failures" | "awkward-values";

/** A lab as deployed with its judged checks: the input of the diagram, whose results feed JUnit too. */
export function labFixture(name: LabFixture): DiagramInput {
  return JSON.parse(readFileSync(path.join(RESULTS_FIXTURES_DIR, `${name}.json`), "utf8")) as DiagramInput;
}
