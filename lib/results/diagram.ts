// The lab as deployed, as a Mermaid flowchart: nodes, pods, services, kube-dns and the API, with one
// arrow from where checks start to what they reach, marked by the worst outcome among them.
import { type CheckSummary, summarize } from "../checks/report";
import type { CheckResult, Endpoint, Outcome } from "../checks/types";
import { MermaidIds, mermaidLabel, mermaidText } from "./mermaid";

export interface DiagramNode {
  name: string;
  internalIP?: string;
}

export interface DiagramPod {
  name: string;
  /** The node the pod runs on; a pod without one is drawn outside every node. */
  node?: string;
  ip?: string;
  containers: string[];
}

export interface DiagramService {
  name: string;
  /** Default: the lab's namespace. */
  namespace?: string;
  type: string;
  clusterIP?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  /** Pods the service selects, drawn as thin unlabelled edges. */
  selects?: string[];
}

/** The lab as deployed, and the judged checks. */
export interface DiagramInput {
  /** The lab's namespace, shown on its services. */
  namespace?: string;
  nodes: DiagramNode[];
  pods: DiagramPod[];
  services: DiagramService[];
  kubeDnsIP?: string;
  /** The ClusterIP of the service default/kubernetes, shown on the API. */
  apiServiceIP?: string;
  results: CheckResult[];
}

const KUBE_DNS = { name: "kube-dns", namespace: "kube-system" };

const LINK_STYLES = {
  passed: "stroke:#1a7f37,stroke-width:2px,color:#1a7f37",
  failed: "stroke:#cf222e,stroke-width:3.5px,color:#cf222e",
  skipped: "stroke:#8c959f,stroke-width:1.5px,color:#57606a",
  selects: "stroke:#8c959f,stroke-width:1px",
} as const;

const MARKS = { passed: "✓", failed: "✗", skipped: "–" } as const;
const ARROWS = { passed: "-->", failed: "==>", skipped: "-.->" } as const;

/** The check's id without its section, and without names of the pods and services at its two ends. */
export function shortLabel(result: Pick<CheckResult, "id" | "section" | "from" | "to">): string {
  const prefix = `${result.section}.`;
  let rest = result.id.startsWith(prefix) ? result.id.slice(prefix.length) : result.id;
  for (const name of [endpointName(result.from), endpointName(result.to)]) {
    if (name === undefined) continue;
    const parts = rest.split(".");
    const named = name.split(".");
    for (let i = 0; i + named.length <= parts.length; i++) {
      if (named.every((part, j) => parts[i + j] === part)) {
        parts.splice(i, named.length);
        break;
      }
    }
    rest = parts.join(".");
  }
  return rest === "" ? result.section : rest;
}

function endpointName(endpoint: Endpoint): string | undefined {
  if (endpoint.kind === "pod") return endpoint.pod;
  if (endpoint.kind === "service") return endpoint.service;
  return undefined;
}

/** The edge's text: a mark for the outcome, the short label, and the failure kind or "skipped". */
export function edgeLabel(result: CheckResult): string {
  const label = `${MARKS[result.outcome]} ${shortLabel(result)}`;
  if (result.outcome === "failed") return `${label}: ${result.failure ?? "failed"}`;
  if (result.outcome === "skipped") return `${label}: skipped`;
  return label;
}

/** Outcomes from worst to best: an arrow is drawn as its worst check, so a failure is never hidden. */
const WORST_FIRST: readonly Outcome[] = ["failed", "skipped", "passed"];

/** How many failed checks an arrow's label names; the others are counted. */
const NAMED_FAILURES = 2;

function worstOutcome(results: readonly CheckResult[]): Outcome {
  return WORST_FIRST.find((outcome) => results.some((r) => r.outcome === outcome)) ?? "passed";
}

function failedNames(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.outcome === "failed");
  const names = failed.slice(0, NAMED_FAILURES).map((r) => `${shortLabel(r)}: ${r.failure ?? "failed"}`);
  if (failed.length > NAMED_FAILURES) names.push(`+${failed.length - NAMED_FAILURES} more`);
  return names.join(", ");
}

/**
 * The text of an arrow that stands for `results`: a lone check's edge label; for several, the worst
 * outcome's mark, how many checks (of which section, when they share one) and how many of each outcome,
 * worst first, naming the failed checks: "✗ 8 dns checks: 1 failed (svc-a.fqdn: dns-failure), 7 passed".
 */
export function arrowLabel(results: readonly [CheckResult, ...CheckResult[]]): string {
  const [first] = results;
  if (results.length === 1) return edgeLabel(first);
  const sameSection = results.every((r) => r.section === first.section);
  const noun = sameSection ? `${first.section} checks` : "checks";
  const counts = summarize(results);
  const parts = WORST_FIRST.filter((outcome) => counts[outcome] > 0).map((outcome) =>
    outcome === "failed"
      ? `${counts.failed} failed (${failedNames(results)})`
      : `${counts[outcome]} ${outcome}`,
  );
  return `${MARKS[worstOutcome(results)]} ${results.length} ${noun}: ${parts.join(", ")}`;
}

interface PodBox {
  name: string;
  node: string | undefined;
  ip: string | undefined;
  containers: string[];
  /** Set when a check starts or ends at the pod as a whole and the pod has several containers. */
  network: boolean;
}

interface ServiceBox {
  service: DiagramService;
  namespace: string;
}

/** What the drawing holds: the boxes the facts describe, then the ends of checks they do not. */
interface Lab {
  namespace: string;
  nodes: Map<string, DiagramNode>;
  pods: Map<string, PodBox>;
  services: Map<string, ServiceBox>;
  /** Set when a check ends at the Kubernetes API. */
  apiUsed: boolean;
  /** The lab's Ingress and Gateway, when checks end at them. */
  fronts: Map<string, Extract<Endpoint, { kind: "front" }>>;
}

interface CheckEdge {
  result: CheckResult;
  from: string;
  to: string;
}

/** The checks drawn between the same two boxes, in run order. */
interface Arrow {
  from: string;
  to: string;
  results: [CheckResult, ...CheckResult[]];
}

function serviceKey(name: string, namespace: string): string {
  return `${namespace}/${name}`;
}

/** The box of the checks made from every node's host network (nodeProbes all). */
const EVERY_NODE = "every node";

function addNode(lab: Lab, name: string): void {
  if (!lab.nodes.has(name)) lab.nodes.set(name, { name });
}

/** The nodes, pods and services the facts describe, and kube-dns when its IP is known. */
function labOf(input: DiagramInput): Lab {
  const lab: Lab = {
    namespace: input.namespace ?? "",
    nodes: new Map(input.nodes.map((node) => [node.name, { ...node }])),
    pods: new Map(),
    services: new Map(),
    apiUsed: false,
    fronts: new Map(),
  };
  for (const pod of input.pods) {
    const { name, node, ip } = pod;
    lab.pods.set(name, { name, node, ip, containers: [...pod.containers], network: false });
    if (pod.node !== undefined) addNode(lab, pod.node);
  }
  for (const service of input.services) {
    const namespace = service.namespace ?? lab.namespace;
    lab.services.set(serviceKey(service.name, namespace), { service, namespace });
  }
  const kubeDns = serviceKey(KUBE_DNS.name, KUBE_DNS.namespace);
  if (input.kubeDnsIP !== undefined && !lab.services.has(kubeDns)) {
    lab.services.set(kubeDns, {
      service: { name: KUBE_DNS.name, type: "ClusterIP", clusterIP: input.kubeDnsIP, port: 53 },
      namespace: KUBE_DNS.namespace,
    });
  }
  return lab;
}

// Ends of checks the facts do not describe (the probe pods, kube-dns without its IP) are drawn from
// what the checks know: their names, their container and the node they run on.
function podAt(lab: Lab, endpoint: Extract<Endpoint, { kind: "pod" }>, node: string | undefined): PodBox {
  let pod = lab.pods.get(endpoint.pod);
  if (pod === undefined) {
    pod = { name: endpoint.pod, node, ip: undefined, containers: [], network: false };
    lab.pods.set(endpoint.pod, pod);
    if (node !== undefined) addNode(lab, node);
  }
  if (endpoint.container !== undefined && !pod.containers.includes(endpoint.container)) {
    pod.containers.push(endpoint.container);
  }
  return pod;
}

function serviceAt(lab: Lab, endpoint: Extract<Endpoint, { kind: "service" }>): ServiceBox {
  const namespace = endpoint.namespace ?? lab.namespace;
  const key = serviceKey(endpoint.service, namespace);
  let box = lab.services.get(key);
  if (box === undefined) {
    box = { service: { name: endpoint.service, type: "", port: 0 }, namespace };
    lab.services.set(key, box);
  }
  return box;
}

function containerId(ids: MermaidIds, pod: PodBox, container: string): string {
  return ids.id("ctr", `${pod.name}/${container}`);
}

function serviceId(ids: MermaidIds, box: ServiceBox): string {
  return ids.id("svc", serviceKey(box.service.name, box.namespace));
}

/** The id of a check's end; a pod with several containers, reached as a whole, gets its network drawn. */
function endpointId(lab: Lab, ids: MermaidIds, endpoint: Endpoint, node: string | undefined): string {
  switch (endpoint.kind) {
    case "pod": {
      const pod = podAt(lab, endpoint, node);
      if (endpoint.container !== undefined) return containerId(ids, pod, endpoint.container);
      if (pod.containers.length === 1) return containerId(ids, pod, pod.containers[0] as string);
      pod.network = true;
      return ids.id("net", pod.name);
    }
    case "node":
      addNode(lab, endpoint.node);
      return ids.id("host", endpoint.node);
    case "every-node":
      addNode(lab, EVERY_NODE);
      return ids.id("host", EVERY_NODE);
    case "service":
      return serviceId(ids, serviceAt(lab, endpoint));
    case "front":
      lab.fronts.set(endpoint.name, endpoint);
      return ids.id("front", endpoint.name);
    case "api":
      lab.apiUsed = true;
      return ids.id("api", "");
  }
}

/** The lab's Ingress and Gateway, each a box of its own in front of the Services it routes to. */
function frontLines(lab: Lab, ids: MermaidIds): string[] {
  return [...lab.fronts.values()].map((front) => {
    const kind = front.front === "ingress" ? "Ingress" : "Gateway + HTTPRoutes";
    return `  ${ids.id("front", front.name)}{{${mermaidLabel(`${kind} ${front.name}`)}}}`;
  });
}

// Edges first, so every end is known before the boxes are written; containers named only by checks
// are added to their pods. A pod-level end resolves after all containers are known.
function checkEdges(lab: Lab, ids: MermaidIds, results: readonly CheckResult[]): CheckEdge[] {
  for (const result of results) {
    if (result.from.kind === "pod") podAt(lab, result.from, result.sourceNode);
    if (result.to.kind === "pod") podAt(lab, result.to, result.targetNode);
  }
  return results.map((result) => ({
    result,
    from: endpointId(lab, ids, result.from, result.sourceNode),
    to: endpointId(lab, ids, result.to, result.targetNode),
  }));
}

// Checks between the same two boxes become one arrow, so the drawing stays readable as checks grow
// (every DNS lookup of the probe goes into kube-dns); arrows come in the order of their first check.
function arrowsOf(checks: readonly CheckEdge[]): Arrow[] {
  const arrows = new Map<string, Arrow>();
  for (const { result, from, to } of checks) {
    const key = `${from} ${to}`;
    const arrow = arrows.get(key);
    if (arrow === undefined) arrows.set(key, { from, to, results: [result] });
    else arrow.results.push(result);
  }
  return [...arrows.values()];
}

function frontMatter(results: readonly CheckResult[]): string[] {
  return [
    "---",
    `title: ${yamlTitle(summarize(results))}`,
    "config:",
    "  themeVariables:",
    '    edgeLabelBackground: "#ffffff"',
    "---",
    "flowchart TB",
  ];
}

function podLines(ids: MermaidIds, pod: PodBox, indent: string): string[] {
  const lines = [`${indent}subgraph ${ids.id("pod", pod.name)}[${mermaidLabel(podTitle(pod))}]`];
  for (const container of pod.containers) {
    lines.push(`${indent}  ${containerId(ids, pod, container)}[${mermaidLabel(container)}]`);
  }
  if (pod.network) {
    const network = pod.ip === undefined ? "eth0, lo" : `eth0 ${pod.ip}, lo`;
    lines.push(`${indent}  ${ids.id("net", pod.name)}([${mermaidLabel("pod network", network)}])`);
  }
  lines.push(`${indent}end`);
  return lines;
}

/** Each node with its host network and its pods; then the pods whose node is not known. */
function nodeLines(lab: Lab, ids: MermaidIds): string[] {
  const lines: string[] = [];
  const pods = [...lab.pods.values()];
  for (const node of lab.nodes.values()) {
    const ip = node.internalIP === undefined ? [] : [node.internalIP];
    lines.push(
      `  subgraph ${ids.id("node", node.name)}[${mermaidLabel(`node ${node.name}`)}]`,
      `    ${ids.id("host", node.name)}[(${mermaidLabel("host network", ...ip)})]`,
    );
    for (const pod of pods) if (pod.node === node.name) lines.push(...podLines(ids, pod, "    "));
    lines.push("  end");
  }
  for (const pod of pods) if (pod.node === undefined) lines.push(...podLines(ids, pod, "  "));
  return lines;
}

/** Whether the lab's services are drawn in a box of their namespace. */
function hasNamespaceBox(lab: Lab): boolean {
  return lab.namespace !== "" && [...lab.services.values()].some((box) => box.namespace === lab.namespace);
}

// The lab's services in a box of their namespace; a service of another namespace (kube-dns) alone,
// with its namespace under its name.
function serviceLines(lab: Lab, ids: MermaidIds): string[] {
  const boxes = [...lab.services.values()];
  const nsBox = hasNamespaceBox(lab);
  const lines: string[] = [];
  if (nsBox)
    lines.push(`  subgraph ${ids.id("ns", lab.namespace)}[${mermaidLabel(`services in ${lab.namespace}`)}]`);
  for (const box of boxes.filter((b) => b.namespace === lab.namespace)) {
    const label = mermaidLabel(...serviceLabelLines(box.service, box.service.name));
    lines.push(`${nsBox ? "    " : "  "}${serviceId(ids, box)}(${label})`);
  }
  if (nsBox) lines.push("  end");
  for (const box of boxes.filter((b) => b.namespace !== lab.namespace)) {
    const name = box.namespace === "" ? [box.service.name] : [box.service.name, `in ${box.namespace}`];
    lines.push(`  ${serviceId(ids, box)}(${mermaidLabel(...serviceLabelLines(box.service, ...name))})`);
  }
  return lines;
}

function apiLines(ids: MermaidIds, apiServiceIP: string | undefined): string[] {
  const api = ["Kubernetes API", ...(apiServiceIP === undefined ? [] : [apiServiceIP])];
  return [`  ${ids.id("api", "")}[/${mermaidLabel(...api)}/]`];
}

// Edges: the services' selections (thin, unlabelled), then the checks' arrows; linkStyle counts in order.
function edgeLines(lab: Lab, ids: MermaidIds, arrows: readonly Arrow[]): string[] {
  const lines: string[] = [];
  const styled: Record<keyof typeof LINK_STYLES, number[]> = {
    selects: [],
    passed: [],
    failed: [],
    skipped: [],
  };
  let link = 0;
  for (const box of lab.services.values()) {
    for (const podName of box.service.selects ?? []) {
      const pod = lab.pods.get(podName);
      if (pod === undefined) continue;
      const target =
        pod.containers.length === 1
          ? containerId(ids, pod, pod.containers[0] as string)
          : ids.id("pod", pod.name);
      lines.push(`  ${serviceId(ids, box)} -.- ${target}`);
      styled.selects.push(link++);
    }
  }
  for (const arrow of arrows) {
    const outcome = worstOutcome(arrow.results);
    lines.push(`  ${arrow.from} ${ARROWS[outcome]}|"${mermaidText(arrowLabel(arrow.results))}"| ${arrow.to}`);
    styled[outcome].push(link++);
  }
  for (const [kind, links] of Object.entries(styled)) {
    if (links.length > 0)
      lines.push(`  linkStyle ${links.join(",")} ${LINK_STYLES[kind as keyof typeof LINK_STYLES]}`);
  }
  return lines;
}

const CLASS_DEFS = [
  "  classDef host fill:#f6f8fa,stroke:#57606a",
  "  classDef svc fill:#ddf4ff,stroke:#0969da",
  "  classDef apiserver fill:#fbefff,stroke:#8250df",
  "  classDef k8snode fill:#f6f8fa,stroke:#8c959f",
  "  classDef pod fill:#ffffff,stroke:#0969da",
  "  classDef ns fill:#ffffff,stroke:#8c959f,stroke-dasharray:4 3",
];

function classLines(lab: Lab, ids: MermaidIds, showApi: boolean): string[] {
  const nodes = [...lab.nodes.keys()];
  const members: [string, string[]][] = [
    ["k8snode", nodes.map((name) => ids.id("node", name))],
    ["pod", [...lab.pods.keys()].map((name) => ids.id("pod", name))],
    ["ns", hasNamespaceBox(lab) ? [ids.id("ns", lab.namespace)] : []],
    ["host", nodes.map((name) => ids.id("host", name))],
    ["svc", [...lab.services.values()].map((box) => serviceId(ids, box))],
    ["apiserver", showApi ? [ids.id("api", "")] : []],
  ];
  return [
    ...CLASS_DEFS,
    ...members
      .filter(([, boxes]) => boxes.length > 0)
      .map(([cls, boxes]) => `  class ${boxes.join(",")} ${cls}`),
  ];
}

/**
 * The Mermaid text of the lab: one subgraph per node with its host network and its pods (each pod a
 * subgraph of its containers), the lab's services in a subgraph of its namespace with ClusterIP and
 * ports, kube-dns and the API; then one arrow per pair of boxes that checks go between, drawn as the
 * worst of those checks: solid and green when all passed, thick and red when any failed, else dotted and
 * grey when any was skipped; labelled ✓, ✗ or – with a short form of a lone check's id, or with the count
 * of checks and of each outcome, naming the failed ones. The title counts checks, not arrows.
 */
export function formatDiagram(input: DiagramInput): string {
  // Ids are handed out in the order they are asked for: the steps below run in the order they are written.
  const ids = new MermaidIds();
  const lab = labOf(input);
  const checks = checkEdges(lab, ids, input.results);
  const showApi = lab.apiUsed || input.apiServiceIP !== undefined;
  const lines = [
    ...frontMatter(input.results),
    ...nodeLines(lab, ids),
    ...serviceLines(lab, ids),
    ...frontLines(lab, ids),
    ...(showApi ? apiLines(ids, input.apiServiceIP) : []),
    ...edgeLines(lab, ids, arrowsOf(checks)),
    ...classLines(lab, ids, showApi),
  ];
  return `${lines.join("\n")}\n`;
}

function podTitle(pod: PodBox): string {
  return pod.ip === undefined ? `pod ${pod.name}` : `pod ${pod.name} · ${pod.ip}`;
}

function serviceLabelLines(service: DiagramService, ...name: string[]): string[] {
  const lines = [...name];
  const kind = [service.type, service.clusterIP ?? ""].filter((part) => part !== "").join(" ");
  if (kind !== "") lines.push(kind);
  if (service.port > 0) {
    lines.push(`port ${service.port}${service.targetPort === undefined ? "" : ` → ${service.targetPort}`}`);
  }
  if (service.nodePort !== undefined) lines.push(`node port ${service.nodePort}`);
  return lines;
}

/** The diagram's title, as a YAML scalar that needs no quoting: only letters, digits, spaces and `,/`. */
function yamlTitle(counts: CheckSummary): string {
  const parts = [`${counts.passed}/${counts.total} checks passed`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  return `k8s-networking-lab ${parts.join(", ")}`;
}
