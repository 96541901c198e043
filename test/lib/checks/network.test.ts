// The network facts' reads: one per node probe, bounded so that the command carrying them stays within what
// Linux takes in one argument of a command line, the lab's pods' nodes read first.
import { describe, expect, it } from "vitest";
import type { LiveFacts } from "../../../lib/checks/lab";
import { NETWORK_READ_NODES, planNetworkReads } from "../../../lib/checks/network";
import { networkLine } from "../../../lib/network";
import { capture } from "../../support/fixtures";
import { parseNodeNetwork } from "../../../lib/network";
import { DUAL_STACK, topologyOf, TWO_NODES } from "./scenarios/lab";

/** The two-node lab's facts on a cluster of `count` nodes, a node probe on each (nodeProbes all). */
function onNodes(count: number): LiveFacts {
  const names = Array.from({ length: count }, (_, i) => `node-${String(i + 1).padStart(3, "0")}`);
  return {
    ...TWO_NODES,
    podNodes: { "pod-demo": "node-200", "pod-httpd": "node-200", "pod-nginx": "node-150" },
    nodes: names.map((name, i) => ({ name, internalIP: `172.18.${i >> 8}.${i & 255}`, schedulable: true })),
    nodeProbes: Object.fromEntries(names.map((name) => [name, `netlab-node-probe-${name}`])),
  };
}

describe("the network reads", () => {
  const topology = topologyOf({ nodeProbes: "all" });

  it("read every node of a small cluster, then the pod's MTU", () => {
    const reads = planNetworkReads(topology, onNodes(3));
    expect(reads.nodes).toEqual(["node-001", "node-002", "node-003"]);
    expect(reads.steps).toHaveLength(4);
  });

  it("read at most NETWORK_READ_NODES nodes of a large one, the lab's pods' nodes among them, in one command Linux accepts", () => {
    const reads = planNetworkReads(topology, onNodes(200));
    expect(reads.nodes).toHaveLength(NETWORK_READ_NODES);
    expect(reads.nodes).toEqual(expect.arrayContaining(["node-150", "node-200"]));
    // The runner's command line carries every step: one argument of at most 128 KiB.
    const text = reads.steps.map((step) => step.argv.join(" ")).join("\n");
    expect(text.length).toBeLessThan((128 * 1024) / 2);
  });

  it("give each node's read an IPv6 address of a pod on another node on a dual-stack cluster, and none on IPv4", () => {
    const dualTopology = topologyOf({ nodeProbes: "all" });
    const probes = { "node-1": "netlab-node-probe-1", "node-2": "netlab-node-probe-2" };
    const dual = planNetworkReads(dualTopology, { ...DUAL_STACK, nodeProbes: probes });
    // pod-demo and pod-httpd on node-1, pod-nginx and the DNS probe on node-2 (scenarios/lab.ts).
    expect(dual.steps[0]?.argv.slice(-2)).toEqual(["10.244.1.11", "fd00:10:244:1::b"]);
    expect(dual.steps[1]?.argv.slice(-2)).toEqual(["10.244.0.7", "fd00:10:244::7"]);
    const ipv4 = planNetworkReads(dualTopology, { ...TWO_NODES, nodeProbes: probes });
    expect(ipv4.steps[0]?.argv.slice(-2)).toEqual(["_", "10.244.1.11"]);
  });

  it("say on how many nodes kube-proxy was read when not on all", () => {
    const node = parseNodeNetwork(capture("network", "node-probe-node-1").stdout);
    const line = networkLine(
      {
        nodes: { "node-150": node, "node-200": node },
        families: { pods: ["IPv4"], services: ["IPv4"] },
        kubectl: {},
      },
      200,
    );
    expect(line).toBe(
      "200 nodes, kube-proxy iptables (read on 2 of the 200 nodes), routed (link 1500), IPv4",
    );
  });
});
