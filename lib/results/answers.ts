// What the cluster answered to a check's steps, as a learner reads it: the page line, the hosts file, the
// resolv.conf, the nslookup answer, the Service's endpoints, each trimmed to the lines that matter and
// always the text that came back (never a value the lab expected).
import * as parsers from "../checks/parsers";
import { splitTiming } from "../checks/timing";
import { ROUTE_ACCEPTED } from "../ingress";
import type { CheckPlan, Expectation, Step, StepResult } from "../checks/types";
import { clip } from "../text";

/** One thing the cluster answered: what it is, and its text when there is any to show. */
export interface Answer {
  caption: string;
  text?: string;
}

/**
 * At most this many lines of one answer, and this many characters of a line: a page can be long, while an
 * error of kubectl or the container runtime, which says what went wrong at its end, must fit whole.
 */
export const MAX_ANSWER_LINES = 16;
const MAX_LINE_WIDTH = 600;

type ExpectationOf = { [E in Expectation as E["type"]]: E };

/** The step being read: its plan, what it returned, where it ran, and its place among the check's steps. */
interface Read {
  step: Step;
  result: StepResult;
  where: string;
  index: number;
  count: number;
}

/** The lines worth showing of a text: no empty lines, none too long, not too many. */
export function trimmed(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .map((line) => clip(line, MAX_LINE_WIDTH));
  if (lines.length <= MAX_ANSWER_LINES) return lines.join("\n");
  const more = lines.length - MAX_ANSWER_LINES;
  return [...lines.slice(0, MAX_ANSWER_LINES), `… (${more} more line${more === 1 ? "" : "s"})`].join("\n");
}

/** Where a step ran: `pod/container` for an exec, the API for the rest. */
function whereOf(step: Step): string {
  if (step.kind !== "exec") return "the Kubernetes API";
  const exec = step.argv.indexOf("exec");
  const container = step.argv[step.argv.indexOf("--container") + 1];
  return `${step.argv[exec + 3] ?? "?"}/${container ?? "?"}`;
}

/** Everything a step printed: what a person sees when it fails. */
function raw(read: Read, what: string): Answer {
  const { result } = read;
  const exit = result.remoteExit ?? result.kubectlExit;
  const text = trimmed(`${result.stdout}\n${result.stderr}`);
  return text === ""
    ? { caption: `${what} (exit ${exit}), and printed nothing` }
    : { caption: `${what} (exit ${exit})`, text };
}

/** kubectl's own failure (no exit code from inside the pod), or a step that did not finish in time. */
function kubectlFailure(read: Read): Answer | undefined {
  const { result } = read;
  if (result.timedOut && read.step.kind !== "wait") {
    return { caption: `kubectl did not finish in time (${result.attempts} attempt(s))` };
  }
  if (result.remoteExit !== undefined) return undefined;
  return raw(read, read.step.kind === "exec" ? `kubectl exec into ${read.where} failed` : "kubectl failed");
}

/** A Service's EndpointSlices as the check waited for them: its endpoints' lines (`address=ready`...). */
function endpoints(read: Read): Answer {
  const lines = read.result.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("changed="));
  const ready = read.result.timedOut ? ", not ready before the wait ended" : "";
  return {
    caption: `the Service's EndpointSlices, as the check waited for them${ready}`,
    text: trimmed(lines.join("\n")) || "(no endpoint)",
  };
}

/** The page a server sent: the status line when it came raw (bash), and the lines with the marker. */
function page(read: Read, marker: string): Answer {
  const { result } = read;
  if (result.remoteExit !== 0) return raw(read, `the request from ${read.where} failed`);
  const response = parsers.parseHttpResponse(result.stdout);
  const status = response.statusCode === undefined ? [] : [result.stdout.split(/\r?\n/)[0] ?? ""];
  const lines = response.body.split(/\r?\n/).filter((line) => line.trim() !== "");
  const withMarker = lines.filter((line) => line.includes(marker));
  const shown = withMarker.length > 0 ? withMarker : lines.slice(0, 3);
  const what = withMarker.length > 0 ? `the page's lines with "${marker}"` : "the page's first lines";
  return { caption: `${read.where} got ${what}`, text: trimmed([...status, ...shown].join("\n")) };
}

/** A page through the controller: its status code, and the lines with the marker (or the first lines). */
function routedPage(read: Read, marker: string | null): Answer {
  if (read.result.remoteExit !== 0) return raw(read, `the request from ${read.where} failed`);
  const { body, status } = parsers.parseStatusLine(read.result.stdout);
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== "");
  const withMarker = marker === null ? [] : lines.filter((line) => line.includes(marker));
  const shown = withMarker.length > 0 ? withMarker : lines.slice(0, 3);
  return {
    caption: `${read.where} got HTTP ${status ?? "?"} through the controller`,
    text: trimmed(shown.join("\n")) || "(an empty body)",
  };
}

/** A connection that should be refused: curl's message and exit code, or the page when one came. */
function refusal(read: Read): Answer {
  if (read.result.remoteExit === 0) return { ...page(read, ""), caption: `${read.where} got a page` };
  return raw(read, `the connection from ${read.where}`);
}

/** A value read from the API (a ClusterIP). */
function apiValue(read: Read, what: string): Answer {
  if (read.result.remoteExit !== 0) return raw(read, `the API, asked for ${what}`);
  return { caption: `the API: ${what}`, text: read.result.stdout.trim() || "(empty)" };
}

/** A container's hostname and /etc/hosts, as `head` printed them. */
function identity(read: Read): Answer {
  if (read.result.remoteExit !== 0) return raw(read, `${read.where}'s hostname and /etc/hosts`);
  return { caption: `${read.where}: its hostname, then /etc/hosts`, text: trimmed(read.result.stdout) };
}

/** A container's network namespace, interfaces and eth0 MAC, and its addresses from /proc/net/fib_trie. */
function network(read: Read): Answer {
  if (read.result.remoteExit !== 0) return raw(read, `${read.where}'s network`);
  const identity = parsers.parseNetworkIdentity(read.result.stdout);
  const heading = read.result.stdout.split("\n").filter((line) => /^(netns|interfaces|eth0 mac):/.test(line));
  const addresses = `local addresses (from /proc/net/fib_trie): ${identity.localAddresses.join(" ") || "none"}`;
  return {
    caption: `${read.where}: its network namespace, interfaces, eth0 MAC and addresses`,
    text: trimmed([...heading, addresses].join("\n")),
  };
}

/** nslookup's answer; the search domains it tried in vain are left out when a name did resolve. */
function lookup(read: Read): Answer {
  const { stdout, stderr, remoteExit } = read.result;
  const answer = parsers.parseNslookup(stdout, stderr, remoteExit ?? -1);
  if (answer.addresses.length === 0) return raw(read, `nslookup in ${read.where}`);
  const lines = stdout.split("\n").filter((line) => !/^\*\* server can't find/.test(line));
  return { caption: `nslookup in ${read.where}`, text: trimmed(lines.join("\n")) };
}

/** A file a container printed. */
function file(read: Read, path: string): Answer {
  if (read.result.remoteExit !== 0) return raw(read, `${path} in ${read.where}`);
  return { caption: `${path} in ${read.where}`, text: trimmed(read.result.stdout) };
}

const isLast = (read: Read) => read.index === read.count - 1;

/** How each kind of check's steps read, by step. */
const READERS: { [T in keyof ExpectationOf]: (expectation: ExpectationOf[T], read: Read) => Answer } = {
  http: (e, read) => page(read, e.marker),
  routed: (e, read) => routedPage(read, e.marker),
  "front-address": (e, read) =>
    raw(read, `the ${e.front === "ingress" ? "Ingress" : "Gateway"} as the API holds it, with its status`),
  "http-from-each": (e, read) => page(read, e.marker),
  backends: (_e, read) => raw(read, `the backends' answers in ${read.where}`),
  "client-ip": (_e, read) => raw(read, `the client address agnhost saw, asked from ${read.where}`),
  dropped: (_e, read) => refusal(read),
  transfer: (_e, read) => raw(read, `the sizes and checksums of what went and came back, in ${read.where}`),
  "http-by-name": (e, read) =>
    read.index === 0 ? file(read, `getent hosts ${e.name} (/etc/hosts first)`) : page(read, e.marker),
  refused: (_e, read) => refusal(read),
  "pod-identity": (_e, read) => identity(read),
  "shared-network": (_e, read) => network(read),
  "service-exists": (_e, read) => apiValue(read, "the Service's ClusterIP"),
  "resolv-conf": (_e, read) =>
    isLast(read) ? file(read, "/etc/resolv.conf") : apiValue(read, "kube-dns's ClusterIP"),
  dns: (_e, read) => (isLast(read) ? lookup(read) : apiValue(read, "the ClusterIP of default/kubernetes")),
};

// Generic, so that the compiler pairs each reader with its own kind of expectation.
function readAs<T extends keyof ExpectationOf>(type: T, expectation: ExpectationOf[T], read: Read): Answer {
  return READERS[type](expectation, read);
}

/** An HTTPRoute's acceptance by its Gateway, as the check waited for it. */
function routeStatus(read: Read): Answer {
  const lines = read.result.stdout.split("\n").filter((line) => line !== "");
  const accepted = read.result.timedOut ? ", not accepted before the wait ended" : "";
  return {
    caption: `the HTTPRoute's status, as the check waited for its Gateway to accept it${accepted}`,
    text: trimmed(lines.join("\n")) || "(no parent)",
  };
}

function answerOf(expectation: Expectation, read: Read): Answer {
  if (read.step.kind === "wait" && read.step.until === ROUTE_ACCEPTED)
    return kubectlFailure(read) ?? routeStatus(read);
  if (read.step.kind === "wait") return kubectlFailure(read) ?? endpoints(read);
  return kubectlFailure(read) ?? readAs(expectation.type, expectation, read);
}

/** A container's answer that repeats the one before it word for word is said to be the same, not shown. */
function sameAsBefore(answers: Answer[], where: readonly string[]): Answer[] {
  return answers.map((answer, i) => {
    const before = answers[i - 1];
    if (i === 0 || before?.text === undefined || answer.text !== before.text) return answer;
    if (answer.caption.replace(where[i] ?? "", "") !== before.caption.replace(where[i - 1] ?? "", "")) {
      return answer;
    }
    return { caption: `${where[i]}: the same, line for line, as ${where[i - 1]}` };
  });
}

/** What the cluster answered to each step of a check that ran; nothing for a check that did not. */
export function answersOf(plan: CheckPlan, results: readonly StepResult[]): Answer[] {
  const reads = plan.steps.flatMap((step, index): Read[] => {
    const result = results[index];
    if (result === undefined) return [];
    // The HTTP probes add a timing line after the page: it is the lab's, not the server's.
    const stdout = splitTiming(result.stdout).body;
    return [{ step, result: { ...result, stdout }, where: whereOf(step), index, count: plan.steps.length }];
  });
  const answers = reads.map((read) => answerOf(plan.expectation, read));
  return sameAsBefore(
    answers,
    reads.map((read) => read.where),
  );
}
