// DNS: the cluster's kube-dns Service, every pod's resolv.conf pointing at it, and the names it answers.
import type { UnreadFact } from "../../access";
import { READS } from "../../clusterReads";
import { serviceDnsNames, searchDomains } from "../../dns";
import { getFieldStep } from "../kubectl";
import type { ContainerRef, ServiceRef } from "../lab";
import { nslookupProbe, resolvConfProbe } from "../probes";
import { testedPod, testedService } from "../tested";
import type { CheckPlan, Endpoint, Step } from "../types";
import { label, pathBetween, type PlanContext, podEnd, type Scenario, UNKNOWN_ADDRESS } from "./context";

const KUBE_DNS: Endpoint = { kind: "service", service: "kube-dns", namespace: "kube-system" };

export const dns: Scenario = {
  section: "dns",
  title: "Cluster DNS: kube-dns",
  plan: (context) => {
    const kubeDnsIP = getFieldStep(
      context.topology.kubectl,
      "service",
      "kube-dns",
      "kube-system",
      ".spec.clusterIP",
    );
    // Where the credentials may not read kube-dns's Service, the checks that compare with its ClusterIP do
    // without it: each pod's resolv.conf is judged on what it says itself.
    const unread = context.unread(READS.kubeDnsService);
    return [
      {
        id: "dns.kube-dns-service",
        claim: "The cluster runs a DNS service, kube-dns in kube-system.",
        source: "the Kubernetes API",
        target: "service kube-system/kube-dns",
        steps: [kubeDnsIP],
        expected: "the service exists and has a ClusterIP",
        expectation: { type: "service-exists" },
        tests: [],
        from: { kind: "api" },
        to: KUBE_DNS,
        via: "api",
        path: "api",
        ...(unread === undefined ? {} : { skipReason: `${unread.read} is ${unreadWhy(unread)}` }),
      },
      ...resolvConfChecks(context, unread === undefined ? kubeDnsIP : undefined),
      ...context.topology.services.flatMap((service) => serviceNameChecks(context, service)),
      apiNameCheck(context),
    ];
  },
};

/** Why a read was not made, for a skip reason. */
const unreadWhy = (unread: UnreadFact): string =>
  unread.why === "forbidden" ? "forbidden for these credentials" : `not possible: ${unread.why}`;

/**
 * Every pod the lab runs a shell in: its resolv.conf names kube-dns (compared with its ClusterIP when that
 * may be read) and the cluster's search domains.
 */
function resolvConfChecks(context: PlanContext, kubeDnsIP: Step | undefined): CheckPlan[] {
  const { demo, pair, probes, namespace, clusterDomain } = context.topology;
  const search = searchDomains(namespace, clusterDomain);
  const resolvers: ContainerRef[] = [
    ...(demo === undefined ? [] : [demo.client]),
    ...(pair === undefined ? [] : [pair.first, pair.second]),
    probes.dns,
  ];
  return resolvers.map((where) => ({
    id: `dns.resolv-conf.${where.pod}`,
    claim: "Every pod's /etc/resolv.conf points at kube-dns with the cluster's search domains.",
    source: label(where),
    target: "/etc/resolv.conf",
    steps: [...(kubeDnsIP === undefined ? [] : [kubeDnsIP]), context.exec(where, resolvConfProbe())],
    expected: `nameserver ${kubeDnsIP === undefined ? "<a nameserver: kube-dns's ClusterIP is not read>" : "<kube-dns ClusterIP>"}; search ${search.join(" ")}; options ndots:5`,
    expectation: {
      type: "resolv-conf",
      search,
      ndots: 5,
      nameserver: kubeDnsIP === undefined ? "any" : "kube-dns",
    },
    tests: [testedPod(where.pod)],
    from: podEnd(where),
    to: podEnd(where),
    via: "file",
    ...context.inPod(where.pod),
  }));
}

/** A lookup from the DNS probe pod to kube-dns, wherever its endpoints run. */
export function toKubeDns(
  context: PlanContext,
): Pick<CheckPlan, "from" | "to" | "via" | "sourceNode" | "targetNode" | "path"> {
  const { dns: probe } = context.topology.probes;
  const { kubeDnsNodes } = context.facts;
  const probeNode = context.nodeOf(probe.pod);
  return {
    from: podEnd(probe),
    to: KUBE_DNS,
    via: "dns",
    ...(probeNode === undefined ? {} : { sourceNode: probeNode }),
    ...(kubeDnsNodes.length === 1 ? { targetNode: kubeDnsNodes[0] as string } : {}),
    path: pathBetween(probeNode, kubeDnsNodes),
  };
}

/** A Service's three names (short, with namespace, FQDN), over UDP and over TCP, answer its ClusterIP. */
function serviceNameChecks(context: PlanContext, service: ServiceRef): CheckPlan[] {
  const { namespace, clusterDomain, timeouts, probes } = context.topology;
  const names = serviceDnsNames(service.name, namespace, clusterDomain);
  const clusterIP = context.facts.services[service.name]?.clusterIP ?? UNKNOWN_ADDRESS;
  return (["udp", "tcp"] as const).flatMap((transport) => {
    const overTcp = transport === "tcp";
    return Object.entries(names).map(([form, name]) => ({
      id: `dns.${service.name}.${form}${overTcp ? ".tcp" : ""}`,
      claim: overTcp
        ? "kube-dns answers a Service's name with its ClusterIP over TCP too (large answers need it)."
        : "kube-dns answers a Service's name with its ClusterIP.",
      source: label(probes.dns),
      target: `nslookup ${overTcp ? "-vc " : ""}${name}`,
      steps: [context.exec(probes.dns, nslookupProbe(name, timeouts, transport))],
      expected: `${names.fqdn} -> ${clusterIP}${overTcp ? " (over TCP)" : ""}`,
      expectation: { type: "dns", name, address: clusterIP },
      tests: [testedService(service.name), testedPod(probes.dns.pod)],
      ...toKubeDns(context),
    }));
  });
}

/** kubernetes.default answers the API server's Service IP, read from the API in the same check. */
function apiNameCheck(context: PlanContext): CheckPlan {
  const { kubectl, clusterDomain, timeouts, probes } = context.topology;
  return {
    id: "dns.kubernetes-default",
    claim: "kube-dns answers kubernetes.default with the API server's service IP.",
    source: label(probes.dns),
    target: "nslookup kubernetes.default",
    // Without the right to read the Service, the address Kubernetes gives every pod for it.
    steps: [
      context.unread(READS.apiService) === undefined
        ? getFieldStep(kubectl, "service", "kubernetes", "default", ".spec.clusterIP")
        : context.exec(probes.dns, ["printenv", "KUBERNETES_SERVICE_HOST"]),
      context.exec(probes.dns, nslookupProbe("kubernetes.default", timeouts)),
    ],
    expected: `kubernetes.default.svc.${clusterDomain} -> <ClusterIP of service default/kubernetes>`,
    expectation: { type: "dns", name: "kubernetes.default", address: null },
    tests: [testedPod(probes.dns.pod)],
    ...toKubeDns(context),
  };
}
