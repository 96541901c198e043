// The reads behind the `network` facts: one on each node probe (kube-proxy's mode, the way toward another
// node's pod, its device and MTU, and on a dual-stack cluster the IPv6 way too) and one in a pod (its eth0's
// MTU), run by the same runner as the checks. Pure: plans the steps and reads their results.
import * as path from "node:path";
import {
  addressOf,
  ipFamilies,
  type KubectlVersions,
  type NetworkFacts,
  type NodeNetwork,
  parseNodeNetwork,
} from "../network";
import { readScriptLine } from "../shell";
import { execStep } from "./kubectl";
import type { LabTopology, LiveFacts } from "./lab";
import type { Step, StepResult } from "./types";

const NETWORK_SCRIPT = readScriptLine(path.join(__dirname, "network-facts.sh"));

export interface NetworkReads {
  /** One step per node, then the pod's MTU. */
  steps: Step[];
  /** The node each of the first steps reads, in order. */
  nodes: string[];
}

/** An address on another node than `node`: a lab pod's there, or that node's own. */
function elsewhere(facts: LiveFacts, node: string): string | undefined {
  const pod = Object.entries(facts.podNodes).find(([, on]) => on !== node)?.[0];
  if (pod !== undefined && facts.podIPs[pod] !== undefined) return facts.podIPs[pod];
  return facts.nodes.find((n) => n.name !== node && n.internalIP !== "")?.internalIP;
}

/** An IPv6 address of a lab pod on another node than `node` (a dual-stack cluster), if any. */
function elsewhere6(facts: LiveFacts, node: string): string | undefined {
  return Object.entries(facts.podNodes)
    .filter(([, on]) => on !== node)
    .map(([pod]) => addressOf("IPv6", facts.allPodIPs?.[pod] ?? []))
    .find((address) => address !== undefined);
}

/**
 * The most nodes the network is read on. All reads run in one command whose text carries the read's script
 * once per node, and Linux takes at most 128 KiB in one argument of a command line: on a larger cluster with a
 * probe on every node (nodeProbes all), the nodes of the lab's pods are read first, then others.
 */
export const NETWORK_READ_NODES = 32;

/** The nodes to read: the lab's pods' nodes first, then the others by name, at most NETWORK_READ_NODES. */
function nodesToRead(facts: LiveFacts): string[] {
  const probed = Object.keys(facts.nodeProbes).sort();
  const labNodes = new Set(Object.values(facts.podNodes));
  const first = probed.filter((node) => labNodes.has(node));
  const rest = probed.filter((node) => !labNodes.has(node));
  return [...first, ...rest].slice(0, NETWORK_READ_NODES).sort();
}

/**
 * One read on each node probe (at most NETWORK_READ_NODES), and one in the tutorial's client pod (or another
 * pod the lab runs a shell in).
 */
export function planNetworkReads(topology: LabTopology, facts: LiveFacts): NetworkReads {
  const where = { namespace: topology.namespace };
  const probe = topology.probes.node;
  const nodes = probe === undefined ? [] : nodesToRead(facts);
  const steps = nodes.map((node) => {
    const ipv6 = elsewhere6(facts, node);
    return execStep(
      topology.kubectl,
      { ...where, pod: facts.nodeProbes[node] as string, container: probe?.container ?? "" },
      [
        "sh",
        "-c",
        NETWORK_SCRIPT,
        "_",
        elsewhere(facts, node) ?? "127.0.0.1",
        ...(ipv6 === undefined ? [] : [ipv6]),
      ],
    );
  });
  const client = topology.demo?.client ?? topology.probes.dns;
  return {
    steps: [
      ...steps,
      execStep(topology.kubectl, { ...where, ...client }, ["cat", "/sys/class/net/eth0/mtu"]),
    ],
    nodes,
  };
}

/** The network facts from the reads' results, the lab's addresses and kubectl's versions. */
export function readNetwork(
  reads: NetworkReads,
  results: readonly StepResult[],
  facts: LiveFacts,
  kubectl: KubectlVersions,
): NetworkFacts {
  const nodes: Record<string, NodeNetwork> = {};
  reads.nodes.forEach((node, i) => {
    const result = results[i];
    nodes[node] =
      result === undefined || result.remoteExit !== 0
        ? { kubeProxy: `not read (${result?.stderr.trim() || "the probe did not answer"})` }
        : parseNodeNetwork(result.stdout);
  });
  const mtuStep = results[reads.nodes.length];
  const mtu = mtuStep?.remoteExit === 0 ? Number(mtuStep.stdout.trim()) : Number.NaN;
  return {
    nodes,
    ...(Number.isInteger(mtu) && mtu > 0 ? { podMTU: mtu } : {}),
    // Every address of every pod and Service: a dual-stack one has one of each family.
    families: {
      pods: ipFamilies(Object.entries(facts.podIPs).flatMap(([pod, ip]) => facts.allPodIPs?.[pod] ?? [ip])),
      services: ipFamilies(Object.values(facts.services).flatMap((s) => s.clusterIPs ?? [s.clusterIP])),
    },
    kubectl,
  };
}
