// The lab's checks run one after another, without Pulumi, for e2e/lab/bench.sh.
//
//   npx ts-node e2e/lab/sequential-checks.ts <kubeconfig> <context> <pods.json> <services.json>
//
// Reads the live facts from `kubectl get -o json` output and the lab's own discovery of the cluster (nodes,
// kube-dns), plans the default lab's checks with the lab's own planner, runs each step of each check in
// turn, one kubectl call at a time as a user would by hand (the lab's runner, given one step per script),
// judges each check, and prints the summary and the wall time of the checks alone.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { judgeCheck } from "../../lib/checks/judge";
import type { LiveFacts } from "../../lib/checks/lab";
import { planChecks } from "../../lib/checks/plan";
import { formatReport } from "../../lib/checks/report";
import { buildRunnerScript, parseRunnerOutput } from "../../lib/checks/runner";
import { discoveryOf } from "../../lib/cluster";
import { discoveryCommand, parseReads } from "../../lib/clusterReads";
import { parseLabConfig } from "../../lib/config";
import { NODE_PROBE } from "../../lib/tutorial";
import { labTopology } from "../../lib/topology";

interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName: string };
    status: { podIP: string; hostIP: string };
  }[];
}
interface ServiceList {
  items: { metadata: { name: string }; spec: { clusterIP: string; ports: { nodePort?: number }[] } }[];
}

const [kubeconfig, context, podsFile, servicesFile] = process.argv.slice(2);
if (
  kubeconfig === undefined ||
  context === undefined ||
  podsFile === undefined ||
  servicesFile === undefined
) {
  console.error("usage: sequential-checks.ts <kubeconfig> <context> <pods.json> <services.json>");
  process.exit(2);
}
const pods = (JSON.parse(readFileSync(podsFile, "utf8")) as PodList).items;
const services = (JSON.parse(readFileSync(servicesFile, "utf8")) as ServiceList).items;
const config = parseLabConfig({ kubeconfig, context }, { fileExists: () => true });
const { cluster } = discoveryOf(
  parseReads(
    execFileSync(
      "sh",
      ["-c", discoveryCommand({ kubeconfig, context, requestTimeoutSeconds: 30 }, config.namespace)],
      { encoding: "utf8" },
    ),
  ),
  config.namespace,
);
const probes = pods.filter((p) => p.metadata.name.startsWith(`${NODE_PROBE.name}-`));
const facts: LiveFacts = {
  podIPs: Object.fromEntries(pods.map((p) => [p.metadata.name, p.status.podIP])),
  podNodes: Object.fromEntries(pods.map((p) => [p.metadata.name, p.spec.nodeName])),
  nodes: cluster.nodes,
  nodeProbes: Object.fromEntries(probes.map((p) => [p.spec.nodeName, p.metadata.name])),
  kubeDnsNodes: cluster.kubeDnsNodes,
  services: Object.fromEntries(
    services.map((s) => {
      const nodePort = s.spec.ports[0]?.nodePort;
      return [
        s.metadata.name,
        nodePort === undefined ? { clusterIP: s.spec.clusterIP } : { clusterIP: s.spec.clusterIP, nodePort },
      ];
    }),
  ),
};
const runner = {
  execTimeoutSeconds: config.checks.execTimeoutSeconds,
  execAttempts: config.checks.execAttempts,
  retryDelaySeconds: 2,
  kubeProxySettleSeconds: config.checks.kubeProxySettleSeconds,
};

const start = Date.now();
const results = planChecks(labTopology(config), facts).map((plan) => {
  const steps = plan.steps.flatMap((step) => {
    const output = execFileSync("sh", ["-c", buildRunnerScript([step], runner)], { encoding: "utf8" });
    return parseRunnerOutput(output);
  });
  return judgeCheck(plan, steps);
});
const elapsedMs = Date.now() - start;
console.log(formatReport(results));
console.log(`checks-wall-ms ${elapsedMs}`);
if (results.some((r) => r.outcome === "failed")) process.exitCode = 1;
