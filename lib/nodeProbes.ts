// Where the node probes run, and their pods as kubectl lists them: which probe pod serves on each node. Pure.
import { z } from "zod";
import { boundedKubectl, type KubectlTarget } from "./checks/kubectl";
import type { ClusterNode } from "./cluster";
import type { NodeProbeSpread } from "./config";
import { firstLine } from "./clusterReads";
import { METADATA, readKubectlJson } from "./kubectlJson";
import { shellJoin, shellQuote } from "./shell";

/** The items of `kubectl get pods -o json`. */
const POD_LIST = z.object({
  items: z
    .array(
      z.object({
        metadata: METADATA.nullish(),
        spec: z.object({ nodeName: z.string().nullish() }).nullish(),
        status: z
          .object({
            phase: z.string().nullish(),
            hostIP: z.string().nullish(),
            conditions: z
              .array(z.object({ type: z.string().nullish(), status: z.string().nullish() }))
              .nullish(),
          })
          .nullish(),
      }),
    )
    .nullish(),
});
type PodObject = NonNullable<z.infer<typeof POD_LIST>["items"]>[number];

/** The line daemonSetPodsCommand prints, before kubectl's stderr, when the listing failed. */
export const LISTING_FAILED = "--- netlab: listing the node probes failed ---";

/**
 * Waits, bounded, for a DaemonSet's pods to be ready on every node it targets, then lists them as JSON.
 * The wait's own verdict is not needed: a node whose probe is not ready has no entry in the list. It always
 * succeeds: when the listing fails, it prints LISTING_FAILED and kubectl's own words instead (readProbeListing).
 */
export function daemonSetPodsCommand(
  target: KubectlTarget,
  namespace: string,
  daemonSet: string,
  selector: Record<string, string>,
): string {
  const labels = Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  const wait = boundedKubectl(target, [
    "rollout",
    "status",
    `daemonset/${daemonSet}`,
    "--namespace",
    namespace,
    `--timeout=${target.requestTimeoutSeconds}s`,
  ]);
  const list = boundedKubectl(target, [
    "get",
    "pods",
    "--namespace",
    namespace,
    "--selector",
    labels,
    "--output",
    "json",
  ]);
  return [
    `${shellJoin(wait)} >/dev/null 2>&1`,
    "netlab_err=$(mktemp) || exit 1",
    `if netlab_out=$(${shellJoin(list)} 2>"$netlab_err"); then printf '%s\n' "$netlab_out"`,
    `else printf '%s\n' ${shellQuote(LISTING_FAILED)}; cat "$netlab_err"; fi`,
    'rm -f "$netlab_err"',
  ].join("; ");
}

/** A pod that serves: running, ready, and not going away. */
function serving(pod: PodObject): boolean {
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  return ready && pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp;
}

/** A node's ready probe pod. */
export interface ReadyProbe {
  pod: string;
  /** The node's address as its kubelet reports it (a host-network pod's IP is its node's); unset if not yet. */
  hostIP?: string;
}

/** The ready, running pod on each node, by node name, from `kubectl get pods -o json`. */
export function parseReadyPodsByNode(json: string): Record<string, ReadyProbe> {
  const list = readKubectlJson(json, POD_LIST, "the node probes' pods");
  const byNode: Record<string, ReadyProbe> = {};
  for (const pod of (list.items ?? []).filter(serving)) {
    const node = pod.spec?.nodeName;
    const name = pod.metadata?.name;
    const hostIP = pod.status?.hostIP;
    if (node && name && byNode[node] === undefined)
      byNode[node] = { pod: name, ...(hostIP ? { hostIP } : {}) };
  }
  return byNode;
}

/**
 * The nodes that get a node probe, or undefined for every schedulable node. The checks from a node's host
 * network start on the node of a lab pod and on one other node (lib/checks/scenarios/context.ts), so
 * "needed" is the lab pods' nodes and the first schedulable node by name that runs none of them, if the
 * cluster has one. `clusterNodes` is empty where the learner may not list nodes: then the pods' nodes alone.
 */
export function probeNodes(
  spread: NodeProbeSpread,
  labPodNodes: readonly (string | undefined)[],
  clusterNodes: readonly ClusterNode[],
): string[] | undefined {
  if (spread === "all") return undefined;
  const byName = (a: string, b: string) => a.localeCompare(b);
  const podNodes = [...new Set(labPodNodes.filter((node): node is string => !!node))].sort(byName);
  const other = [...clusterNodes]
    .sort((a, b) => byName(a.name, b.name))
    .find((node) => node.schedulable && !podNodes.includes(node.name));
  return other === undefined ? podNodes : [...podNodes, other.name].sort(byName);
}

/**
 * What daemonSetPodsCommand printed: each node's ready probe, or why they could not be listed, in kubectl's
 * own words (a failed listing or an answer that is not the JSON it should be), so that the node checks are
 * skipped with that reason instead of the update failing on an unhandled error.
 */
export function readProbeListing(
  output: string,
): { probes: Record<string, ReadyProbe> } | { problem: string } {
  const at = output.indexOf(LISTING_FAILED);
  if (at >= 0) {
    return {
      problem: `kubectl could not list the node probes: ${firstLine(output.slice(at + LISTING_FAILED.length))}`,
    };
  }
  try {
    return { probes: parseReadyPodsByNode(output) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
