// The node probes' pods as kubectl lists them: which probe pod serves on each node. Pure.
import { z } from "zod";
import { boundedKubectl, type KubectlTarget } from "./checks/kubectl";
import { METADATA, readKubectlJson } from "./kubectlJson";
import { shellJoin } from "./shell";

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

/**
 * Waits, bounded, for a DaemonSet's pods to be ready on every node it targets, then lists them as JSON.
 * The wait's own verdict is not needed: a node whose probe is not ready has no entry in the list.
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
  return `${shellJoin(wait)} >/dev/null 2>&1; ${shellJoin(list)}`;
}

/** A pod that serves: running, ready, and not going away. */
function serving(pod: PodObject): boolean {
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  return ready && pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp;
}

/** The ready, running pod on each node, by node name, from `kubectl get pods -o json`. */
export function parseReadyPodsByNode(json: string): Record<string, string> {
  const list = readKubectlJson(json, POD_LIST, "the node probes' pods");
  const byNode: Record<string, string> = {};
  for (const pod of (list.items ?? []).filter(serving)) {
    const node = pod.spec?.nodeName;
    const name = pod.metadata?.name;
    if (node && name && byNode[node] === undefined) byNode[node] = name;
  }
  return byNode;
}
