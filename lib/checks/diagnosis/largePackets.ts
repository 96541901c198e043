// Large packets dropped between two nodes: a large transfer across them times out while small requests
// between the same nodes pass. The classic cause is an MTU along the path below what the pods send, with the
// ICMP that would tell them to send smaller packets dropped on its way (a firewall that drops all ICMP). Over
// IPv6 no router fragments, so a large transfer by IPv6 depends on ICMPv6 "packet too big" alone.
import { separateIPv6Path } from "../../network";
import type { CheckResult } from "../types";
import { type DiagnosisRule, kubectl, passedChecks, type Run, someIds } from "./run";

/** The two nodes a check crossed between, in a stable order, or undefined when it did not cross. */
function nodesCrossed(result: CheckResult): [string, string] | undefined {
  const { sourceNode, targetNode, path } = result;
  if (path !== "cross-node" || sourceNode === undefined || targetNode === undefined) return undefined;
  return [sourceNode, targetNode].sort() as [string, string];
}

/** Whether a check went by an IPv6 address: its target names one, in brackets. */
const overIPv6 = (result: CheckResult): boolean => /\[[0-9a-f:.]*:[0-9a-f:.]*\]/i.test(result.target);

/**
 * The MTUs the lab read on the way, when it read them: the pod's and each node's link toward the other; for
 * IPv6, where it leaves by another device or at another MTU (flannel's flannel-v6.1), that device's.
 */
function mtuWords(run: Run, nodes: readonly string[], ipv6: boolean): string {
  const network = run.facts.network;
  if (network === undefined) return "";
  const links = nodes.flatMap((node) => {
    const found = network.nodes[node];
    if (found?.linkMTU === undefined) return [];
    const v6 = ipv6 ? separateIPv6Path(found) : undefined;
    // Through a tunnel, its device's MTU and the link's under it.
    return [
      found.underlayMTU === undefined
        ? `link ${found.linkMTU} on ${node}`
        : `tunnel ${found.linkMTU} over link ${found.underlayMTU} on ${node}`,
      ...(v6?.mtu === undefined ? [] : [`IPv6 by ${v6.device} at ${v6.mtu} on ${node}`]),
    ];
  });
  const all = [...(network.podMTU === undefined ? [] : [`pod MTU ${network.podMTU}`]), ...links];
  return all.length === 0 ? "" : ` (the lab found ${all.join(", ")})`;
}

/** The ICMP that tells a sender to send smaller packets, for the families of the transfers that failed. */
function icmpWords(failedLarge: readonly CheckResult[]): string {
  const v6 = failedLarge.some(overIPv6);
  const v4 = failedLarge.some((r) => !overIPv6(r));
  if (v4 && v6) return `ICMP "fragmentation needed" and ICMPv6 "packet too big" are`;
  return v6 ? `ICMPv6 "packet too big" is` : `ICMP "fragmentation needed" is`;
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
    // Every large transfer between the two nodes that failed: the cause names their families' MTUs and ICMP.
    const failedLarge = run.results.filter((r) => r.large === true && r.outcome === "failed" && same(r));
    const ipv6 = failedLarge.some(overIPv6);
    return {
      // Without the failed check's own id, so that every large transfer between the two nodes shares it.
      cause: `small packets pass between ${a} and ${b} (${someIds(small)}), large transfers do not: check the MTU along the path${mtuWords(run, crossed, ipv6)}, and that ${icmpWords(failedLarge)} not dropped on the way`,
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
