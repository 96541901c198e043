// What the lab learns about the cluster before it builds anything: its nodes, where kube-dns runs and what
// the lab's namespace already holds.
// Pure: builds the kubectl command lines and reads their answers, through schemas of what kubectl prints.
import * as path from "node:path";
import { z } from "zod";
import type { Placement } from "./config";
import { boundedKubectl, type KubectlTarget } from "./checks/kubectl";
import type { LabObjectKind, NamespaceObject } from "./leftovers";
import { LABELS, METADATA, readKubectlJson, said } from "./kubectlJson";
import { readScript, shellAssignments, shellFunction } from "./shell";

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

const DISCOVERY_SCRIPT = readScript(path.join(__dirname, "discovery.sh"));

/**
 * Two kubectl calls, bounded and side by side (discovery.sh): the nodes, the namespaces and the
 * EndpointSlices (kube-dns's) of the cluster as JSON; then, after NAMESPACE_OBJECTS_MARKER, one line per pod,
 * Service and DaemonSet already in the lab's namespace (kind, name and labels only). It always succeeds: when
 * the cluster cannot be reached, the provider's own error says so more clearly.
 */
export function discoveryCommand(target: KubectlTarget, namespace: string): string {
  const cluster = boundedKubectl(target, [
    "get",
    "nodes,namespaces,endpointslices.discovery.k8s.io",
    "--all-namespaces",
    "--output",
    "json",
  ]);
  const objects = boundedKubectl(target, [
    "get",
    "pods,services,daemonsets.apps",
    "--namespace",
    namespace,
    "--output",
    `jsonpath=${NAMESPACE_OBJECTS_JSONPATH}`,
  ]);
  return [
    shellFunction("netlab_get_cluster", cluster),
    shellFunction("netlab_get_objects", objects),
    shellAssignments({ netlab_unreachable: UNREACHABLE_ANSWER, netlab_marker: NAMESPACE_OBJECTS_MARKER }),
    DISCOVERY_SCRIPT,
  ].join("\n");
}

export interface Discovery {
  cluster: ClusterFacts;
  /** The pods, Services and DaemonSets already in the lab's namespace. */
  namespaceObjects: NamespaceObject[];
}

const LAB_OBJECT_KIND = z.enum(["Pod", "Service", "DaemonSet"]) satisfies z.ZodType<LabObjectKind>;

/** Reads what discoveryCommand printed. */
export function parseDiscovery(output: string): Discovery {
  // The command's output comes without its last newline, so an empty namespace ends at the marker.
  const marker = `\n${NAMESPACE_OBJECTS_MARKER}`;
  const at = output.indexOf(marker);
  if (at < 0) throw new Error(`kubectl did not answer as expected: ${said(output)}`);
  const namespaceObjects = output
    .slice(at + marker.length)
    .split("\n")
    .map((line) => line.split("\t"))
    .flatMap(([kind, name, labels]): NamespaceObject[] => {
      const known = LAB_OBJECT_KIND.safeParse(kind);
      return known.success && name ? [{ kind: known.data, name, labels: parseLabels(labels) }] : [];
    });
  return { cluster: parseClusterFacts(output.slice(0, at)), namespaceObjects };
}

/** The items of `kubectl get nodes,namespaces,endpointslices -o json`, or the discovery's UNREACHABLE_ANSWER. */
const CLUSTER_LIST = z.object({
  netlabUnreachable: z.boolean().nullish(),
  items: z
    .array(
      z.object({
        kind: z.string().nullish(),
        metadata: METADATA.nullish(),
        spec: z
          .object({
            unschedulable: z.boolean().nullish(),
            taints: z.array(z.object({ effect: z.string().nullish() })).nullish(),
          })
          .nullish(),
        status: z
          .object({
            addresses: z
              .array(z.object({ type: z.string().nullish(), address: z.string().nullish() }))
              .nullish(),
          })
          .nullish(),
        endpoints: z
          .array(
            z.object({
              nodeName: z.string().nullish(),
              conditions: z.object({ ready: z.boolean().nullish() }).nullish(),
            }),
          )
          .nullish(),
      }),
    )
    .nullish(),
});
type ClusterObject = NonNullable<z.infer<typeof CLUSTER_LIST>["items"]>[number];

function parseLabels(json: string | undefined): Record<string, string> {
  if (json === undefined || json.trim() === "") return {};
  return readKubectlJson(json, LABELS, "the labels of an object in the namespace");
}

const KUBE_DNS_SLICE_LABEL = "kubernetes.io/service-name";

function clusterNode(node: ClusterObject): ClusterNode {
  const taints = node.spec?.taints ?? [];
  return {
    name: node.metadata?.name ?? "",
    internalIP: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "",
    schedulable:
      node.spec?.unschedulable !== true &&
      !taints.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
  };
}

/** The nodes of kube-dns's ready (or not yet judged) endpoints, from its EndpointSlices. */
function kubeDnsNodes(items: readonly ClusterObject[]): string[] {
  const nodes = items
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
  return [...new Set(nodes)].sort();
}

/** Reads `kubectl get nodes,namespaces,endpointslices -A -o json`. */
export function parseClusterFacts(json: string): ClusterFacts {
  const list = readKubectlJson(json, CLUSTER_LIST, "the cluster's nodes, namespaces and EndpointSlices");
  const items = list.items ?? [];
  const nodes = items
    .filter((item) => item.kind === "Node")
    .map(clusterNode)
    .sort((a, b) => a.name.localeCompare(b.name));
  const namespaceLabels = Object.fromEntries(
    items
      .filter((item) => item.kind === "Namespace")
      .map((namespace) => [namespace.metadata?.name ?? "", namespace.metadata?.labels ?? {}]),
  );
  return {
    reachable: list.netlabUnreachable !== true,
    nodes,
    namespaceLabels,
    kubeDnsNodes: kubeDnsNodes(items),
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
