import { describe, expect, it } from "vitest";
import { type LiveFacts, UNRESOLVED_FACTS } from "../../../lib/checks/lab";
import { planChecks } from "../../../lib/checks/plan";
import {
  NODE_PROBES,
  type TestedObject,
  testedNames,
  testedFront,
  testedPod,
  testedService,
} from "../../../lib/checks/tested";
import { DUAL_STACK, topologyOf, TWO_NODES } from "./scenarios/lab";

const facts = TWO_NODES;

describe("planChecks", () => {
  it("plans the same checks whatever the live facts are", () => {
    const configs: Record<string, string>[] = [
      {},
      { labs: "eg1" },
      { labs: "eg2" },
      { labs: "eg2,services" },
    ];
    for (const raw of configs) {
      const topology = topologyOf(raw);
      for (const live of [facts, DUAL_STACK]) {
        expect(planChecks(topology, live).map((p) => p.id)).toEqual(
          planChecks(topology, UNRESOLVED_FACTS).map((p) => p.id),
        );
      }
    }
  });

  it("gives every check a unique id", () => {
    const ids = planChecks(topologyOf(), facts).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("bounds the time of every probe inside the pods", () => {
    for (const plan of planChecks(topologyOf(), facts)) {
      for (const step of plan.steps) {
        expect(step.argv[0]).toBe("kubectl");
        expect(step.argv).toContain("--request-timeout=30s");
        if (step.kind !== "exec") continue;
        const probe = step.argv.slice(step.argv.indexOf("--") + 1);
        const bounded =
          (probe[0] === "curl" && probe.includes("--max-time") && probe.includes("--connect-timeout")) ||
          probe[0] === "timeout" ||
          // Reading files and the hosts database does not touch the network.
          ["cat", "head", "getent", "sh"].includes(probe[0] ?? "");
        expect(bounded, `${plan.id}: ${probe.join(" ")}`).toBe(true);
        if (probe[0] === "sh") expect(probe[2]).not.toMatch(/curl|nslookup|dev\/tcp/);
      }
    }
  });

  it("needs no facts but those about the objects a check tests, so a check waits for nothing else", () => {
    const topology = topologyOf();
    for (const live of [facts, DUAL_STACK]) {
      for (const plan of planChecks(topology, live)) {
        const partial = factsAbout(live, plan.tests);
        expect(
          planChecks(topology, partial).find((p) => p.id === plan.id),
          plan.id,
        ).toEqual(plan);
      }
    }
  });
});

/** The part of the facts a check about these objects is given: what the component reads from them. */
function factsAbout(all: LiveFacts, objects: readonly TestedObject[]): LiveFacts {
  const names = testedNames(objects);
  const pick = <T>(record: Record<string, T>, keys: string[]) =>
    Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key] as T]));
  return {
    ...all,
    podIPs: pick(all.podIPs, names.pods),
    ...(all.allPodIPs === undefined ? {} : { allPodIPs: pick(all.allPodIPs, names.pods) }),
    podNodes: pick(all.podNodes, names.pods),
    nodeProbes: names.nodeProbes ? all.nodeProbes : {},
    services: pick(all.services, names.services),
  };
}

describe("testedNames", () => {
  it("names the tested pods, services and fronts, and whether the node probes are tested", () => {
    expect(testedNames([testedPod("pod-demo"), testedService("svc-clusterip-nginx")])).toEqual({
      pods: ["pod-demo"],
      services: ["svc-clusterip-nginx"],
      nodeProbes: false,
      fronts: [],
    });
    expect(testedNames([NODE_PROBES]).nodeProbes).toBe(true);
    expect(testedNames([testedFront("gateway"), testedPod("pod-demo")]).fronts).toEqual(["gateway"]);
  });
});

describe("checks that need more than the cluster gives", () => {
  const byId = (f: LiveFacts) => Object.fromEntries(planChecks(topologyOf(), f).map((p) => [p.id, p]));

  it("skips what needs a second node on a one-node cluster, and runs nothing for it", () => {
    const oneNode: LiveFacts = {
      ...DUAL_STACK,
      podNodes: {
        "pod-demo": "node-1",
        "pod-httpd": "node-1",
        "pod-nginx": "node-1",
        "netlab-dns-probe": "node-1",
      },
      nodes: [{ name: "node-1", internalIP: "172.18.0.2", schedulable: true }],
      nodeProbes: { "node-1": "netlab-node-probe-k7x2p" },
    };
    const skipped = Object.values(byId(oneNode)).filter((p) => p.skipReason !== undefined);
    expect(skipped.map((p) => [p.id, p.steps.length, p.path])).toEqual([
      ["node-to-pod.pod-demo.other-node", 0, "cross-node"],
      ["service.svc-nodeport-httpd.node-port.other-node", 0, "cross-node"],
      ["ipv6.pod-to-pod.cross-node", 0, "same-node"],
      ["ipv6.node-to-pod.pod-nginx.other-node", 0, "cross-node"],
    ]);
    expect(skipped[0]?.skipReason).toBe(
      "the cluster has no other schedulable node with a node probe than node-1 (nodes: node-1)",
    );
    expect(skipped[2]?.skipReason).toBe(
      "no server pod of the lab runs on another node than pod-demo's (node-1)",
    );
  });

  it("skips every node check with the reason when the node probes cannot run", () => {
    const noHostNetwork: LiveFacts = { ...DUAL_STACK, nodeProbeSkipReason: "hostNetwork is forbidden" };
    const skipped = planChecks(topologyOf(), noHostNetwork).filter((p) => p.skipReason !== undefined);
    expect(skipped.map((p) => p.id)).toEqual([
      "node-to-pod.pod-demo.same-node",
      "node-to-pod.pod-demo.other-node",
      "service.svc-nodeport-httpd.node-port.same-node",
      "service.svc-nodeport-httpd.node-port.other-node",
      "ipv6.node-to-pod.pod-nginx.other-node",
    ]);
    expect(new Set(skipped.map((p) => p.skipReason))).toEqual(new Set(["hostNetwork is forbidden"]));
  });
});
