import { describe, expect, it } from "vitest";
import type { LiveFacts } from "../../../../lib/checks/lab";
import { nodeToPod } from "../../../../lib/checks/scenarios/nodeToPod";
import { lastCommand, placement, planOf, TWO_NODES } from "./lab";

describe("the node-to-pod scenario", () => {
  const plans = planOf(nodeToPod);

  it("curls pod-demo's IP from the node probe on its node and on the other node", () => {
    expect(lastCommand(plans["node-to-pod.pod-demo.same-node"])).toMatch(
      /netlab-node-probe-k7x2p --container probe -- curl .* http:\/\/10\.244\.0\.7:80\/$/,
    );
    expect(lastCommand(plans["node-to-pod.pod-demo.other-node"])).toMatch(
      /netlab-node-probe-m4q9z --container probe -- curl .* http:\/\/10\.244\.0\.7:80\/$/,
    );
    expect(plans["node-to-pod.pod-demo.other-node"]?.source).toBe("node node-2 172.18.0.3 (host network)");
  });

  it("tells the same node from the other", () => {
    expect(placement(plans["node-to-pod.pod-demo.same-node"])).toBe("same-node node-1>node-1");
    expect(placement(plans["node-to-pod.pod-demo.other-node"])).toBe("cross-node node-2>node-1");
  });

  it("does not count a cordoned node, or one without a probe, as another node", () => {
    const cordoned: LiveFacts = {
      ...TWO_NODES,
      nodes: [
        { name: "node-1", internalIP: "172.18.0.2", schedulable: true },
        { name: "node-2", internalIP: "172.18.0.3", schedulable: false },
      ],
    };
    expect(planOf(nodeToPod, cordoned)["node-to-pod.pod-demo.other-node"]?.skipReason).toMatch(
      /no other schedulable node/,
    );
    const noProbe: LiveFacts = { ...TWO_NODES, nodeProbes: { "node-1": "netlab-node-probe-k7x2p" } };
    expect(planOf(nodeToPod, noProbe)["node-to-pod.pod-demo.other-node"]?.skipReason).toMatch(
      /with a node probe/,
    );
  });

  it("plans nothing without eg1", () => {
    expect(planOf(nodeToPod, TWO_NODES, { labs: "eg2,services" })).toEqual({});
  });
});
