// The tutorial retold with this cluster's values, as Markdown: its sections in its order, and in each the
// checks of its claims with what the lab tried, the commands to see it yourself, what the cluster answered
// (the raw outputs of the run, trimmed) and the verdict, the same as the `checks` output gives it.
import type { CheckRun, DiscoveredFacts } from "../checks/facts";
import { sectionOf } from "../checks/judge";
import type { LiveFacts } from "../checks/lab";
import { pathLabel, summarize } from "../checks/report";
import { SCENARIOS } from "../checks/scenarios";
import type { CheckResult } from "../checks/types";
import { shellJoin } from "../shell";
import { answersOf } from "./answers";
import { mdBlock, mdCode, mdRow, mdText } from "./markdown";

export interface WalkthroughInput {
  /** The lab's namespace, where its pods and Services are. */
  namespace: string;
  /** The judged checks, in run order. */
  results: readonly CheckResult[];
  /** Each check's plan and the raw results of its steps, as the runner returned them. */
  runs: readonly CheckRun[];
  /** The lab's live facts and what the checks read from the cluster (the `facts` output). */
  facts: LiveFacts & DiscoveredFacts;
  /** Ids of the checks left out by checksOnly / checksSkip. */
  leftOut?: readonly string[];
}

const TITLE = "# Networking Basics, on this cluster";
const INTRO =
  'The tutorial "Networking Basics" retold section by section with what this cluster answered when the lab ' +
  "checked each of its claims: what the lab tried, the commands to see it yourself, the cluster's own output " +
  "and the verdict.";

/** The walkthrough of one run. */
export function formatWalkthrough(input: WalkthroughInput): string {
  const leftOut = input.leftOut ?? [];
  const runs = new Map(input.runs.map((run) => [run.plan.id, run]));
  const lines = [
    TITLE,
    "",
    INTRO,
    "",
    totals(input.results, leftOut),
    "",
    ...cluster(input.namespace, input.facts),
    ...sections(input.results, leftOut).flatMap((section, i) => sectionBlock(section, i + 1, runs)),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The counts, as the report and the summary give them. */
function totals(results: readonly CheckResult[], leftOut: readonly string[]): string {
  const { passed, failed, skipped, total } = summarize(results);
  const out = leftOut.length === 0 ? "" : ` ${leftOut.length} left out by checksOnly/checksSkip.`;
  return `**${passed} passed, ${failed} failed, ${skipped} skipped, of ${total} checks.**${out}`;
}

/** The nodes, pods and Services as the lab read them in this run: the values the sections below use. */
function cluster(namespace: string, facts: LiveFacts & DiscoveredFacts): string[] {
  const code = (value: string | number | undefined) => (value === undefined ? "-" : mdCode(String(value)));
  const nodes = facts.nodes.map((node) =>
    mdRow([
      code(node.name),
      code(node.internalIP),
      code(facts.nodeProbes[node.name]),
      facts.kubeDnsNodes.includes(node.name) ? "yes" : "no",
    ]),
  );
  // Every address of a pod or Service, one per family (two on a dual-stack cluster).
  const pods = Object.entries(facts.podIPs).map(([pod, ip]) =>
    mdRow([code(pod), code((facts.allPodIPs?.[pod] ?? [ip]).join(", ")), code(facts.podNodes[pod])]),
  );
  const services = [
    mdRow([code("kube-system/kube-dns"), code(facts.kubeDnsIP), "-"]),
    mdRow([code("default/kubernetes"), code(facts.apiServiceIP), "-"]),
    ...Object.entries(facts.services).map(([name, service]) =>
      mdRow([
        code(`${namespace}/${name}`),
        code((service.clusterIPs ?? [service.clusterIP]).join(", ")),
        code(service.nodePort),
      ]),
    ),
  ];
  const noProbes = facts.nodeProbeSkipReason;
  return [
    "## The cluster",
    "",
    "As the lab read it in this run (`-` where it was not read).",
    "",
    ...table(["node", "InternalIP", "node probe pod", "kube-dns runs here"], nodes),
    ...(noProbes === undefined ? [] : [`No node probe could run: ${mdText(noProbes)}.`, ""]),
    ...table([`pod (namespace ${mdCode(namespace)})`, "pod IP", "node"], pods),
    ...table(["Service", "ClusterIP", "node port"], services),
  ];
}

function table(header: readonly string[], rows: readonly string[]): string[] {
  if (rows.length === 0) return [];
  return [mdRow(header), mdRow(header.map(() => "---")), ...rows, ""];
}

interface Section {
  title: string;
  results: CheckResult[];
  leftOut: string[];
}

/** The tutorial's sections in its order, each with its checks in run order; checks of no section last. */
function sections(results: readonly CheckResult[], leftOut: readonly string[]): Section[] {
  const known = new Set(SCENARIOS.map((scenario) => scenario.section));
  const of = (section: string) => ({
    results: results.filter((result) => result.section === section),
    leftOut: leftOut.filter((id) => sectionOf(id) === section),
  });
  const others = {
    results: results.filter((result) => !known.has(result.section)),
    leftOut: leftOut.filter((id) => !known.has(sectionOf(id))),
  };
  return [
    ...SCENARIOS.map((scenario) => ({
      title: scenario.title,
      afterTutorial: scenario.afterTutorial,
      ...of(scenario.section),
    })).filter((s) => s.afterTutorial !== true || s.results.length + s.leftOut.length > 0),
    ...(others.results.length + others.leftOut.length === 0 ? [] : [{ title: "Other checks", ...others }]),
  ];
}

function sectionBlock(section: Section, number: number, runs: ReadonlyMap<string, CheckRun>): string[] {
  const { passed, failed, skipped, total } = summarize(section.results);
  const counted =
    total === 0
      ? "No check of this section ran in this run."
      : `${total} check${total === 1 ? "" : "s"}: ${passed} passed, ${failed} failed, ${skipped} skipped.`;
  const out =
    section.leftOut.length === 0
      ? ""
      : ` Left out by checksOnly/checksSkip: ${section.leftOut.map(mdCode).join(", ")}.`;
  return [
    `## ${number}. ${mdText(section.title)}`,
    "",
    `${counted}${out}`,
    "",
    ...section.results.flatMap((result) => checkBlock(result, runs.get(result.id))),
  ];
}

/** The outcome as the `checks` output says it, with the kind of failure. */
export function outcomeLabel(result: CheckResult): string {
  return result.outcome === "failed" ? `failed (${result.failure ?? "unknown"})` : result.outcome;
}

function checkBlock(result: CheckResult, run: CheckRun | undefined): string[] {
  return [
    `### ${mdText(result.id)}: ${outcomeLabel(result)}`,
    "",
    `> ${mdText(result.claim)}`,
    "",
    `${result.outcome === "skipped" ? "It would go" : "The lab tried it"} from ${mdCode(result.source)} ` +
      `to ${mdCode(result.target)} (${mdCode(pathLabel(result))}), expecting ${mdCode(result.expected)}.`,
    "",
    ...commands(result, run),
    ...answered(result, run),
    ...evidence(result),
    verdict(result),
    "",
    ...diagnosis(result),
  ];
}

/** The check's rerun command, one kubectl command line per step when the run's steps spell it. */
function commands(result: CheckResult, run: CheckRun | undefined): string[] {
  // A skipped check did not run: its command may name a probe that does not exist.
  if (result.command === "" || result.outcome === "skipped") return [];
  const steps = run?.plan.steps.map((step) => shellJoin(step.argv)) ?? [];
  const lines = steps.join(" && ") === result.command ? steps : [result.command];
  const intro = lines.length === 1 ? "To see it yourself:" : "To see it yourself, one after the other:";
  return [intro, "", ...mdBlock(lines.join("\n"), "sh"), ""];
}

/** What the cluster answered to each step, from the run's raw outputs. */
function answered(result: CheckResult, run: CheckRun | undefined): string[] {
  if (result.outcome === "skipped") return [];
  if (run === undefined) return ["No output of this check was recorded in this run.", ""];
  const answers = answersOf(run.plan, run.steps);
  if (answers.length === 0) return [];
  return [
    "What this cluster answered:",
    "",
    ...answers.flatMap((answer) => [
      `- ${mdText(answer.caption)}${answer.text === undefined ? "." : ":"}`,
      ...(answer.text === undefined ? [] : ["", ...mdBlock(answer.text).map((line) => `  ${line}`)]),
      "",
    ]),
  ];
}

/** The chain of facts that carried the check, each observed in this run or not read, and why not. */
function evidence(result: CheckResult): string[] {
  const links = result.evidence ?? [];
  if (links.length === 0) return [];
  return [
    "The evidence, read from the cluster in this run:",
    "",
    ...links.map((link) =>
      link.status === "observed"
        ? `- ${mdText(link.link)}: ${mdCode(link.value)}`
        : `- ${mdText(link.link)}: not read, ${mdText(link.reason)}`,
    ),
    "",
  ];
}

/** Why a failed check failed, as the report says it: the first broken link, and the command that shows it. */
function diagnosis(result: CheckResult): string[] {
  const found = result.diagnosis;
  if (result.outcome !== "failed" || found === undefined) return [];
  const shared =
    found.sharedBy === undefined
      ? ""
      : ` The same cause broke ${found.sharedBy.length} checks: ${found.sharedBy.map(mdCode).join(", ")}.`;
  const see = found.see === result.command ? [] : ["To see it:", "", ...mdBlock(found.see, "sh"), ""];
  const cause = /[.!?]$/.test(found.cause) ? found.cause : `${found.cause}.`;
  return [`**Why**: ${mdText(cause)}${shared}`, "", ...see];
}

/** The verdict, with the same observed value as the `checks` output and the report. */
function verdict(result: CheckResult): string {
  if (result.outcome === "skipped") {
    return `**Skipped**, not run: ${mdText(result.skipReason ?? "no reason given")}.`;
  }
  const connect =
    result.timing === undefined ? "" : ` (TCP connect ${result.timing.connectMs.toFixed(2)} ms)`;
  const label = result.outcome === "passed" ? "Passed" : `Failed (${result.failure ?? "unknown"})`;
  return `**${label}**${connect}: ${mdCode(result.observed)}`;
}
