// The one judge of every check: reads its steps' results against its expectation.
import {
  classifyConnectFailure,
  ndots,
  parseHeadSections,
  parseHostsFile,
  parseHttpResponse,
  parseNetworkIdentity,
  parseNslookup,
  parseResolvConf,
} from "./parsers";
import { displayCommand } from "./kubectl";
import { splitTiming } from "./timing";
import type { CheckPlan, CheckResult, Expectation, FailureKind, HttpTool, StepResult } from "./types";

const EXCERPT_LENGTH = 240;

/** A short, single-line excerpt of command output for reports. */
export function excerpt(text: string, length = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

interface Verdict {
  failure?: FailureKind;
  observed: string;
}

const pass = (observed: string): Verdict => ({ observed });
const fail = (failure: FailureKind, observed: string): Verdict => ({ failure, observed });

function execFailure(step: StepResult): Verdict | undefined {
  if (step.timedOut)
    return fail("exec-error", `kubectl did not finish before its deadline (${step.attempts} attempt(s))`);
  if (step.remoteExit === undefined && /executable file not found/.test(step.stderr)) {
    return fail("exec-error", `the probe's tool is missing from the image: ${excerpt(step.stderr)}`);
  }
  if (step.remoteExit === undefined) {
    return fail(
      "exec-error",
      `kubectl failed (exit ${step.kubectlExit}, ${step.attempts} attempt(s)): ${excerpt(step.stderr)}`,
    );
  }
  if (step.remoteExit === 126 || step.remoteExit === 127) {
    return fail(
      "exec-error",
      `the command could not run in the container (exit ${step.remoteExit}): ${excerpt(step.stderr)}`,
    );
  }
  return undefined;
}

function lineWith(text: string, marker: string): string {
  return excerpt(text.split("\n").find((line) => line.includes(marker)) ?? text);
}

function judgeHttp(step: StepResult, tool: HttpTool, marker: string): Verdict {
  const exit = step.remoteExit ?? -1;
  if (exit !== 0) {
    const kind = classifyConnectFailure(exit, step.stderr) ?? "wrong-answer";
    return fail(kind, `exit ${exit}: ${excerpt(step.stderr || step.stdout)}`);
  }
  const body = tool === "curl" ? step.stdout : parseHttpResponse(step.stdout).body;
  if (body.includes(marker)) return pass(lineWith(body, marker));
  return fail("wrong-answer", `the page lacks "${marker}": ${excerpt(body)}`);
}

function judgeRefused(step: StepResult): Verdict {
  const exit = step.remoteExit ?? -1;
  if (exit === 0)
    return fail(
      "wrong-answer",
      `the connection succeeded while it should have been refused: ${excerpt(step.stdout)}`,
    );
  const kind = classifyConnectFailure(exit, step.stderr);
  const observed = `exit ${exit}: ${excerpt(step.stderr)}`;
  return kind === "refused" ? pass(observed) : fail(kind ?? "wrong-answer", observed);
}

function judgeIdentity(
  steps: readonly StepResult[],
  containers: readonly string[],
  podName: string,
  podIP: string,
): Verdict {
  const seen: string[] = [];
  for (const [i, step] of steps.entries()) {
    const sections = parseHeadSections(step.stdout);
    const hostname = sections.get("/proc/sys/kernel/hostname")?.trim();
    const hosts = parseHostsFile(sections.get("/etc/hosts") ?? "");
    const container = containers[i] ?? `step ${i + 1}`;
    if (hostname !== podName)
      return fail("wrong-answer", `${container}: hostname is ${JSON.stringify(hostname)}, not ${podName}`);
    if (!hosts.kubeletManaged)
      return fail("wrong-answer", `${container}: /etc/hosts is not the kubelet-managed file`);
    const entry = hosts.entries.find((e) => e.names.includes(podName));
    if (entry?.address !== podIP) {
      return fail(
        "wrong-answer",
        `${container}: /etc/hosts maps ${podName} to ${entry?.address ?? "nothing"}, not ${podIP}`,
      );
    }
    seen.push(`${container}: hostname ${hostname}, /etc/hosts ${entry.address} ${podName}`);
  }
  return pass(seen.join("; "));
}

function judgeSharedNetwork(
  steps: readonly StepResult[],
  containers: readonly string[],
  podIP: string,
): Verdict {
  const identities = steps.map((step) => parseNetworkIdentity(step.stdout));
  for (const [i, id] of identities.entries()) {
    const container = containers[i] ?? `step ${i + 1}`;
    if (!id.interfaces.includes("lo") || !id.interfaces.includes("eth0")) {
      return fail(
        "wrong-answer",
        `${container} sees interfaces [${id.interfaces.join(" ")}], not eth0 and lo`,
      );
    }
    if (!id.localAddresses.includes(podIP)) {
      return fail(
        "wrong-answer",
        `${container} has addresses [${id.localAddresses.join(" ")}], not the pod IP ${podIP}`,
      );
    }
  }
  const first = identities[0];
  if (first === undefined) return fail("exec-error", "no container was probed");
  const differing = identities.findIndex((id) => id.netns !== first.netns || id.eth0Mac !== first.eth0Mac);
  if (differing >= 0 || first.netns === undefined) {
    return fail(
      "wrong-answer",
      identities.map((id, i) => `${containers[i]}: ${id.netns} eth0 ${id.eth0Mac}`).join("; "),
    );
  }
  return pass(`${containers.join(" and ")} share ${first.netns}: eth0 ${first.eth0Mac} ${podIP}, lo`);
}

function judgeResolvConf(
  ipStep: StepResult,
  confStep: StepResult,
  search: string[],
  wantNdots: number,
): Verdict {
  const kubeDnsIP = ipStep.stdout.trim();
  const conf = parseResolvConf(confStep.stdout);
  const summary = `nameserver ${conf.nameservers.join(",")}; search ${conf.search.join(" ")}; options ${conf.options.join(" ")}`;
  if (kubeDnsIP === "" || conf.nameservers[0] !== kubeDnsIP) {
    return fail("wrong-answer", `kube-dns is ${kubeDnsIP || "missing"}, resolv.conf has ${summary}`);
  }
  const searchOk = search.every((domain, i) => conf.search[i] === domain);
  if (!searchOk || ndots(conf) !== wantNdots) return fail("wrong-answer", summary);
  return pass(summary);
}

function judgeDns(step: StepResult, name: string, address: string): Verdict {
  const answer = parseNslookup(step.stdout, step.stderr, step.remoteExit ?? -1);
  const via = answer.server === undefined ? "" : ` (server ${answer.server})`;
  const output = excerpt(`${step.stdout}\n${step.stderr}`);
  switch (answer.error) {
    case undefined:
      break;
    case "timeout":
      return fail("timeout", `no answer for ${name}${via}: ${output}`);
    case "port-unreachable":
      return fail(
        "refused",
        `nothing listens on ${answer.server ?? "the DNS server"} port 53: the query for ${name} was refused (ICMP port unreachable, as from a Service without ready endpoints): ${output}`,
      );
    case "refused":
      return fail("refused", `the DNS server${via} refused to answer for ${name} (rcode REFUSED): ${output}`);
    default:
      return fail("dns-failure", `${name}: ${answer.error}${via}: ${output}`);
  }
  const observed = `${answer.name ?? name} -> ${answer.addresses.join(", ")}${via}`;
  return answer.addresses.includes(address) ? pass(observed) : fail("wrong-answer", observed);
}

function judgeSteps(expectation: Expectation, steps: readonly StepResult[]): Verdict {
  const last = steps[steps.length - 1];
  if (last === undefined) return fail("exec-error", "the check ran no step");
  switch (expectation.type) {
    case "http":
      return judgeHttp(last, expectation.tool, expectation.marker);
    case "http-by-name": {
      const lookup = steps[0] as StepResult;
      const address = lookup.stdout.trim().split(/\s+/)[0];
      if (lookup.remoteExit !== 0 || address === undefined || address === "") {
        return fail(
          "dns-failure",
          `getent hosts ${expectation.name} found nothing (exit ${lookup.remoteExit})`,
        );
      }
      if (address !== expectation.address) {
        return fail(
          "wrong-answer",
          `${expectation.name} resolves to ${address}, not the pod IP ${expectation.address}`,
        );
      }
      const page = judgeHttp(last, "curl", expectation.marker);
      return page.failure ? page : pass(`${expectation.name} -> ${address} (/etc/hosts); ${page.observed}`);
    }
    case "refused":
      return judgeRefused(last);
    case "pod-identity":
      return judgeIdentity(steps, expectation.containers, expectation.podName, expectation.podIP);
    case "shared-network":
      return judgeSharedNetwork(steps, expectation.containers, expectation.podIP);
    case "service-exists": {
      const ip = last.stdout.trim();
      if (last.remoteExit !== 0 || !/^[0-9a-fA-F.:]+$/.test(ip)) {
        return fail("wrong-answer", `no such service: ${excerpt(last.stderr || last.stdout)}`);
      }
      return pass(`ClusterIP ${ip}`);
    }
    case "resolv-conf":
      return judgeResolvConf(steps[0] as StepResult, last, expectation.search, expectation.ndots);
    case "dns":
      return judgeDns(last, expectation.name, expectation.address ?? (steps[0] as StepResult).stdout.trim());
  }
}

/** The part of the lab a check belongs to: the first part of its id. */
export function sectionOf(id: string): string {
  return id.split(".")[0] ?? id;
}

/** A wait for a Service's endpoint that ended without seeing it ready. */
function endpointFailure(plan: CheckPlan, steps: readonly StepResult[]): Verdict | undefined {
  for (const [i, step] of plan.steps.entries()) {
    const result = steps[i];
    if (step.kind !== "wait" || result === undefined || !result.timedOut) continue;
    const address = (step.until ?? "").replace(/=true$/, "");
    const seen = result.stdout
      .trim()
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("changed="))
      .join(", ");
    return fail(
      "no-endpoint",
      `the Service did not list ${address} as a ready endpoint within ${Math.round(result.durationMs / 1000)} s ` +
        `(${result.attempts} look(s)); its endpoints: ${seen || "none"}${result.stderr ? `; ${excerpt(result.stderr)}` : ""}`,
    );
  }
  return undefined;
}

/** Judges one check from its steps' results. */
export function judgeCheck(plan: CheckPlan, rawSteps: readonly StepResult[]): CheckResult {
  // The HTTP probes end their output with a timing line: judge what the server sent, keep the timing.
  const split = rawSteps.map((step) => splitTiming(step.stdout));
  const steps = rawSteps.map((step, i) => ({ ...step, stdout: split[i]?.body ?? step.stdout }));
  const lastTiming = split.at(-1)?.timing;
  const timed = ["http", "http-by-name"].includes(plan.expectation.type) && lastTiming !== undefined;
  const failedExec =
    endpointFailure(plan, steps) ??
    steps
      .filter((_, i) => plan.steps[i]?.kind !== "wait")
      .map(execFailure)
      .find((v) => v !== undefined);
  const verdict =
    plan.skipReason !== undefined
      ? undefined
      : steps.length !== plan.steps.length
        ? fail("exec-error", `expected ${plan.steps.length} step result(s), got ${steps.length}`)
        : (failedExec ?? judgeSteps(plan.expectation, steps));
  return {
    id: plan.id,
    section: sectionOf(plan.id),
    claim: plan.claim,
    source: plan.source,
    target: plan.target,
    from: plan.from,
    to: plan.to,
    via: plan.via,
    ...(plan.sourceNode === undefined ? {} : { sourceNode: plan.sourceNode }),
    ...(plan.targetNode === undefined ? {} : { targetNode: plan.targetNode }),
    path: plan.path,
    command: displayCommand(plan.steps),
    expected: plan.expected,
    observed: verdict?.observed ?? `skipped: ${plan.skipReason}`,
    outcome: verdict === undefined ? "skipped" : verdict.failure === undefined ? "passed" : "failed",
    ...(verdict?.failure === undefined ? {} : { failure: verdict.failure }),
    ...(plan.skipReason === undefined ? {} : { skipReason: plan.skipReason }),
    ...(timed && verdict?.failure === undefined ? { timing: lastTiming } : {}),
    durationMs: steps.reduce((total, step) => total + step.durationMs, 0),
    attempts: steps.reduce((most, step) => Math.max(most, step.attempts), 0),
  };
}
