// eg1, a pod's internal networking: the containers of pod-demo share one network, hostname and IP.
import { urlHost } from "../../network";
import { hostsLookupProbe, networkIdentityProbe, podIdentityProbe } from "../probes";
import { PAGE_MARKERS, type LabTopology } from "../lab";
import { testedPod } from "../tested";
import type { CheckPlan, Endpoint } from "../types";
import { label, type PlanContext, podEnd, type Scenario } from "./context";

type Demo = NonNullable<LabTopology["demo"]>;

export const podDemo: Scenario = {
  section: "pod-demo",
  title: "Inside a pod: containers share one network",
  plan: (context) => {
    const demo = context.topology.demo;
    return demo === undefined ? [] : [...trafficChecks(context, demo), ...identityChecks(context, demo)];
  },
};

/** The client container fetches the server's page: on localhost, by the pod's IP, by the pod's name. */
function trafficChecks(context: PlanContext, demo: Demo): CheckPlan[] {
  const { server, client } = demo;
  const marker = PAGE_MARKERS[server.kind];
  const ip = context.podIP(demo.pod);
  // The pod's other addresses (its IPv6 one on a dual-stack cluster): /etc/hosts names the pod with each.
  const others = (context.facts.allPodIPs?.[demo.pod] ?? []).filter((address) => address !== ip);
  const common = {
    source: label(client),
    tests: [testedPod(demo.pod)],
    from: podEnd(client),
    to: podEnd(server),
    ...context.inPod(demo.pod),
  };
  const page = {
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: "curl", marker } as const,
  };
  return [
    {
      id: "pod-demo.localhost",
      claim: "Containers of one pod reach each other on localhost.",
      target: `${label(server)} via localhost:${server.port}`,
      steps: [context.httpFrom("curl", client, "localhost", server.port)],
      ...page,
      ...common,
      via: "localhost",
    },
    {
      id: "pod-demo.pod-ip",
      claim: "A container reaches its neighbour through the pod's own IP.",
      target: `${label(server)} via ${urlHost(ip)}:${server.port}`,
      steps: [context.httpFrom("curl", client, ip, server.port)],
      evidenceSteps: context.routeFrom(client, ip),
      ...page,
      ...common,
      via: "pod-ip",
    },
    {
      id: "pod-demo.pod-name",
      claim: "The pod's name resolves to its IP through its own /etc/hosts, so curl http://<pod name> works.",
      target: `${label(server)} via ${demo.pod}:${server.port}`,
      steps: [
        context.exec(client, hostsLookupProbe(demo.pod)),
        context.httpFrom("curl", client, demo.pod, server.port),
      ],
      expected: `${demo.pod} resolves to ${[ip, ...others].join(" or ")} and the page contains "${marker}"`,
      expectation: {
        type: "http-by-name",
        name: demo.pod,
        address: ip,
        ...(others.length === 0 ? {} : { otherAddresses: others }),
        marker,
      },
      ...common,
      via: "pod-name",
    },
  ] satisfies CheckPlan[];
}

/** What every container of the pod sees: one hostname, one /etc/hosts, one network; and a closed port. */
function identityChecks(context: PlanContext, demo: Demo): CheckPlan[] {
  const ip = context.podIP(demo.pod);
  const wholePod: Endpoint = { kind: "pod", pod: demo.pod };
  const inEveryContainer = {
    source: demo.containers.map((container) => `${demo.pod}/${container}`).join(", "),
    tests: [testedPod(demo.pod)],
    ...context.inPod(demo.pod),
    from: wholePod,
    to: wholePod,
    via: "file" as const,
  };
  const everyContainer = (argv: string[]) =>
    demo.containers.map((container) => context.exec({ pod: demo.pod, container }, argv));
  const { closedPort } = context.topology;
  return [
    {
      id: "pod-demo.hostname",
      claim: "Every container of a pod has the pod's name as hostname and a kubelet-managed /etc/hosts.",
      target: "/proc/sys/kernel/hostname, /etc/hosts",
      steps: everyContainer(podIdentityProbe()),
      expected: `hostname ${demo.pod}; "# Kubernetes-managed hosts file."; ${ip} ${demo.pod}`,
      expectation: { type: "pod-identity", podName: demo.pod, podIP: ip, containers: demo.containers },
      ...inEveryContainer,
    },
    {
      id: "pod-demo.shared-network",
      claim: "All containers of a pod share one network: the same eth0 (address and MAC) and loopback.",
      target: "network namespace, eth0, lo",
      steps: everyContainer(networkIdentityProbe()),
      expected: `one network namespace, one eth0 MAC, lo and ${ip} in every container`,
      expectation: { type: "shared-network", podIP: ip, containers: demo.containers },
      ...inEveryContainer,
    },
    {
      id: "pod-demo.closed-port",
      claim: "The pod routes by port: a port no container listens on is refused.",
      source: label(demo.client),
      target: `${demo.pod} localhost:${closedPort} (no listener)`,
      steps: [context.httpFrom("curl", demo.client, "localhost", closedPort)],
      expected: "connection refused (not a timeout, not a page)",
      expectation: { type: "refused", tool: "curl" },
      tests: [testedPod(demo.pod)],
      from: podEnd(demo.client),
      to: wholePod,
      via: "localhost",
      ...context.inPod(demo.pod),
    },
  ];
}
