// Traffic between two nodes is dropped: checks across them time out (or find no route) while checks within a
// node pass, and nothing went through from the one node to the other.
import type { CheckResult } from "../types";
import {
  type DiagnosisRule,
  failedAtName,
  failedChecks,
  isLookup,
  kubectl,
  listed,
  overNetwork,
  passedChecks,
  type Run,
  someIds,
  throughService,
} from "./run";

/** A check across two nodes that got no answer at all, for a reason other than a name. */
function lostAcross(result: CheckResult): boolean {
  return (
    result.outcome === "failed" &&
    (result.failure === "timeout" || result.failure === "unreachable") &&
    result.path === "cross-node" &&
    overNetwork(result) &&
    !failedAtName(result) &&
    result.sourceNode !== undefined &&
    result.targetNode !== undefined &&
    result.sourceNode !== result.targetNode
  );
}

/**
 * A request by a Service's name whose name did not resolve, from a node kube-dns does not run on: its
 * lookup crossed nodes first, so it is lost where the lookups across nodes are. The two nodes it crossed:
 * the client's and kube-dns's (when kube-dns runs on one node).
 */
function lookupLostAcross(result: CheckResult, run: Run): { source: string; target: string } | undefined {
  const dnsNodes = run.facts.kubeDnsNodes;
  const source = result.sourceNode;
  if (result.outcome !== "failed" || !failedAtName(result) || source === undefined) return undefined;
  if (dnsNodes.length !== 1 || dnsNodes[0] === source) return undefined;
  return { source, target: dnsNodes[0] as string };
}

const from = (source: string, target: string) => (result: CheckResult) =>
  result.path === "cross-node" &&
  overNetwork(result) &&
  result.sourceNode === source &&
  result.targetNode === target;

/** What the run shows working, so that the drop is the first link that broke. */
function working(run: Run, sameNode: readonly CheckResult[]): string {
  const lost = failedChecks(run, lostAcross);
  const fine = [
    ...(passedChecks(run, isLookup).length > 0 ? ["DNS answers"] : []),
    ...(lost.some((r) => throughService(r) !== undefined)
      ? ["the Services list their endpoints as ready"]
      : []),
    `the checks within one node pass (${someIds(sameNode)})`,
  ];
  return listed(fine);
}

export const crossNodeDrop: DiagnosisRule = {
  name: "cross-node-drop",
  shared: true,
  explain(failed, run) {
    const ends = lostAcross(failed)
      ? { source: failed.sourceNode as string, target: failed.targetNode as string }
      : lookupLostAcross(failed, run);
    if (ends === undefined) return undefined;
    const { source, target } = ends;
    const sameNode = passedChecks(run, (r) => r.path === "same-node" && overNetwork(r));
    if (sameNode.length === 0 || passedChecks(run, from(source, target)).length > 0) return undefined;
    const back = passedChecks(run, from(target, source));
    const kinds = new Set(failedChecks(run, lostAcross).map((r) => r.failure));
    const lost = kinds.has("unreachable")
      ? kinds.size > 1
        ? "time out or find no route"
        : "find no route"
      : "time out";
    const nodes = [source, target].sort();
    const [first, second] = back.length === 0 ? nodes : [source, target];
    const across =
      back.length === 0
        ? `the checks between ${first} and ${second} ${lost}`
        : `the checks from ${first} to ${second} ${lost} while the other way passes (${someIds(back)})`;
    const dropped = back.length === 0 ? `between ${first} and ${second}` : `from ${first} to ${second}`;
    return {
      cause: `${working(run, sameNode)}, but ${across}: pod traffic ${dropped} is dropped`,
      summary: `pod traffic ${dropped} is dropped`,
      // Where each pod runs and each node's address: the two ends of the path that drops.
      see: kubectl(run.lab, "get", "nodes,pods", "--namespace", run.lab.namespace, "--output", "wide"),
    };
  },
};
