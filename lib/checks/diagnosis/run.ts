// What a diagnosis rule reads: the whole run (every check's result), the facts it found, and the lab's own
// shape; and the small questions the rules ask of it.
import type { NetworkFacts } from "../../network";
import { shellJoin } from "../../shell";
import type { DiscoveredFacts } from "../facts";
import { globalFlags, type KubectlTarget } from "../kubectl";
import type { LiveFacts, ServiceRef } from "../lab";
import type { CheckResult, Diagnosis, Via } from "../types";

/** The lab as the diagnoses need it: where it lives, how to reach its cluster, its Services. */
export interface DiagnosisLab {
  namespace: string;
  kubectl: KubectlTarget;
  services: readonly ServiceRef[];
}

/** The `facts` output: the lab's live facts, what the checks found out and the network the lab read. */
export type RunFacts = LiveFacts & Partial<DiscoveredFacts> & { network?: NetworkFacts };

export interface Run {
  results: readonly CheckResult[];
  facts: RunFacts;
  lab: DiagnosisLab;
}

/** What a rule finds for one failed check. */
export type Finding = Pick<Diagnosis, "cause" | "summary" | "see">;

export interface DiagnosisRule {
  /** Its stable name, as Diagnosis.rule says it. */
  name: string;
  /**
   * Whether two failures with the same cause from this rule have one cause between them (a broken link
   * of the cluster), rather than each its own (the fallback, which only restates each failure).
   */
  shared: boolean;
  /** The diagnosis of one failed check, or undefined when the rule does not explain it. */
  explain(failed: CheckResult, run: Run): Finding | undefined;
}

/** The check that asks kube-dns for kubernetes.default (lib/checks/scenarios/dns.ts). */
export const KUBERNETES_DEFAULT_ID = "dns.kubernetes-default";

/** Ways of addressing that send traffic over the pod network (not a file, the API or localhost). */
const NETWORK_VIAS: readonly Via[] = ["pod-ip", "cluster-ip", "node-port", "dns"];

export const overNetwork = (result: CheckResult): boolean => NETWORK_VIAS.includes(result.via);

export const passedChecks = (run: Run, where: (result: CheckResult) => boolean): CheckResult[] =>
  run.results.filter((result) => result.outcome === "passed" && where(result));

export const failedChecks = (run: Run, where: (result: CheckResult) => boolean): CheckResult[] =>
  run.results.filter((result) => result.outcome === "failed" && where(result));

/** A lookup of a name through kube-dns (nslookup from the DNS probe). */
export const isLookup = (result: CheckResult): boolean => result.via === "dns";

/** The lookups the run made: a lookup skipped here (an AAAA one on an IPv4 cluster) says nothing of kube-dns. */
export const lookupsMade = (run: Run): CheckResult[] =>
  run.results.filter((result) => isLookup(result) && result.outcome !== "skipped");

/** The Service whose names a lookup asks for, from its id: `dns.<service>.<form>[.tcp]`. */
export function lookedUpService(result: CheckResult): string | undefined {
  if (!isLookup(result)) return undefined;
  // dns.<service>.<form>[.tcp], and the IPv6 checks' ipv6.dns.<service>.aaaa.
  return /^(?:dns\.([^.]+)\.(?:short|namespaced|fqdn)(?:\.tcp)?|ipv6\.dns\.([^.]+)\.aaaa)$/
    .exec(result.id)
    ?.slice(1)
    .find((name) => name !== undefined);
}

/** The lab's Service a check goes through (by ClusterIP or NodePort), if any. */
export function throughService(result: CheckResult): string | undefined {
  if (result.via !== "cluster-ip" && result.via !== "node-port") return undefined;
  return result.to.kind === "service" ? result.to.service : undefined;
}

/** The checks that test one Service: its lookups and the checks through it. */
export const aboutService =
  (service: string) =>
  (result: CheckResult): boolean =>
    lookedUpService(result) === service || throughService(result) === service;

/** What curl, bash and the C library print when a name does not resolve. */
const NAME_NOT_RESOLVED =
  /Could not resolve host|Resolving timed out|Name or service not known|Temporary failure in name resolution|No address associated/i;

/**
 * A check by a Service's name that failed before it could connect: the name did not resolve, or it timed
 * out without a word (bash's /dev/tcp, ended by `timeout`, says nothing about where it was).
 */
export function failedAtName(result: CheckResult): boolean {
  if (result.via !== "cluster-ip") return false;
  if (result.failure === "dns-failure" || NAME_NOT_RESOLVED.test(result.observed)) return true;
  return result.failure === "timeout" && /^exit \d+:\s*$/.test(result.observed);
}

/**
 * A lookup no server answered: it timed out, or nothing listened on port 53 (the judge says "nothing
 * listens"). A server that answered REFUSED or NXDOMAIN did answer.
 */
export function unanswered(result: CheckResult): boolean {
  return (
    isLookup(result) &&
    (result.failure === "timeout" ||
      (result.failure === "refused" && /nothing listens/.test(result.observed)))
  );
}

/** A kubectl command line for the lab's cluster, as the rerun commands are written. */
export function kubectl(lab: DiagnosisLab, ...args: string[]): string {
  return shellJoin(["kubectl", ...globalFlags(lab.kubectl), ...args]);
}

/** Several commands to run one after the other. */
/** The pods of kube-system, with their nodes: those the selector picks, or those on one node. */
export function kubeSystemPods(lab: DiagnosisLab, pick: { selector: string } | { node: string }): string {
  const filter =
    "selector" in pick ? ["--selector", pick.selector] : ["--field-selector", `spec.nodeName=${pick.node}`];
  return kubectl(lab, "get", "pods", "--namespace", "kube-system", ...filter, "--output", "wide");
}

/** kube-dns's pods, with their nodes (CoreDNS carries the label k8s-app=kube-dns). */
export const kubeDnsPods = (lab: DiagnosisLab): string =>
  kubeSystemPods(lab, { selector: "k8s-app=kube-dns" });

export const andThen = (...commands: string[]): string => commands.join(" && ");

/** The ids of some checks, the first few by name: "a, b and 3 more". */
export function someIds(results: readonly CheckResult[], shown = 2): string {
  const ids = results.map((result) => result.id);
  if (ids.length <= shown + 1) return listed(ids);
  return `${ids.slice(0, shown).join(", ")} and ${ids.length - shown} more`;
}

/** "a", "a and b", "a, b and c". */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The port at the end of a check's target ("pod-nginx/cntr-nginx via 10.244.1.2:80"). */
export function targetPort(result: CheckResult): number | undefined {
  const port = /:(\d+)$/.exec(result.target)?.[1];
  return port === undefined ? undefined : Number(port);
}
