// A lab as the planner sees it: the topology from config, and the live facts of a two-node cluster (pod-demo
// and pod-httpd on node-1, pod-nginx and the DNS probe on node-2, kube-dns on node-1), IPv4 only or dual-stack.
import type { LabTopology, LiveFacts } from "../../../../lib/checks/lab";
import { PlanContext } from "../../../../lib/checks/scenarios/context";
import type { Scenario } from "../../../../lib/checks/scenarios";
import type { CheckPlan } from "../../../../lib/checks/types";
import { parseLabConfig } from "../../../../lib/config";
import { labTopology } from "../../../../lib/topology";

export const topologyOf = (raw: Record<string, string> = {}): LabTopology =>
  labTopology(parseLabConfig(raw, { fileExists: () => true }));

export const TWO_NODES: LiveFacts = {
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

/**
 * The same lab on a dual-stack cluster: every pod and svc-dualstack-nginx have an IPv6 address too, as the
 * e2e cluster gives them (test/fixtures/network/dual-*); the tutorial's Services stay IPv4 only.
 */
export const DUAL_STACK: LiveFacts = {
  ...TWO_NODES,
  allPodIPs: {
    "pod-demo": ["10.244.0.7", "fd00:10:244::7"],
    "pod-httpd": ["10.244.1.10", "fd00:10:244:1::a"],
    "pod-nginx": ["10.244.1.11", "fd00:10:244:1::b"],
    "netlab-dns-probe": ["10.244.0.20", "fd00:10:244::14"],
  },
  services: {
    "svc-nodeport-httpd": { clusterIP: "10.96.41.17", clusterIPs: ["10.96.41.17"], nodePort: 31000 },
    "svc-clusterip-nginx": { clusterIP: "10.96.203.5", clusterIPs: ["10.96.203.5"] },
    "svc-dualstack-nginx": { clusterIP: "10.96.91.153", clusterIPs: ["10.96.91.153", "fd00:10:96::56a6"] },
  },
};

/**
 * The same lab on an IPv6-only cluster (made up from the dual-stack one's IPv6 addresses): every pod, node and
 * Service has one IPv6 address and nothing else.
 */
export const IPV6_ONLY: LiveFacts = {
  ...TWO_NODES,
  podIPs: {
    "pod-demo": "fd00:10:244::7",
    "pod-httpd": "fd00:10:244::a",
    "pod-nginx": "fd00:10:244:1::b",
    "netlab-dns-probe": "fd00:10:244::14",
  },
  allPodIPs: {
    "pod-demo": ["fd00:10:244::7"],
    "pod-httpd": ["fd00:10:244::a"],
    "pod-nginx": ["fd00:10:244:1::b"],
    "netlab-dns-probe": ["fd00:10:244::14"],
  },
  nodes: [
    { name: "node-1", internalIP: "fd00:10:250::1", schedulable: true },
    { name: "node-2", internalIP: "fd00:10:250::2", schedulable: true },
  ],
  services: {
    "svc-nodeport-httpd": { clusterIP: "fd00:10:96::11", clusterIPs: ["fd00:10:96::11"], nodePort: 31000 },
    "svc-clusterip-nginx": { clusterIP: "fd00:10:96::5", clusterIPs: ["fd00:10:96::5"] },
    "svc-dualstack-nginx": { clusterIP: "fd00:10:96::56a6", clusterIPs: ["fd00:10:96::56a6"] },
  },
};

/** One scenario's checks, by id, for the default lab (or the given config) on these facts. */
export function planOf(
  scenario: Scenario,
  facts: LiveFacts = TWO_NODES,
  raw: Record<string, string> = {},
): Record<string, CheckPlan> {
  const plans = scenario.plan(new PlanContext(topologyOf(raw), facts));
  return Object.fromEntries(plans.map((plan) => [plan.id, plan]));
}

/** The command a check runs last, as one line. */
export const lastCommand = (plan: CheckPlan | undefined): string => plan?.steps.at(-1)?.argv.join(" ") ?? "";

/** The first words of the probe a check runs last inside its pod. */
export function probeTool(plan: CheckPlan | undefined, words = 3): string {
  const argv = plan?.steps.at(-1)?.argv ?? [];
  return argv
    .slice(argv.indexOf("--") + 1)
    .slice(0, words)
    .join(" ");
}

/** Where a check's traffic goes: its path, and the nodes it leaves and reaches. */
export const placement = (plan: CheckPlan | undefined): string =>
  `${plan?.path} ${plan?.sourceNode ?? "-"}>${plan?.targetNode ?? "-"}`;
