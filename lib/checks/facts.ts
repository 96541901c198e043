// What the checks found out about the cluster, for the `facts` stack output.
import { parseResolvConf } from "./parsers";
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
  // Where kube-dns's Service may not be read, the nameserver every pod is given stands for it.
  const nameserver = runs
    .filter((run) => run.plan.expectation.type === "resolv-conf")
    .map((run) => parseResolvConf(run.steps[run.steps.length - 1]?.stdout ?? "").nameservers[0])
    .find((address) => address !== undefined);
  return {
    kubeDnsIP: firstStepValue("dns.kube-dns-service") ?? nameserver,
    apiServiceIP: firstStepValue("dns.kubernetes-default"),
  };
}
