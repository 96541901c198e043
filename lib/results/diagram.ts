// The lab as deployed, as a Mermaid flowchart: nodes, pods, services, kube-dns and the API, with one
// edge per check from where it starts to what it reaches, marked by its outcome.
import type { CheckResult, Endpoint } from "../checks/types";
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

/**
 * The Mermaid text of the lab: one subgraph per node with its host network and its pods (each pod a
 * subgraph of its containers), the lab's services in a subgraph of its namespace with ClusterIP and
 * ports, kube-dns and the API; then one edge per check, solid and green when it passed, thick and red when it failed, dotted
 * and grey when it was skipped, labelled ✓, ✗ or – with a short form of its id.
 */
export function formatDiagram(input: DiagramInput): string {
  const ids = new MermaidIds();
  const labNamespace = input.namespace ?? "";
  const nodes = new Map<string, DiagramNode>();
  const pods = new Map<string, PodBox>();
  const services = new Map<string, ServiceBox>();
  const serviceKey = (name: string, namespace: string) => `${namespace}/${name}`;
  let apiUsed = false;

  const addNode = (name: string) => {
    if (!nodes.has(name)) nodes.set(name, { name });
  };
  for (const node of input.nodes) nodes.set(node.name, { ...node });
  for (const pod of input.pods) {
    pods.set(pod.name, {
      name: pod.name,
      node: pod.node,
      ip: pod.ip,
      containers: [...pod.containers],
      network: false,
    });
    if (pod.node !== undefined) addNode(pod.node);
  }
  for (const service of input.services) {
    const namespace = service.namespace ?? labNamespace;
    services.set(serviceKey(service.name, namespace), { service, namespace });
  }
  if (input.kubeDnsIP !== undefined && !services.has(serviceKey(KUBE_DNS.name, KUBE_DNS.namespace))) {
    services.set(serviceKey(KUBE_DNS.name, KUBE_DNS.namespace), {
      service: { name: KUBE_DNS.name, type: "ClusterIP", clusterIP: input.kubeDnsIP, port: 53 },
      namespace: KUBE_DNS.namespace,
    });
  }

  // Ends of checks the facts do not describe (the probe pods, kube-dns without its IP) are drawn from
  // what the checks know: their names, their container and the node they run on.
  const podAt = (endpoint: Extract<Endpoint, { kind: "pod" }>, node: string | undefined): PodBox => {
    let pod = pods.get(endpoint.pod);
    if (pod === undefined) {
      pod = { name: endpoint.pod, node, ip: undefined, containers: [], network: false };
      pods.set(endpoint.pod, pod);
      if (node !== undefined) addNode(node);
    }
    if (endpoint.container !== undefined && !pod.containers.includes(endpoint.container)) {
      pod.containers.push(endpoint.container);
    }
    return pod;
  };
  const serviceAt = (endpoint: Extract<Endpoint, { kind: "service" }>): ServiceBox => {
    const namespace = endpoint.namespace ?? labNamespace;
    const key = serviceKey(endpoint.service, namespace);
    let box = services.get(key);
    if (box === undefined) {
      box = { service: { name: endpoint.service, type: "", port: 0 }, namespace };
      services.set(key, box);
    }
    return box;
  };
  const endpointId = (endpoint: Endpoint, node: string | undefined): string => {
    switch (endpoint.kind) {
      case "pod": {
        const pod = podAt(endpoint, node);
        if (endpoint.container !== undefined) return ids.id("ctr", `${pod.name}/${endpoint.container}`);
        if (pod.containers.length === 1) return ids.id("ctr", `${pod.name}/${pod.containers[0] as string}`);
        pod.network = true;
        return ids.id("net", pod.name);
      }
      case "node":
        addNode(endpoint.node);
        return ids.id("host", endpoint.node);
      case "service": {
        const box = serviceAt(endpoint);
        return ids.id("svc", serviceKey(box.service.name, box.namespace));
      }
      case "api":
        apiUsed = true;
        return ids.id("api", "");
    }
  };

  // Edges first, so every end is known before the boxes are written; containers named only by checks
  // are added to their pods. A pod-level end resolves after all containers are known.
  const ends = input.results.map((result) => ({ result, from: result.from, to: result.to }));
  for (const { result, from, to } of ends) {
    if (from.kind === "pod") podAt(from, result.sourceNode);
    if (to.kind === "pod") podAt(to, result.targetNode);
  }
  const checkEdges = ends.map(({ result, from, to }) => ({
    result,
    from: endpointId(from, result.sourceNode),
    to: endpointId(to, result.targetNode),
  }));

  const lines: string[] = [];
  const summary = outcomeCounts(input.results);
  lines.push(
    "---",
    `title: ${yamlTitle(summary)}`,
    "config:",
    "  themeVariables:",
    '    edgeLabelBackground: "#ffffff"',
    "---",
    "flowchart TB",
  );

  const writePod = (pod: PodBox, indent: string) => {
    lines.push(`${indent}subgraph ${ids.id("pod", pod.name)}[${mermaidLabel(podTitle(pod))}]`);
    for (const container of pod.containers) {
      lines.push(`${indent}  ${ids.id("ctr", `${pod.name}/${container}`)}[${mermaidLabel(container)}]`);
    }
    if (pod.network) {
      lines.push(
        `${indent}  ${ids.id("net", pod.name)}([${mermaidLabel("pod network", pod.ip === undefined ? "eth0, lo" : `eth0 ${pod.ip}, lo`)}])`,
      );
    }
    lines.push(`${indent}end`);
  };

  for (const node of nodes.values()) {
    lines.push(`  subgraph ${ids.id("node", node.name)}[${mermaidLabel(`node ${node.name}`)}]`);
    lines.push(
      `    ${ids.id("host", node.name)}[(${mermaidLabel("host network", ...(node.internalIP === undefined ? [] : [node.internalIP]))})]`,
    );
    for (const pod of pods.values()) if (pod.node === node.name) writePod(pod, "    ");
    lines.push("  end");
  }
  for (const pod of pods.values()) if (pod.node === undefined) writePod(pod, "  ");

  // The lab's services in a box of their namespace; a service of another namespace (kube-dns) alone,
  // with its namespace under its name.
  const labServices = [...services.values()].filter((box) => box.namespace === labNamespace);
  const otherServices = [...services.values()].filter((box) => box.namespace !== labNamespace);
  const nsBox = labNamespace !== "" && labServices.length > 0;
  if (nsBox)
    lines.push(`  subgraph ${ids.id("ns", labNamespace)}[${mermaidLabel(`services in ${labNamespace}`)}]`);
  for (const box of labServices) {
    const id = ids.id("svc", serviceKey(box.service.name, box.namespace));
    lines.push(
      `${nsBox ? "    " : "  "}${id}(${mermaidLabel(...serviceLines(box.service, box.service.name))})`,
    );
  }
  if (nsBox) lines.push("  end");
  for (const box of otherServices) {
    const id = ids.id("svc", serviceKey(box.service.name, box.namespace));
    const name = box.namespace === "" ? [box.service.name] : [box.service.name, `in ${box.namespace}`];
    lines.push(`  ${id}(${mermaidLabel(...serviceLines(box.service, ...name))})`);
  }
  if (apiUsed || input.apiServiceIP !== undefined) {
    const api = ["Kubernetes API", ...(input.apiServiceIP === undefined ? [] : [input.apiServiceIP])];
    lines.push(`  ${ids.id("api", "")}[/${mermaidLabel(...api)}/]`);
  }

  // Edges: service selections first (thin, unlabelled), then the checks; linkStyle counts them in order.
  const styled: Record<keyof typeof LINK_STYLES, number[]> = {
    selects: [],
    passed: [],
    failed: [],
    skipped: [],
  };
  let link = 0;
  for (const box of services.values()) {
    for (const podName of box.service.selects ?? []) {
      const pod = pods.get(podName);
      if (pod === undefined) continue;
      const target =
        pod.containers.length === 1
          ? ids.id("ctr", `${pod.name}/${pod.containers[0] as string}`)
          : ids.id("pod", pod.name);
      lines.push(`  ${ids.id("svc", serviceKey(box.service.name, box.namespace))} -.- ${target}`);
      styled.selects.push(link++);
    }
  }
  for (const edge of checkEdges) {
    const arrow = { passed: "-->", failed: "==>", skipped: "-.->" }[edge.result.outcome];
    lines.push(`  ${edge.from} ${arrow}|"${mermaidText(edgeLabel(edge.result))}"| ${edge.to}`);
    styled[edge.result.outcome].push(link++);
  }
  for (const [kind, links] of Object.entries(styled)) {
    if (links.length > 0)
      lines.push(`  linkStyle ${links.join(",")} ${LINK_STYLES[kind as keyof typeof LINK_STYLES]}`);
  }

  lines.push(
    "  classDef host fill:#f6f8fa,stroke:#57606a",
    "  classDef svc fill:#ddf4ff,stroke:#0969da",
    "  classDef apiserver fill:#fbefff,stroke:#8250df",
    "  classDef k8snode fill:#f6f8fa,stroke:#8c959f",
    "  classDef pod fill:#ffffff,stroke:#0969da",
    "  classDef ns fill:#ffffff,stroke:#8c959f,stroke-dasharray:4 3",
  );
  const classed = (cls: string, members: string[]) => {
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${cls}`);
  };
  classed(
    "k8snode",
    [...nodes.keys()].map((name) => ids.id("node", name)),
  );
  classed(
    "pod",
    [...pods.keys()].map((name) => ids.id("pod", name)),
  );
  if (nsBox) classed("ns", [ids.id("ns", labNamespace)]);
  classed(
    "host",
    [...nodes.keys()].map((name) => ids.id("host", name)),
  );
  classed(
    "svc",
    [...services.values()].map((box) => ids.id("svc", serviceKey(box.service.name, box.namespace))),
  );
  if (apiUsed || input.apiServiceIP !== undefined) classed("apiserver", [ids.id("api", "")]);
  return `${lines.join("\n")}\n`;
}

function podTitle(pod: PodBox): string {
  return pod.ip === undefined ? `pod ${pod.name}` : `pod ${pod.name} · ${pod.ip}`;
}

function serviceLines(service: DiagramService, ...name: string[]): string[] {
  const lines = [...name];
  const kind = [service.type, service.clusterIP ?? ""].filter((part) => part !== "").join(" ");
  if (kind !== "") lines.push(kind);
  if (service.port > 0) {
    lines.push(`port ${service.port}${service.targetPort === undefined ? "" : ` → ${service.targetPort}`}`);
  }
  if (service.nodePort !== undefined) lines.push(`node port ${service.nodePort}`);
  return lines;
}

function outcomeCounts(results: readonly CheckResult[]): Record<CheckResult["outcome"], number> {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) counts[result.outcome]++;
  return counts;
}

/** The diagram's title, as a YAML scalar that needs no quoting: only letters, digits, spaces and `,/`. */
function yamlTitle(counts: Record<CheckResult["outcome"], number>): string {
  const total = counts.passed + counts.failed + counts.skipped;
  const parts = [`${counts.passed}/${total} checks passed`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  return `k8s-networking-lab ${parts.join(", ")}`;
}
