// Only the NodePort through one node fails, while the same Service answers through the other nodes and by
// its ClusterIP: the Service and its pod are fine, and that node's kube-proxy does not forward.
import type { CheckResult } from "../types";
import {
  aboutService,
  type DiagnosisRule,
  failedChecks,
  kubeSystemPods,
  listed,
  passedChecks,
  someIds,
  throughService,
} from "./run";

const HOW: Partial<Record<NonNullable<CheckResult["failure"]>, string>> = {
  refused: "refused",
  timeout: "timed out",
  unreachable: "no route",
};

/** The node whose address a NodePort check used (its node probe connects to its own node's address). */
const throughNode = (result: CheckResult): string | undefined =>
  result.via === "node-port" && result.from.kind === "node" ? result.from.node : undefined;

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
    const others = failedChecks(run, aboutService(service)).filter((r) => throughNode(r) !== node);
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
 * A request by ClusterIP from a pod on a node whose kube-proxy the run found not forwarding (its NodePort
 * fails while the other nodes' answer): nothing on that node translates the ClusterIP to an endpoint.
 */
export const clusterIPFromNode: DiagnosisRule = {
  name: "cluster-ip-from-node",
  shared: false,
  explain(failed, run) {
    const node = failed.sourceNode;
    const how = failed.failure === undefined ? undefined : HOW[failed.failure];
    if (failed.via !== "cluster-ip" || node === undefined || how === undefined) return undefined;
    const notForwarding = failedChecks(run, (r) => throughNode(r) === node).find(
      (r) => nodePortOneNode.explain(r, run) !== undefined,
    );
    if (notForwarding === undefined) return undefined;
    const finding = nodePortOneNode.explain(notForwarding, run);
    if (finding === undefined) return undefined;
    const service = throughService(failed) ?? "the Service";
    return {
      cause: `${service} by its ClusterIP from ${failed.source} on ${node} ${how}, and ${node} is the node whose kube-proxy is not forwarding (${notForwarding.id}): nothing there translates the ClusterIP to an endpoint`,
      summary: finding.summary,
      see: finding.see,
    };
  },
};
