// Which checks the lab runs, from its topology (known from config) and the live facts (pod and service IPs).
import { execStep, getFieldStep, type KubectlTarget, waitForEndpointStep } from "./kubectl";
import {
  bashTcpProbe,
  curlProbe,
  hostsLookupProbe,
  networkIdentityProbe,
  nslookupProbe,
  podIdentityProbe,
  type ProbeTimeouts,
  resolvConfProbe,
} from "./probes";
import type { CheckPlan, Endpoint, HttpTool, PathKind, Step } from "./types";

export const PAGE_MARKERS = { httpd: "It works!", nginx: "Welcome to nginx!" } as const;
export type ServerKind = keyof typeof PAGE_MARKERS;

export interface ServerRef {
  pod: string;
  container: string;
  port: number;
  kind: ServerKind;
  /** The container's shell tool for outgoing HTTP: server images have bash but no curl. */
  tool: HttpTool;
}

export interface ContainerRef {
  pod: string;
  container: string;
}

export interface ServiceRef {
  name: string;
  type: "NodePort" | "ClusterIP";
  port: number;
  target: ServerRef;
}

export interface LabTopology {
  namespace: string;
  clusterDomain: string;
  kubectl: KubectlTarget;
  timeouts: ProbeTimeouts;
  closedPort: number;
  /** eg1: the two-container pod. */
  demo?: { pod: string; server: ServerRef; client: ContainerRef; containers: string[] };
  /** eg2: the two server pods. */
  pair?: { first: ServerRef; second: ServerRef };
  services: ServiceRef[];
  probes: {
    /** The host-network probes, one pod per node (see LiveFacts.nodeProbeSkipReason where they cannot run). */
    node?: { container: string };
    dns: ContainerRef;
  };
}

export interface NodeFact {
  name: string;
  internalIP: string;
  schedulable: boolean;
}

export interface LiveFacts {
  /** Pod IPs by pod name. */
  podIPs: Record<string, string>;
  /** The node of each pod, by pod name. */
  podNodes: Record<string, string>;
  /** The cluster's nodes. */
  nodes: NodeFact[];
  /** The node probe pod on each node, by node name. */
  nodeProbes: Record<string, string>;
  /** The nodes kube-dns's endpoints run on. */
  kubeDnsNodes: string[];
  /** Why the node probes cannot run in the lab's namespace (its Pod Security level), if they cannot. */
  nodeProbeSkipReason?: string;
  /** By service name. */
  services: Record<string, { clusterIP: string; nodePort?: number }>;
}

/** Placeholder facts: the set of checks depends on the topology only, never on these values. */
export const UNRESOLVED_FACTS: LiveFacts = {
  podIPs: {},
  podNodes: {},
  nodes: [],
  nodeProbes: {},
  kubeDnsNodes: [],
  services: {},
};

/** The key of the node probes in CheckPlan.tests. */
export const NODE_PROBES_KEY = "probes:node";
const podKey = (pod: string) => `pod:${pod}`;
const serviceKey = (service: string) => `service:${service}`;

/** How traffic from one node to another travels: within a node, or between two. */
export function pathBetween(sourceNode: string | undefined, targetNodes: readonly string[]): PathKind {
  if (sourceNode === undefined || targetNodes.length === 0) return "any-node";
  if (targetNodes.every((node) => node === sourceNode)) return "same-node";
  if (targetNodes.every((node) => node !== sourceNode)) return "cross-node";
  return "any-node";
}

export function planChecks(topology: LabTopology, facts: LiveFacts): CheckPlan[] {
  const { namespace, kubectl, timeouts } = topology;
  const podIP = (pod: string) => facts.podIPs[pod] ?? "0.0.0.0";
  const nodeOf = (pod: string): string | undefined => facts.podNodes[pod];
  const nodeIP = (node: string | undefined) =>
    facts.nodes.find((n) => n.name === node)?.internalIP ?? "0.0.0.0";
  const exec = (where: ContainerRef, argv: string[]): Step =>
    execStep(kubectl, { namespace, ...where }, argv);
  const httpFrom = (tool: HttpTool, where: ContainerRef, host: string, port: number): Step =>
    exec(
      where,
      tool === "curl" ? curlProbe(`http://${host}:${port}/`, timeouts) : bashTcpProbe(host, port, timeouts),
    );
  const label = (ref: ContainerRef) => `${ref.pod}/${ref.container}`;
  const podEnd = (ref: ContainerRef): Endpoint => ({ kind: "pod", pod: ref.pod, container: ref.container });
  const between = (source: string | undefined, target: string | undefined) => ({
    ...(source === undefined ? {} : { sourceNode: source }),
    ...(target === undefined ? {} : { targetNode: target }),
    path: pathBetween(source, target === undefined ? [] : [target]),
  });
  const inPod = (pod: string) => ({ ...between(nodeOf(pod), nodeOf(pod)), path: "same-pod" as const });
  const plans: CheckPlan[] = [];

  // The node probes: the probe on a given node, and "another node" for the checks that cross nodes.
  const nodeProbe = topology.probes.node;
  const probeOn = (node: string | undefined): ContainerRef | undefined => {
    const pod = node === undefined ? undefined : facts.nodeProbes[node];
    return nodeProbe === undefined
      ? undefined
      : { pod: pod ?? "<no node probe>", container: nodeProbe.container };
  };
  const otherNode = (node: string | undefined): string | undefined =>
    facts.nodes.find((n) => n.schedulable && n.name !== node && facts.nodeProbes[n.name] !== undefined)?.name;
  const noOtherNode = (node: string | undefined) => {
    const schedulable = facts.nodes.filter((n) => n.schedulable).map((n) => n.name);
    return `the cluster has no other schedulable node with a node probe than ${node ?? "the pod's node"} (nodes: ${schedulable.join(", ") || "none"})`;
  };
  const hostSource = (node: string | undefined) => `node ${node ?? "<node>"} ${nodeIP(node)} (host network)`;
  /** A check from a node's host network: skipped when the probes cannot run, or there is no such node. */
  const fromNode = (node: string | undefined, missing: () => string) => {
    const skipReason =
      facts.nodeProbeSkipReason ?? (node === undefined && facts.nodes.length > 0 ? missing() : undefined);
    return skipReason === undefined ? {} : { skipReason };
  };

  const { demo, pair, probes } = topology;
  if (demo !== undefined) {
    const server = demo.server;
    const marker = PAGE_MARKERS[server.kind];
    const ip = podIP(demo.pod);
    const served = (via: string) => `${label(server)} via ${via}`;
    const demoTests = [podKey(demo.pod)];
    const fromClient = { from: podEnd(demo.client), to: podEnd(server), ...inPod(demo.pod) };
    const wholePod: Endpoint = { kind: "pod", pod: demo.pod };
    plans.push(
      {
        id: "pod-demo.localhost",
        claim: "Containers of one pod reach each other on localhost.",
        source: label(demo.client),
        target: served(`localhost:${server.port}`),
        steps: [httpFrom("curl", demo.client, "localhost", server.port)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: demoTests,
        ...fromClient,
        via: "localhost",
      },
      {
        id: "pod-demo.pod-ip",
        claim: "A container reaches its neighbour through the pod's own IP.",
        source: label(demo.client),
        target: served(`${ip}:${server.port}`),
        steps: [httpFrom("curl", demo.client, ip, server.port)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: demoTests,
        ...fromClient,
        via: "pod-ip",
      },
      {
        id: "pod-demo.pod-name",
        claim:
          "The pod's name resolves to its IP through its own /etc/hosts, so curl http://<pod name> works.",
        source: label(demo.client),
        target: served(`${demo.pod}:${server.port}`),
        steps: [
          exec(demo.client, hostsLookupProbe(demo.pod)),
          httpFrom("curl", demo.client, demo.pod, server.port),
        ],
        expected: `${demo.pod} resolves to ${ip} and the page contains "${marker}"`,
        expectation: { type: "http-by-name", name: demo.pod, address: ip, marker },
        tests: demoTests,
        ...fromClient,
        via: "pod-name",
      },
      {
        id: "pod-demo.hostname",
        claim: "Every container of a pod has the pod's name as hostname and a kubelet-managed /etc/hosts.",
        source: demo.containers.map((container) => `${demo.pod}/${container}`).join(", "),
        target: "/proc/sys/kernel/hostname, /etc/hosts",
        steps: demo.containers.map((container) => exec({ pod: demo.pod, container }, podIdentityProbe())),
        expected: `hostname ${demo.pod}; "# Kubernetes-managed hosts file."; ${ip} ${demo.pod}`,
        expectation: { type: "pod-identity", podName: demo.pod, podIP: ip, containers: demo.containers },
        tests: demoTests,
        ...inPod(demo.pod),
        from: wholePod,
        to: wholePod,
        via: "file",
      },
      {
        id: "pod-demo.shared-network",
        claim: "All containers of a pod share one network: the same eth0 (address and MAC) and loopback.",
        source: demo.containers.map((container) => `${demo.pod}/${container}`).join(", "),
        target: "network namespace, eth0, lo",
        steps: demo.containers.map((container) => exec({ pod: demo.pod, container }, networkIdentityProbe())),
        expected: `one network namespace, one eth0 MAC, lo and ${ip} in every container`,
        expectation: { type: "shared-network", podIP: ip, containers: demo.containers },
        tests: demoTests,
        ...inPod(demo.pod),
        from: wholePod,
        to: wholePod,
        via: "file",
      },
      {
        id: "pod-demo.closed-port",
        claim: "The pod routes by port: a port no container listens on is refused.",
        source: label(demo.client),
        target: `${demo.pod} localhost:${topology.closedPort} (no listener)`,
        steps: [httpFrom("curl", demo.client, "localhost", topology.closedPort)],
        expected: "connection refused (not a timeout, not a page)",
        expectation: { type: "refused", tool: "curl" },
        tests: demoTests,
        ...fromClient,
        to: wholePod,
        via: "localhost",
      },
    );
    if (nodeProbe !== undefined) {
      const podNode = nodeOf(demo.pod);
      const other = otherNode(podNode);
      for (const [suffix, claim, node] of [
        ["same-node", "The node reaches a pod on it by the pod's IP.", podNode],
        ["other-node", "Another node reaches the pod by its IP, routed between the nodes.", other],
      ] as const) {
        const probe = probeOn(node);
        plans.push({
          id: `node-to-pod.${demo.pod}.${suffix}`,
          claim,
          source: hostSource(node),
          target: served(`${ip}:${server.port}`),
          steps: probe === undefined ? [] : [httpFrom("curl", probe, ip, server.port)],
          expected: `the page contains "${marker}"`,
          expectation: { type: "http", tool: "curl", marker },
          tests: [...demoTests, NODE_PROBES_KEY],
          from: { kind: "node", node: node ?? "<other node>" },
          to: podEnd(server),
          via: "pod-ip",
          ...between(node, podNode),
          ...(suffix === "other-node" ? { path: "cross-node" as const } : {}),
          ...fromNode(node, () => noOtherNode(podNode)),
        });
      }
    }
  }

  if (pair !== undefined) {
    for (const [from, to] of [
      [pair.first, pair.second],
      [pair.second, pair.first],
    ] as const) {
      const marker = PAGE_MARKERS[to.kind];
      plans.push({
        id: `pod-to-pod.${from.pod}.${to.pod}`,
        claim: "Pods reach each other by pod IP.",
        source: label(from),
        target: `${label(to)} via ${podIP(to.pod)}:${to.port}`,
        steps: [httpFrom(from.tool, from, podIP(to.pod), to.port)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: from.tool, marker },
        tests: [podKey(from.pod), podKey(to.pod)],
        from: podEnd(from),
        to: podEnd(to),
        via: "pod-ip",
        ...between(nodeOf(from.pod), nodeOf(to.pod)),
      });
    }
  }

  const kubeDns: Endpoint = { kind: "service", service: "kube-dns", namespace: "kube-system" };
  const kubeDnsIP = getFieldStep(kubectl, "service", "kube-dns", "kube-system", ".spec.clusterIP");
  plans.push({
    id: "dns.kube-dns-service",
    claim: "The cluster runs a DNS service, kube-dns in kube-system.",
    source: "the Kubernetes API",
    target: "service kube-system/kube-dns",
    steps: [kubeDnsIP],
    expected: "the service exists and has a ClusterIP",
    expectation: { type: "service-exists" },
    tests: [],
    from: { kind: "api" },
    to: kubeDns,
    via: "api",
    path: "api",
  });
  const search = [
    `${namespace}.svc.${topology.clusterDomain}`,
    `svc.${topology.clusterDomain}`,
    topology.clusterDomain,
  ];
  const resolvers: ContainerRef[] = [
    ...(demo === undefined ? [] : [demo.client]),
    ...(pair === undefined ? [] : [pair.first, pair.second]),
    probes.dns,
  ];
  for (const where of resolvers) {
    plans.push({
      id: `dns.resolv-conf.${where.pod}`,
      claim: "Every pod's /etc/resolv.conf points at kube-dns with the cluster's search domains.",
      source: label(where),
      target: "/etc/resolv.conf",
      steps: [kubeDnsIP, exec(where, resolvConfProbe())],
      expected: `nameserver <kube-dns ClusterIP>; search ${search.join(" ")}; options ndots:5`,
      expectation: { type: "resolv-conf", search, ndots: 5 },
      tests: [podKey(where.pod)],
      from: podEnd(where),
      to: podEnd(where),
      via: "file",
      ...inPod(where.pod),
    });
  }

  const dnsProbeNode = nodeOf(probes.dns.pod);
  const toKubeDns = {
    from: podEnd(probes.dns),
    to: kubeDns,
    via: "dns" as const,
    ...(dnsProbeNode === undefined ? {} : { sourceNode: dnsProbeNode }),
    ...(facts.kubeDnsNodes.length === 1 ? { targetNode: facts.kubeDnsNodes[0] as string } : {}),
    path: pathBetween(dnsProbeNode, facts.kubeDnsNodes),
  };
  for (const service of topology.services) {
    const fqdn = `${service.name}.${namespace}.svc.${topology.clusterDomain}`;
    const clusterIP = facts.services[service.name]?.clusterIP ?? "0.0.0.0";
    const names = { short: service.name, namespaced: `${service.name}.${namespace}`, fqdn };
    for (const transport of ["udp", "tcp"] as const) {
      for (const [form, name] of Object.entries(names)) {
        plans.push({
          id: `dns.${service.name}.${form}${transport === "tcp" ? ".tcp" : ""}`,
          claim:
            transport === "tcp"
              ? "kube-dns answers a Service's name with its ClusterIP over TCP too (large answers need it)."
              : "kube-dns answers a Service's name with its ClusterIP.",
          source: label(probes.dns),
          target: `nslookup ${transport === "tcp" ? "-vc " : ""}${name}`,
          steps: [exec(probes.dns, nslookupProbe(name, timeouts, transport))],
          expected: `${fqdn} -> ${clusterIP}${transport === "tcp" ? " (over TCP)" : ""}`,
          expectation: { type: "dns", name, address: clusterIP },
          tests: [serviceKey(service.name), podKey(probes.dns.pod)],
          ...toKubeDns,
        });
      }
    }
  }
  plans.push({
    id: "dns.kubernetes-default",
    claim: "kube-dns answers kubernetes.default with the API server's service IP.",
    source: label(probes.dns),
    target: "nslookup kubernetes.default",
    steps: [
      getFieldStep(kubectl, "service", "kubernetes", "default", ".spec.clusterIP"),
      exec(probes.dns, nslookupProbe("kubernetes.default", timeouts)),
    ],
    expected: `kubernetes.default.svc.${topology.clusterDomain} -> <ClusterIP of service default/kubernetes>`,
    expectation: { type: "dns", name: "kubernetes.default", address: null },
    tests: [podKey(probes.dns.pod)],
    ...toKubeDns,
  });

  for (const service of topology.services) {
    const marker = PAGE_MARKERS[service.target.kind];
    const client = serviceClient(topology, service);
    const endpointNode = nodeOf(service.target.pod);
    const serviceEnd: Endpoint = { kind: "service", service: service.name };
    // The lab does not wait for Services to settle when it creates them: each check waits, bounded, for
    // its Service to list the target pod as a ready endpoint, then probes once.
    const ready = waitForEndpointStep(kubectl, namespace, service.name, podIP(service.target.pod));
    plans.push({
      id: `service.${service.name}.cluster-ip`,
      claim: "A pod reaches a Service by its DNS name and port.",
      source: label(client.ref),
      target: `${service.name}:${service.port} -> ${label(service.target)}`,
      steps: [ready, httpFrom(client.tool, client.ref, service.name, service.port)],
      expected: `the page contains "${marker}"`,
      expectation: { type: "http", tool: client.tool, marker },
      tests: [serviceKey(service.name), podKey(service.target.pod), podKey(client.ref.pod)],
      from: podEnd(client.ref),
      to: serviceEnd,
      via: "cluster-ip",
      ...between(nodeOf(client.ref.pod), endpointNode),
      // By name: the client first asks kube-dns, so that hop counts too.
      path: pathByName(nodeOf(client.ref.pod), endpointNode, facts.kubeDnsNodes),
    });
    const nodePort = facts.services[service.name]?.nodePort;
    if (service.type !== "NodePort" || nodeProbe === undefined) continue;
    const other = otherNode(endpointNode);
    for (const [suffix, claim, node] of [
      ["same-node", "A NodePort Service answers on the IP of the node that runs its pod.", endpointNode],
      [
        "other-node",
        "A NodePort Service answers on every node: kube-proxy there forwards to the pod on another node.",
        other,
      ],
    ] as const) {
      const probe = probeOn(node);
      const address = nodeIP(node);
      plans.push({
        id: `service.${service.name}.node-port.${suffix}`,
        claim,
        source: hostSource(node),
        target: `${address}:${nodePort ?? "<nodePort>"} -> ${label(service.target)}`,
        steps: probe === undefined ? [] : [ready, httpFrom("curl", probe, address, nodePort ?? 0)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: [serviceKey(service.name), podKey(service.target.pod), NODE_PROBES_KEY],
        from: { kind: "node", node: node ?? "<other node>" },
        to: serviceEnd,
        via: "node-port",
        ...between(node, endpointNode),
        ...(suffix === "other-node" ? { path: "cross-node" as const } : {}),
        ...fromNode(node, () => noOtherNode(endpointNode)),
      });
    }
  }
  // A check that cannot apply here runs nothing.
  return plans.map((plan) => (plan.skipReason === undefined ? plan : { ...plan, steps: [] }));
}

/**
 * The path of a request by name: a DNS query to kube-dns, then the connection to the endpoint. It crosses
 * nodes when either hop surely does, stays on the node when both do, and may do either otherwise.
 */
export function pathByName(
  sourceNode: string | undefined,
  endpointNode: string | undefined,
  kubeDnsNodes: readonly string[],
): PathKind {
  const endpoint = pathBetween(sourceNode, endpointNode === undefined ? [] : [endpointNode]);
  const dns = pathBetween(sourceNode, kubeDnsNodes);
  if (endpoint === "cross-node" || dns === "cross-node") return "cross-node";
  if (endpoint === "same-node" && dns === "same-node") return "same-node";
  return "any-node";
}

/** The tutorial's client (cntr-centos, with curl) when eg1 runs; otherwise the other server pod, with bash. */
function serviceClient(topology: LabTopology, service: ServiceRef): { ref: ContainerRef; tool: HttpTool } {
  if (topology.demo !== undefined) return { ref: topology.demo.client, tool: "curl" };
  const pair = topology.pair;
  const other = pair?.first.pod === service.target.pod ? pair.second : pair?.first;
  if (other === undefined) throw new Error(`no client pod can reach service ${service.name}`);
  return { ref: other, tool: other.tool };
}

/** The key of an object a check tests, as in CheckPlan.tests. */
export function testedObject(key: string): { kind: "pod" | "service" | "node-probes"; name: string } {
  if (key === NODE_PROBES_KEY) return { kind: "node-probes", name: "node" };
  const match = /^(pod|service):(.+)$/.exec(key);
  if (match === null) throw new Error(`not a tested object: ${key}`);
  return { kind: match[1] as "pod" | "service", name: match[2] as string };
}

/**
 * The part of the facts about the given tested objects, plus the cluster's nodes and kube-dns's nodes,
 * which every check may read. A check's plan needs no other facts, so it can run as soon as the objects it
 * tests are ready.
 */
export function factsAbout(facts: LiveFacts, tests: readonly string[]): LiveFacts {
  const objects = tests.map(testedObject);
  const named = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.name);
  const pick = <T>(all: Record<string, T>, names: string[]) =>
    Object.fromEntries(names.filter((name) => name in all).map((name) => [name, all[name] as T]));
  return {
    podIPs: pick(facts.podIPs, named("pod")),
    podNodes: pick(facts.podNodes, named("pod")),
    nodes: facts.nodes,
    nodeProbes: named("node-probes").length > 0 ? facts.nodeProbes : {},
    kubeDnsNodes: facts.kubeDnsNodes,
    ...(facts.nodeProbeSkipReason === undefined ? {} : { nodeProbeSkipReason: facts.nodeProbeSkipReason }),
    services: pick(facts.services, named("service")),
  };
}
