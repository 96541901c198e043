// What a Service really promises, past `kubectl expose`: a pod reaches itself through its own Service
// (hairpin), a Service without endpoints refuses at once, requests spread over the backends (or stick to
// one with session affinity), and externalTrafficPolicy Local answers only where a backend runs, keeping the
// client's address, where Cluster answers everywhere and rewrites it.
import { waitForEndpointStep } from "../kubectl";
import { urlHost } from "../../network";
import { type DepthLab, PAGE_MARKERS } from "../lab";
import { largeTransferProbe, repeatedCurlProbe } from "../probes";
import { NODE_PROBES, testedPod, testedService } from "../tested";
import type { CheckPlan, Endpoint, Step } from "../types";
import { label, type PlanContext, podEnd, type Scenario, UNKNOWN_ADDRESS } from "./context";
import { podV6 } from "./ipv6";

export const serviceDepth: Scenario = {
  section: "service-depth",
  title: "Services in depth: what a Service promises",
  afterTutorial: true,
  plan: (context) => {
    const depth = context.topology.depth;
    if (depth === undefined) return [];
    return [
      ...hairpinChecks(context, depth),
      noEndpointsCheck(context, depth),
      spreadCheck(context, depth, "spread"),
      spreadCheck(context, depth, "sticky"),
      ...trafficPolicyChecks(context, depth),
      ...largeTransferChecks(context, depth),
    ];
  },
};

const serviceEnd = (service: string): Endpoint => ({ kind: "service", service });

/** Waits, bounded, until a Service lists each of these pods as a ready endpoint. */
function readyFor(context: PlanContext, service: string, pods: readonly string[]): Step[] {
  const { kubectl, namespace } = context.topology;
  return pods.map((pod) => waitForEndpointStep(kubectl, namespace, service, context.podIP(pod)));
}

/** pod-httpd through its own Service, by ClusterIP and through its node's NodePort: the packet comes back to it. */
function hairpinChecks(context: PlanContext, depth: DepthLab): CheckPlan[] {
  if (depth.hairpin === undefined) return [];
  const { server, service } = depth.hairpin;
  const marker = PAGE_MARKERS[server.kind];
  const node = context.nodeOf(server.pod);
  const facts = context.facts.services[service.name];
  const ready = readyFor(context, service.name, [server.pod]);
  const base = {
    source: label(server),
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: server.tool, marker } as const,
    tests: [testedService(service.name), testedPod(server.pod)],
    from: podEnd(server),
    to: serviceEnd(service.name),
    ...context.inPod(server.pod),
    path: "same-pod" as const,
  };
  const clusterIP = facts?.clusterIP ?? UNKNOWN_ADDRESS;
  const nodePort = facts?.nodePort;
  return [
    {
      ...base,
      id: `service-depth.hairpin.cluster-ip`,
      claim: "A pod reaches itself through its own Service's ClusterIP (hairpin).",
      target: `${urlHost(clusterIP)}:${service.port} -> ${label(server)} (itself)`,
      steps: [...ready, context.httpFrom(server.tool, server, clusterIP, service.port)],
      via: "cluster-ip",
    },
    ...(service.type === "NodePort"
      ? [
          {
            ...base,
            id: `service-depth.hairpin.node-port`,
            claim: "A pod reaches itself through its own NodePort, on its node's IP (hairpin).",
            target: `${urlHost(context.nodeIP(node))}:${nodePort ?? "<nodePort>"} -> ${label(server)} (itself)`,
            steps: [...ready, context.httpFrom(server.tool, server, context.nodeIP(node), nodePort ?? 0)],
            via: "node-port" as const,
          },
        ]
      : []),
  ];
}

/** A Service whose selector matches nothing: kube-proxy rejects the connection at once. */
function noEndpointsCheck(context: PlanContext, depth: DepthLab): CheckPlan {
  const service = depth.services.nowhere;
  const clusterIP = context.facts.services[service]?.clusterIP ?? UNKNOWN_ADDRESS;
  const clientNode = context.nodeOf(depth.client.pod);
  return {
    id: "service-depth.no-endpoints",
    claim: "A Service without endpoints refuses a connection at once, rather than letting it time out.",
    source: label(depth.client),
    target: `${service} ${urlHost(clusterIP)}:${depth.servicePort} (no endpoint)`,
    steps: [context.httpFrom("curl", depth.client, clusterIP, depth.servicePort)],
    expected: "connection refused",
    expectation: { type: "refused", tool: "curl" },
    tests: [testedService(service), testedPod(depth.client.pod)],
    from: podEnd(depth.client),
    to: serviceEnd(service),
    via: "cluster-ip",
    ...context.between(clientNode, undefined),
  };
}

/** Many requests to a Service over both backends: every backend answers, or, with affinity, one. */
function spreadCheck(context: PlanContext, depth: DepthLab, which: "spread" | "sticky"): CheckPlan {
  const service = depth.services[which];
  const backends = depth.backends.map((b) => b.pod);
  const clientNode = context.nodeOf(depth.client.pod);
  const url = `http://${service}:${depth.servicePort}/hostname`;
  const sticky = which === "sticky";
  return {
    id: sticky ? "service-depth.session-affinity" : "service-depth.load-balancing",
    claim: sticky
      ? "With sessionAffinity ClientIP, every request of one client reaches the same backend."
      : "A Service spreads requests over its backends, on every node they run on.",
    source: label(depth.client),
    target: `${depth.requests} x ${url} -> ${backends.join(", ")}`,
    steps: [
      ...readyFor(context, service, backends),
      context.exec(depth.client, repeatedCurlProbe(url, depth.requests, context.topology.timeouts)),
    ],
    expected: sticky
      ? `all ${depth.requests} answers from one backend`
      : `answers from each of ${backends.join(" and ")}`,
    expectation: { type: "backends", backends, answer: sticky ? "one" : "every", requests: depth.requests },
    tests: [testedService(service), ...backends.map(testedPod), testedPod(depth.client.pod)],
    from: podEnd(depth.client),
    to: serviceEnd(service),
    via: "cluster-ip",
    // The backends may run on any node, so the path is any-node; the client's node is known.
    ...context.between(clientNode, undefined),
  };
}

/**
 * externalTrafficPolicy, asked from a node's host network: Local answers through the node of its backend
 * with the client's own address, and not through a node without one; Cluster rewrites the address.
 */
function trafficPolicyChecks(context: PlanContext, depth: DepthLab): CheckPlan[] {
  const [first] = depth.backends;
  const backendNode = context.nodeOf(first.pod);
  const otherNode = context.otherNode(backendNode);
  const local = depth.services.local;
  const spread = depth.services.spread;
  const port = (service: string) => context.facts.services[service]?.nodePort;
  const ask = (from: string | undefined, to: string | undefined, service: string) => {
    const probe = context.probeOn(from);
    const address = context.nodeIP(to);
    return {
      source: context.hostSource(from),
      target: `${urlHost(address)}:${port(service) ?? "<nodePort>"}/clientip`,
      steps:
        probe === undefined
          ? []
          : [
              ...readyFor(context, service, [first.pod]),
              context.httpFrom("curl", probe, address, port(service) ?? 0, "/clientip"),
            ],
      tests: [testedService(service), testedPod(first.pod), NODE_PROBES],
      from: { kind: "node" as const, node: from ?? "<other node>" },
      to: serviceEnd(service),
      via: "node-port" as const,
      ...context.between(from, to),
      // Both nodes are needed: without a second node, the check is skipped with the reason.
      ...context.fromNode(to === undefined ? undefined : from, () => context.noOtherNode(backendNode)),
    };
  };
  const clientIP = context.nodeIP(otherNode);
  return [
    {
      id: "service-depth.local.backend-node",
      claim:
        "externalTrafficPolicy Local: the node of a backend answers, and the backend sees the client's own address.",
      expected: `an answer, from source ${clientIP}`,
      expectation: { type: "client-ip", address: clientIP, source: "kept" },
      ...ask(otherNode, backendNode, local),
    },
    {
      id: "service-depth.local.other-node",
      claim:
        "externalTrafficPolicy Local: a node without a backend of the Service does not answer on its NodePort.",
      expected: "no answer (the node drops it)",
      expectation: { type: "dropped" },
      ...ask(backendNode, otherNode, local),
    },
    {
      id: "service-depth.cluster.source-rewritten",
      claim:
        "externalTrafficPolicy Cluster: any node answers, and the backend sees the node's address, not the client's.",
      expected: `an answer, from a source other than ${clientIP}`,
      expectation: { type: "client-ip", address: clientIP, source: "rewritten" },
      ...ask(otherNode, backendNode, spread),
    },
  ];
}

/**
 * A large body sent and read back whole, by the pod IP of a backend on another node than the client's and
 * through a Service: what a path that drops large packets (a wrong MTU) breaks while small requests pass.
 */
function largeTransferChecks(context: PlanContext, depth: DepthLab): CheckPlan[] {
  const { client, largeBody } = depth;
  const clientNode = context.nodeOf(client.pod);
  const remote = depth.backends.find((b) => {
    const node = context.nodeOf(b.pod);
    return node !== undefined && node !== clientNode;
  });
  const target = remote ?? depth.backends[1];
  const [first] = depth.backends;
  const probe = (host: string, port: number) =>
    context.exec(
      client,
      largeTransferProbe(
        `http://${urlHost(host)}:${port}/echo`,
        largeBody.randomBytes,
        context.topology.timeouts,
      ),
    );
  const base = {
    source: label(client),
    expected: `${largeBody.bytes} bytes each way, checksums equal`,
    expectation: { type: "transfer", bytes: largeBody.bytes } as const,
    from: podEnd(client),
    large: true,
  };
  const ip = context.podIP(target.pod);
  const ipv6 = podV6(context, target.pod);
  const local = depth.services.local;
  const clusterIP = context.facts.services[local]?.clusterIP ?? UNKNOWN_ADDRESS;
  const alone = remote === undefined && context.facts.nodes.length > 0;
  const toRemote = {
    // Both backends: which one is on another node than the client is known only from both their nodes.
    tests: [...depth.backends.map((b) => testedPod(b.pod)), testedPod(client.pod)],
    to: podEnd(target),
    via: "pod-ip" as const,
    ...context.between(clientNode, context.nodeOf(target.pod)),
  };
  const aloneReason = alone
    ? `no backend runs on another node than the client's (${clientNode ?? "?"})`
    : undefined;
  const ipv6Skip = aloneReason ?? ipv6.skipReason;
  return [
    {
      ...base,
      ...toRemote,
      id: "service-depth.large.pod-ip",
      claim: `A large body (${largeBody.bytes / 1024} KiB) goes to a pod on another node by its IP and comes back whole.`,
      target: `${label(target)} via ${urlHost(ip)}:${depth.backendPort}/echo`,
      steps: [probe(ip, depth.backendPort)],
      ...(aloneReason === undefined ? {} : { skipReason: aloneReason }),
    },
    {
      // On a dual-stack cluster IPv6 may cross the nodes by another device at another MTU (flannel's
      // flannel-v6.1), and large IPv6 packets are never fragmented on the way: the same transfer by IPv6.
      ...base,
      ...toRemote,
      id: "service-depth.large.pod-ipv6",
      claim: `A large body (${largeBody.bytes / 1024} KiB) goes to a pod on another node by its IPv6 address and comes back whole.`,
      target: `${label(target)} via ${urlHost(ipv6.address)}:${depth.backendPort}/echo`,
      steps: [probe(ipv6.address, depth.backendPort)],
      ...(ipv6Skip === undefined ? {} : { skipReason: ipv6Skip }),
    },
    {
      ...base,
      id: "service-depth.large.service",
      claim: `A large body (${largeBody.bytes / 1024} KiB) goes through a Service to its backend and comes back whole.`,
      target: `${local} ${urlHost(clusterIP)}:${depth.servicePort}/echo -> ${label(first)}`,
      steps: [...readyFor(context, local, [first.pod]), probe(clusterIP, depth.servicePort)],
      tests: [testedService(local), testedPod(first.pod), testedPod(client.pod)],
      to: serviceEnd(local),
      via: "cluster-ip",
      ...context.between(clientNode, context.nodeOf(first.pod)),
    },
  ];
}
