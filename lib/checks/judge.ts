// The one judge of every check: reads its steps' results against its expectation.
import { readFrontStatus, ROUTE_ACCEPTED } from "../ingress";
import { familyOf } from "../network";
import { excerpt } from "../text";
import * as parsers from "./parsers";
import { displayCommand } from "./kubectl";
import { PAGE_MARKERS } from "./lab";
import { splitTiming, TIMING_PREFIX as TIMING_LINE } from "./timing";
import type { CheckPlan, CheckResult, Expectation, FailureKind, HttpTool, Step, StepResult } from "./types";

/** Each kind of expectation by its type. */
type ExpectationOf = { [E in Expectation as E["type"]]: E };

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

/** A probe that did not get its answer: the kind of failure its exit and words say, and those words. */
function connectionFailed(step: StepResult, said = step.stderr || step.stdout, before = ""): Verdict {
  const exit = step.remoteExit ?? -1;
  const kind = parsers.classifyConnectFailure(exit, step.stderr) ?? "wrong-answer";
  return fail(kind, `${before}exit ${exit}: ${excerpt(said)}`);
}

function judgeHttp(step: StepResult, tool: HttpTool, marker: string): Verdict {
  if ((step.remoteExit ?? -1) !== 0) return connectionFailed(step);
  const body = tool === "curl" ? step.stdout : parsers.parseHttpResponse(step.stdout).body;
  if (body.includes(marker)) return pass(lineWith(body, marker));
  return fail("wrong-answer", `the page lacks "${marker}": ${excerpt(body)}`);
}

/** The page from each node's host network: every one must have it; the first that does not says why. */
function judgeHttpFromEach(steps: readonly StepResult[], nodes: readonly string[], marker: string): Verdict {
  const fetched = steps.slice(steps.length - nodes.length);
  if (nodes.length === 0) return fail("exec-error", "no node probe ran: no node to ask");
  const verdicts = fetched.map((step, i) => ({
    node: nodes[i] as string,
    verdict: judgeHttp(step, "curl", marker),
  }));
  const failed = verdicts.filter(({ verdict }) => verdict.failure !== undefined);
  const first = failed[0];
  if (first === undefined)
    return pass(`${nodes.length}/${nodes.length} nodes: ${lineWith(fetched[0]?.stdout ?? "", marker)}`);
  const which = failed.map(({ node }) => node).join(", ");
  return fail(
    first.verdict.failure as FailureKind,
    `${failed.length}/${nodes.length} nodes got no page (${which}); ${first.node}: ${first.verdict.observed}`,
  );
}

/** Which backend answered each request of a repeated GET, one name per line (agnhost's /hostname). */
function judgeBackends(step: StepResult, e: ExpectationOf["backends"]): Verdict {
  const answers = step.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith(TIMING_LINE));
  const counts = new Map(e.backends.map((backend) => [backend, 0]));
  for (const answer of answers) if (counts.has(answer)) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  const answered = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const tally = [...counts].map(([backend, n]) => `${backend} ${n}`).join(", ");
  if (answered < e.requests) {
    const strangers = answers.filter((answer) => !counts.has(answer));
    // The loop goes on after a failed request, so curl's own code is read from what it said.
    const curlExit = Number(/curl: \((\d+)\)/.exec(step.stderr)?.[1] ?? step.remoteExit ?? -1);
    const kind = parsers.classifyConnectFailure(curlExit, step.stderr) ?? "wrong-answer";
    const why =
      step.stderr.trim() !== "" ? excerpt(step.stderr) : `other answers: ${excerpt(strangers.join(" "))}`;
    return fail(kind, `${answered}/${e.requests} requests answered (${tally}); ${why}`);
  }
  const answering = [...counts].filter(([, n]) => n > 0).map(([backend]) => backend);
  if (e.answer === "one") {
    return answering.length === 1
      ? pass(`${answered}/${e.requests} answered, all by ${answering[0] as string}`)
      : fail("wrong-answer", `the answers came from ${answering.length} backends: ${tally}`);
  }
  const silent = e.backends.filter((backend) => (counts.get(backend) ?? 0) === 0);
  return silent.length === 0
    ? pass(`${answered}/${e.requests} answered: ${tally}`)
    : fail("wrong-answer", `${silent.join(", ")} never answered: ${tally}`);
}

/** The source address agnhost's /clientip saw ("10.250.0.2:41234"), against the client's own. */
function judgeClientIP(step: StepResult, e: ExpectationOf["client-ip"]): Verdict {
  if ((step.remoteExit ?? -1) !== 0) return connectionFailed(step);
  const seen = parsers.parseClientIP(step.stdout);
  if (seen === undefined)
    return fail("wrong-answer", `no client address in the answer: ${excerpt(step.stdout)}`);
  const kept = seen === e.address;
  if (e.source === "kept") {
    return kept
      ? pass(`the backend saw the client's own address ${seen}`)
      : fail("wrong-answer", `the backend saw ${seen}, not the client's address ${e.address}`);
  }
  return kept
    ? fail("wrong-answer", `the backend saw the client's own address ${seen}: the source was not rewritten`)
    : pass(`the backend saw ${seen}, not the client's ${e.address}: the source was rewritten`);
}

/** A large body sent and read back: every byte must come back as it went. */
function judgeTransfer(step: StepResult, bytes: number): Verdict {
  const { sent, received } = parsers.parseTransfer(step.stdout);
  const got = `${received?.bytes ?? 0} of ${bytes} bytes back`;
  if ((step.remoteExit ?? -1) !== 0) {
    // curl's own line, rather than what kubectl logged about the long exec before it.
    const curl = step.stderr.split("\n").find((line) => /^curl: \(\d+\)/.test(line));
    return connectionFailed(step, curl ?? (step.stderr || step.stdout), `${got}: `);
  }
  if (sent === undefined || received === undefined || sent.bytes !== bytes) {
    return fail("wrong-answer", `the transfer printed no sizes: ${excerpt(step.stdout || step.stderr)}`);
  }
  if (received.bytes !== sent.bytes || received.sha256 !== sent.sha256) {
    return fail(
      "wrong-answer",
      `${got}, checksum ${received.sha256 === sent.sha256 ? "equal" : "different"}`,
    );
  }
  return pass(`${bytes} bytes each way, checksum ${sent.sha256.slice(0, 12)}… equal`);
}

/** A request that must get no answer at all: dropped, so curl gives up at its connect timeout. */
function judgeDropped(step: StepResult): Verdict {
  const exit = step.remoteExit ?? -1;
  if (exit === 0) return fail("wrong-answer", `it answered: ${excerpt(step.stdout)}`);
  const kind = parsers.classifyConnectFailure(exit, step.stderr);
  const observed = `exit ${exit}: ${excerpt(step.stderr)}`;
  return kind === "timeout"
    ? pass(`no answer, as expected: ${observed}`)
    : fail(kind ?? "wrong-answer", observed);
}

function judgeRefused(step: StepResult): Verdict {
  const exit = step.remoteExit ?? -1;
  if (exit === 0)
    return fail(
      "wrong-answer",
      `the connection succeeded while it should have been refused: ${excerpt(step.stdout)}`,
    );
  const kind = parsers.classifyConnectFailure(exit, step.stderr);
  const observed = `exit ${exit}: ${excerpt(step.stderr)}`;
  return kind === "refused" ? pass(observed) : fail(kind ?? "wrong-answer", observed);
}

/** A backend's own 404 page: a request that reached httpd or nginx, where the controller should have answered. */
const BACKEND_NOT_FOUND: Record<keyof typeof PAGE_MARKERS, RegExp> = {
  httpd: /The requested URL was not found on this server\./,
  // With or without its version, as server_tokens says.
  nginx: /<center>nginx(?:\/[\d.]+)?<\/center>/,
};

/** Which tutorial server's page (or own 404) a body is, if any. */
function backendOf(body: string): string | undefined {
  for (const [server, marker] of Object.entries(PAGE_MARKERS)) if (body.includes(marker)) return server;
  for (const [server, page] of Object.entries(BACKEND_NOT_FOUND))
    if (page.test(body)) return `${server} (its own 404)`;
  return undefined;
}

/** A host and path through the controller: the backend's page, or, with no rule matching, the controller's 404. */
function judgeRouted(step: StepResult, marker: string | null): Verdict {
  if ((step.remoteExit ?? -1) !== 0) return connectionFailed(step);
  const { body, status } = parsers.parseStatusLine(step.stdout);
  const code = `HTTP ${status ?? "?"}`;
  const landed = backendOf(body);
  if (marker === null) {
    if (status === 404 && landed === undefined) return pass(`${code} from the controller: ${excerpt(body)}`);
    const what = landed === undefined ? excerpt(body) : `${landed} answered: ${lineWith(body, "<title>")}`;
    return fail("wrong-answer", `${code}, not the controller's 404: ${what}`);
  }
  if (status === 200 && body.includes(marker)) return pass(`${code}: ${lineWith(body, marker)}`);
  if (status === 404 && landed === undefined) {
    return fail(
      "wrong-answer",
      `${code} from the controller: no rule of the lab's routes matched this host and path: ${excerpt(body)}`,
    );
  }
  const wrong = landed === undefined ? "" : `${landed} answered, `;
  return fail("wrong-answer", `${code}, ${wrong}the page lacks "${marker}": ${excerpt(body)}`);
}

/** The lab's Ingress or Gateway as its controller took it: the address it published, or the one configured. */
function judgeFrontAddress(step: StepResult, e: ExpectationOf["front-address"]): Verdict {
  const status = readFrontStatus(step.stdout);
  const kind = e.front === "ingress" ? "IngressClass" : "GatewayClass";
  const by = `${kind} ${e.className}${e.controller === undefined ? "" : ` (controller ${e.controller})`}`;
  const conditions = status.conditions === undefined ? "" : `; conditions ${status.conditions}`;
  if (status.problem !== undefined)
    return fail("exec-error", `its status could not be read: ${status.problem}`);
  const published = status.address ?? "no address";
  if (e.addressFrom === "config") {
    return pass(
      `${by}: requests go to ${e.address ?? "?"} (ingress.address); it published ${published}${conditions}`,
    );
  }
  if (status.address === undefined) {
    return fail(
      "wrong-answer",
      `${by} published no address for the lab's ${e.front === "ingress" ? "Ingress" : "Gateway"}: its ` +
        `controller has not taken it${conditions}`,
    );
  }
  return e.address === null || e.address === status.address
    ? pass(`${by} published ${status.address}${conditions}`)
    : fail("wrong-answer", `${by} published ${status.address}, not ${e.address} as read before the checks`);
}

function judgeIdentity(
  steps: readonly StepResult[],
  containers: readonly string[],
  podName: string,
  podIP: string,
): Verdict {
  const seen: string[] = [];
  for (const [i, step] of steps.entries()) {
    const sections = parsers.parseHeadSections(step.stdout);
    const hostname = sections.get("/proc/sys/kernel/hostname")?.trim();
    const hosts = parsers.parseHostsFile(sections.get("/etc/hosts") ?? "");
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
  const identities = steps.map((step) => parsers.parseNetworkIdentity(step.stdout));
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

/** `ipStep` read kube-dns's ClusterIP; without it, resolv.conf only has to name a nameserver. */
function judgeResolvConf(
  ipStep: StepResult | undefined,
  confStep: StepResult,
  search: string[],
  wantNdots: number,
): Verdict {
  const conf = parsers.parseResolvConf(confStep.stdout);
  const summary = `nameserver ${conf.nameservers.join(",")}; search ${conf.search.join(" ")}; options ${conf.options.join(" ")}`;
  if (ipStep === undefined) {
    if (conf.nameservers.length === 0)
      return fail("wrong-answer", `resolv.conf names no nameserver: ${summary}`);
  } else {
    const kubeDnsIP = ipStep.stdout.trim();
    if (kubeDnsIP === "" || conf.nameservers[0] !== kubeDnsIP) {
      return fail("wrong-answer", `kube-dns is ${kubeDnsIP || "missing"}, resolv.conf has ${summary}`);
    }
  }
  const searchOk = search.every((domain, i) => conf.search[i] === domain);
  if (!searchOk || parsers.ndots(conf) !== wantNdots) return fail("wrong-answer", summary);
  return pass(summary);
}

function judgeDns(step: StepResult, name: string, address: string): Verdict {
  const answer = parsers.parseNslookup(step.stdout, step.stderr, step.remoteExit ?? -1);
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
    case "no-answer":
      return fail(
        "dns-failure",
        `${name} exists but has no ${familyOf(address)} address${via} (no-answer): ${output}`,
      );
    default:
      return fail("dns-failure", `${name}: ${answer.error}${via}: ${output}`);
  }
  const observed = `${answer.name ?? name} -> ${answer.addresses.join(", ")}${via}`;
  if (answer.addresses.includes(address)) return pass(observed);
  // An answer of one family where the other was wanted (the A of a dual-stack Service, not its AAAA) says so.
  const family = familyOf(address);
  const ofFamily = answer.addresses.filter((a) => familyOf(a) === family);
  return fail(
    "wrong-answer",
    ofFamily.length > 0 ? observed : `${observed}: no ${family} address in the answer, ${address} wanted`,
  );
}

function judgeHttpByName(
  expectation: ExpectationOf["http-by-name"],
  lookup: StepResult,
  fetched: StepResult,
): Verdict {
  const { name, address, marker } = expectation;
  const own = [address, ...(expectation.otherAddresses ?? [])];
  const found = lookup.stdout.trim().split(/\s+/)[0];
  if (lookup.remoteExit !== 0 || found === undefined || found === "") {
    return fail("dns-failure", `getent hosts ${name} found nothing (exit ${lookup.remoteExit})`);
  }
  // On a dual-stack cluster /etc/hosts has both of the pod's addresses, and getent may answer either.
  if (!own.includes(found)) {
    const ips = own.length === 1 ? `the pod IP ${address}` : `one of the pod's IPs ${own.join(", ")}`;
    return fail("wrong-answer", `${name} resolves to ${found}, not ${ips}`);
  }
  const page = judgeHttp(fetched, "curl", marker);
  const hosts = own.length === 1 ? "/etc/hosts" : `/etc/hosts, the pod's ${familyOf(found)} address`;
  return page.failure ? page : pass(`${name} -> ${found} (${hosts}); ${page.observed}`);
}

function judgeServiceExists(step: StepResult): Verdict {
  const ip = step.stdout.trim();
  if (step.remoteExit !== 0 || !/^[0-9a-fA-F.:]+$/.test(ip)) {
    return fail("wrong-answer", `no such service: ${excerpt(step.stderr || step.stdout)}`);
  }
  return pass(`ClusterIP ${ip}`);
}

/** One judge per kind of expectation, given the check's steps (at least one) and the last of them. */
const JUDGES: {
  [T in keyof ExpectationOf]: (
    expectation: ExpectationOf[T],
    steps: readonly StepResult[],
    last: StepResult,
  ) => Verdict;
} = {
  http: (e, _steps, last) => judgeHttp(last, e.tool, e.marker),
  routed: (e, _steps, last) => judgeRouted(last, e.marker),
  "front-address": (e, _steps, last) => judgeFrontAddress(last, e),
  "http-from-each": (e, steps) => judgeHttpFromEach(steps, e.nodes, e.marker),
  backends: (e, _steps, last) => judgeBackends(last, e),
  "client-ip": (e, _steps, last) => judgeClientIP(last, e),
  dropped: (_e, _steps, last) => judgeDropped(last),
  transfer: (e, _steps, last) => judgeTransfer(last, e.bytes),
  "http-by-name": (e, steps, last) => judgeHttpByName(e, steps[0] as StepResult, last),
  refused: (_e, _steps, last) => judgeRefused(last),
  "pod-identity": (e, steps) => judgeIdentity(steps, e.containers, e.podName, e.podIP),
  "shared-network": (e, steps) => judgeSharedNetwork(steps, e.containers, e.podIP),
  "service-exists": (_e, _steps, last) => judgeServiceExists(last),
  "resolv-conf": (e, steps, last) =>
    judgeResolvConf(
      e.nameserver === "kube-dns" ? (steps[0] as StepResult) : undefined,
      last,
      e.search,
      e.ndots,
    ),
  dns: (e, steps, last) => judgeDns(last, e.name, e.address ?? (steps[0] as StepResult).stdout.trim()),
};

// Generic, so that the compiler pairs each judge with its own kind of expectation.
function judgeAs<T extends keyof ExpectationOf>(
  type: T,
  expectation: ExpectationOf[T],
  steps: readonly StepResult[],
  last: StepResult,
): Verdict {
  return JUDGES[type](expectation, steps, last);
}

function judgeSteps(expectation: Expectation, steps: readonly StepResult[]): Verdict {
  const last = steps[steps.length - 1];
  if (last === undefined) return fail("exec-error", "the check ran no step");
  return judgeAs(expectation.type, expectation, steps, last);
}

/** The part of the lab a check belongs to: the first part of its id. */
export function sectionOf(id: string): string {
  return id.split(".")[0] ?? id;
}

/** A wait for an HTTPRoute's acceptance that ended without it: the Gateway never took the route. */
function routeNotAccepted(step: Step, result: StepResult): Verdict {
  const route = step.argv[step.argv.indexOf("httproutes.gateway.networking.k8s.io") + 1] ?? "the HTTPRoute";
  const seen = result.stdout
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("accepted="))
    .join(", ");
  return fail(
    "wrong-answer",
    `the Gateway did not accept ${route} within ${Math.round(result.durationMs / 1000)} s ` +
      `(${result.attempts} look(s)): ${seen || "no parent in its status"}${result.stderr ? `; ${excerpt(result.stderr)}` : ""}`,
  );
}

/** A wait for a Service's endpoint (or an HTTPRoute's acceptance) that ended without seeing it. */
function endpointFailure(plan: CheckPlan, steps: readonly StepResult[]): Verdict | undefined {
  for (const [i, step] of plan.steps.entries()) {
    const result = steps[i];
    if (step.kind !== "wait" || result === undefined || !result.timedOut) continue;
    if (step.until === ROUTE_ACCEPTED) return routeNotAccepted(step, result);
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

/** Why the check failed before its expectation could be judged: a missing step, a wait, a kubectl error. */
function execFailureOf(plan: CheckPlan, steps: readonly StepResult[]): Verdict | undefined {
  if (steps.length !== plan.steps.length) {
    return fail("exec-error", `expected ${plan.steps.length} step result(s), got ${steps.length}`);
  }
  return (
    endpointFailure(plan, steps) ??
    steps
      .filter((_, i) => plan.steps[i]?.kind !== "wait")
      .map(execFailure)
      .find((v) => v !== undefined)
  );
}

/** No verdict for a check that does not apply here: it is skipped. */
function verdictOf(plan: CheckPlan, steps: readonly StepResult[]): Verdict | undefined {
  if (plan.skipReason !== undefined) return undefined;
  return execFailureOf(plan, steps) ?? judgeSteps(plan.expectation, steps);
}

function outcomeOf(verdict: Verdict | undefined): CheckResult["outcome"] {
  if (verdict === undefined) return "skipped";
  return verdict.failure === undefined ? "passed" : "failed";
}

/** What the plan says of a check, as its result repeats it. */
function planned(plan: CheckPlan) {
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
    ...(plan.large === true ? { large: true } : {}),
  };
}

const TIMED_EXPECTATIONS: readonly Expectation["type"][] = ["http", "http-by-name", "routed"];

/** Judges one check from its steps' results. */
export function judgeCheck(plan: CheckPlan, rawSteps: readonly StepResult[]): CheckResult {
  // The HTTP probes end their output with a timing line: judge what the server sent, keep the timing.
  const split = rawSteps.map((step) => splitTiming(step.stdout));
  const steps = rawSteps.map((step, i) => ({ ...step, stdout: split[i]?.body ?? step.stdout }));
  const verdict = verdictOf(plan, steps);
  const timing =
    TIMED_EXPECTATIONS.includes(plan.expectation.type) && verdict?.failure === undefined
      ? split.at(-1)?.timing
      : undefined;
  return {
    ...planned(plan),
    observed: verdict?.observed ?? `skipped: ${plan.skipReason}`,
    outcome: outcomeOf(verdict),
    ...(verdict?.failure === undefined ? {} : { failure: verdict.failure }),
    ...(plan.skipReason === undefined ? {} : { skipReason: plan.skipReason }),
    ...(timing === undefined ? {} : { timing }),
    durationMs: steps.reduce((total, step) => total + step.durationMs, 0),
    attempts: steps.reduce((most, step) => Math.max(most, step.attempts), 0),
  };
}
