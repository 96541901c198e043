// Why each failed check failed: the first link of its chain that broke, found from the other checks of the
// same run. The rules are tried in order, the most specific first; the first that explains a failure wins.
import type { CheckResult, Diagnosis } from "../types";
import { crossNodeDrop } from "./crossNode";
import { dnsDown } from "./dnsDown";
import { dnsFromOneNode } from "./dnsFromOneNode";
import { failureKind } from "./failureKind";
import { controllerUnreached, routesNotTaken } from "./frontRoutes";
import { largePacketsDropped } from "./largePackets";
import { noEndpoint } from "./noEndpoint";
import { clusterIPFromNode, nodePortOneNode } from "./nodePort";
import { nothingListens } from "./nothingListens";
import type { DiagnosisLab, DiagnosisRule, Run, RunFacts } from "./run";
import { clientCannotResolve, serviceNameMissing } from "./serviceName";

export type { DiagnosisLab, DiagnosisRule, Finding, Run, RunFacts } from "./run";

/**
 * The rules, most specific first; `failureKind` explains any failure, so none is left without a cause. A
 * rule that reads more of the run (each check's evidence, say) goes in this list before the ones it refines.
 */
export const RULES: readonly DiagnosisRule[] = [
  // First: only large transfers fail across two nodes whose small requests pass, which no other rule explains.
  largePacketsDropped,
  // Before dnsDown: lookups lost between the nodes look like a kube-dns that answers nobody.
  crossNodeDrop,
  dnsDown,
  serviceNameMissing,
  noEndpoint,
  clientCannotResolve,
  nodePortOneNode,
  clusterIPFromNode,
  dnsFromOneNode,
  nothingListens,
  controllerUnreached,
  routesNotTaken,
  failureKind,
];

/** The first rule's diagnosis of one failed check, and whether equal causes of that rule are one. */
function explain(failed: CheckResult, run: Run, rules: readonly DiagnosisRule[]): [Diagnosis, boolean] {
  for (const rule of rules) {
    const finding = rule.explain(failed, run);
    if (finding !== undefined) return [{ rule: rule.name, ...finding }, rule.shared];
  }
  // Only when the rules given end without a fallback.
  const fallback = failureKind.explain(failed, run) as Diagnosis;
  return [{ ...fallback, rule: failureKind.name }, false];
}

/**
 * Every failed check with its diagnosis; the others as they were. Failures with the same cause (from a rule
 * that finds causes shared by several checks) list each other in `sharedBy`.
 */
export function diagnose(
  results: readonly CheckResult[],
  facts: RunFacts,
  lab: DiagnosisLab,
  rules: readonly DiagnosisRule[] = RULES,
): CheckResult[] {
  const run: Run = { results, facts, lab };
  const found = new Map<CheckResult, [Diagnosis, boolean]>();
  for (const result of results) {
    if (result.outcome === "failed") found.set(result, explain(result, run, rules));
  }
  const byCause = new Map<string, string[]>();
  for (const [result, [diagnosis, shared]] of found) {
    if (!shared) continue;
    const key = `${diagnosis.rule}\n${diagnosis.cause}`;
    byCause.set(key, [...(byCause.get(key) ?? []), result.id]);
  }
  return results.map((result) => {
    const entry = found.get(result);
    if (entry === undefined) return result;
    const [diagnosis, shared] = entry;
    const sharedBy = shared ? byCause.get(`${diagnosis.rule}\n${diagnosis.cause}`) : undefined;
    return {
      ...result,
      diagnosis: sharedBy !== undefined && sharedBy.length > 1 ? { ...diagnosis, sharedBy } : diagnosis,
    };
  });
}
