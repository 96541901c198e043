// Evidence: the chain of facts that carried a check, each read from the live cluster in the same run, or
// marked as not read with the reason. Nothing is inferred from config or names.
import type { Step } from "../types";

export type Evidence =
  { link: string; status: "observed"; value: string } | { link: string; status: "not read"; reason: string };

/** A step that reads one link of a check's chain, run with the check's own steps (one exec per container). */
export interface EvidenceStep {
  /** `route`: the source's `ip route get <destination>`. */
  read: "route";
  /** What the route is toward, as the reader of the evidence should see it. */
  toward: string;
  step: Step;
}

export const observed = (link: string, value: string): Evidence => ({ link, status: "observed", value });
export const notRead = (link: string, reason: string): Evidence => ({ link, status: "not read", reason });
