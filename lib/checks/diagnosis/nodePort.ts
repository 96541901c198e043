// Only the NodePort through one node fails, while the same Service answers through the other nodes and by
// its ClusterIP: the Service and its pod are fine, and that node's kube-proxy does not forward.
import type { CheckResult } from "../types";
import {
  type DiagnosisRule,
  type Run,
  failedChecks,
  kubeSystemPods,
  listed,
  passedChecks,
  someIds,
  throughService,
  unanswered,
} from "./run";

const HOW: Partial<Record<NonNullable<CheckResult["failure"]>, string>> = {
  refused: "refused",
  timeout: "timed out",
  unreachable: "no route",
};

/** The node whose address a NodePort check used (its node probe connects to its own node's address). */
const throughNode = (result: CheckResult): string | undefined =>
  result.via === "node-port" && result.from.kind === "node" ? result.from.node : undefined;

/** A request from a pod on `node` to a ClusterIP (a Service's, or kube-dns's for a lookup) that got nothing. */
const byClusterIPFrom =
  (node: string) =>
  (result: CheckResult): boolean =>
    result.outcome === "failed" &&
    result.sourceNode === node &&
    ((result.via === "cluster-ip" && result.failure !== undefined && result.failure in HOW) ||
      (result.via === "cluster-ip" && result.failure === "dns-failure") ||
      unanswered(result));

export const nodePortOneNode: DiagnosisRule = {
  name: "node-port-one-node",
  shared: true,
  explain(failed, run) {
    const node = throughNode(failed);
    const service = throughService(failed);
    const how = failed.failure === undefined ? undefined : HOW[failed.failure];
    if (node === undefined || service === undefined || how === undefined) return undefined;
    const viaOthers = passedChecks(run, (r) => throughService(r) === service && throughNode(r) !== undefined);
    if (viaOthers.length === 0) return undefined;
    // Other requests through the same Service that fail elsewhere point away from this node. Requests by
    // ClusterIP from pods on this node do not (nor do its lookups): a node whose kube-proxy is off translates
    // no ClusterIP, kube-dns's included.
    const others = failedChecks(run, (r) => throughService(r) === service).filter(
      (r) => throughNode(r) !== node && !byClusterIPFrom(node)(r),
    );
    if (others.length > 0) return undefined;
    const byClusterIP = passedChecks(run, (r) => throughService(r) === service && r.via === "cluster-ip");
    const answers = [
      `through ${listed([...new Set(viaOthers.map(throughNode) as string[])])} (${someIds(viaOthers)})`,
      ...(byClusterIP.length === 0 ? [] : [`by its ClusterIP (${someIds(byClusterIP)})`]),
    ];
    const address = run.facts.nodes.find((n) => n.name === node)?.internalIP;
    return {
      cause: `only the NodePort of ${service} through node ${node}${address === undefined ? "" : ` (${address})`} fails (${how}), while it answers ${listed(answers)}: kube-proxy on ${node} is not forwarding`,
      summary: `kube-proxy on ${node} is not forwarding`,
      // Where kube-proxy runs as a DaemonSet (kubeadm, kind), its pod on that node is listed here.
      see: kubeSystemPods(run.lab, { node }),
    };
  },
};

/**
 * Requests by ClusterIP from pods on a node whose kube-proxy the run found not forwarding (its NodePort fails
 * while other nodes' answer): nothing on that node translates a ClusterIP to an endpoint, kube-dns's neither.
 * One cause for them all.
 */
export const clusterIPFromNode: DiagnosisRule = {
  name: "cluster-ip-from-node",
  shared: true,
  explain(failed, run) {
    const node = failed.sourceNode;
    if (node === undefined || !byClusterIPFrom(node)(failed)) return undefined;
    const notForwarding = failedChecks(run, (r) => throughNode(r) === node).find(
      (r) => nodePortOneNode.explain(r, run) !== undefined,
    );
    const finding = notForwarding === undefined ? undefined : nodePortOneNode.explain(notForwarding, run);
    if (notForwarding === undefined || finding === undefined) return undefined;
    const requests = failedChecks(run, byClusterIPFrom(node));
    return {
      cause: `requests by ClusterIP from pods on ${node} get nothing (${someIds(requests)}), and ${node} is the node whose NodePort fails while other nodes answer (${notForwarding.id}): kube-proxy on ${node} is not forwarding, so nothing there translates a ClusterIP, kube-dns's included`,
      summary: finding.summary,
      see: finding.see,
    };
  },
};

/** The node the run found not forwarding (its NodePort fails while other nodes' answer), if any. */
export function nodeNotForwarding(run: Run): string | undefined {
  const failed = failedChecks(run, (r) => throughNode(r) !== undefined).find(
    (r) => nodePortOneNode.explain(r, run) !== undefined,
  );
  return failed === undefined ? undefined : throughNode(failed);
}
