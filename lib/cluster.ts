// What the lab learns about the cluster before it builds anything: its nodes, where kube-dns runs, what the
// lab's namespace already holds, which node ports are taken, and what it may not read.
// Pure: reads the discovery's answers (lib/clusterReads.ts) through schemas of what kubectl prints.
import { z } from "zod";
import { unreadFacts, type UnreadFact } from "./access";
import { type ReadAnswer, type ReadName, READS, readFailure } from "./clusterReads";
import type { Placement } from "./config";
import { LABELS, METADATA, readKubectlJson } from "./kubectlJson";
import type { LabObjectKind, NamespaceObject } from "./leftovers";
import { type KubectlVersions, parseKubectlVersions } from "./network";
import { nodePortFacts, type NodePortFacts } from "./nodePorts";

export interface ClusterNode {
  name: string;
  internalIP: string;
  /** New pods may land here: not cordoned and no NoSchedule/NoExecute taint. */
  schedulable: boolean;
}

export interface ClusterFacts {
  /** False when the lab's credentials may not list nodes: `nodes` is then empty, learned later from its pods. */
  nodesListed: boolean;
  nodes: ClusterNode[];
  /** The labels of the lab's namespace, by its name, when it exists and may be read (Pod Security levels are labels). */
  namespaceLabels: Record<string, Record<string, string>>;
  /** The nodes of kube-dns's endpoints (its CoreDNS pods), from its EndpointSlices; empty when not read. */
  kubeDnsNodes: string[];
  /** kube-dns's ClusterIP, when its Service may be read. */
  kubeDnsIP?: string;
}

export interface Discovery {
  cluster: ClusterFacts;
  /** The pods, Services and DaemonSets already in the lab's namespace. */
  namespaceObjects: NamespaceObject[];
  /** What the lab may not read, or could not, and what that costs: each once. */
  unread: UnreadFact[];
  /** Which node ports are held, as far as the lab may know. */
  nodePorts: NodePortFacts;
  /** kubectl's and the server's versions, with kubectl's own warning when they are too far apart. */
  kubectl: KubectlVersions;
  /** The answers of the listings of IngressClasses and GatewayClasses, when the ingress lab asked for them. */
  classes: { ingress?: ReadAnswer; gateway?: ReadAnswer };
  /** Whether the credentials may create an Ingress and a Gateway in the lab's namespace (`kubectl auth can-i`). */
  frontRights: { ingress?: ReadAnswer; gateway?: ReadAnswer };
}

const LAB_OBJECT_KIND = z.enum(["Pod", "Service", "DaemonSet"]) satisfies z.ZodType<LabObjectKind>;

/**
 * The facts in the reads' answers (lib/clusterReads.ts). A read that failed leaves its facts empty and is
 * listed in `unread`; one whose failure means the lab cannot work at all is the caller's to stop on
 * (`clusterProblem` in lib/access.ts).
 */
export function discoveryOf(answers: Record<ReadName, ReadAnswer>, namespace: string): Discovery {
  const ok = (name: ReadName): string | undefined => {
    const answer = answers[name];
    return answer !== undefined && readFailure(answer) === undefined ? answer.stdout : undefined;
  };
  const nodes = ok(READS.nodes);
  const namespaceJson = ok(READS.namespace);
  const slices = ok(READS.kubeDnsSlices);
  const kubeDnsIP = ok(READS.kubeDnsService)?.trim();
  return {
    cluster: {
      nodesListed: nodes !== undefined,
      nodes: nodes === undefined ? [] : parseNodes(nodes),
      namespaceLabels:
        namespaceJson === undefined ? {} : { [namespace]: parseNamespaceLabels(namespaceJson) },
      kubeDnsNodes: slices === undefined ? [] : parseKubeDnsNodes(slices),
      ...(kubeDnsIP ? { kubeDnsIP } : {}),
    },
    namespaceObjects: parseNamespaceObjects(ok(READS.namespaceObjects) ?? ""),
    unread: unreadFacts(answers, namespace),
    nodePorts: nodePortFacts(answers),
    kubectl: parseKubectlVersions(answers[READS.version]?.stdout ?? "", answers[READS.version]?.stderr ?? ""),
    classes: {
      ...(answers[READS.ingressClasses] === undefined ? {} : { ingress: answers[READS.ingressClasses] }),
      ...(answers[READS.gatewayClasses] === undefined ? {} : { gateway: answers[READS.gatewayClasses] }),
    },
    frontRights: {
      ...(answers[READS.ingressRights] === undefined ? {} : { ingress: answers[READS.ingressRights] }),
      ...(answers[READS.gatewayRights] === undefined ? {} : { gateway: answers[READS.gatewayRights] }),
    },
  };
}

/** One line per object in the namespace: kind, name and labels (NAMESPACE_OBJECTS_JSONPATH). */
export function parseNamespaceObjects(text: string): NamespaceObject[] {
  return text
    .split("\n")
    .map((line) => line.split("\t"))
    .flatMap(([kind, name, labels]): NamespaceObject[] => {
      const known = LAB_OBJECT_KIND.safeParse(kind);
      return known.success && name ? [{ kind: known.data, name, labels: parseLabels(labels) }] : [];
    });
}

const ADDRESSES = z.array(z.object({ type: z.string().nullish(), address: z.string().nullish() }));

/** The items of `kubectl get nodes -o json`. */
const NODE_LIST = z.object({
  items: z
    .array(
      z.object({
        metadata: METADATA.nullish(),
        spec: z
          .object({
            unschedulable: z.boolean().nullish(),
            taints: z.array(z.object({ effect: z.string().nullish() })).nullish(),
          })
          .nullish(),
        status: z.object({ addresses: ADDRESSES.nullish() }).nullish(),
      }),
    )
    .nullish(),
});
type NodeObject = NonNullable<z.infer<typeof NODE_LIST>["items"]>[number];

/** `kubectl get namespace NAME -o json`. */
const NAMESPACE = z.object({ metadata: METADATA.nullish() });

/** The items of `kubectl get endpointslices -o json`. */
const SLICE_LIST = z.object({
  items: z
    .array(
      z.object({
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

function parseLabels(json: string | undefined): Record<string, string> {
  if (json === undefined || json.trim() === "") return {};
  return readKubectlJson(json, LABELS, "the labels of an object in the namespace");
}

function clusterNode(node: NodeObject): ClusterNode {
  const taints = node.spec?.taints ?? [];
  return {
    name: node.metadata?.name ?? "",
    internalIP: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "",
    schedulable:
      node.spec?.unschedulable !== true &&
      !taints.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
  };
}

/** Reads `kubectl get nodes -o json`: each node's name, InternalIP and whether new pods may land there. */
export function parseNodes(json: string): ClusterNode[] {
  const list = readKubectlJson(json, NODE_LIST, "the cluster's nodes");
  return (list.items ?? []).map(clusterNode).sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads `kubectl get namespace NAME -o json`: its labels. */
export function parseNamespaceLabels(json: string): Record<string, string> {
  return readKubectlJson(json, NAMESPACE, "the lab's namespace").metadata?.labels ?? {};
}

/** The nodes of kube-dns's ready (or not yet judged) endpoints, from its EndpointSlices. */
export function parseKubeDnsNodes(json: string): string[] {
  const list = readKubectlJson(json, SLICE_LIST, "kube-dns's EndpointSlices");
  const nodes = (list.items ?? [])
    .flatMap((slice) => slice.endpoints ?? [])
    .filter((endpoint) => endpoint.conditions?.ready !== false)
    .map((endpoint) => endpoint.nodeName ?? "")
    .filter((name) => name !== "");
  return [...new Set(nodes)].sort();
}

/** Why eg2 cannot be placed as asked on these nodes, or undefined when it can. */
export function placementProblem(placement: Placement, facts: ClusterFacts): string | undefined {
  if (!facts.nodesListed) return undefined;
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
 * The nodes the checks know: those the discovery listed, or, where the credentials may not list nodes, the
 * nodes the lab's own pods and node probes run on, each with the address its pods were given (a host-network
 * probe's is the node's own).
 */
export function knownNodes(
  cluster: ClusterFacts,
  podNodes: Record<string, string>,
  podHostIPs: Record<string, string>,
  probeHostIPs: Record<string, string>,
): ClusterNode[] {
  if (cluster.nodesListed) return cluster.nodes;
  const addresses = new Map<string, string>(Object.entries(probeHostIPs));
  for (const [pod, node] of Object.entries(podNodes)) {
    const address = podHostIPs[pod];
    if (node && address && !addresses.has(node)) addresses.set(node, address);
  }
  return [...addresses]
    .map(([name, internalIP]) => ({ name, internalIP, schedulable: true }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
