import { describe, expect, it } from "vitest";
import { factsAbout, planChecks, UNRESOLVED_FACTS, type LiveFacts } from "../../../lib/checks/plan";
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
    "netlab-node-probe": "172.18.0.2",
  },
  nodeIP: "172.18.0.2",
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
    expect(argvOf("node-to-pod.pod-demo")).toMatch(
      /netlab-node-probe --container probe -- curl .* http:\/\/10\.244\.0\.7:80\/$/,
    );
    expect(argvOf("pod-to-pod.pod-nginx.pod-httpd")).toMatch(/ _ 10\.244\.1\.10 80$/);
    expect(argvOf("service.svc-nodeport-httpd.node-port")).toMatch(/ http:\/\/172\.18\.0\.2:31000\/$/);
    expect(argvOf("service.svc-nodeport-httpd.cluster-ip")).toMatch(/ http:\/\/svc-nodeport-httpd:3050\/$/);
  });

  it("needs no facts but those about the objects a check tests, so a check waits for nothing else", () => {
    const topology = topologyOf();
    for (const plan of planChecks(topology, facts)) {
      const partial = factsAbout(facts, plan.tests, "netlab-node-probe");
      expect(
        planChecks(topology, partial).find((p) => p.id === plan.id),
        plan.id,
      ).toEqual(plan);
    }
  });
});

describe("factsAbout", () => {
  it("keeps the tested pods and services, and the node IP only with the node probe", () => {
    expect(factsAbout(facts, ["pod:pod-demo", "service:svc-clusterip-nginx"], "netlab-node-probe")).toEqual({
      podIPs: { "pod-demo": "10.244.0.7" },
      nodeIP: UNRESOLVED_FACTS.nodeIP,
      services: { "svc-clusterip-nginx": { clusterIP: "10.96.203.5" } },
    });
    expect(factsAbout(facts, ["pod:netlab-node-probe"], "netlab-node-probe").nodeIP).toBe("172.18.0.2");
    expect(() => factsAbout(facts, ["node:x"], undefined)).toThrow("not a tested object: node:x");
  });
});
