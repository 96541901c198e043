// Each check's evidence, from its own steps, the evidence steps run with it, the other checks of the run and
// the live facts the lab read from the cluster in the same `pulumi up`.
import { type Front, ROUTE_ACCEPTED } from "../../ingress";
import type { NetworkFacts } from "../../network";
import type { CheckRun, DiscoveredFacts } from "../facts";
import type { LiveFacts } from "../lab";
import { parseNetworkIdentity, parseNslookup } from "../parsers";
import type { Endpoint, StepResult } from "../types";
import { excerpt } from "../../text";
import { type Evidence, notRead, observed } from "./types";
import { parseEndpointLines, parseRouteGet } from "./parsers";

export type EvidenceFacts = LiveFacts & DiscoveredFacts & { network?: NetworkFacts };

/** A check that ran, with what its evidence steps printed (in the order of its plan's evidenceSteps). */
export interface EvidenceRun extends CheckRun {
  evidence: StepResult[];
}

/** The mode of the kube-proxy that translated the Service's address: the one on the node the request left. */
function kubeProxyMode(node: string | undefined, facts: EvidenceFacts): Evidence {
  const link = "kube-proxy mode";
  if (node === undefined) return notRead(link, "the node the request left is not known");
  const mode = facts.network?.nodes[node]?.kubeProxy;
  return mode === undefined
    ? notRead(link, `the lab read no network facts on ${node}`)
    : observed(link, `${mode} on ${node}`);
}

/** The chain of facts behind one check; a skipped check has only the ends it would have joined. */
export function gatherEvidence(
  run: EvidenceRun,
  runs: readonly EvidenceRun[],
  facts: EvidenceFacts,
): Evidence[] {
  const { plan } = run;
  const ends = [
    endEvidence("from", plan.from, plan.sourceNode, facts),
    endEvidence("to", plan.to, plan.targetNode, facts),
  ];
  if (plan.skipReason !== undefined) return ends.flat();
  return [...ends.flat(), ...routeEvidence(run), ...viaEvidence(run, runs, facts)];
}

function endEvidence(
  role: "from" | "to",
  end: Endpoint,
  node: string | undefined,
  facts: EvidenceFacts,
): Evidence[] {
  const link = role === "from" ? "source" : "target";
  switch (end.kind) {
    case "pod":
      return [podEvidence(link, end.pod, facts)];
    case "node":
      return [nodeEvidence(link, node ?? end.node, facts)];
    case "every-node":
      // Each node's request is in the check's own output, one line per node.
      return [];
    case "service":
      return [serviceEvidence(link, end.service, end.namespace, facts)];
    case "front":
      return [frontEvidence(link, end.front, end.name, facts)];
    case "api":
      return [];
  }
}

/** The lab's Ingress or Gateway: its class, its controller and the address the requests went to. */
function frontEvidence(link: string, front: Front, name: string, facts: EvidenceFacts): Evidence {
  const kind = front === "ingress" ? "Ingress" : "Gateway";
  const fact = facts.fronts?.[front];
  if (fact?.className === undefined)
    return notRead(link, `${kind} ${name}: ${fact?.skipReason ?? "not built"}`);
  const controller = fact.controller === undefined ? "" : `, controller ${fact.controller}`;
  const address =
    fact.address === undefined
      ? `no address (${fact.statusNote ?? "none published"})`
      : `at ${fact.address} (${fact.addressFrom === "config" ? "ingress.address" : "published in its status"})`;
  return observed(link, `${kind} ${name}, class ${fact.className}${controller}, ${address}`);
}

function podEvidence(link: string, pod: string, facts: EvidenceFacts): Evidence {
  const ip = facts.podIPs[pod];
  const node = facts.podNodes[pod];
  if (ip === undefined || node === undefined)
    return notRead(link, `pod ${pod}: its IP and node were not read`);
  return observed(link, `pod ${pod} ${ip} on node ${node}`);
}

function nodeEvidence(link: string, node: string, facts: EvidenceFacts): Evidence {
  const found = facts.nodes.find((n) => n.name === node);
  if (found === undefined) return notRead(link, `node ${node} is not among the nodes the lab read`);
  const probe = facts.nodeProbes[node];
  return observed(
    link,
    `node ${node} ${found.internalIP} (host network${probe === undefined ? "" : `, probe ${probe}`})`,
  );
}

function serviceEvidence(
  link: string,
  service: string,
  namespace: string | undefined,
  facts: EvidenceFacts,
): Evidence {
  if (service === "kube-dns" && namespace === "kube-system") {
    if (facts.kubeDnsIP === undefined)
      return notRead(link, "kube-dns's ClusterIP was not read (dns.kube-dns-service did not pass)");
    const where =
      facts.kubeDnsNodes.length === 0
        ? "no endpoint node read"
        : `endpoints on ${facts.kubeDnsNodes.join(", ")}`;
    return observed(link, `Service kube-system/kube-dns ClusterIP ${facts.kubeDnsIP}, ${where}`);
  }
  const found = facts.services[service];
  if (found === undefined) return notRead(link, `Service ${service}: its ClusterIP was not read`);
  const nodePort = found.nodePort === undefined ? "" : `, nodePort ${found.nodePort}`;
  // A dual-stack Service has a ClusterIP per family; a check by its IPv6 one must see that one too.
  const ips = found.clusterIPs ?? [found.clusterIP];
  const clusterIPs = ips.length > 1 ? `ClusterIPs ${ips.join(", ")}` : `ClusterIP ${found.clusterIP}`;
  return observed(link, `Service ${service} ${clusterIPs}${nodePort}`);
}

/** The route the source takes toward the destination, where an evidence step asked for it. */
function routeEvidence(run: EvidenceRun): Evidence[] {
  return (run.plan.evidenceSteps ?? []).map((probe, i) => {
    const link = `route from the source toward ${probe.toward}`;
    const result = run.evidence[i];
    if (result === undefined) return notRead(link, "the route was not asked for");
    // sh's "ip: not found" (exit 127) or the runtime's "executable file not found"; not kubectl's
    // `pods "x" not found`, which says nothing about the image.
    if (
      result.remoteExit === 127 ||
      /executable file not found|\bip: (command )?not found/i.test(result.stderr)
    ) {
      return notRead(link, "the source's image has no `ip` command");
    }
    const route = result.remoteExit === 0 ? parseRouteGet(result.stdout) : undefined;
    if (route === undefined)
      return notRead(link, `ip route get failed: ${excerpt(result.stderr || result.stdout)}`);
    const hop = route.via === undefined ? "directly" : `via ${route.via}`;
    const kind = route.type === "local" ? "local address, " : "";
    return observed(
      link,
      `${kind}${hop} on ${route.device ?? "?"}${route.source === undefined ? "" : ` from ${route.source}`}`,
    );
  });
}

function viaEvidence(run: EvidenceRun, runs: readonly EvidenceRun[], facts: EvidenceFacts): Evidence[] {
  switch (run.plan.via) {
    case "dns":
      return [dnsAnswer(run.steps.at(-1), "DNS answer")];
    case "cluster-ip":
      return [serviceName(run, runs), endpoints(run.steps[0]), kubeProxyMode(run.plan.sourceNode, facts)];
    case "node-port":
      return [endpoints(run.steps[0]), forwarding(run), kubeProxyMode(run.plan.sourceNode, facts)];
    case "localhost":
    case "file":
      return sharedNetwork(run, runs);
    case "pod-name":
      return [firstLine(run.steps[0], "/etc/hosts answer (getent hosts)")];
    case "api":
      return [firstLine(run.steps[0], "read from the API")];
    case "pod-ip":
      return [];
    case "controller":
      // The route's Service and its endpoints, and the HTTPRoute's acceptance, as the waits before the
      // request read them.
      return run.plan.steps.flatMap((step, i) => {
        if (step.kind !== "wait") return [];
        return [step.until === ROUTE_ACCEPTED ? routeAccepted(run.steps[i]) : endpoints(run.steps[i])];
      });
  }
}

function firstLine(step: StepResult | undefined, link: string): Evidence {
  if (step === undefined) return notRead(link, "the step did not run");
  if (step.remoteExit !== 0)
    return notRead(link, `exit ${step.remoteExit ?? "?"}: ${excerpt(step.stderr || step.stdout)}`);
  return observed(link, excerpt(step.stdout.split("\n")[0] ?? ""));
}

function dnsAnswer(step: StepResult | undefined, link: string): Evidence {
  if (step === undefined) return notRead(link, "the lookup did not run");
  const answer = parseNslookup(step.stdout, step.stderr, step.remoteExit ?? 1);
  const server = answer.server === undefined ? "" : ` (server ${answer.server})`;
  if (answer.error !== undefined) return observed(link, `no address: ${answer.error}${server}`);
  return observed(link, `${answer.name ?? "?"} -> ${answer.addresses.join(", ")}${server}`);
}

/**
 * A request to a Service: the name's answer, as the run's lookup of the same short name saw it, or, for a
 * request to a dual-stack Service's IPv6 ClusterIP, its AAAA lookup.
 */
function serviceName(run: EvidenceRun, runs: readonly EvidenceRun[]): Evidence {
  const service = run.plan.to.kind === "service" ? run.plan.to.service : "?";
  const lookupId = run.plan.id.startsWith("ipv6.") ? `ipv6.dns.${service}.aaaa` : `dns.${service}.short`;
  const lookup = runs.find((r) => r.plan.id === lookupId);
  const link = `DNS answer for ${service} (${lookupId})`;
  if (lookup === undefined) return notRead(link, `${lookupId} did not run in this update`);
  if (lookup.plan.skipReason !== undefined) return notRead(link, `${lookupId} was skipped`);
  return dnsAnswer(lookup.steps.at(-1), link);
}

/** Whether the Gateway accepted the HTTPRoute, as the wait before the request last read it. */
function routeAccepted(step: StepResult | undefined): Evidence {
  const link = "HTTPRoute accepted by the Gateway";
  if (step === undefined) return notRead(link, "its status was not read");
  const states = step.stdout.split("\n").filter((line) => line.startsWith("accepted="));
  return observed(
    link,
    states.map((line) => line.slice("accepted=".length) || "no condition").join(", ") || "no parent",
  );
}

/** The Service's endpoints, as the wait before the request last read them from its EndpointSlices. */
function endpoints(step: StepResult | undefined): Evidence {
  const link = "endpoints (EndpointSlices)";
  if (step === undefined) return notRead(link, "the endpoints were not read");
  const states = parseEndpointLines(step.stdout);
  if (states.length === 0) return observed(link, "none");
  const described = states.map(
    (s) => `${s.address} ${s.ready ? "ready" : "not ready"}${s.node === undefined ? "" : ` on ${s.node}`}`,
  );
  return observed(link, described.join("; "));
}

/** Whether kube-proxy on the node that answered had to forward to another node. */
function forwarding(run: EvidenceRun): Evidence {
  const { sourceNode, targetNode } = run.plan;
  const link = "forwarded across nodes";
  if (sourceNode === undefined || targetNode === undefined)
    return notRead(link, "the nodes of the request are not both known");
  return observed(
    link,
    sourceNode === targetNode
      ? `no: the endpoint is on ${targetNode}, the node asked`
      : `yes: from ${sourceNode} to the endpoint on ${targetNode}`,
  );
}

/** The pod's network namespace and interfaces, as the run's shared-network check read them. */
function sharedNetwork(run: EvidenceRun, runs: readonly EvidenceRun[]): Evidence[] {
  const pod = run.plan.from.kind === "pod" ? run.plan.from.pod : undefined;
  const identity = runs.find(
    (r) =>
      r.plan.expectation.type === "shared-network" && r.plan.from.kind === "pod" && r.plan.from.pod === pod,
  );
  if (pod === undefined || identity === undefined) return [];
  const link = `network of pod ${pod}`;
  const read = identity.steps.filter((s) => s.remoteExit === 0).map((s) => parseNetworkIdentity(s.stdout));
  if (read.length === 0) return [notRead(link, "the shared-network check read no container's network")];
  const namespaces = [...new Set(read.map((r) => r.netns ?? "?"))];
  const interfaces = [...new Set(read.flatMap((r) => r.interfaces))];
  return [
    observed(
      link,
      `namespace ${namespaces.join(" / ")}, interfaces ${interfaces.join(" ")}, in ${read.length} container(s)`,
    ),
  ];
}
