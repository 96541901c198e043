// Node to pod: a node's host network reaches a pod by its IP, on the pod's node and from another node.
import { PAGE_MARKERS } from "../lab";
import { NODE_PROBES, testedPod } from "../tested";
import type { CheckPlan } from "../types";
import { label, podEnd, type Scenario } from "./context";

export const nodeToPod: Scenario = {
  section: "node-to-pod",
  title: "From a node to a pod",
  plan: (context) => {
    const { demo, probes } = context.topology;
    if (demo === undefined || probes.node === undefined) return [];
    const { server } = demo;
    const marker = PAGE_MARKERS[server.kind];
    const ip = context.podIP(demo.pod);
    const podNode = context.nodeOf(demo.pod);
    const sources = [
      ["same-node", "The node reaches a pod on it by the pod's IP.", podNode],
      [
        "other-node",
        "Another node reaches the pod by its IP, routed between the nodes.",
        context.otherNode(podNode),
      ],
    ] as const;
    return sources.map(([suffix, claim, node]): CheckPlan => {
      const probe = context.probeOn(node);
      return {
        id: `node-to-pod.${demo.pod}.${suffix}`,
        claim,
        source: context.hostSource(node),
        target: `${label(server)} via ${ip}:${server.port}`,
        steps: probe === undefined ? [] : [context.httpFrom("curl", probe, ip, server.port)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: [testedPod(demo.pod), NODE_PROBES],
        from: { kind: "node", node: node ?? "<other node>" },
        to: podEnd(server),
        via: "pod-ip",
        ...context.between(node, podNode),
        ...(suffix === "other-node" ? { path: "cross-node" as const } : {}),
        ...context.fromNode(node, () => context.noOtherNode(podNode)),
      };
    });
  },
};
