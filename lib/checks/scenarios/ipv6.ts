// IPv6 on a dual-stack cluster: pods reach each other and are reached from another node by their IPv6
// addresses, and a Service that asks for both families answers on its IPv6 ClusterIP and by its AAAA record.
// Where the cluster gave no IPv6 address, each check is skipped, saying what the cluster gave instead.
import { serviceDnsNames } from "../../dns";
import { addressOf, ipFamilies } from "../../network";
import { waitForEndpointStep } from "../kubectl";
import { PAGE_MARKERS, type ServerRef, type ServiceRef } from "../lab";
import { nslookupProbe } from "../probes";
import { NODE_PROBES, testedPod, testedService } from "../tested";
import type { CheckPlan } from "../types";
import { toKubeDns } from "./dns";
import { label, type PlanContext, podEnd, type Scenario } from "./context";

/** The unspecified IPv6 address: an address the facts do not give yet (the checks' shapes only). */
const UNKNOWN_IPV6 = "::";

/** An IPv6 address the cluster gave, or why there is none; unknown (and not skipped) before the facts. */
export interface V6 {
  address: string;
  skipReason?: string;
}

const allFamilies = (addresses: readonly string[]) => ipFamilies(addresses).join("+") || "of no family";

/** A pod's IPv6 address: from every IP the cluster gave it (status.podIPs). */
export function podV6(context: PlanContext, pod: string): V6 {
  const { allPodIPs, podIPs } = context.facts;
  const ips = allPodIPs?.[pod] ?? (podIPs[pod] === undefined ? [] : [podIPs[pod]]);
  if (ips.length === 0) return { address: UNKNOWN_IPV6 };
  const address = addressOf("IPv6", ips);
  if (address !== undefined) return { address };
  const everyPod = Object.entries(podIPs).flatMap(([name, ip]) => allPodIPs?.[name] ?? [ip]);
  return {
    address: UNKNOWN_IPV6,
    skipReason: `the cluster gave ${pod} no IPv6 address (${ips.join(", ")}): its pods are ${allFamilies(everyPod)} only`,
  };
}

/** A Service's IPv6 ClusterIP: from every ClusterIP the cluster gave it (spec.clusterIPs). */
function serviceV6(context: PlanContext, service: string): V6 {
  const fact = context.facts.services[service];
  if (fact === undefined) return { address: UNKNOWN_IPV6 };
  const ips = fact.clusterIPs ?? [fact.clusterIP];
  const address = addressOf("IPv6", ips);
  if (address !== undefined) return { address };
  const every = Object.values(context.facts.services).flatMap((s) => s.clusterIPs ?? [s.clusterIP]);
  return {
    address: UNKNOWN_IPV6,
    skipReason:
      `the cluster gave ${service} no IPv6 ClusterIP (${ips.join(", ")}) although it asks for both ` +
      `families (PreferDualStack): its Services are ${allFamilies(every)} only`,
  };
}

const skipped = (...reasons: (string | undefined)[]): Pick<CheckPlan, "skipReason"> => {
  const skipReason = reasons.find((reason) => reason !== undefined);
  return skipReason === undefined ? {} : { skipReason };
};

export const ipv6: Scenario = {
  section: "ipv6",
  title: "IPv6 on a dual-stack cluster",
  plan: (context) => {
    const { demo, pair, dualStack, probes } = context.topology;
    if (pair === undefined) return [];
    const target = pair.second;
    return [
      ...(demo === undefined ? [] : [podToPod(context, demo.client, [pair.first, pair.second])]),
      ...(probes.node === undefined ? [] : [nodeToPod(context, target)]),
      ...(dualStack === undefined || demo === undefined
        ? []
        : [clusterIP(context, dualStack.service, demo.client)]),
      ...(dualStack === undefined ? [] : [aaaaRecord(context, dualStack.service)]),
    ];
  },
};

/** The client (curl) fetches a server's page by its IPv6 address: a server pod on another node than its own. */
function podToPod(context: PlanContext, client: { pod: string; container: string }, servers: ServerRef[]) {
  const clientNode = context.nodeOf(client.pod);
  const elsewhere = servers.find((s) => clientNode !== undefined && context.nodeOf(s.pod) !== clientNode);
  const server = elsewhere ?? (servers[servers.length - 1] as ServerRef);
  const marker = PAGE_MARKERS[server.kind];
  const v6 = podV6(context, server.pod);
  const oneNode =
    elsewhere === undefined &&
    clientNode !== undefined &&
    servers.every((s) => context.nodeOf(s.pod) !== undefined)
      ? `no server pod of the lab runs on another node than ${client.pod}'s (${clientNode})`
      : undefined;
  return {
    id: "ipv6.pod-to-pod.cross-node",
    claim: "Pods reach each other across nodes by their IPv6 addresses, as by their IPv4 ones.",
    source: label(client),
    target: `${label(server)} via [${v6.address}]:${server.port}`,
    steps: [context.httpFrom("curl", client, v6.address, server.port)],
    evidenceSteps: context.routeFrom(client, v6.address),
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: "curl", marker },
    tests: [testedPod(client.pod), ...servers.map((s) => testedPod(s.pod))],
    from: podEnd(client),
    to: podEnd(server),
    via: "pod-ip",
    ...context.between(clientNode, context.nodeOf(server.pod)),
    ...skipped(v6.skipReason, oneNode),
  } satisfies CheckPlan;
}

/** Another node's host network (its node probe, curl) fetches the pod's page by its IPv6 address. */
function nodeToPod(context: PlanContext, server: ServerRef): CheckPlan {
  const podNode = context.nodeOf(server.pod);
  const node = context.otherNode(podNode);
  const probe = context.probeOn(node);
  const marker = PAGE_MARKERS[server.kind];
  const v6 = podV6(context, server.pod);
  return {
    id: `ipv6.node-to-pod.${server.pod}.other-node`,
    claim: "Another node reaches a pod by its IPv6 address, routed between the nodes.",
    source: context.hostSource(node),
    target: `${label(server)} via [${v6.address}]:${server.port}`,
    steps: probe === undefined ? [] : [context.httpFrom("curl", probe, v6.address, server.port)],
    evidenceSteps: probe === undefined ? [] : context.routeFrom(probe, v6.address),
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: "curl", marker },
    tests: [testedPod(server.pod), NODE_PROBES],
    from: { kind: "node", node: node ?? "<other node>" },
    to: podEnd(server),
    via: "pod-ip",
    ...context.between(node, podNode),
    path: "cross-node",
    ...skipped(v6.skipReason, context.fromNode(node, () => context.noOtherNode(podNode)).skipReason),
  };
}

/** The client fetches the page through the dual-stack Service's IPv6 ClusterIP, once its endpoint is ready. */
function clusterIP(
  context: PlanContext,
  service: ServiceRef,
  client: { pod: string; container: string },
): CheckPlan {
  const { kubectl, namespace } = context.topology;
  const { target } = service;
  const marker = PAGE_MARKERS[target.kind];
  const address = serviceV6(context, service.name);
  const endpoint = podV6(context, target.pod);
  return {
    id: `ipv6.service.${service.name}.cluster-ip`,
    claim:
      "A dual-stack Service answers on its IPv6 ClusterIP; kube-proxy forwards to the pod's IPv6 address.",
    source: label(client),
    target: `${service.name} [${address.address}]:${service.port} -> ${label(target)}`,
    steps: [
      // Its IPv6 EndpointSlice lists the pod's IPv6 address.
      waitForEndpointStep(kubectl, namespace, service.name, endpoint.address),
      context.httpFrom("curl", client, address.address, service.port),
    ],
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: "curl", marker },
    tests: [testedService(service.name), testedPod(target.pod), testedPod(client.pod)],
    from: podEnd(client),
    to: { kind: "service", service: service.name },
    via: "cluster-ip",
    ...context.between(context.nodeOf(client.pod), context.nodeOf(target.pod)),
    ...skipped(address.skipReason, endpoint.skipReason),
  };
}

/** The DNS probe asks kube-dns for the Service's AAAA record: its IPv6 ClusterIP. */
function aaaaRecord(context: PlanContext, service: ServiceRef): CheckPlan {
  const { namespace, clusterDomain, timeouts, probes } = context.topology;
  const { fqdn } = serviceDnsNames(service.name, namespace, clusterDomain);
  const address = serviceV6(context, service.name);
  return {
    id: `ipv6.dns.${service.name}.aaaa`,
    claim: "kube-dns answers a dual-stack Service's AAAA record with its IPv6 ClusterIP.",
    source: label(probes.dns),
    target: `nslookup -type=AAAA ${fqdn}`,
    steps: [context.exec(probes.dns, nslookupProbe(fqdn, timeouts, "udp", "AAAA"))],
    expected: `${fqdn} AAAA -> ${address.address}`,
    expectation: { type: "dns", name: fqdn, address: address.address },
    tests: [testedService(service.name), testedPod(probes.dns.pod)],
    ...toKubeDns(context),
    ...skipped(address.skipReason),
  };
}
