// What the lab's credentials let it read, told apart from what the cluster holds: a read the credentials
// forbid is named once, with what it costs, and never taken for an empty answer. And the failures that mean
// the lab cannot work at all (kubectl missing, a kubeconfig or context that does not exist, a cluster that
// does not answer), each a clear stop before anything is built. Pure.
import type { KubectlTarget } from "./checks/kubectl";
import {
  firstLine,
  type ReadAnswer,
  type ReadFailure,
  type ReadName,
  READS,
  readFailure,
} from "./clusterReads";

/** A read the lab could not make: what it is, why, and what the lab does without it. */
export interface UnreadFact {
  /** Which of the discovery's reads (READS in lib/clusterReads.ts). */
  key: ReadName;
  /** The request, in kubectl's words: verb, resource and where. */
  read: string;
  /** "forbidden" when the credentials may not; otherwise kubectl's own first line. */
  why: string;
  /** What the lab does without it. */
  cost: string;
}

/** The reads whose failure costs something, with the request and the cost in words; the others are silent. */
const OPTIONAL_READS: Record<string, (namespace: string) => Omit<UnreadFact, "why" | "key">> = {
  [READS.nodes]: () => ({
    read: "list nodes (cluster-wide)",
    cost: "nodes and their addresses are learned from the lab's own pods and node probes; node probes run only on the lab's pods' nodes",
  }),
  [READS.namespace]: (namespace) => ({
    read: `get namespace ${namespace}`,
    cost: "its Pod Security level is not known before the build",
  }),
  [READS.nodePorts]: () => ({
    read: "list services (every namespace)",
    cost: "who holds a node port is not known; a server-side dry run in the lab's namespace tells whether it is free",
  }),
  [READS.kubeDnsService]: () => ({
    read: "get service kube-dns in kube-system",
    cost: "dns.kube-dns-service is skipped, and each pod's resolv.conf is judged without kube-dns's ClusterIP",
  }),
  [READS.apiService]: () => ({
    read: "get service kubernetes in default",
    cost: "dns.kubernetes-default compares its answer with KUBERNETES_SERVICE_HOST, which Kubernetes gives every pod",
  }),
  [READS.kubeDnsSlices]: () => ({
    read: "list endpointslices in kube-system (kube-dns's)",
    cost: "the nodes kube-dns runs on are not known, so a lookup's path (same node or across nodes) is not told",
  }),
};

/** Every optional read that failed, other than by finding nothing, in the order of OPTIONAL_READS. */
export function unreadFacts(answers: Record<ReadName, ReadAnswer>, namespace: string): UnreadFact[] {
  return Object.entries(OPTIONAL_READS).flatMap(([name, describe]) => {
    const answer = answers[name];
    if (answer === undefined || answer.exit === 0) return [];
    const failure = readFailure(answer);
    // A namespace the lab is about to create is not there yet: nothing is lost.
    if (failure === "not-found") return [];
    const why = failure === "forbidden" ? "forbidden" : firstLine(answer.stderr);
    return [{ key: name, ...describe(namespace), why }];
  });
}

/** Whether the credentials forbade this read, or it failed otherwise: the checks that need it do without. */
export function unreadOf(unread: readonly UnreadFact[] | undefined, key: ReadName): UnreadFact | undefined {
  return unread?.find((u) => u.key === key);
}

/** The report's header lines on what was not read and what it costs; none when all was read. */
export function unreadLines(unread: readonly UnreadFact[]): string[] {
  if (unread.length === 0) return [];
  return ["not read with these credentials:", ...unread.map((u) => `  ${u.read} (${u.why}): ${u.cost}`)];
}

/** The failures after which nothing the lab does can work: each is a stop, whichever read met it. */
const FATAL: ReadonlySet<ReadFailure> = new Set([
  "kubectl-missing",
  "kubeconfig",
  "context",
  "unauthorized",
  "unreachable",
]);

const NOTHING_CREATED = "Nothing was created.";

function fatalMessage(failure: ReadFailure, said: string, target: KubectlTarget): string {
  const kubeconfig = target.kubeconfig ?? "$KUBECONFIG or ~/.kube/config";
  const context = target.context === undefined ? "its current context" : `context "${target.context}"`;
  switch (failure) {
    case "kubectl-missing":
      return `kubectl was not found on the PATH: the lab runs it to learn the cluster and to run its checks. Install kubectl (within one minor version of the cluster) or add it to the PATH, then run pulumi up again. ${NOTHING_CREATED}`;
    case "kubeconfig":
      return `the kubeconfig ${kubeconfig} cannot be used: kubectl said "${said}". Set the config key kubeconfig to a readable kubeconfig file. ${NOTHING_CREATED}`;
    case "context":
      return `the kubeconfig ${kubeconfig} has no ${context}: kubectl said "${said}". Set the config key context to one of its contexts (kubectl config get-contexts). ${NOTHING_CREATED}`;
    case "unauthorized":
      return `the cluster of ${context} in ${kubeconfig} rejected the credentials: kubectl said "${said}". Renew them (a token may have expired). ${NOTHING_CREATED}`;
    default:
      return `the cluster of ${context} in ${kubeconfig} is unreachable: kubectl said "${said}". Check that the cluster is running and that the config keys kubeconfig and context name it. ${NOTHING_CREATED}`;
  }
}

/**
 * Why the lab cannot work with this cluster at all, or undefined: kubectl missing, a kubeconfig or context
 * that does not exist, credentials rejected, a cluster that does not answer, or a namespace the credentials
 * may not even list pods in. Read from the namespace's own listing, the one read every lab needs.
 */
export function clusterProblem(
  answers: Record<ReadName, ReadAnswer>,
  target: KubectlTarget,
  namespace: string,
): string | undefined {
  const version = answers[READS.version];
  const versionFailure = version === undefined ? "other" : readFailure(version);
  if (version !== undefined && versionFailure !== undefined && FATAL.has(versionFailure)) {
    return fatalMessage(versionFailure, firstLine(version.stderr), target);
  }
  const answer = answers[READS.namespaceObjects];
  if (answer === undefined) {
    return `kubectl could not ask the cluster for its version: it said "${firstLine(version?.stderr ?? "")}". ${NOTHING_CREATED}`;
  }
  const failure = readFailure(answer);
  if (failure === undefined || failure === "not-found") return undefined;
  const said = firstLine(answer.stderr);
  if (FATAL.has(failure)) return fatalMessage(failure, said, target);
  if (failure === "forbidden") {
    return `these credentials may not list pods, Services and DaemonSets in namespace ${namespace}: kubectl said "${said}". The lab needs the admin role in its namespace (docs/class.md has a RoleBinding for it). ${NOTHING_CREATED}`;
  }
  return `kubectl could not list what namespace ${namespace} holds: it said "${said}". ${NOTHING_CREATED}`;
}
