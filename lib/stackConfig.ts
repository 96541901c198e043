// Reads the stack's configuration through Pulumi and stops the program with a clear message when it is bad.
import * as fs from "node:fs";
import * as os from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { type LabTopology, planChecks, UNRESOLVED_FACTS } from "./checks/plan";
import { type Selection, selectChecks } from "./checks/select";
import { formatProblems, LabConfigError, parseLabConfig, projectKeys, type LabConfig } from "./config";

export function readLabConfig(): LabConfig {
  const raw = projectKeys(pulumi.runtime.allConfig(), pulumi.getProject());
  if (raw.kubeconfig?.startsWith("~/")) raw.kubeconfig = `${os.homedir()}${raw.kubeconfig.slice(1)}`;
  try {
    return parseLabConfig(raw, { fileExists: (path) => fs.existsSync(path) });
  } catch (error) {
    // A RunError ends the program with its message alone, without a stack trace.
    if (error instanceof LabConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/** The checks the user selected (checksOnly, checksSkip); a pattern that matches nothing stops the program. */
export function selectedChecks(
  topology: LabTopology,
  checks: Pick<LabConfig["checks"], "only" | "skip">,
): Selection {
  const ids = planChecks(topology, UNRESOLVED_FACTS).map((plan) => plan.id);
  const selection = selectChecks(ids, checks.only, checks.skip);
  if (selection.problems.length > 0) throw new pulumi.RunError(formatProblems(selection.problems));
  return selection;
}
