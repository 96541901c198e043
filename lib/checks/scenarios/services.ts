// `kubectl expose pod`: a Service answers by its name from a pod, and a NodePort Service on every node.
import { urlHost } from "../../network";
import { waitForEndpointStep } from "../kubectl";
import { type ContainerRef, type LabTopology, PAGE_MARKERS, type ServiceRef } from "../lab";
import { NODE_PROBES, testedPod, testedService } from "../tested";
import type { CheckPlan, Endpoint, HttpTool, Step } from "../types";
import { label, pathByName, type PlanContext, podEnd, type Scenario } from "./context";

export const services: Scenario = {
  section: "service",
  title: "Services: kubectl expose",
  plan: (context) =>
    context.topology.services.flatMap((service) => {
      // The lab does not wait for Services to settle when it creates them: each check waits, bounded, for
      // its Service to list the target pod as a ready endpoint, then probes once.
      const { kubectl, namespace } = context.topology;
      const ready = waitForEndpointStep(kubectl, namespace, service.name, context.podIP(service.target.pod));
      return [clusterIPCheck(context, service, ready), ...nodePortChecks(context, service, ready)];
    }),
};

function clusterIPCheck(context: PlanContext, service: ServiceRef, ready: Step): CheckPlan {
  const marker = PAGE_MARKERS[service.target.kind];
  const client = serviceClient(context.topology, service);
  const clientNode = context.nodeOf(client.ref.pod);
  const endpointNode = context.nodeOf(service.target.pod);
  return {
    id: `service.${service.name}.cluster-ip`,
    claim: "A pod reaches a Service by its DNS name and port.",
    source: label(client.ref),
    target: `${service.name}:${service.port} -> ${label(service.target)}`,
    steps: [ready, context.httpFrom(client.tool, client.ref, service.name, service.port)],
    expected: `the page contains "${marker}"`,
    expectation: { type: "http", tool: client.tool, marker },
    tests: [testedService(service.name), testedPod(service.target.pod), testedPod(client.ref.pod)],
    from: podEnd(client.ref),
    to: serviceEnd(service),
    via: "cluster-ip",
    ...context.between(clientNode, endpointNode),
    // By name: the client first asks kube-dns, so that hop counts too.
    path: pathByName(clientNode, endpointNode, context.facts.kubeDnsNodes),
  };
}

/** A NodePort Service answers on the node that runs its pod, and on another node through kube-proxy. */
function nodePortChecks(context: PlanContext, service: ServiceRef, ready: Step): CheckPlan[] {
  if (service.type !== "NodePort" || context.topology.probes.node === undefined) return [];
  const marker = PAGE_MARKERS[service.target.kind];
  const nodePort = context.facts.services[service.name]?.nodePort;
  const endpointNode = context.nodeOf(service.target.pod);
  const claims = {
    "same-node": "A NodePort Service answers on the IP of the node that runs its pod.",
    "other-node":
      "A NodePort Service answers on every node: kube-proxy there forwards to the pod on another node.",
  };
  const everyNode = "A NodePort Service answers through every node's IP, asked from that node.";
  const fromEach = context.fromEveryNode(endpointNode, everyNode, (probes) => ({
    id: `service.${service.name}.node-port.every-node`,
    target: `<each node's IP>:${nodePort ?? "<nodePort>"} -> ${label(service.target)}`,
    steps: [
      ready,
      ...probes.map(({ node, probe }) =>
        context.httpFrom("curl", probe, context.nodeIP(node), nodePort ?? 0),
      ),
    ],
    expected: `the page contains "${marker}" through every node`,
    expectation: { type: "http-from-each", marker, nodes: probes.map(({ node }) => node) },
    tests: [testedService(service.name), testedPod(service.target.pod), NODE_PROBES],
    to: serviceEnd(service),
    via: "node-port",
  }));
  const fromTwo = context.fromEachNode(endpointNode, claims, ({ side, node, probe }) => {
    const address = context.nodeIP(node);
    return {
      id: `service.${service.name}.node-port.${side}`,
      target: `${urlHost(address)}:${nodePort ?? "<nodePort>"} -> ${label(service.target)}`,
      steps: probe === undefined ? [] : [ready, context.httpFrom("curl", probe, address, nodePort ?? 0)],
      expected: `the page contains "${marker}"`,
      expectation: { type: "http", tool: "curl", marker },
      tests: [testedService(service.name), testedPod(service.target.pod), NODE_PROBES],
      to: serviceEnd(service),
      via: "node-port",
    };
  });
  return [...fromTwo, ...fromEach];
}

const serviceEnd = (service: ServiceRef): Endpoint => ({ kind: "service", service: service.name });

/** The tutorial's client (cntr-centos, with curl) when eg1 runs; otherwise the other server pod, with bash. */
function serviceClient(topology: LabTopology, service: ServiceRef): { ref: ContainerRef; tool: HttpTool } {
  if (topology.demo !== undefined) return { ref: topology.demo.client, tool: "curl" };
  const pair = topology.pair;
  const other = pair?.first.pod === service.target.pod ? pair.second : pair?.first;
  if (other === undefined) throw new Error(`no client pod can reach service ${service.name}`);
  return { ref: other, tool: other.tool };
}
