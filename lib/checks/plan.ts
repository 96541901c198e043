// Which checks the lab runs, from its topology (known from config) and the live facts (pod and service IPs).
import { execStep, getFieldStep, type KubectlTarget } from "./kubectl";
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
import type { CheckPlan, HttpTool, Step } from "./types";

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
  probes: { node?: ContainerRef; dns: ContainerRef };
}

export interface LiveFacts {
  /** Pod IPs by pod name. */
  podIPs: Record<string, string>;
  /** The IP of the node the node probe runs on. */
  nodeIP: string;
  /** By service name. */
  services: Record<string, { clusterIP: string; nodePort?: number }>;
}

/** Placeholder facts: the set of checks depends on the topology only, never on these values. */
export const UNRESOLVED_FACTS: LiveFacts = { podIPs: {}, nodeIP: "0.0.0.0", services: {} };

const podKey = (pod: string) => `pod:${pod}`;
const serviceKey = (service: string) => `service:${service}`;

export function planChecks(topology: LabTopology, facts: LiveFacts): CheckPlan[] {
  const { namespace, kubectl, timeouts } = topology;
  const podIP = (pod: string) => facts.podIPs[pod] ?? "0.0.0.0";
  const exec = (where: ContainerRef, argv: string[]): Step =>
    execStep(kubectl, { namespace, ...where }, argv);
  const httpFrom = (tool: HttpTool, where: ContainerRef, host: string, port: number): Step =>
    exec(
      where,
      tool === "curl" ? curlProbe(`http://${host}:${port}/`, timeouts) : bashTcpProbe(host, port, timeouts),
    );
  const label = (ref: ContainerRef) => `${ref.pod}/${ref.container}`;
  const plans: CheckPlan[] = [];

  const { demo, pair, probes } = topology;
  if (demo !== undefined) {
    const server = demo.server;
    const marker = PAGE_MARKERS[server.kind];
    const ip = podIP(demo.pod);
    const served = (via: string) => `${label(server)} via ${via}`;
    const demoTests = [podKey(demo.pod)];
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
      },
    );
    if (probes.node !== undefined) {
      plans.push({
        id: "node-to-pod.pod-demo",
        claim: "The node reaches a pod by its IP.",
        source: `node ${facts.nodeIP} (${label(probes.node)}, host network)`,
        target: served(`${ip}:${server.port}`),
        steps: [httpFrom("curl", probes.node, ip, server.port)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: [...demoTests, podKey(probes.node.pod)],
      });
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
      });
    }
  }

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
    });
  }

  for (const service of topology.services) {
    const fqdn = `${service.name}.${namespace}.svc.${topology.clusterDomain}`;
    const clusterIP = facts.services[service.name]?.clusterIP ?? "0.0.0.0";
    const names = { short: service.name, namespaced: `${service.name}.${namespace}`, fqdn };
    for (const [form, name] of Object.entries(names)) {
      plans.push({
        id: `dns.${service.name}.${form}`,
        claim: "kube-dns answers a Service's name with its ClusterIP.",
        source: label(probes.dns),
        target: `nslookup ${name}`,
        steps: [exec(probes.dns, nslookupProbe(name, timeouts))],
        expected: `${fqdn} -> ${clusterIP}`,
        expectation: { type: "dns", name, address: clusterIP },
        tests: [serviceKey(service.name), podKey(probes.dns.pod)],
      });
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
  });

  for (const service of topology.services) {
    const marker = PAGE_MARKERS[service.target.kind];
    const client = serviceClient(topology, service);
    plans.push({
      id: `service.${service.name}.cluster-ip`,
      claim: "A pod reaches a Service by its DNS name and port.",
      source: label(client.ref),
      target: `${service.name}:${service.port} -> ${label(service.target)}`,
      steps: [httpFrom(client.tool, client.ref, service.name, service.port)],
      expected: `the page contains "${marker}"`,
      expectation: { type: "http", tool: client.tool, marker },
      tests: [serviceKey(service.name), podKey(service.target.pod), podKey(client.ref.pod)],
    });
    const nodePort = facts.services[service.name]?.nodePort;
    if (service.type === "NodePort" && probes.node !== undefined) {
      plans.push({
        id: `service.${service.name}.node-port`,
        claim: "A NodePort Service answers on the node's IP at its node port.",
        source: `node ${facts.nodeIP} (${label(probes.node)}, host network)`,
        target: `${facts.nodeIP}:${nodePort ?? "<nodePort>"} -> ${label(service.target)}`,
        steps: [httpFrom("curl", probes.node, facts.nodeIP, nodePort ?? 0)],
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: "curl", marker },
        tests: [serviceKey(service.name), podKey(service.target.pod), podKey(probes.node.pod)],
      });
    }
  }
  return plans;
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
export function testedObject(key: string): { kind: "pod" | "service"; name: string } {
  const match = /^(pod|service):(.+)$/.exec(key);
  if (match === null) throw new Error(`not a tested object: ${key}`);
  return { kind: match[1] as "pod" | "service", name: match[2] as string };
}

/**
 * The part of the facts about the given tested objects; the node IP comes with the node probe pod.
 * A check's plan needs no other facts, so it can run as soon as the objects it tests are ready.
 */
export function factsAbout(
  facts: LiveFacts,
  tests: readonly string[],
  nodeProbePod: string | undefined,
): LiveFacts {
  const objects = tests.map(testedObject);
  const named = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.name);
  const pick = <T>(all: Record<string, T>, names: string[]) =>
    Object.fromEntries(names.filter((name) => name in all).map((name) => [name, all[name] as T]));
  return {
    podIPs: pick(facts.podIPs, named("pod")),
    nodeIP:
      nodeProbePod !== undefined && named("pod").includes(nodeProbePod)
        ? facts.nodeIP
        : UNRESOLVED_FACTS.nodeIP,
    services: pick(facts.services, named("service")),
  };
}
