// What the checks found out about the cluster, for the `facts` stack output.
import type { CheckPlan, StepResult } from "./types";

export interface CheckRun {
  plan: CheckPlan;
  steps: StepResult[];
}

export interface DiscoveredFacts {
  kubeDnsIP: string | undefined;
  apiServiceIP: string | undefined;
}

/** Reads values that `kubectl get` steps returned, when they succeeded. */
export function discoveredFacts(runs: readonly CheckRun[]): DiscoveredFacts {
  const firstStepValue = (id: string) => {
    const step = runs.find((run) => run.plan.id === id)?.steps[0];
    const value = step?.remoteExit === 0 ? step.stdout.trim() : "";
    return value === "" ? undefined : value;
  };
  return {
    kubeDnsIP: firstStepValue("dns.kube-dns-service"),
    apiServiceIP: firstStepValue("dns.kubernetes-default"),
  };
}
