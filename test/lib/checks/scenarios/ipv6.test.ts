import { describe, expect, it } from "vitest";
import { UNRESOLVED_FACTS } from "../../../../lib/checks/lab";
import { ipv6 } from "../../../../lib/checks/scenarios/ipv6";
import { planChecks } from "../../../../lib/checks/plan";
import {
  DUAL_STACK,
  IPV6_ONLY,
  lastCommand,
  placement,
  planOf,
  probeTool,
  topologyOf,
  TWO_NODES,
} from "./lab";

const IDS = [
  "ipv6.pod-to-pod.cross-node",
  "ipv6.node-to-pod.pod-nginx.other-node",
  "ipv6.service.svc-dualstack-nginx.cluster-ip",
  "ipv6.dns.svc-dualstack-nginx.aaaa",
];

describe("the ipv6 scenario on a dual-stack cluster", () => {
  const plans = planOf(ipv6, DUAL_STACK);

  it("plans pod to pod, node to pod, the Service's IPv6 ClusterIP and its AAAA record, none skipped", () => {
    expect(Object.keys(plans)).toEqual(IDS);
    expect(Object.values(plans).filter((plan) => plan.skipReason !== undefined)).toEqual([]);
  });

  it("curls pod-nginx's IPv6 address, in brackets, from pod-demo on the other node", () => {
    const plan = plans["ipv6.pod-to-pod.cross-node"];
    expect(probeTool(plan)).toBe("curl -sS --connect-timeout");
    expect(lastCommand(plan)).toMatch(
      /pod-demo --container cntr-centos -- curl .* http:\/\/\[fd00:10:244:1::b\]:80\/$/,
    );
    expect(plan?.target).toBe("pod-nginx/cntr-nginx via [fd00:10:244:1::b]:80");
    expect(plan?.expectation).toEqual({ type: "http", tool: "curl", marker: "Welcome to nginx!" });
    expect(placement(plan)).toBe("cross-node node-1>node-2");
    expect(plan?.evidenceSteps?.map((e) => e.toward)).toEqual(["fd00:10:244:1::b"]);
  });

  it("curls the same address from the other node's probe", () => {
    const plan = plans["ipv6.node-to-pod.pod-nginx.other-node"];
    expect(lastCommand(plan)).toMatch(
      /netlab-node-probe-k7x2p --container probe -- curl .* http:\/\/\[fd00:10:244:1::b\]:80\/$/,
    );
    expect(plan?.source).toBe("node node-1 172.18.0.2 (host network)");
    expect(placement(plan)).toBe("cross-node node-1>node-2");
  });

  it("waits for the pod's IPv6 endpoint, then curls the Service's IPv6 ClusterIP", () => {
    const plan = plans["ipv6.service.svc-dualstack-nginx.cluster-ip"];
    expect(plan?.steps[0]).toMatchObject({ kind: "wait", until: "fd00:10:244:1::b=true" });
    expect(plan?.steps[0]?.argv).toContain("kubernetes.io/service-name=svc-dualstack-nginx");
    expect(lastCommand(plan)).toMatch(/ http:\/\/\[fd00:10:96::56a6\]:80\/$/);
    expect(plan?.to).toEqual({ kind: "service", service: "svc-dualstack-nginx" });
  });

  it("asks kube-dns for the AAAA record alone, expecting the IPv6 ClusterIP", () => {
    const plan = plans["ipv6.dns.svc-dualstack-nginx.aaaa"];
    const fqdn = "svc-dualstack-nginx.netlab.svc.cluster.local";
    expect(lastCommand(plan)).toMatch(
      new RegExp(`netlab-dns-probe --container probe -- timeout 10 nslookup -type=AAAA ${fqdn}$`),
    );
    expect(plan?.expectation).toEqual({ type: "dns", name: fqdn, address: "fd00:10:96::56a6" });
    expect(plan?.via).toBe("dns");
  });
});

describe("the ipv6 scenario where the cluster gives no IPv6", () => {
  it("skips every check, saying what the cluster gave, and runs nothing", () => {
    const plans = planOf(ipv6, TWO_NODES);
    expect(Object.keys(plans)).toEqual(IDS);
    const pods = "the cluster gave pod-nginx no IPv6 address (10.244.1.11): its pods are IPv4 only";
    const service =
      "the cluster gave svc-dualstack-nginx no IPv6 ClusterIP (10.96.91.153) although it asks for both " +
      "families (PreferDualStack): its Services are IPv4 only";
    const facts = {
      ...TWO_NODES,
      services: { ...TWO_NODES.services, "svc-dualstack-nginx": { clusterIP: "10.96.91.153" } },
    };
    expect(Object.values(planOf(ipv6, facts)).map((plan) => plan.skipReason)).toEqual([
      pods,
      pods,
      service,
      service,
    ]);
  });

  it("skips nothing on the placeholder facts, and plans the same checks whatever the facts", () => {
    const shapes = planOf(ipv6, UNRESOLVED_FACTS);
    expect(Object.keys(shapes)).toEqual(IDS);
    expect(Object.values(shapes).filter((plan) => plan.skipReason !== undefined)).toEqual([]);
  });
});

describe("the ipv6 scenario in smaller labs", () => {
  it("needs pod-demo for its clients, the services lab for its Service, eg2 for its server", () => {
    expect(Object.keys(planOf(ipv6, DUAL_STACK, { labs: "eg2,services" }))).toEqual([
      "ipv6.node-to-pod.pod-nginx.other-node",
      "ipv6.dns.svc-dualstack-nginx.aaaa",
    ]);
    expect(Object.keys(planOf(ipv6, DUAL_STACK, { labs: "eg1,eg2" }))).toEqual([
      "ipv6.pod-to-pod.cross-node",
      "ipv6.node-to-pod.pod-nginx.other-node",
    ]);
    expect(planOf(ipv6, DUAL_STACK, { labs: "eg1" })).toEqual({});
  });
});

describe("the lab on an IPv6-only cluster", () => {
  const plans = planChecks(topologyOf({ labs: "eg1,eg2,services,service-depth" }), IPV6_ONLY);

  it("runs every check of the default lab, the ipv6 ones included: none is skipped for its family", () => {
    const tutorial = planChecks(topologyOf(), IPV6_ONLY);
    expect(tutorial.filter((plan) => plan.skipReason !== undefined).map((plan) => plan.id)).toEqual([]);
    expect(tutorial.map((plan) => plan.id)).toEqual(expect.arrayContaining(IDS));
  });

  it("writes every address in a URL and in a target in brackets, as a URL needs it", () => {
    const urls = plans
      .flatMap((plan) => plan.steps.flatMap((step) => step.argv))
      .filter((arg) => /^https?:\/\//.test(arg));
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url).not.toMatch(/^https?:\/\/[0-9a-f]*:[0-9a-f:]*:/);
    const bare = plans.filter((plan) => /(^|[\s>])fd00:[0-9a-f:]*:\d+/.test(plan.target));
    expect(bare.map((plan) => `${plan.id}: ${plan.target}`)).toEqual([]);
    expect(plans.find((plan) => plan.id === "pod-demo.pod-ip")?.target).toBe(
      "pod-demo/cntr-httpd via [fd00:10:244::7]:80",
    );
  });
});
