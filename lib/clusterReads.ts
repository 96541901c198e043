// The reads of the discovery: each a bounded kubectl call, all run side by side by discovery.sh, each answer
// kept with its exit status and stderr so that "forbidden" is never read as "empty". Pure.
import * as path from "node:path";
import { boundedKubectl, type KubectlTarget } from "./checks/kubectl";
import { readScript, shellAssignments, shellFunction } from "./shell";

/** What kubectl prints for each object in the lab's namespace: kind, name and labels (JSON), tab-separated. */
export const NAMESPACE_OBJECTS_JSONPATH =
  '{range .items[*]}{.kind}{"\\t"}{.metadata.name}{"\\t"}{.metadata.labels}{"\\n"}{end}';

/** What kubectl prints for each Service: namespace, name and its node ports (space-separated), tab-separated. */
export const NODE_PORTS_JSONPATH =
  '{range .items[*]}{.metadata.namespace}{"\\t"}{.metadata.name}{"\\t"}{.spec.ports[*].nodePort}{"\\n"}{end}';

/** The name of the Service a server-side dry run would create to learn whether a node port is free. */
export const NODE_PORT_TRIAL_SERVICE = "netlab-node-port-trial";

/** A read's name: a shell word, as discovery.sh names a function after it. */
export type ReadName = string;

/** The fixed reads, by name; `dry_run_<port>` reads are added for each node port the config asks for. */
export const READS = {
  version: "version",
  nodes: "nodes",
  namespace: "namespace",
  namespaceObjects: "namespace_objects",
  namespaceNodePorts: "namespace_node_ports",
  nodePorts: "node_ports",
  kubeDnsService: "kube_dns_service",
  apiService: "api_service",
  kubeDnsSlices: "kube_dns_slices",
  ingressClasses: "ingress_classes",
  gatewayClasses: "gateway_classes",
  ingressRights: "ingress_rights",
  gatewayRights: "gateway_rights",
} as const;

/**
 * The reads the ingress lab adds: the classes its Ingress and Gateway may use, and whether the credentials
 * may create them in the lab's namespace (the built-in admin role covers Ingresses, not the Gateway API).
 */
const frontReads = (namespace: string): Record<string, string[]> => ({
  [READS.ingressClasses]: ["get", "ingressclasses.networking.k8s.io", "--output", "json"],
  [READS.gatewayClasses]: ["get", "gatewayclasses.gateway.networking.k8s.io", "--output", "json"],
  [READS.ingressRights]: ["auth", "can-i", "create", "ingresses.networking.k8s.io", "--namespace", namespace],
  [READS.gatewayRights]: [
    "auth",
    "can-i",
    "create",
    "gateways.gateway.networking.k8s.io",
    "--namespace",
    namespace,
  ],
});

export const dryRunRead = (port: number): ReadName => `dry_run_${port}`;

/** The kubectl arguments of each read. */
function readArgs(namespace: string, nodePorts: readonly number[]): Record<ReadName, string[]> {
  const kubeDns = ["--namespace", "kube-system"];
  return {
    [READS.nodes]: ["get", "nodes", "--output", "json"],
    [READS.namespace]: ["get", "namespace", namespace, "--output", "json"],
    [READS.namespaceObjects]: [
      "get",
      "pods,services,daemonsets.apps",
      "--namespace",
      namespace,
      "--output",
      `jsonpath=${NAMESPACE_OBJECTS_JSONPATH}`,
    ],
    [READS.namespaceNodePorts]: [
      "get",
      "services",
      "--namespace",
      namespace,
      "--output",
      `jsonpath=${NODE_PORTS_JSONPATH}`,
    ],
    [READS.nodePorts]: ["get", "services", "--all-namespaces", "--output", `jsonpath=${NODE_PORTS_JSONPATH}`],
    [READS.kubeDnsService]: [
      "get",
      "service",
      "kube-dns",
      ...kubeDns,
      "--output",
      "jsonpath={.spec.clusterIP}",
    ],
    [READS.apiService]: [
      "get",
      "service",
      "kubernetes",
      "--namespace",
      "default",
      "--output",
      "jsonpath={.spec.clusterIP}",
    ],
    [READS.kubeDnsSlices]: [
      "get",
      "endpointslices.discovery.k8s.io",
      ...kubeDns,
      "--selector",
      "kubernetes.io/service-name=kube-dns",
      "--output",
      "json",
    ],
    // The API server tells whether it would allocate the port, without creating anything: it needs only the
    // right to create Services in the lab's namespace, not to list other namespaces'.
    ...Object.fromEntries(
      nodePorts.map((port) => [
        dryRunRead(port),
        [
          "create",
          "service",
          "nodeport",
          NODE_PORT_TRIAL_SERVICE,
          `--tcp=${port}:${port}`,
          `--node-port=${port}`,
          "--namespace",
          namespace,
          "--dry-run=server",
          "--output",
          "name",
        ],
      ]),
    ),
  };
}

const DISCOVERY_SCRIPT = readScript(path.join(__dirname, "discovery.sh"));

/**
 * Seconds the first read may wait for the API server: one request for its version, so that a cluster that
 * does not answer stops the lab in seconds (kubectl's other reads retry their discovery of the API a few
 * times, several request timeouts in all).
 */
export const VERSION_TIMEOUT_SECONDS = 10;

/**
 * The server's version first, then every other read, bounded and side by side (discovery.sh): the cluster's nodes, the lab's namespace and what it
 * holds, the node ports of the namespace's and of every Service, kube-dns's Service and EndpointSlices, and
 * a server-side dry run of each node port asked for, and, for the ingress lab, the IngressClasses and
 * GatewayClasses. Its output is read by `parseReads`.
 */
export function discoveryCommand(
  target: KubectlTarget,
  namespace: string,
  nodePorts: readonly number[] = [],
  withFronts = false,
): string {
  const reads = {
    ...readArgs(namespace, [...new Set(nodePorts)]),
    ...(withFronts ? frontReads(namespace) : {}),
  };
  const first = {
    ...target,
    requestTimeoutSeconds: Math.min(target.requestTimeoutSeconds, VERSION_TIMEOUT_SECONDS),
  };
  return [
    shellFunction(`netlab_read_${READS.version}`, boundedKubectl(first, ["version", "--output", "json"])),
    ...Object.entries(reads).map(([name, args]) =>
      shellFunction(`netlab_read_${name}`, boundedKubectl(target, args)),
    ),
    shellAssignments({ netlab_first: READS.version, netlab_reads: Object.keys(reads).join(" ") }),
    DISCOVERY_SCRIPT,
  ].join("\n");
}

export interface ReadAnswer {
  exit: number;
  stdout: string;
  stderr: string;
}

const HEADER = /^--- netlab read ([a-z0-9_]+) exit (\d+) ---$/;
const STDERR = /^--- netlab stderr ([a-z0-9_]+) ---$/;

/** Each read's answer, by name, from what discoveryCommand printed. */
export function parseReads(output: string): Record<ReadName, ReadAnswer> {
  const answers: Record<ReadName, ReadAnswer> = {};
  let current: { name: string; answer: ReadAnswer; into: "stdout" | "stderr" } | undefined;
  for (const line of output.split("\n")) {
    const header = HEADER.exec(line);
    const stderr = STDERR.exec(line);
    if (header !== null) {
      const [, name = "", exit = "0"] = header;
      current = { name, answer: { exit: Number(exit), stdout: "", stderr: "" }, into: "stdout" };
      answers[name] = current.answer;
    } else if (stderr !== null && current !== undefined && stderr[1] === current.name) {
      current.into = "stderr";
    } else if (current !== undefined) {
      current.answer[current.into] += `${line}\n`;
    }
  }
  // Each part ends with the newline the script adds after it.
  for (const answer of Object.values(answers)) {
    answer.stdout = answer.stdout.replace(/\n\n?$/, "");
    answer.stderr = answer.stderr.replace(/\n\n?$/, "");
  }
  return answers;
}

/** Why a read got no answer, as far as the lab tells causes apart. */
export type ReadFailure =
  | "kubectl-missing"
  | "kubeconfig"
  | "context"
  | "unauthorized"
  | "unreachable"
  | "forbidden"
  | "not-found"
  | "other";

// Most specific first: an unreachable server's message may also mention a file, a forbidden one a name.
const FAILURES: readonly [ReadFailure, RegExp][] = [
  [
    "kubectl-missing",
    /kubectl: (?:command )?not found|failed to run command .kubectl.|kubectl: No such file/,
  ],
  ["forbidden", /\(Forbidden\)|\bis forbidden:/],
  ["unauthorized", /\(Unauthorized\)|must be logged in/],
  ["context", /context "[^"]*" does not exist|context was not found|no context exists with the name/],
  [
    "unreachable",
    /Unable to connect to the server|connection to the server .* was refused|connection refused|i\/o timeout|Client\.Timeout|deadline exceeded|no such host|TLS handshake timeout|no route to host/,
  ],
  [
    "kubeconfig",
    /stat .*: no such file or directory|error loading config file|couldn't get version\/kind|yaml: /,
  ],
  ["not-found", /\(NotFound\)|\bnot found\b/],
];

/** Exit status of `timeout` when it ended the command. */
const TIMED_OUT = 124;
/** Exit status of a shell, or of `timeout`, that could not find the command. */
const NOT_FOUND = 127;

/** Why a read failed, or undefined when it succeeded. */
export function readFailure(answer: ReadAnswer | undefined): ReadFailure | undefined {
  if (answer === undefined) return "other";
  if (answer.exit === 0) return undefined;
  if (answer.exit === NOT_FOUND) return "kubectl-missing";
  const found = FAILURES.find(([, pattern]) => pattern.test(answer.stderr))?.[0];
  if (found !== undefined) return found;
  return answer.exit === TIMED_OUT ? "unreachable" : "other";
}

/** klog's own lines ("E1207 02:34:14.107992 ..."), which kubectl prints before its message. */
const KLOG_LINE = /^[IWEF]\d{4} \d\d:\d\d:\d\d/;

/** What kubectl said, in one line for a message: its first line that is not klog's, or that it said nothing. */
export function firstLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const line = lines.find((l) => !KLOG_LINE.test(l) && !l.startsWith("Warning:")) ?? lines[0];
  return line === undefined ? "(nothing)" : line.slice(0, 300);
}
