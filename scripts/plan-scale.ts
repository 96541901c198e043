// Plans the lab (index.ts) under the mocks of test/support/pulumiMocks.ts for pretended clusters of 2 to 200
// nodes, with the node probes where the checks need them and on every node, and prints what one stack
// registers, what the cluster would run for it, how many checks it plans, and how long the program takes.
//
//   npm run bench:plan                      the whole table (under a minute on two CPUs)
//   PLAN_SCALE_NODES=2,50 npm run bench:plan some sizes only
//   PLAN_SCALE_OUT=table.md npm run bench:plan   also writes the table to a file
//
// Each size is run once cold (the script outputs the mocks keep are forgotten first, so every script, the
// discovery and each check's, runs against the fake kubectl of test/support/bin, which counts its calls), then
// RUNS times warm (the mocks reuse the scripts' outputs, so the time is the program's own: loading its
// modules, registering the objects, planning and judging the checks, formatting the outputs). The 1-minute
// load average is printed beside each time: on a busy machine the times say little.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { expect, inject, it } from "vitest";
import { type MockCluster, type Program, runProgram, valueOf } from "../test/support/pulumiMocks";

const NODES = (process.env.PLAN_SCALE_NODES ?? "2,10,50,200").split(",").map(Number);
const SPREADS = ["needed", "all"] as const;
const RUNS = 5;

interface Row {
  nodes: number;
  spread: (typeof SPREADS)[number];
  kubernetesObjects: number;
  commands: number;
  registered: number;
  labPods: number;
  probePods: number;
  checks: number;
  skipped: number;
  outputKiB: number;
  /** kubectl's calls in the cold run: what one `pulumi up` asks of the cluster. */
  kubectlCalls: number;
  coldMs: number;
  coldLoad: number;
  medianMs: number;
  medianLoad: number;
}

async function timedRun(nodes: number, spread: string) {
  const start = performance.now();
  const run = await runProgram({ nodeProbes: spread }, "healthy", { runStrictGate: true, nodes });
  return { ...run, ms: performance.now() - start, load: loadavg()[0] ?? 0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** What one stack registers and what the cluster would run for it. */
async function counts(cluster: MockCluster, program: Program) {
  const summary = await valueOf(program.summary);
  const outputs = await Promise.all(Object.values(program).map((value) => valueOf(value)));
  const ofPrefix = (prefix: string) =>
    cluster.registered.filter((r) => r.type.startsWith(prefix) && !r.type.includes(":providers:")).length;
  return {
    kubernetesObjects: ofPrefix("kubernetes:"),
    commands: ofPrefix("command:"),
    registered: cluster.registered.length,
    labPods: cluster.ofType("kubernetes:core/v1:Pod").length,
    // What each DaemonSet would run: a pod on each node its template lets it run on.
    probePods: Object.values(cluster.daemonSetNodes()).reduce((sum, nodes) => sum + nodes.length, 0),
    checks: summary?.total ?? 0,
    skipped: summary?.skipped ?? 0,
    // The stack's outputs as JSON: what the state keeps for it (facts and the diagram list every node).
    outputKiB: JSON.stringify(outputs).length / 1024,
  };
}

/**
 * Forgets every script output the mocks kept (test/support/pulumiMocks.ts keeps them in memory and in the
 * run's directory), so that the next run runs every script again.
 */
function forgetScriptRuns(): void {
  (globalThis as { netlabScriptRuns?: Map<string, unknown> }).netlabScriptRuns?.clear();
  const directory = inject("scriptRunsDir");
  for (const file of readdirSync(directory)) rmSync(path.join(directory, file), { force: true });
}

/** The cold run, with the fake kubectl writing a line per call (test/support/bin/fake-kubectl.mjs). */
async function coldRun(nodes: number, spread: string) {
  forgetScriptRuns();
  const directory = mkdtempSync(path.join(tmpdir(), "netlab-plan-scale-"));
  const log = path.join(directory, "kubectl.log");
  process.env.FAKE_KUBECTL_LOG = log;
  try {
    const run = await timedRun(nodes, spread);
    const calls = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0;
    return { ...run, calls };
  } finally {
    delete process.env.FAKE_KUBECTL_LOG;
    rmSync(directory, { recursive: true, force: true });
  }
}

async function measure(nodes: number, spread: (typeof SPREADS)[number]): Promise<Row> {
  const cold = await coldRun(nodes, spread);
  const warm = [];
  for (let i = 0; i < RUNS; i++) warm.push(await timedRun(nodes, spread));
  const middle = [...warm].sort((a, b) => a.ms - b.ms)[Math.floor(RUNS / 2)];
  return {
    nodes,
    spread,
    ...(await counts(cold.cluster, cold.program)),
    kubectlCalls: cold.calls,
    coldMs: cold.ms,
    coldLoad: cold.load,
    medianMs: median(warm.map((run) => run.ms)),
    medianLoad: middle?.load ?? 0,
  };
}

function table(rows: Row[]): string {
  const head =
    "| nodes | nodeProbes | Kubernetes objects | commands | registered (all) | lab pods | probe pods | " +
    "checks (skipped) | outputs | kubectl calls | plan, cold (load) | plan, median of 5 warm (load) |";
  const line = (r: Row) =>
    `| ${r.nodes} | ${r.spread} | ${r.kubernetesObjects} | ${r.commands} | ${r.registered} | ${r.labPods} | ` +
    `${r.probePods} | ${r.checks} (${r.skipped}) | ${r.outputKiB.toFixed(0)} KiB | ` +
    `${r.kubectlCalls} | ${Math.round(r.coldMs)} ms (${r.coldLoad.toFixed(2)}) | ` +
    `${Math.round(r.medianMs)} ms (${r.medianLoad.toFixed(2)}) |`;
  return [head, `|${" --- |".repeat(12)}`, ...rows.map(line)].join("\n");
}

it("plans the lab on clusters of many nodes", async () => {
  // Once before the table, so that its first row does not pay for loading Pulumi and the SDKs.
  await timedRun(1, "needed");
  const rows: Row[] = [];
  for (const nodes of NODES) for (const spread of SPREADS) rows.push(await measure(nodes, spread));
  const text = table(rows);
  console.log(`\n${text}\n`);
  if (process.env.PLAN_SCALE_OUT) writeFileSync(process.env.PLAN_SCALE_OUT, `${text}\n`);
  // The plan itself does not grow with the nodes: one DaemonSet, and checks from two nodes per claim (with
  // "all", two more, each one request per node).
  for (const spread of SPREADS) {
    const same = rows.filter((row) => row.spread === spread);
    for (const row of same) expect(row.checks).toBe(same[0]?.checks);
  }
});
