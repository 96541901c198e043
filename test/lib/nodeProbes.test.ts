import { describe, expect, it } from "vitest";
import { daemonSetPodsCommand, parseReadyPodsByNode } from "../../lib/nodeProbes";
import { fixtureText } from "../support/fixtures";

describe("the node probes", () => {
  it("waits, bounded, for the DaemonSet, then lists its pods", () => {
    expect(
      daemonSetPodsCommand({ requestTimeoutSeconds: 30 }, "netlab", "netlab-node-probe", {
        "k8s-networking-lab/pod": "netlab-node-probe",
      }),
    ).toBe(
      "timeout 35 kubectl --request-timeout=30s rollout status daemonset/netlab-node-probe --namespace netlab " +
        "--timeout=30s >/dev/null 2>&1; timeout 35 kubectl --request-timeout=30s get pods --namespace netlab " +
        "--selector k8s-networking-lab/pod=netlab-node-probe --output json",
    );
  });

  it("maps each node to its ready, running probe pod", () => {
    expect(parseReadyPodsByNode(fixtureText("kubectl", "two-node-probe-pods.json"))).toEqual({
      "netlab-e2e-node": expect.stringMatching(/^netlab-node-probe-[a-z0-9]{5}$/),
      "netlab-e2e-node-2": expect.stringMatching(/^netlab-node-probe-[a-z0-9]{5}$/),
    });
  });

  it("says what it was reading, and what kubectl said, for an answer of another shape", () => {
    expect(() => parseReadyPodsByNode('"Unauthorized"')).toThrow(/^the node probes' pods: .*"Unauthorized"$/);
  });

  it("leaves out pods that are not ready or are going away", () => {
    const pod = (name: string, node: string, ready: string, extra: object = {}) => ({
      metadata: { name, ...extra },
      spec: { nodeName: node },
      status: { phase: "Running", conditions: [{ type: "Ready", status: ready }] },
    });
    const json = JSON.stringify({
      items: [
        pod("p1", "a", "False"),
        pod("p2", "b", "True", { deletionTimestamp: "2026-11-27T19:00:00Z" }),
        pod("p3", "b", "True"),
      ],
    });
    expect(parseReadyPodsByNode(json)).toEqual({ b: "p3" });
  });
});
