// Asserts the lab's stack outputs against the live e2e cluster.
//
//   node e2e/lab/check-outputs.mjs <mode> <stack-outputs.json> <kubectl-pods.json> <kubectl-services.json> \
//     <kube-dns.json> <kubectl-nodes.json>
//
// mode "healthy": every check of the default lab is present and passed (on one node, the checks that need a
// second node are skipped), and the values the checks saw match the cluster (pod IPs, nodes, kube-dns IP,
// ClusterIPs, node port).
// mode "broken-nginx-target": only the checks that go through svc-clusterip-nginx's service port fail,
// each as "refused"; everything else still passes.
// mode "baseline": the namespace enforces Pod Security baseline: the checks from a node's host network are
// skipped, everything else passes.
// mode "cross-node-blocked": pod traffic between the nodes is dropped: exactly the checks whose path is
// cross-node fail, as "timeout" or "unreachable"; everything else still passes.
// In every mode, `junit` and `diagram` agree with `checks` (same ids, same outcomes).
import { readFileSync } from "node:fs";

const [mode, outputsFile, podsFile, servicesFile, kubeDnsFile, nodesFile] = process.argv.slice(2);
const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const outputs = read(outputsFile);
const pods = read(podsFile).items;
const services = read(servicesFile).items;
const kubeDns = read(kubeDnsFile);
const nodes = read(nodesFile).items;
const expectedIds = read(new URL("../../test/support/default-check-ids.json", import.meta.url));

const problems = [];
const expect = (ok, message) => {
  if (!ok) problems.push(message);
};
// JSON with sorted keys, so that objects compare by content.
const canonical = (value) =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );
const same = (actual, wanted, what) =>
  expect(canonical(actual) === canonical(wanted), `${what}: got ${canonical(actual)}, want ${canonical(wanted)}`);

const results = outputs.checks ?? [];
same(results.map((r) => r.id), expectedIds, "check ids");
for (const r of results) {
  for (const field of ["claim", "source", "target", "expected", "observed", "outcome", "path", "section"]) {
    expect(typeof r[field] === "string" && r[field] !== "", `${r.id}: ${field} is empty`);
  }
  expect(Number.isInteger(r.durationMs) && r.durationMs >= 0, `${r.id}: durationMs ${r.durationMs}`);
}

// What each check should have come to in this mode.
const oneNode = nodes.length === 1;
const needsSecondNode = (r) => /\.(other-node|cross-node)$/.test(r.id);
// The IPv6 checks run where the cluster gives pods IPv6 addresses (cluster.sh up --ip-family dual), and are
// skipped elsewhere, saying so.
const dualStack = pods.some((p) => (p.status.podIPs ?? []).some((ip) => ip.ip.includes(":")));
const overIPv6 = (r) => r.section === "ipv6";
const fromHostNetwork = (r) => r.from?.kind === "node";
const expectedOutcome = (r) => {
  if (overIPv6(r) && !dualStack) return ["skipped"];
  if (mode === "baseline" && fromHostNetwork(r)) return ["skipped"];
  if (oneNode && needsSecondNode(r)) return ["skipped"];
  if (mode === "broken-nginx-target" && r.id === "service.svc-clusterip-nginx.cluster-ip") return ["failed", "refused"];
  if (mode === "cross-node-blocked" && r.path === "cross-node") return ["failed", ["timeout", "unreachable"]];
  return ["passed"];
};
let failed = 0;
let skipped = 0;
for (const r of results) {
  const [outcome, kinds] = expectedOutcome(r);
  if (outcome === "failed") failed += 1;
  if (outcome === "skipped") skipped += 1;
  const kindOk = kinds === undefined ? r.failure === undefined : [kinds].flat().includes(r.failure);
  expect(
    r.outcome === outcome && kindOk,
    `${r.id} (${r.path} ${r.sourceNode}>${r.targetNode}): ${r.outcome} ${r.failure ?? ""}, want ${outcome} ${[kinds].flat().join("/")} (observed: ${r.observed})`,
  );
}
if (mode === "cross-node-blocked") {
  expect(failed > 0, "cross-node-blocked: no check crosses nodes, so the fault proves nothing");
}
same(
  {
    passed: outputs.summary?.passed,
    failed: outputs.summary?.failed,
    skipped: outputs.summary?.skipped,
    total: outputs.summary?.total,
  },
  { passed: expectedIds.length - failed - skipped, failed, skipped, total: expectedIds.length },
  "summary",
);
const summaryLine = (outputs.report ?? "").split("\n").find((line) => /^\d+\/\d+ checks (passed|failed)/.test(line));
expect(
  failed === 0
    ? summaryLine?.startsWith(`${expectedIds.length - skipped}/${expectedIds.length} checks passed.`)
    : summaryLine?.startsWith(`${failed}/${expectedIds.length} checks failed`),
  `report: unexpected summary line ${JSON.stringify(summaryLine)}`,
);

// The nodes, and where the pods run, must be the cluster's.
const internalIP = (node) => node.status.addresses.find((a) => a.type === "InternalIP")?.address;
same(
  outputs.facts.nodes.map((n) => [n.name, n.internalIP]),
  nodes.map((n) => [n.metadata.name, internalIP(n)]).sort(),
  "facts.nodes",
);
const podNode = Object.fromEntries(pods.map((p) => [p.metadata.name, p.spec.nodeName]));
for (const [name, node] of Object.entries(outputs.facts.podNodes)) same(node, podNode[name], `facts.podNodes.${name}`);
for (const p of outputs.pods) same(p.node, podNode[p.name], `pods[${p.name}].node`);
if (!oneNode) {
  expect(podNode["pod-httpd"] !== podNode["pod-nginx"], "placement auto: pod-httpd and pod-nginx share a node");
}
if (!oneNode && mode !== "baseline") {
  const probes = pods.filter((p) => p.metadata.name.startsWith("netlab-node-probe-"));
  same(probes.map((p) => p.spec.nodeName).sort(), nodes.map((n) => n.metadata.name).sort(), "a node probe per node");
}
for (const r of results) {
  for (const [end, field] of [
    [r.from, "sourceNode"],
    [r.to, "targetNode"],
  ]) {
    if (end.kind === "pod" && r[field] !== undefined) same(r[field], podNode[end.pod], `${r.id}: ${field}`);
  }
  // A request by name (cluster-ip) also goes to kube-dns, so its path is not only its two ends'.
  if ((r.path === "same-node" || r.path === "cross-node") && r.via !== "cluster-ip") {
    same(r.path, r.sourceNode === r.targetNode ? "same-node" : "cross-node", `${r.id}: path`);
  }
}

// The facts must be the cluster's.
const podIP = Object.fromEntries(pods.map((p) => [p.metadata.name, p.status.podIP]));
for (const [name, ip] of Object.entries(outputs.facts.podIPs)) same(ip, podIP[name], `facts.podIPs.${name}`);
for (const p of outputs.pods) same(p.ip, podIP[p.name], `pods[${p.name}].ip`);
const podIPs = Object.fromEntries(pods.map((p) => [p.metadata.name, (p.status.podIPs ?? []).map((ip) => ip.ip)]));
for (const [name, ips] of Object.entries(outputs.facts.allPodIPs ?? {})) same(ips, podIPs[name], `facts.allPodIPs.${name}`);
for (const r of results.filter((result) => overIPv6(result) && result.outcome === "skipped")) {
  expect(/no IPv6 (address|ClusterIP)/.test(r.skipReason ?? ""), `${r.id}: skipped for ${r.skipReason}, not for the family`);
}
same(outputs.facts.kubeDnsIP, kubeDns.spec.clusterIP, "facts.kubeDnsIP");
for (const svc of services) {
  const name = svc.metadata.name;
  const fact = outputs.facts.services[name];
  same(fact?.clusterIP, svc.spec.clusterIP, `facts.services.${name}.clusterIP`);
  same(fact?.clusterIPs, svc.spec.clusterIPs, `facts.services.${name}.clusterIPs`);
  const endpoint = outputs.serviceEndpoints.find((e) => e.name === name);
  same(endpoint?.clusterIP, svc.spec.clusterIP, `serviceEndpoints[${name}].clusterIP`);
  if (svc.spec.type === "NodePort") same(fact?.nodePort, svc.spec.ports[0].nodePort, `facts.services.${name}.nodePort`);
}
// The network the lab found, as the e2e cluster is wired (e2e/cluster/cluster.sh): kube-proxy in the mode it
// was brought up with on every node ($NETLAB_E2E_PROXY_MODE, run.sh reads it), pod traffic routed between
// the nodes on veths (no tunnel), MTU 1500, IPv4 only or IPv4+IPv6 as it was brought up; or, on its flannel pod
// network ($NETLAB_E2E_POD_NETWORK), through flannel's vxlan device, whose MTU (1450: the 1500 link less VXLAN's
// headers) the pods have too. On dual stack, IPv6 leaves by the same device on the routed network; on flannel
// by its IPv6 vxlan device flannel-v6.1, at 1430 (the kernel's most for VXLAN over IPv6 on a 1500 link), below
// the pods' 1450: the report warns of it.
const proxyMode = process.env.NETLAB_E2E_PROXY_MODE || "iptables";
const flannel = process.env.NETLAB_E2E_POD_NETWORK === "flannel";
const mtu = flannel ? 1450 : 1500;
if (mode === "healthy") {
  const network = outputs.facts.network;
  for (const node of outputs.facts.nodes) {
    const found = network?.nodes?.[node.name];
    same(found?.kubeProxy, proxyMode, `facts.network.nodes.${node.name}.kubeProxy`);
    if (flannel) same(found?.towardPods?.tunnel, "vxlan", `facts.network.nodes.${node.name}.towardPods.tunnel`);
    else expect(found?.towardPods?.tunnel === undefined, `facts.network.nodes.${node.name}: a tunnel on a routed network`);
    same(found?.linkMTU, mtu, `facts.network.nodes.${node.name}.linkMTU`);
    // The link flannel's tunnel runs over (the node bridge, or node 2's veth): the MTU the 1450 comes from.
    if (flannel) same(found?.underlayMTU, 1500, `facts.network.nodes.${node.name}.underlayMTU`);
    if (dualStack) {
      same(found?.towardPods6?.device, flannel ? "flannel-v6.1" : found?.towardPods?.device, `facts.network.nodes.${node.name}.towardPods6.device`);
      same(found?.linkMTU6, flannel ? 1430 : mtu, `facts.network.nodes.${node.name}.linkMTU6`);
    } else {
      expect(found?.towardPods6 === undefined, `facts.network.nodes.${node.name}: an IPv6 way read on an IPv4 cluster`);
    }
  }
  same(network?.podMTU, mtu, "facts.network.podMTU");
  const [first, second] = outputs.report.split("\n");
  const path = flannel
    ? `flannel vxlan (pod MTU 1450, tunnel 1450, link 1500${dualStack ? "; IPv6 by flannel-v6.1 at MTU 1430" : ""})`
    : "routed (pod MTU 1500, link 1500)";
  expect(
    first.startsWith(
      `network: ${outputs.facts.nodes.length} nodes, kube-proxy ${proxyMode}, ${path}, ${dualStack ? "IPv4+IPv6" : "IPv4,"}`,
    ),
    `the report's first line says ${first}`,
  );
  const mtuWarning = /^warning: pods send packets of up to 1450 bytes, but IPv6 between the nodes crosses flannel-v6\.1 at MTU 1430 /;
  if (flannel && dualStack) expect(mtuWarning.test(second), `the report's second line says ${second}`);
  else expect(!/^warning: pods send packets/.test(second), `the report warns of an MTU: ${second}`);
}
if (mode === "healthy") {
  const dnsAnswer = results.find((r) => r.id === "dns.svc-clusterip-nginx.fqdn")?.observed ?? "";
  const nginxIP = services.find((s) => s.metadata.name === "svc-clusterip-nginx")?.spec.clusterIP;
  expect(dnsAnswer.includes(`-> ${nginxIP}`), `dns.svc-clusterip-nginx.fqdn observed ${dnsAnswer}, want ${nginxIP}`);
  const http = ["localhost", "pod-ip", "pod-name", "cluster-ip", "node-port"];
  for (const r of results.filter((result) => result.outcome === "passed" && http.includes(result.via))) {
    if (r.id.endsWith(".closed-port")) continue;
    expect(r.timing !== undefined, `${r.id}: no timing`);
  }
}

// JUnit: one testcase per check, same id and outcome.
const junit = outputs.junit ?? "";
const cases = [...junit.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g)].map((m) => [
  m[1],
  m[2].includes("<skipped") ? "skipped" : /<(failure|error)[ >]/.test(m[2]) ? "failed" : "passed",
]);
same(cases, results.map((r) => [r.id, r.outcome]), "junit testcases");
// Diagram: one arrow per pair of boxes, for one check ("✓ cluster-ip") or several ("✗ 8 dns checks: 1 failed
// (…), 7 passed"), styled by its worst outcome (--> passed, ==> failed, -.-> skipped); together they count
// every check.
const styled = { passed: "-->", failed: "==>", skipped: "-.->" };
const worstFirst = ["failed", "skipped", "passed"];
const drawn = { passed: 0, failed: 0, skipped: 0 };
for (const line of (outputs.diagram ?? "").split("\n")) {
  const arrow = /\s(-->|==>|-\.->)\|"([^"]*)"\|/.exec(line);
  if (arrow === null) continue;
  const group = /^\S+ \d+ (?:\S+ )?checks: (.*)$/.exec(arrow[2]);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (group === null) counts[worstFirst.find((o) => styled[o] === arrow[1])] = 1;
  else {
    for (const [, n, outcome] of group[1].replace(/\([^)]*\)/g, "").matchAll(/(\d+) (passed|failed|skipped)/g))
      counts[outcome] = Number(n);
  }
  const worst = worstFirst.find((o) => counts[o] > 0);
  expect(styled[worst] === arrow[1], `diagram: arrow "${arrow[2]}" drawn ${arrow[1]}, its worst check ${worst}`);
  for (const o of worstFirst) drawn[o] += counts[o];
}
same(
  drawn,
  Object.fromEntries(worstFirst.map((o) => [o, results.filter((r) => r.outcome === o).length])),
  "diagram arrows' checks by outcome",
);

// Evidence: every check names its ends; a check that ran shows the links it read, each observed or not read
// with the reason; the pods' ends agree with the cluster. Every failure has a diagnosis.
for (const r of results) {
  const evidence = r.evidence ?? [];
  const links = evidence.map((e) => e.link);
  expect(links.includes("source") || r.from?.kind === "api", `${r.id}: its evidence does not name its source`);
  for (const e of evidence) {
    const told = e.status === "observed" ? typeof e.value === "string" : e.status === "not read" && e.reason?.length > 0;
    expect(told, `${r.id}: evidence "${e.link}" is neither observed nor not read with a reason`);
  }
  const source = evidence.find((e) => e.link === "source" && e.status === "observed");
  if (r.from?.kind === "pod" && source !== undefined) {
    const wanted = `pod ${r.from.pod} ${podIP[r.from.pod]} on node ${podNode[r.from.pod]}`;
    expect(source.value === wanted, `${r.id}: evidence source "${source.value}", the cluster says "${wanted}"`);
  }
  if (r.outcome === "failed") expect(r.diagnosis?.cause?.length > 0, `${r.id}: failed without a diagnosis`);
}
// Walkthrough: every check, in order, with the same outcome as in checks.
const told = [...(outputs.walkthrough ?? "").matchAll(/^### (\S+): (passed|failed|skipped)/gm)].map((m) => [m[1], m[2]]);
same(told, results.map((r) => [r.id, r.outcome]), "walkthrough checks");

if (problems.length > 0) {
  console.error(`stack outputs (${mode}): ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `stack outputs (${mode}): ${results.length} checks as expected (${failed} failed, ${skipped} skipped), ` +
    `facts, nodes, evidence, junit, diagram and walkthrough match the cluster`,
);
