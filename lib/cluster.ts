// What the lab learns about the cluster before it builds anything: its nodes, where kube-dns runs and what
// the lab's namespace already holds.
// Pure: builds the kubectl command line and reads its answer.
import type { Placement } from "./config";
import { globalFlags, type KubectlTarget } from "./checks/kubectl";
import type { LabObjectKind, NamespaceObject } from "./leftovers";
import { shellJoin } from "./shell";

export interface ClusterNode {
  name: string;
  internalIP: string;
  /** New pods may land here: not cordoned and no NoSchedule/NoExecute taint. */
  schedulable: boolean;
}

export interface ClusterFacts {
  /** False when kubectl could not list them: the Kubernetes provider then says why, in its own words. */
  reachable: boolean;
  nodes: ClusterNode[];
  /** The labels of each namespace, by name (Pod Security levels are labels). */
  namespaceLabels: Record<string, Record<string, string>>;
  /** The nodes of kube-dns's endpoints (its CoreDNS pods), from its EndpointSlices. */
  kubeDnsNodes: string[];
}

/** What the discovery prints for the cluster when kubectl fails: no facts, and the cluster marked unreachable. */
export const UNREACHABLE_ANSWER = '{"items":[],"netlabUnreachable":true}';

/** What kubectl prints for each object in the lab's namespace: kind, name and labels (JSON), tab-separated. */
export const NAMESPACE_OBJECTS_JSONPATH =
  '{range .items[*]}{.kind}{"\\t"}{.metadata.name}{"\\t"}{.metadata.labels}{"\\n"}{end}';

/** The line between the two answers of discoveryCommand. */
export const NAMESPACE_OBJECTS_MARKER = "--- netlab: objects in the namespace ---";

/**
 * Two kubectl calls, bounded and side by side: the nodes, the namespaces and the EndpointSlices (kube-dns's)
 * of the cluster as JSON; then, after NAMESPACE_OBJECTS_MARKER, one line per pod, Service and DaemonSet
 * already in the lab's namespace (kind, name and labels only). It always succeeds: when the cluster cannot
 * be reached, the provider's own error says so more clearly.
 */
export function discoveryCommand(target: KubectlTarget, namespace: string): string {
  const get = (...what: string[]) =>
    shellJoin([
      "timeout",
      String(target.requestTimeoutSeconds + 5),
      "kubectl",
      ...globalFlags(target),
      "get",
      ...what,
    ]);
  const cluster = get(
    "nodes,namespaces,endpointslices.discovery.k8s.io",
    "--all-namespaces",
    "--output",
    "json",
  );
  const objects = get(
    "pods,services,daemonsets.apps",
    "--namespace",
    namespace,
    "--output",
    `jsonpath=${NAMESPACE_OBJECTS_JSONPATH}`,
  );
  return [
    "netlab_cluster=$(mktemp) && netlab_objects=$(mktemp) || exit 1",
    `{ ${cluster} >"$netlab_cluster" 2>/dev/null || printf '%s' ${shellJoin([UNREACHABLE_ANSWER])} >"$netlab_cluster"; } &`,
    `{ ${objects} >"$netlab_objects" 2>/dev/null || : >"$netlab_objects"; } &`,
    "wait",
    `cat "$netlab_cluster"; printf '\\n%s\\n' ${shellJoin([NAMESPACE_OBJECTS_MARKER])}; cat "$netlab_objects"`,
    'rm -f "$netlab_cluster" "$netlab_objects"',
  ].join("\n");
}

export interface Discovery {
  cluster: ClusterFacts;
  /** The pods, Services and DaemonSets already in the lab's namespace. */
  namespaceObjects: NamespaceObject[];
}

const LAB_OBJECT_KINDS: readonly string[] = ["Pod", "Service", "DaemonSet"] satisfies LabObjectKind[];

/** Reads what discoveryCommand printed. */
export function parseDiscovery(output: string): Discovery {
  // The command's output comes without its last newline, so an empty namespace ends at the marker.
  const marker = `\n${NAMESPACE_OBJECTS_MARKER}`;
  const at = output.indexOf(marker);
  if (at < 0) throw new Error(`kubectl did not answer as expected: ${output.slice(0, 200)}`);
  const namespaceObjects = output
    .slice(at + marker.length)
    .split("\n")
    .map((line) => line.split("\t"))
    .flatMap(([kind, name, labels]) =>
      kind !== undefined && LAB_OBJECT_KINDS.includes(kind) && name
        ? [{ kind: kind as LabObjectKind, name, labels: parseLabels(labels) }]
        : [],
    );
  return { cluster: parseClusterFacts(output.slice(0, at)), namespaceObjects };
}

function parseLabels(json: string | undefined): Record<string, string> {
  if (json === undefined || json.trim() === "") return {};
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    throw new Error(`kubectl printed labels that are not JSON: ${json.slice(0, 200)}`);
  }
}

interface KubeObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { effect?: string }[] };
  status?: { addresses?: { type?: string; address?: string }[] };
  endpoints?: { nodeName?: string; conditions?: { ready?: boolean } }[];
}

const KUBE_DNS_SLICE_LABEL = "kubernetes.io/service-name";

/** Reads `kubectl get nodes,namespaces,endpointslices -A -o json`. */
export function parseClusterFacts(json: string): ClusterFacts {
  let list: { items?: KubeObject[]; netlabUnreachable?: boolean };
  try {
    list = JSON.parse(json) as { items?: KubeObject[]; netlabUnreachable?: boolean };
  } catch {
    throw new Error(`kubectl did not answer with JSON: ${json.slice(0, 200)}`);
  }
  const items = list.items ?? [];
  const nodes = items
    .filter((item) => item.kind === "Node")
    .map((node) => ({
      name: node.metadata?.name ?? "",
      internalIP: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "",
      schedulable:
        node.spec?.unschedulable !== true &&
        !(node.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const kubeDnsNodes = items
    .filter(
      (item) =>
        item.kind === "EndpointSlice" &&
        item.metadata?.namespace === "kube-system" &&
        item.metadata.labels?.[KUBE_DNS_SLICE_LABEL] === "kube-dns",
    )
    .flatMap((slice) => slice.endpoints ?? [])
    .filter((endpoint) => endpoint.conditions?.ready !== false)
    .map((endpoint) => endpoint.nodeName ?? "")
    .filter((name) => name !== "");
  const namespaceLabels = Object.fromEntries(
    items
      .filter((item) => item.kind === "Namespace")
      .map((namespace) => [namespace.metadata?.name ?? "", namespace.metadata?.labels ?? {}]),
  );
  return {
    reachable: list.netlabUnreachable !== true,
    nodes,
    namespaceLabels,
    kubeDnsNodes: [...new Set(kubeDnsNodes)].sort(),
  };
}

/** Why eg2 cannot be placed as asked on these nodes, or undefined when it can. */
export function placementProblem(placement: Placement, facts: ClusterFacts): string | undefined {
  if (!facts.reachable) return undefined;
  const schedulable = facts.nodes.filter((node) => node.schedulable);
  if (placement === "spread" && schedulable.length < 2) {
    const names = schedulable.map((node) => node.name).join(", ") || "none";
    return (
      `placement: "spread" puts pod-httpd and pod-nginx on different nodes, but the cluster has ` +
      `${schedulable.length} schedulable node(s) (${names}). Use "auto" (different nodes when there are ` +
      `several) or "together", or add a node.`
    );
  }
  if (schedulable.length === 0) {
    return "the cluster has no schedulable node (every node is cordoned or tainted NoSchedule)";
  }
  return undefined;
}

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
  const kubectl = ["kubectl", ...globalFlags(target)];
  const labels = Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  const wait = shellJoin([
    "timeout",
    String(target.requestTimeoutSeconds + 5),
    ...kubectl,
    "rollout",
    "status",
    `daemonset/${daemonSet}`,
    "--namespace",
    namespace,
    `--timeout=${target.requestTimeoutSeconds}s`,
  ]);
  const list = shellJoin([
    "timeout",
    String(target.requestTimeoutSeconds + 5),
    ...kubectl,
    "get",
    "pods",
    "--namespace",
    namespace,
    "--selector",
    labels,
    "--output",
    "json",
  ]);
  return `${wait} >/dev/null 2>&1; ${list}`;
}

interface PodObject {
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

/** The ready, running pod on each node, by node name, from `kubectl get pods -o json`. */
export function parseReadyPodsByNode(json: string): Record<string, string> {
  let list: { items?: PodObject[] };
  try {
    list = JSON.parse(json) as { items?: PodObject[] };
  } catch {
    throw new Error(`kubectl did not answer with JSON: ${json.slice(0, 200)}`);
  }
  const byNode: Record<string, string> = {};
  for (const pod of list.items ?? []) {
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    const node = pod.spec?.nodeName;
    const name = pod.metadata?.name;
    if (!ready || pod.status?.phase !== "Running" || pod.metadata?.deletionTimestamp !== undefined) continue;
    if (node !== undefined && name !== undefined && byNode[node] === undefined) byNode[node] = name;
  }
  return byNode;
}
