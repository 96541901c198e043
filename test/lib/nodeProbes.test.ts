import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ClusterNode } from "../../lib/cluster";
import {
  daemonSetPodsCommand,
  parseReadyPodsByNode,
  probeNodes,
  readProbeListing,
} from "../../lib/nodeProbes";
import { capture, fixtureText } from "../support/fixtures";
import { runWithFakeKubectl } from "../support/runScript";

describe("the node probes", () => {
  const command = daemonSetPodsCommand({ requestTimeoutSeconds: 30 }, "netlab", "netlab-node-probe", {
    "k8s-networking-lab/pod": "netlab-node-probe",
  });

  it("waits, bounded, for the DaemonSet, then lists its pods", () => {
    expect(command).toContain(
      "timeout 35 kubectl --request-timeout=30s rollout status daemonset/netlab-node-probe --namespace netlab " +
        "--timeout=30s >/dev/null 2>&1; ",
    );
    expect(command).toContain(
      "timeout 35 kubectl --request-timeout=30s get pods --namespace netlab " +
        "--selector k8s-networking-lab/pod=netlab-node-probe --output json",
    );
  });

  it("never fails: a failed listing prints kubectl's own words, and the node checks say them", async () => {
    const bin = mkdtempSync(path.join(tmpdir(), "netlab-kubectl-"));
    const forbidden = capture("kubectl", "forbidden-nodes").stderr.replace(/'/g, "");
    writeFileSync(path.join(bin, "kubectl"), `#!/bin/sh\ncat >&2 <<'EOF'\n${forbidden}EOF\nexit 1\n`);
    chmodSync(path.join(bin, "kubectl"), 0o755);
    const output = await runWithFakeKubectl(command, "healthy", { PATH: `${bin}:${process.env.PATH ?? ""}` });
    expect(readProbeListing(output)).toEqual({
      problem:
        'kubectl could not list the node probes: Error from server (Forbidden): nodes is forbidden: User "system:serviceaccount:learner-2:learner" cannot list resource "nodes" in API group "" at the cluster scope',
    });
  });

  it("reads an answer that is not JSON as the reason, never as an error that stops the update", () => {
    expect(readProbeListing("error: You must be logged in to the server (Unauthorized)")).toEqual({
      problem:
        "the node probes' pods: kubectl did not answer with JSON: error: You must be logged in to the server (Unauthorized)",
    });
    expect(readProbeListing(fixtureText("kubectl", "two-node-probe-pods.json"))).toMatchObject({
      probes: { "netlab-e2e-node": { hostIP: "10.250.0.1" } },
    });
  });

  it("maps each node to its ready, running probe pod and the node's address", () => {
    // A host-network pod's IP is its node's: the addresses are those of the two e2e nodes.
    expect(parseReadyPodsByNode(fixtureText("kubectl", "two-node-probe-pods.json"))).toEqual({
      "netlab-e2e-node": {
        pod: expect.stringMatching(/^netlab-node-probe-[a-z0-9]{5}$/),
        hostIP: "10.250.0.1",
      },
      "netlab-e2e-node-2": {
        pod: expect.stringMatching(/^netlab-node-probe-[a-z0-9]{5}$/),
        hostIP: "10.250.0.2",
      },
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
    // No hostIP in these statuses: none is made up.
    expect(parseReadyPodsByNode(json)).toEqual({ b: { pod: "p3" } });
  });
});

describe("the nodes that get a node probe", () => {
  const node = (name: string, schedulable = true): ClusterNode => ({ name, internalIP: "", schedulable });
  const cluster = [node("node-c"), node("node-a"), node("node-b", false), node("node-d"), node("node-e")];

  it("all: every schedulable node, without naming them", () => {
    expect(probeNodes("all", ["node-a"], cluster)).toBeUndefined();
  });

  it("needed: the lab pods' nodes and the first schedulable node by name that runs none of them", () => {
    // node-b is cordoned or tainted; node-d and node-e are not needed.
    expect(probeNodes("needed", ["node-c", "node-a", "node-c"], cluster)).toEqual([
      "node-a",
      "node-c",
      "node-d",
    ]);
    expect(probeNodes("needed", ["node-e", "node-e"], cluster)).toEqual(["node-a", "node-e"]);
  });

  it("needed on one node: that node alone", () => {
    expect(probeNodes("needed", ["node-a"], [node("node-a")])).toEqual(["node-a"]);
  });

  it("needed where nodes cannot be listed: the lab pods' nodes alone", () => {
    expect(probeNodes("needed", ["node-2", "node-1", undefined, ""], [])).toEqual(["node-1", "node-2"]);
  });

  it("needed before any lab pod is placed: one schedulable node, or none", () => {
    expect(probeNodes("needed", [], cluster)).toEqual(["node-a"]);
    expect(probeNodes("needed", [], [])).toEqual([]);
  });
});
