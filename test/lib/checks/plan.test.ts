import { describe, expect, it } from "vitest";
import { type LiveFacts, UNRESOLVED_FACTS } from "../../../lib/checks/lab";
import { planChecks } from "../../../lib/checks/plan";
import { pathByName } from "../../../lib/checks/scenarios/context";
import {
  NODE_PROBES,
  type TestedObject,
  testedNames,
  testedPod,
  testedService,
} from "../../../lib/checks/tested";
import { parseLabConfig } from "../../../lib/config";
import { labTopology } from "../../../lib/topology";

const topologyOf = (raw: Record<string, string> = {}) =>
  labTopology(parseLabConfig(raw, { fileExists: () => true }));

const facts: LiveFacts = {
  podIPs: {
    "pod-demo": "10.244.0.7",
    "pod-httpd": "10.244.1.10",
    "pod-nginx": "10.244.1.11",
    "netlab-dns-probe": "10.244.0.20",
  },
  podNodes: {
    "pod-demo": "node-1",
    "pod-httpd": "node-1",
    "pod-nginx": "node-2",
    "netlab-dns-probe": "node-2",
  },
  nodes: [
    { name: "node-1", internalIP: "172.18.0.2", schedulable: true },
    { name: "node-2", internalIP: "172.18.0.3", schedulable: true },
  ],
  nodeProbes: { "node-1": "netlab-node-probe-k7x2p", "node-2": "netlab-node-probe-m4q9z" },
  kubeDnsNodes: ["node-1"],
  services: {
    "svc-nodeport-httpd": { clusterIP: "10.96.41.17", nodePort: 31000 },
    "svc-clusterip-nginx": { clusterIP: "10.96.203.5" },
  },
};

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
      expect(planChecks(topology, facts).map((p) => p.id)).toEqual(
        planChecks(topology, UNRESOLVED_FACTS).map((p) => p.id),
      );
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

  it("uses curl from the tutorial's client and bash from the servers, which have no curl", () => {
    const plans = planChecks(topologyOf(), facts);
    const toolOf = (id: string) => {
      const argv = plans.find((p) => p.id === id)?.steps.at(-1)?.argv ?? [];
      return argv
        .slice(argv.indexOf("--") + 1)
        .slice(0, 3)
        .join(" ");
    };
    expect(toolOf("pod-demo.localhost")).toBe("curl -sS --connect-timeout");
    expect(toolOf("pod-to-pod.pod-httpd.pod-nginx")).toBe("timeout 10 bash");
    expect(toolOf("service.svc-clusterip-nginx.cluster-ip")).toBe("curl -sS --connect-timeout");
  });

  it("targets the live addresses", () => {
    const plans = planChecks(topologyOf(), facts);
    const argvOf = (id: string) =>
      plans
        .find((p) => p.id === id)
        ?.steps.at(-1)
        ?.argv.join(" ");
    expect(argvOf("pod-demo.pod-ip")).toMatch(/ http:\/\/10\.244\.0\.7:80\/$/);
    expect(argvOf("node-to-pod.pod-demo.same-node")).toMatch(
      /netlab-node-probe-k7x2p --container probe -- curl .* http:\/\/10\.244\.0\.7:80\/$/,
    );
    expect(argvOf("node-to-pod.pod-demo.other-node")).toMatch(
      /netlab-node-probe-m4q9z --container probe -- curl .* http:\/\/10\.244\.0\.7:80\/$/,
    );
    expect(argvOf("pod-to-pod.pod-nginx.pod-httpd")).toMatch(/ _ 10\.244\.1\.10 80$/);
    expect(argvOf("service.svc-nodeport-httpd.node-port.same-node")).toMatch(
      /netlab-node-probe-k7x2p .* http:\/\/172\.18\.0\.2:31000\/$/,
    );
    expect(argvOf("service.svc-nodeport-httpd.node-port.other-node")).toMatch(
      /netlab-node-probe-m4q9z .* http:\/\/172\.18\.0\.3:31000\/$/,
    );
    expect(argvOf("service.svc-nodeport-httpd.cluster-ip")).toMatch(/ http:\/\/svc-nodeport-httpd:3050\/$/);
  });

  it("needs no facts but those about the objects a check tests, so a check waits for nothing else", () => {
    const topology = topologyOf();
    for (const plan of planChecks(topology, facts)) {
      const partial = factsAbout(facts, plan.tests);
      expect(
        planChecks(topology, partial).find((p) => p.id === plan.id),
        plan.id,
      ).toEqual(plan);
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
    podNodes: pick(all.podNodes, names.pods),
    nodeProbes: names.nodeProbes ? all.nodeProbes : {},
    services: pick(all.services, names.services),
  };
}

describe("testedNames", () => {
  it("names the tested pods and services, and whether the node probes are tested", () => {
    expect(testedNames([testedPod("pod-demo"), testedService("svc-clusterip-nginx")])).toEqual({
      pods: ["pod-demo"],
      services: ["svc-clusterip-nginx"],
      nodeProbes: false,
    });
    expect(testedNames([NODE_PROBES]).nodeProbes).toBe(true);
  });
});

describe("pathByName", () => {
  it("counts the DNS hop of a request by name", () => {
    expect(pathByName("n1", "n1", ["n1"])).toBe("same-node");
    expect(pathByName("n2", "n2", ["n1"])).toBe("cross-node");
    expect(pathByName("n1", "n2", ["n1"])).toBe("cross-node");
    expect(pathByName("n1", "n1", ["n1", "n2"])).toBe("any-node");
    expect(pathByName("n1", "n1", [])).toBe("any-node");
  });
});

describe("paths between nodes", () => {
  const byId = (f: LiveFacts) => Object.fromEntries(planChecks(topologyOf(), f).map((p) => [p.id, p]));

  it("tells same-pod, same-node, cross-node and API paths apart", () => {
    const plans = byId(facts);
    const path = (id: string) => {
      const p = plans[id];
      return `${p?.path} ${p?.sourceNode ?? "-"}>${p?.targetNode ?? "-"}`;
    };
    expect(path("pod-demo.localhost")).toBe("same-pod node-1>node-1");
    expect(path("pod-to-pod.pod-httpd.pod-nginx")).toBe("cross-node node-1>node-2");
    expect(path("node-to-pod.pod-demo.same-node")).toBe("same-node node-1>node-1");
    expect(path("node-to-pod.pod-demo.other-node")).toBe("cross-node node-2>node-1");
    expect(path("dns.svc-clusterip-nginx.short")).toBe("cross-node node-2>node-1");
    expect(path("service.svc-clusterip-nginx.cluster-ip")).toBe("cross-node node-1>node-2");
    expect(path("dns.kube-dns-service")).toBe("api ->-");
  });

  it("skips what needs a second node on a one-node cluster, and runs nothing for it", () => {
    const oneNode: LiveFacts = {
      ...facts,
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
    ]);
    expect(skipped[0]?.skipReason).toBe(
      "the cluster has no other schedulable node with a node probe than node-1 (nodes: node-1)",
    );
  });

  it("does not count a cordoned node, or one without a probe, as another node", () => {
    const cordoned: LiveFacts = {
      ...facts,
      nodes: [
        { name: "node-1", internalIP: "172.18.0.2", schedulable: true },
        { name: "node-2", internalIP: "172.18.0.3", schedulable: false },
      ],
    };
    expect(byId(cordoned)["node-to-pod.pod-demo.other-node"]?.skipReason).toMatch(
      /no other schedulable node/,
    );
    const noProbe: LiveFacts = { ...facts, nodeProbes: { "node-1": "netlab-node-probe-k7x2p" } };
    expect(byId(noProbe)["node-to-pod.pod-demo.other-node"]?.skipReason).toMatch(/with a node probe/);
  });

  it("skips every node check with the reason when the node probes cannot run", () => {
    const noHostNetwork: LiveFacts = { ...facts, nodeProbeSkipReason: "hostNetwork is forbidden" };
    const skipped = planChecks(topologyOf(), noHostNetwork).filter((p) => p.skipReason !== undefined);
    expect(skipped.map((p) => p.id)).toEqual([
      "node-to-pod.pod-demo.same-node",
      "node-to-pod.pod-demo.other-node",
      "service.svc-nodeport-httpd.node-port.same-node",
      "service.svc-nodeport-httpd.node-port.other-node",
    ]);
    expect(new Set(skipped.map((p) => p.skipReason))).toEqual(new Set(["hostNetwork is forbidden"]));
  });
});
