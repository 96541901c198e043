// The walkthrough output of index.ts under mocks, against the other outputs of the same run: every check
// and its outcome in the same order as `checks` and `junit`, the same counts as `summary` and `report`, and
// the same cluster values as `facts`, `pods` and the diagram.
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../lib/checks/types";
import { type MockOptions, type Program, runProgram, type Scenario, valueOf } from "./support/pulumiMocks";

interface Run {
  program: Program;
  results: CheckResult[];
  walkthrough: string;
}

async function run(
  config: Record<string, string> = {},
  scenario: Scenario = "healthy",
  options: MockOptions = { runStrictGate: true },
): Promise<Run> {
  const { program } = await runProgram(config, scenario, options);
  return {
    program,
    results: (await valueOf(program.checks)) ?? [],
    walkthrough: (await valueOf(program.walkthrough)) ?? "",
  };
}

/** The checks as the walkthrough lists them: id and outcome, from each check's heading. */
const walkthroughChecks = (markdown: string): string[][] =>
  [...markdown.matchAll(/^### (\S+): (.+)$/gm)].map((m) => [m[1] as string, m[2] as string]);

/** The outcome as the walkthrough's headings say it. */
const outcomeOf = (r: CheckResult): string => (r.outcome === "failed" ? `failed (${r.failure})` : r.outcome);

/** The test cases of the JUnit report: name and outcome. */
const junitCases = (junit: string): string[][] =>
  [...junit.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g)].map((m) => [
    m[1] as string,
    m[2]?.includes("<skipped") ? "skipped" : m[2]?.includes("<failure") ? "failed" : "passed",
  ]);

/** What the walkthrough, the summary, the report and JUnit say of the same run must agree. */
async function expectAgreement({ program, results, walkthrough }: Run): Promise<void> {
  expect(walkthroughChecks(walkthrough)).toEqual(results.map((r) => [r.id, outcomeOf(r)]));
  const junit = junitCases((await valueOf(program.junit)) ?? "");
  expect(walkthroughChecks(walkthrough).map(([id, outcome]) => [id, outcome?.split(" ")[0]])).toEqual(junit);

  const summary = await valueOf(program.summary);
  const totals = /^\*\*(\d+) passed, (\d+) failed, (\d+) skipped, of (\d+) checks\.\*\*/m.exec(walkthrough);
  expect(totals?.slice(1).map(Number)).toEqual([
    summary?.passed,
    summary?.failed,
    summary?.skipped,
    summary?.total,
  ]);
  const report = (await valueOf(program.report)) ?? "";
  const reported = /^(\d+)\/(\d+) checks (passed|failed)/m.exec(report);
  const counted = summary?.failed === 0 ? summary?.passed : summary?.failed;
  expect(reported?.slice(1)).toEqual([String(counted), String(summary?.total), expect.any(String)]);
  const leftOut = /^(\d+) check\(s\) left out/m.exec(report)?.[1] ?? "0";
  const saidLeftOut = /\*\* (\d+) left out by checksOnly\/checksSkip\./.exec(walkthrough)?.[1] ?? "0";
  expect(saidLeftOut).toBe(leftOut);

  // Each failure's diagnosis and each check's evidence, as `checks` carries them.
  const count = (pattern: RegExp) => (walkthrough.match(pattern) ?? []).length;
  const diagnosed = results.filter((r) => r.outcome === "failed" && r.diagnosis !== undefined);
  expect(count(/^\*\*Why\*\*: /gm)).toBe(diagnosed.length);
  const withEvidence = results.filter((r) => (r.evidence ?? []).length > 0);
  expect(count(/^The evidence, read from the cluster in this run:$/gm)).toBe(withEvidence.length);
}

/** The cluster's values in the walkthrough are those of `facts`, `pods` and the diagram. */
async function expectClusterValues({ program, walkthrough }: Run): Promise<void> {
  const facts = await valueOf(program.facts);
  const diagram = (await valueOf(program.diagram)) ?? "";
  for (const node of facts?.nodes ?? []) {
    expect(walkthrough).toContain(`| \`${node.name}\` | \`${node.internalIP}\` |`);
    expect(diagram).toContain(node.internalIP);
  }
  // Every address of a pod or Service, its IPv4 one first (two on a dual-stack cluster).
  for (const pod of (await valueOf(program.pods)) ?? []) {
    const ips = (facts?.allPodIPs?.[pod.name] ?? [pod.ip]).join(", ");
    expect(ips.startsWith(pod.ip)).toBe(true);
    expect(walkthrough).toContain(`| \`${pod.name}\` | \`${ips}\` | \`${pod.node}\` |`);
    expect(diagram).toContain(pod.ip);
  }
  for (const [name, service] of Object.entries(facts?.services ?? {})) {
    const ips = (service.clusterIPs ?? [service.clusterIP]).join(", ");
    expect(walkthrough).toContain(`| \`netlab/${name}\` | \`${ips}\` |`);
    expect(diagram).toContain(service.clusterIP);
  }
  expect(walkthrough).toContain(`| \`kube-system/kube-dns\` | \`${facts?.kubeDnsIP}\` |`);
}

describe("the walkthrough output", () => {
  it("agrees with the other outputs of a healthy lab, and retells the tutorial in its order", async () => {
    const healthy = await run();
    await expectAgreement(healthy);
    await expectClusterValues(healthy);
    const sections = [...healthy.walkthrough.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      "The cluster",
      "1. Inside a pod: containers share one network",
      "2. From a node to a pod",
      "3. From pod to pod",
      "4. Cluster DNS: kube-dns",
      "5. Services: kubectl expose",
      "6. IPv6 on a dual-stack cluster",
    ]);
    // What the cluster answered comes from the raw outputs of the run: the files and answers themselves.
    expect(healthy.walkthrough).toContain("  10.244.0.7\tpod-demo\n");
    expect(healthy.walkthrough).toContain("  nameserver 10.96.0.10\n");
    expect(healthy.walkthrough).toContain("  Name:\tsvc-clusterip-nginx.netlab.svc.cluster.local\n");
    expect(healthy.walkthrough).toContain("  <title>Welcome to nginx!</title>\n");
    // The timing line the probes add after a page is the lab's, not the server's.
    expect(healthy.walkthrough).not.toMatch(/^ {2}netlab-timing/m);
    // Every check that ran gives its rerun command, as `checks` does.
    for (const r of healthy.results.filter((result) => result.outcome !== "skipped")) {
      expect(healthy.walkthrough).toContain(r.command.split(" && ").at(-1));
    }
  });

  it("agrees with the other outputs of a broken lab, on two dual-stack nodes, and with checks left out", async () => {
    const broken = await run({}, "broken");
    await expectAgreement(broken);
    expect(broken.results.every((r) => r.outcome !== "failed" || r.diagnosis !== undefined)).toBe(true);
    const twoNodes = await run({}, "healthy", { runStrictGate: true, nodes: 2, dualStack: true });
    await expectAgreement(twoNodes);
    await expectClusterValues(twoNodes);
    const selected = await run({ checksOnly: "dns.*,pod-demo.localhost", checksSkip: "*.tcp" });
    await expectAgreement(selected);
    expect(selected.walkthrough).toContain("**13 passed, 0 failed, 0 skipped, of 13 checks.** 23 left out");
    expect(selected.walkthrough).toMatch(/^No check of this section ran in this run\. Left out by /m);
  });

  it("is absent when the checks are off", async () => {
    const { program } = await runProgram({ labs: "eg1", checks: "false" });
    expect(await valueOf(program.walkthrough)).toBeUndefined();
  });
});
