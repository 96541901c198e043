// Parsers for what the probes print: curl, bash's /dev/tcp, nslookup (bind and busybox), /etc/hosts,
// /etc/resolv.conf, /proc/net/fib_trie and `head` sections. Pure functions over captured text.
import { STATUS_PREFIX } from "./probes";

export interface HttpResponse {
  statusCode: number | undefined;
  body: string;
}

/** Splits a raw HTTP/1.x response (as read from /dev/tcp) into status and body; plain bodies pass through. */
export function parseHttpResponse(raw: string): HttpResponse {
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(raw);
  if (status === null) return { statusCode: undefined, body: raw };
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const body = headerEnd < 0 ? "" : raw.slice(headerEnd).replace(/^\r?\n\r?\n/, "");
  return { statusCode: Number(status[1]), body };
}

export type ConnectFailure = "refused" | "timeout" | "unreachable" | "dns-failure";

/** What a failed connection attempt was, from the tool's exit code and message. */
export function classifyConnectFailure(exitCode: number, stderr: string): ConnectFailure | undefined {
  if (/No route to host|Network is unreachable|Host is unreachable/i.test(stderr)) return "unreachable";
  if (
    /Could not resolve host|Name or service not known|Temporary failure in name resolution|No address associated/i.test(
      stderr,
    )
  ) {
    return "dns-failure";
  }
  // curl: 7 couldn't connect, 28 timed out, 6 couldn't resolve; coreutils timeout: 124.
  if (exitCode === 28 || exitCode === 124 || /timed out/i.test(stderr)) return "timeout";
  if (exitCode === 6) return "dns-failure";
  if (exitCode === 7 || /Connection refused|Couldn't connect to server/i.test(stderr)) return "refused";
  return undefined;
}

/**
 * Why a lookup found no address: the name does not exist (`nxdomain`), it exists without a record of the
 * type asked (`no-answer`: bind's "*** Can't find <name>: No answer", e.g. no AAAA for an IPv4-only
 * Service), the server failed (`servfail`) or
 * declined to answer (`refused`, rcode REFUSED), nothing listens on the server's port 53
 * (`port-unreachable`: ICMP port unreachable, which the tools print as "connection refused"; a Service
 * without ready endpoints answers so), or no answer came at all (`timeout`).
 */
export type NslookupError =
  "nxdomain" | "no-answer" | "servfail" | "refused" | "port-unreachable" | "timeout";

export interface NslookupAnswer {
  /** The server asked: from the `Server:` line, or from the error when no server answered. */
  server: string | undefined;
  /** The name the answer is for, as the server returned it. */
  name: string | undefined;
  addresses: string[];
  error: NslookupError | undefined;
}

/** The server named in a transport error: bind's "communications error to 10.96.0.10#53: ...",
 * busybox's "write to '10.96.0.10': ...". */
function serverInError(text: string): string | undefined {
  return (
    /communications error to ([0-9a-fA-F.:]+?)#\d+/.exec(text)?.[1] ??
    /(?:write to|read from) '([0-9a-fA-F.:]+)'/.exec(text)?.[1]
  );
}

function nslookupError(text: string, exitCode: number): NslookupError {
  // Before the timeout: busybox also prints "connection timed out" when every write was refused.
  if (/connection refused/i.test(text)) return "port-unreachable";
  if (/server can't find \S+: REFUSED/.test(text)) return "refused";
  if (exitCode === 124 || /timed out|no servers could be reached/i.test(text)) return "timeout";
  if (/SERVFAIL/.test(text)) return "servfail";
  if (/Can't find \S+: No answer/.test(text)) return "no-answer";
  return "nxdomain";
}

/**
 * Reads bind9's and busybox's nslookup output. An answer may hold several Name/Address pairs, an A and an
 * AAAA one for a dual-stack Service; bind's own remarks (";; Got recursion not available from ...", printed
 * on stdout once per query when the server does not recurse, as CoreDNS does for cluster names) are not
 * part of it.
 */
export function parseNslookup(stdout: string, stderr: string, exitCode: number): NslookupAnswer {
  const text = `${stdout}\n${stderr}`;
  const lines = stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => !line.startsWith(";;"));
  const serverLine = lines.find((line) => line.startsWith("Server:"));
  const server = serverLine?.replace(/^Server:\s*/, "").trim() || serverInError(text);
  let name: string | undefined;
  const addresses: string[] = [];
  let inAnswer = false;
  for (const line of lines) {
    const nameMatch = /^Name:\s*(\S+)/.exec(line);
    if (nameMatch) {
      name ??= nameMatch[1];
      inAnswer = true;
      continue;
    }
    // bind: "Address: 10.96.0.1"; busybox 1.28: "Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local".
    const addressMatch = /^Address(?:\s+\d+)?:\s*([0-9a-fA-F.:]+?)(?:#\d+)?(?:\s|$)/.exec(line);
    if (inAnswer && addressMatch?.[1] !== undefined) addresses.push(addressMatch[1]);
    if (line === "") inAnswer = false;
  }
  const error = addresses.length === 0 ? nslookupError(text, exitCode) : undefined;
  return { server, name, addresses: [...new Set(addresses)], error };
}

export interface HostsEntry {
  address: string;
  names: string[];
}

export interface HostsFile {
  /** True when the kubelet wrote the file. */
  kubeletManaged: boolean;
  entries: HostsEntry[];
}

export function parseHostsFile(text: string): HostsFile {
  const lines = text.split("\n");
  const kubeletManaged = lines.some((line) => /^# Kubernetes-managed hosts file/.test(line));
  const entries: HostsEntry[] = [];
  for (const line of lines) {
    const content = line.replace(/#.*/, "").trim();
    if (content === "") continue;
    const [address, ...names] = content.split(/\s+/);
    if (address !== undefined && names.length > 0) entries.push({ address, names });
  }
  return { kubeletManaged, entries };
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const line of text.split("\n")) {
    const [keyword, ...values] = line
      .replace(/[#;].*/, "")
      .trim()
      .split(/\s+/);
    if (keyword === "nameserver" && values[0] !== undefined) conf.nameservers.push(values[0]);
    // The last search (or domain) line wins, as in the C library.
    if (keyword === "search" || keyword === "domain") conf.search = values;
    if (keyword === "options") conf.options.push(...values);
  }
  return conf;
}

/** The value of `ndots` in resolv.conf options, or undefined. */
export function ndots(conf: ResolvConf): number | undefined {
  const option = conf.options.filter((o) => o.startsWith("ndots:")).pop();
  return option === undefined ? undefined : Number(option.slice("ndots:".length));
}

/** The IPv4 addresses assigned to this network namespace (the `/32 host LOCAL` leaves of fib_trie). */
export function localAddressesFromFibTrie(text: string): string[] {
  const addresses = new Set<string>();
  let lastLeaf: string | undefined;
  for (const line of text.split("\n")) {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (leaf) {
      lastLeaf = leaf[1];
      continue;
    }
    if (lastLeaf !== undefined && /\/32 host LOCAL/.test(line)) addresses.add(lastLeaf);
  }
  return [...addresses].sort();
}

/** Splits `head a b` output into its files' contents. */
export function parseHeadSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = text.split(/^==> (.+) <==\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    sections.set(parts[i] as string, (parts[i + 1] as string).replace(/\n\n$/, "\n"));
  }
  return sections;
}

export interface NetworkIdentity {
  netns: string | undefined;
  interfaces: string[];
  eth0Mac: string | undefined;
  localAddresses: string[];
}

/** Reads the output of the network identity probe. */
export function parseNetworkIdentity(text: string): NetworkIdentity {
  const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, "m").exec(text)?.[1]?.trim();
  return {
    netns: field("netns") || undefined,
    interfaces: (field("interfaces") ?? "").split(/\s+/).filter((i) => i !== ""),
    eth0Mac: field("eth0 mac") || undefined,
    localAddresses: localAddressesFromFibTrie(text),
  };
}

/** The address in agnhost's /clientip answer ("10.250.0.2:41234", "[fd00::2]:41234"), without the port. */
export function parseClientIP(answer: string): string | undefined {
  const line = answer
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  const found = line === undefined ? null : /^\[?([0-9A-Fa-f.:]+?)\]?:\d+$/.exec(line);
  return found?.[1];
}

export interface TransferSide {
  bytes: number;
  sha256: string;
}

/** transfer.bash's "sent=<bytes> <sha256>" and "received=<bytes> <sha256>" lines. */
export function parseTransfer(stdout: string): { sent?: TransferSide; received?: TransferSide } {
  const side = (name: string): TransferSide | undefined => {
    const found = new RegExp(`^${name}=(\\d+) ([0-9a-f]{64})$`, "m").exec(stdout);
    return found === null ? undefined : { bytes: Number(found[1]), sha256: found[2] as string };
  };
  const sent = side("sent");
  const received = side("received");
  return { ...(sent === undefined ? {} : { sent }), ...(received === undefined ? {} : { received }) };
}

const STATUS_LINE = new RegExp(`(?:^|\\n)${STATUS_PREFIX} (\\d{3})\\n?$`);

/** A front probe's answer without its timing line: the body, and the status code curl printed after it. */
export function parseStatusLine(text: string): { body: string; status?: number } {
  const match = STATUS_LINE.exec(text);
  if (match === null) return { body: text };
  const status = Number(match[1]);
  // curl prints 000 when no response came.
  return { body: text.slice(0, match.index), ...(status === 0 ? {} : { status }) };
}
