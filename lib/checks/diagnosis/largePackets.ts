// Large packets dropped between two nodes: a large transfer across them times out while small requests
// between the same nodes pass. The classic cause is an MTU along the path below what the pods send, with the
// ICMP that would tell them to send smaller packets dropped on its way (a firewall that drops all ICMP).
import type { CheckResult } from "../types";
import { type DiagnosisRule, kubectl, passedChecks, type Run, someIds } from "./run";

/** The two nodes a check crossed between, in a stable order, or undefined when it did not cross. */
function nodesCrossed(result: CheckResult): [string, string] | undefined {
  const { sourceNode, targetNode, path } = result;
  if (path !== "cross-node" || sourceNode === undefined || targetNode === undefined) return undefined;
  return [sourceNode, targetNode].sort() as [string, string];
}

/** The MTUs the lab read on the way, when it read them: the pod's and each node's link toward the other. */
function mtuWords(run: Run, nodes: readonly string[]): string {
  const network = run.facts.network;
  if (network === undefined) return "";
  const links = nodes.flatMap((node) => {
    const found = network.nodes[node];
    if (found?.linkMTU === undefined) return [];
    // Through a tunnel, its device's MTU and the link's under it.
    return found.underlayMTU === undefined
      ? [`link ${found.linkMTU} on ${node}`]
      : [`tunnel ${found.linkMTU} over link ${found.underlayMTU} on ${node}`];
  });
  const all = [...(network.podMTU === undefined ? [] : [`pod MTU ${network.podMTU}`]), ...links];
  return all.length === 0 ? "" : ` (the lab found ${all.join(", ")})`;
}

export const largePacketsDropped: DiagnosisRule = {
  name: "large-packets-dropped",
  shared: true,
  explain(failed, run) {
    const crossed = nodesCrossed(failed);
    if (failed.large !== true || crossed === undefined) return undefined;
    if (failed.failure !== "timeout" && failed.failure !== "unreachable") return undefined;
    const same = (r: CheckResult) => nodesCrossed(r)?.join(" ") === crossed.join(" ");
    const small = passedChecks(run, (r) => r.large !== true && same(r));
    if (small.length === 0) return undefined;
    const [a, b] = crossed;
    const probe = run.facts.nodeProbes[failed.sourceNode ?? ""];
    return {
      // Without the failed check's own id, so that every large transfer between the two nodes shares it.
      cause: `small packets pass between ${a} and ${b} (${someIds(small)}), large transfers do not: check the MTU along the path${mtuWords(run, crossed)}, and that ICMP "fragmentation needed" is not dropped on the way`,
      summary: `large packets are dropped between ${a} and ${b}: check the MTU along the path`,
      see:
        probe === undefined
          ? kubectl(run.lab, "get", "nodes", "--output", "wide")
          : kubectl(
              run.lab,
              "exec",
              "--namespace",
              run.lab.namespace,
              probe,
              "--",
              "ip",
              "-d",
              "link",
              "show",
            ),
    };
  },
};
