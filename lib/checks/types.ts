// The data a connectivity check is made of: what it claims, how it is run, what it expects, what came back.

export type FailureKind =
  "refused" | "timeout" | "unreachable" | "dns-failure" | "wrong-answer" | "exec-error";
export type Outcome = "passed" | "failed";

/** One `kubectl` invocation of a check. */
export interface Step {
  argv: string[];
  /** `exec` steps report the remote exit code; `get` steps read the API. */
  kind: "exec" | "get";
}

/** What a check expects, judged against its steps' results. */
export type Expectation =
  /** The last step fetches a page over HTTP (curl or bash's /dev/tcp) whose body contains `marker`. */
  | { type: "http"; tool: HttpTool; marker: string }
  /** Step 0 resolves `name` through /etc/hosts (getent) to `address`; step 1 fetches the page by that name. */
  | { type: "http-by-name"; name: string; address: string; marker: string }
  /** The connection must be refused: nothing listens on that port. */
  | { type: "refused"; tool: HttpTool }
  /** Each step shows one container's hostname and /etc/hosts. */
  | { type: "pod-identity"; podName: string; podIP: string; containers: string[] }
  /** Each step shows one container's network: all must be the same namespace, eth0 and loopback. */
  | { type: "shared-network"; podIP: string; containers: string[] }
  /** Step 0 reads a Service's ClusterIP from the API. */
  | { type: "service-exists" }
  /** Step 0 reads the kube-dns ClusterIP, step 1 shows /etc/resolv.conf. */
  | { type: "resolv-conf"; search: string[]; ndots: number }
  /** The last step is nslookup of `name`; the answer must be `address`, or step 0's output when null. */
  | { type: "dns"; name: string; address: string | null };

export type HttpTool = "curl" | "bash-tcp";

export interface CheckPlan {
  id: string;
  /** The tutorial's claim, in one line. */
  claim: string;
  source: string;
  target: string;
  steps: Step[];
  expected: string;
  expectation: Expectation;
  /** Keys of the lab objects the check tests, e.g. "pod:pod-demo", "service:svc-nodeport-httpd". */
  tests: string[];
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

export interface CheckResult {
  id: string;
  claim: string;
  source: string;
  target: string;
  /** The command to rerun the check by hand. */
  command: string;
  expected: string;
  observed: string;
  outcome: Outcome;
  /** Set when the check failed. */
  failure?: FailureKind;
  durationMs: number;
  attempts: number;
}
