// Node to pod: a node's host network reaches a pod by its IP, on the pod's node and from another node.
import { urlHost } from "../../network";
import { PAGE_MARKERS } from "../lab";
import { NODE_PROBES, testedPod } from "../tested";
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
    const claims = {
      "same-node": "The node reaches a pod on it by the pod's IP.",
      "other-node": "Another node reaches the pod by its IP, routed between the nodes.",
    };
    const everyNode = "Every node reaches the pod by its IP, each from its own host network.";
    const fromEach = context.fromEveryNode(podNode, everyNode, (probes) => ({
      id: `node-to-pod.${demo.pod}.every-node`,
      target: `${label(server)} via ${urlHost(ip)}:${server.port}`,
      steps: probes.map(({ probe }) => context.httpFrom("curl", probe, ip, server.port)),
      expected: `the page contains "${marker}" from every node`,
      expectation: { type: "http-from-each", marker, nodes: probes.map(({ node }) => node) },
      tests: [testedPod(demo.pod), NODE_PROBES],
      to: podEnd(server),
      via: "pod-ip",
    }));
    const fromTwo = context.fromEachNode(podNode, claims, ({ side, probe }) => ({
      id: `node-to-pod.${demo.pod}.${side}`,
      target: `${label(server)} via ${urlHost(ip)}:${server.port}`,
      steps: probe === undefined ? [] : [context.httpFrom("curl", probe, ip, server.port)],
      evidenceSteps: probe === undefined ? [] : context.routeFrom(probe, ip),
      expected: `the page contains "${marker}"`,
      expectation: { type: "http", tool: "curl", marker },
      tests: [testedPod(demo.pod), NODE_PROBES],
      to: podEnd(server),
      via: "pod-ip",
    }));
    return [...fromTwo, ...fromEach];
  },
};
