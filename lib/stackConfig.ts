// The stack's configuration as the program reads it: every key checked before anything is deployed.
import * as fs from "node:fs";
import * as os from "node:os";
import { type LabTopology, UNRESOLVED_FACTS } from "./checks/lab";
import { planChecks } from "./checks/plan";
import { type Selection, selectChecks } from "./checks/select";
import { LabConfigError, parseLabConfig, projectKeys, type LabConfig } from "./config";

/** The lab's config from the stack's (`pulumi.runtime.allConfig()`); bad values throw a LabConfigError. */
export function labConfigOf(allConfig: Record<string, string>, project: string): LabConfig {
  const raw = projectKeys(allConfig, project);
  if (raw.kubeconfig?.startsWith("~/")) raw.kubeconfig = `${os.homedir()}${raw.kubeconfig.slice(1)}`;
  return parseLabConfig(raw, { fileExists: (path) => fs.existsSync(path) });
}

/** The checks the user selected (checksOnly, checksSkip); a pattern that matches nothing throws. */
export function selectedChecks(
  topology: LabTopology,
  checks: Pick<LabConfig["checks"], "only" | "skip">,
): Selection {
  const ids = planChecks(topology, UNRESOLVED_FACTS).map((plan) => plan.id);
  const selection = selectChecks(ids, checks.only, checks.skip);
  if (selection.problems.length > 0) throw new LabConfigError(selection.problems);
  return selection;
}
