// Asserts the lab's stack outputs against the live e2e cluster.
//
//   node e2e/lab/check-outputs.mjs <mode> <stack-outputs.json> <kubectl-pods.json> <kubectl-services.json> <kube-dns.json>
//
// mode "healthy": every check of the default lab is present and passed, and the values the checks saw
// match the cluster (pod IPs, kube-dns IP, ClusterIPs, node port).
// mode "broken-nginx-target": only the checks that go through svc-clusterip-nginx's service port fail,
// each as "refused"; everything else still passes.
import { readFileSync } from "node:fs";

const [mode, outputsFile, podsFile, servicesFile, kubeDnsFile] = process.argv.slice(2);
const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const outputs = read(outputsFile);
const pods = read(podsFile).items;
const services = read(servicesFile).items;
const kubeDns = read(kubeDnsFile);
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
  for (const field of ["claim", "source", "target", "command", "expected", "observed", "outcome"]) {
    expect(typeof r[field] === "string" && r[field] !== "", `${r.id}: ${field} is empty`);
  }
  expect(Number.isInteger(r.durationMs) && r.durationMs >= 0, `${r.id}: durationMs ${r.durationMs}`);
}

const brokenIds = new Set(["service.svc-clusterip-nginx.cluster-ip"]);
for (const r of results) {
  const shouldFail = mode === "broken-nginx-target" && brokenIds.has(r.id);
  if (shouldFail) {
    same([r.outcome, r.failure], ["failed", "refused"], `${r.id} outcome`);
  } else {
    same([r.outcome, r.failure ?? null], ["passed", null], `${r.id} outcome (observed: ${r.observed})`);
  }
}
const failed = mode === "broken-nginx-target" ? brokenIds.size : 0;
same(outputs.summary, { passed: expectedIds.length - failed, failed, total: expectedIds.length }, "summary");
const lastLine = (outputs.report ?? "").split("\n").filter((line) => line.trim() !== "").pop();
expect(
  failed === 0 ? lastLine === `${expectedIds.length}/${expectedIds.length} checks passed.` : /checks failed/.test(outputs.report),
  `report: unexpected text ${JSON.stringify(lastLine)}`,
);

// The facts must be the cluster's.
const podIP = Object.fromEntries(pods.map((p) => [p.metadata.name, p.status.podIP]));
for (const [name, ip] of Object.entries(outputs.facts.podIPs)) same(ip, podIP[name], `facts.podIPs.${name}`);
for (const p of outputs.pods) same(p.ip, podIP[p.name], `pods[${p.name}].ip`);
same(outputs.facts.kubeDnsIP, kubeDns.spec.clusterIP, "facts.kubeDnsIP");
const demo = pods.find((p) => p.metadata.name === "pod-demo");
same(outputs.facts.nodeIP, demo?.status.hostIP, "facts.nodeIP (the node of pod-demo)");
for (const svc of services) {
  const name = svc.metadata.name;
  const fact = outputs.facts.services[name];
  same(fact?.clusterIP, svc.spec.clusterIP, `facts.services.${name}.clusterIP`);
  const endpoint = outputs.serviceEndpoints.find((e) => e.name === name);
  same(endpoint?.clusterIP, svc.spec.clusterIP, `serviceEndpoints[${name}].clusterIP`);
  if (svc.spec.type === "NodePort") same(fact?.nodePort, svc.spec.ports[0].nodePort, `facts.services.${name}.nodePort`);
}
const dnsAnswer = results.find((r) => r.id === "dns.svc-clusterip-nginx.fqdn")?.observed ?? "";
const nginxIP = services.find((s) => s.metadata.name === "svc-clusterip-nginx")?.spec.clusterIP;
expect(dnsAnswer.includes(`-> ${nginxIP}`), `dns.svc-clusterip-nginx.fqdn observed ${dnsAnswer}, want ${nginxIP}`);

if (problems.length > 0) {
  console.error(`stack outputs (${mode}): ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`stack outputs (${mode}): ${results.length} checks as expected, facts match the cluster`);
