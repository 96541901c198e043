// The data a connectivity check is made of: what it claims, how it is run, what it expects, what came back.
import type { Front } from "../ingress";
import type { Evidence, EvidenceStep } from "./evidence/types";
import type { TestedObject } from "./tested";

export type FailureKind =
  | "refused"
  | "timeout"
  | "unreachable"
  | "dns-failure"
  | "wrong-answer"
  | "exec-error"
  /** The Service never listed the target pod as a ready endpoint: nothing to probe. */
  | "no-endpoint";
export type Outcome = "passed" | "failed" | "skipped";

/**
 * How a check's traffic travels between the lab's nodes: inside one pod (localhost, files), between two
 * places on one node, between two nodes, through a Service whose endpoint may be on any node (kube-dns),
 * or only to the Kubernetes API (no pod network involved).
 */
export type PathKind = "same-pod" | "same-node" | "cross-node" | "any-node" | "api";

/** What a check's traffic is addressed to, for latency figures per kind of path. */
export type Via =
  | "localhost"
  | "pod-ip"
  | "pod-name"
  | "cluster-ip"
  | "node-port"
  | "dns"
  | "file"
  | "api"
  /** A host name and path, through the cluster's ingress or Gateway controller. */
  | "controller";

/** One end of a check: a container of a pod, a node's host network, a Service, or the API. */
export type Endpoint =
  | { kind: "pod"; pod: string; container?: string }
  | { kind: "node"; node: string }
  /** Every node's host network, one request from each (nodeProbes all). */
  | { kind: "every-node" }
  | { kind: "service"; service: string; namespace?: string }
  /** The lab's Ingress or Gateway, as its controller serves it. */
  | { kind: "front"; front: Front; name: string }
  | { kind: "api" };

/** One `kubectl` invocation of a check. */
export interface Step {
  argv: string[];
  /**
   * `exec` steps report the remote exit code; `get` steps read the API; `wait` steps poll the API, bounded,
   * until a line of their output is `until`.
   */
  kind: "exec" | "get" | "wait";
  until?: string;
}

/** What a check expects, judged against its steps' results. */
export type Expectation =
  /** The last step fetches a page over HTTP (curl or bash's /dev/tcp) whose body contains `marker`. */
  | { type: "http"; tool: HttpTool; marker: string }
  /**
   * Step 0 resolves `name` through /etc/hosts (getent) to `address`, or to one of `otherAddresses` (the pod's
   * other IPs, its IPv6 one on a dual-stack cluster); step 1 fetches the page by that name.
   */
  | { type: "http-by-name"; name: string; address: string; otherAddresses?: string[]; marker: string }
  /** The connection must be refused: nothing listens on that port. */
  | { type: "refused"; tool: HttpTool }
  /** Each step shows one container's hostname and /etc/hosts. */
  | { type: "pod-identity"; podName: string; podIP: string; containers: string[] }
  /** Each step shows one container's network: all must be the same namespace, eth0 and loopback. */
  | { type: "shared-network"; podIP: string; containers: string[] }
  /** Step 0 reads a Service's ClusterIP from the API. */
  | { type: "service-exists" }
  /** Step 0 reads the kube-dns ClusterIP, step 1 shows /etc/resolv.conf. */
  /** nameserver "kube-dns": the first is kube-dns's ClusterIP, read in step 0; "any": one is named. */
  | { type: "resolv-conf"; search: string[]; ndots: number; nameserver: "kube-dns" | "any" }
  /**
   * The last step is `requests` answers of a Service, one backend's name per line: every backend must
   * answer ("every"), or a single one all of them ("one").
   */
  | { type: "backends"; backends: string[]; answer: "every" | "one"; requests: number }
  /** The last step is agnhost's /clientip: the source the backend saw is `address` ("kept") or not ("rewritten"). */
  | { type: "client-ip"; address: string; source: "kept" | "rewritten" }
  /** The last step sent `bytes` and read them back (transfer.bash): both sizes and checksums must match. */
  | { type: "transfer"; bytes: number }
  /** The request must get no answer at all: dropped on its way, so it times out. */
  | { type: "dropped" }
  /** The last steps fetch a page from each of `nodes`, in order: every one must contain `marker`. */
  | { type: "http-from-each"; marker: string; nodes: string[] }
  /**
   * Step 0 reads the lab's Ingress or Gateway: its controller must have published `address` in its status
   * (addressFrom "status"), or, with the address set in config, the object must be there.
   */
  | {
      type: "front-address";
      front: Front;
      className: string;
      controller?: string;
      address: string | null;
      addressFrom: "status" | "config";
    }
  /**
   * The last step fetches a host and path through the controller (frontProbe): the page must contain
   * `marker`, or, when it is null, no rule matches and the controller itself answers 404.
   */
  | { type: "routed"; marker: string | null }
  /** The last step is nslookup of `name`; the answer must be `address`, or step 0's output when null. */
  | { type: "dns"; name: string; address: string | null };

export type HttpTool = "curl" | "bash-tcp";

/** What a check is about, as its plan says and its result repeats: its claim and the way its traffic goes. */
export interface CheckSubject {
  id: string;
  /** The tutorial's claim, in one line. */
  claim: string;
  source: string;
  target: string;
  expected: string;
  from: Endpoint;
  to: Endpoint;
  via: Via;
  /** The nodes the traffic leaves from and arrives at, when the lab knows them. */
  sourceNode?: string;
  targetNode?: string;
  path: PathKind;
  /** Set when the check cannot apply here (a cross-node check on one node): it is not run. */
  skipReason?: string;
  /** A check that moves a large body (a transfer): a path that drops large packets fails it and not others. */
  large?: boolean;
}

export interface CheckPlan extends CheckSubject {
  steps: Step[];
  expectation: Expectation;
  /** The lab objects the check tests: it runs after them, and again when they change. */
  tests: TestedObject[];
  /** Steps that read links of the check's chain for its evidence (not judged), run with its own steps. */
  evidenceSteps?: EvidenceStep[];
}

/** What one step of a check returned, as read from the runner's output. */
export interface StepResult {
  kubectlExit: number;
  /** The exit code of the command inside the pod, or undefined when kubectl itself failed. */
  remoteExit: number | undefined;
  attempts: number;
  durationMs: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Why a check failed: the first link of its chain that broke, as the other checks of the same run show it
 * (lib/checks/diagnosis). Every failed check of a diagnosed run has one.
 */
export interface Diagnosis {
  /** The rule that found it, a stable name ("dns-down", "cross-node-drop"...; "failure-kind" when no other applies). */
  rule: string;
  /** One sentence a learner understands: what the run observed, then what broke. */
  cause: string;
  /** What broke, in a few words ("cluster DNS is down"). */
  summary: string;
  /** A command that shows it. */
  see: string;
  /** The failed checks of the run with this same cause, this one included, in run order, when there are several. */
  sharedBy?: string[];
}

export interface CheckResult extends CheckSubject {
  /** The command to rerun the check by hand. */
  command: string;
  observed: string;
  outcome: Outcome;
  /** Set when the check failed. */
  failure?: FailureKind;
  /** The part of the lab the check belongs to: the first part of its id (pod-demo, pod-to-pod, dns...). */
  section: string;
  /** Connect and total time of the HTTP request, when the check made one and it connected. */
  timing?: { connectMs: number; totalMs: number };
  durationMs: number;
  attempts: number;
  /** The chain of facts that carried the check, each observed in this run or not read, with the reason. */
  evidence?: Evidence[];
  /** Set on a failed check once the run is diagnosed. */
  diagnosis?: Diagnosis;
}
