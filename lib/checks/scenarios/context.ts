// What every scenario needs to write its checks: the lab's topology and live facts, and the small verbs that
// turn them into steps, ends and paths.
import { unreadOf, type UnreadFact } from "../../access";
import { READS } from "../../clusterReads";
import { urlHost } from "../../network";
import { execStep } from "../kubectl";
import type { ContainerRef, LabTopology, LiveFacts } from "../lab";
import type { EvidenceStep } from "../evidence/types";
import { bashTcpProbe, curlProbe, routeProbe } from "../probes";
import type { CheckPlan, Endpoint, HttpTool, PathKind, Step } from "../types";

/** Where a check's traffic leaves from and arrives at, as far as the lab knows. */
export type Placement = Pick<CheckPlan, "sourceNode" | "targetNode" | "path">;

/** A scenario: the checks of one section of the tutorial. */
export interface Scenario {
  /** The first part of its checks' ids, and the section of the report they are listed under. */
  section: string;
  /** The tutorial's section it retells. */
  title: string;
  /** A chapter after the tutorial, shown only when its lab is built (the tutorial's own always are). */
  afterTutorial?: boolean;
  /** The lab that switches such a chapter on, when it is not named like the section. */
  lab?: string;
  plan(context: PlanContext): CheckPlan[];
}

export const UNKNOWN_ADDRESS = "0.0.0.0";

/** The node a check from a node's host network starts on: the target's own node, or another one. */
export type NodeSide = "same-node" | "other-node";

export interface NodeSource {
  side: NodeSide;
  node: string | undefined;
  /** Its node probe, when the lab has node probes. */
  probe: ContainerRef | undefined;
}

/** A node and the probe on it. */
export interface NodeProbeOn {
  node: string;
  probe: ContainerRef;
}

/** What a check from a node says for itself; the rest follows from the node it starts on. */
export type NodeCheck = Omit<CheckPlan, "claim" | "source" | "from" | "sourceNode" | "targetNode" | "path">;

export class PlanContext {
  constructor(
    public readonly topology: LabTopology,
    public readonly facts: LiveFacts,
  ) {}

  podIP(pod: string): string {
    return this.facts.podIPs[pod] ?? UNKNOWN_ADDRESS;
  }

  nodeOf(pod: string): string | undefined {
    return this.facts.podNodes[pod];
  }

  nodeIP(node: string | undefined): string {
    return this.facts.nodes.find((n) => n.name === node)?.internalIP ?? UNKNOWN_ADDRESS;
  }

  exec(where: ContainerRef, argv: string[]): Step {
    return execStep(this.topology.kubectl, { namespace: this.topology.namespace, ...where }, argv);
  }

  /** The route a container (or a node probe) takes toward an address, for the check's evidence. */
  routeFrom(where: ContainerRef, address: string): EvidenceStep[] {
    return [{ read: "route", toward: address, step: this.exec(where, routeProbe(address)) }];
  }

  /** An HTTP GET from a container: curl where the image has it, bash's /dev/tcp where it does not. */
  httpFrom(tool: HttpTool, where: ContainerRef, host: string, port: number, path = "/"): Step {
    const { timeouts } = this.topology;
    return this.exec(
      where,
      tool === "curl"
        ? curlProbe(`http://${urlHost(host)}:${port}${path}`, timeouts)
        : bashTcpProbe(host, port, timeouts),
    );
  }

  /** Traffic from one node to another. */
  between(source: string | undefined, target: string | undefined): Placement {
    return {
      ...(source === undefined ? {} : { sourceNode: source }),
      ...(target === undefined ? {} : { targetNode: target }),
      path: pathBetween(source, target === undefined ? [] : [target]),
    };
  }

  /** Traffic that stays inside one pod. */
  inPod(pod: string): Placement {
    return { ...this.between(this.nodeOf(pod), this.nodeOf(pod)), path: "same-pod" };
  }

  /** The node probe on a node, when one runs there: a check without one is skipped, never run on a guess. */
  probeOn(node: string | undefined): ContainerRef | undefined {
    const nodeProbe = this.topology.probes.node;
    const pod = node === undefined ? undefined : this.facts.nodeProbes[node];
    return nodeProbe === undefined || pod === undefined ? undefined : { pod, container: nodeProbe.container };
  }

  /** What the credentials could not read of this, if anything (lib/access.ts). */
  unread(key: string): UnreadFact | undefined {
    return unreadOf(this.facts.unread, key);
  }

  /** A schedulable node other than `node` that runs a node probe, for the checks that cross nodes. */
  otherNode(node: string | undefined): string | undefined {
    return this.facts.nodes.find(
      (n) => n.schedulable && n.name !== node && this.facts.nodeProbes[n.name] !== undefined,
    )?.name;
  }

  noOtherNode(node: string | undefined): string {
    const schedulable = this.facts.nodes.filter((n) => n.schedulable).map((n) => n.name);
    const unlisted = this.unread(READS.nodes);
    const known =
      unlisted === undefined
        ? `nodes: ${schedulable.join(", ") || "none"}`
        : `listing nodes is ${unlisted.why === "forbidden" ? "forbidden for these credentials" : `not possible (${unlisted.why})`}, so only the lab's pods' nodes are known: ${schedulable.join(", ") || "none"}`;
    return `the cluster has no other schedulable node with a node probe than ${node ?? "the pod's node"} (${known})`;
  }

  /**
   * The same check from the host network of the target's node and from another node, each with its claim:
   * skipped where the node probes cannot run or the cluster has no other node.
   */
  fromEachNode(
    targetNode: string | undefined,
    claims: Record<NodeSide, string>,
    check: (source: NodeSource) => NodeCheck,
  ): CheckPlan[] {
    const sides = [
      ["same-node", targetNode],
      ["other-node", this.otherNode(targetNode)],
    ] as const;
    return sides.map(([side, node]) => {
      const { id, ...body } = check({ side, node, probe: this.probeOn(node) });
      return {
        id,
        claim: claims[side],
        source: this.hostSource(node),
        ...body,
        from: { kind: "node", node: node ?? "<other node>" },
        ...this.between(node, targetNode),
        ...(side === "other-node" ? { path: "cross-node" as const } : {}),
        ...this.fromNode(node, () => this.noOtherNode(targetNode)),
      };
    });
  }

  /**
   * With a probe on every node (nodeProbes all), the same request from each node's host network, one step
   * per node, as one more check: none otherwise.
   */
  fromEveryNode(
    targetNode: string | undefined,
    claim: string,
    check: (probes: NodeProbeOn[]) => NodeCheck,
  ): CheckPlan[] {
    const nodeProbe = this.topology.probes.node;
    if (nodeProbe?.everyNode !== true) return [];
    const probes = Object.entries(this.facts.nodeProbes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([node, pod]) => ({ node, probe: { pod, container: nodeProbe.container } }));
    const skipReason =
      this.facts.nodeProbeSkipReason ??
      (probes.length === 0 && this.knownFacts() ? "no node probe is ready on any node" : undefined);
    const { id, ...body } = check(probes);
    return [
      {
        id,
        claim,
        source: `every node's host network (${probes.map((p) => p.node).join(", ") || "no node"})`,
        ...body,
        from: { kind: "every-node" },
        ...(targetNode === undefined ? {} : { targetNode }),
        path: "any-node",
        ...(skipReason === undefined ? {} : { skipReason }),
      },
    ];
  }

  hostSource(node: string | undefined): string {
    return `node ${node ?? "<node>"} ${this.nodeIP(node)} (host network)`;
  }

  /** A check from a node's host network: skipped when the probes cannot run, or there is no such node. */
  fromNode(node: string | undefined, missing: () => string): Pick<CheckPlan, "skipReason"> {
    const skipReason =
      this.facts.nodeProbeSkipReason ??
      (node === undefined && this.facts.nodes.length > 0 ? missing() : undefined) ??
      (node !== undefined && this.probeOn(node) === undefined && this.knownFacts()
        ? `no node probe runs on ${node}`
        : undefined);
    return skipReason === undefined ? {} : { skipReason };
  }

  /** Whether these are the live facts, not the placeholders that only shape the set of checks. */
  private knownFacts(): boolean {
    return this.facts.nodes.length > 0 || Object.keys(this.facts.nodeProbes).length > 0;
  }
}

export const label = (ref: ContainerRef): string => `${ref.pod}/${ref.container}`;

export const podEnd = (ref: ContainerRef): Endpoint => ({
  kind: "pod",
  pod: ref.pod,
  container: ref.container,
});

/** How traffic from one node to another travels: within a node, or between two. */
export function pathBetween(sourceNode: string | undefined, targetNodes: readonly string[]): PathKind {
  if (sourceNode === undefined || targetNodes.length === 0) return "any-node";
  if (targetNodes.every((node) => node === sourceNode)) return "same-node";
  if (targetNodes.every((node) => node !== sourceNode)) return "cross-node";
  return "any-node";
}

/**
 * The path of a request by name: a DNS query to kube-dns, then the connection to the endpoint. It crosses
 * nodes when either hop surely does, stays on the node when both do, and may do either otherwise.
 */
export function pathByName(
  sourceNode: string | undefined,
  endpointNode: string | undefined,
  kubeDnsNodes: readonly string[],
): PathKind {
  const endpoint = pathBetween(sourceNode, endpointNode === undefined ? [] : [endpointNode]);
  const dns = pathBetween(sourceNode, kubeDnsNodes);
  if (endpoint === "cross-node" || dns === "cross-node") return "cross-node";
  if (endpoint === "same-node" && dns === "same-node") return "same-node";
  return "any-node";
}
