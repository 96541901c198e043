// The commands run inside pods. Each one bounds its own time, below the runner's exec deadline.
import * as path from "node:path";
import { urlHost } from "../network";
import { readScriptLine } from "../shell";
import { TIMING_PREFIX } from "./timing";

export interface ProbeTimeouts {
  connectTimeoutSeconds: number;
  maxTimeSeconds: number;
}

/** After the page, curl prints its connect and total time on a line of its own (see timing.ts). */
export const CURL_TIMING_FORMAT = `\\n${TIMING_PREFIX} connect=%{time_connect} total=%{time_total}\\n`;

/** Before the timing line, a front probe prints the HTTP status code on a line of its own. */
export const STATUS_PREFIX = "netlab-status";

/**
 * A GET of `host` and `path` through the controller at `address`: curl resolves the host to that address
 * itself (no DNS name is needed), sends the host in the request, and prints the status code after the body.
 */
export function frontProbe(
  route: { host: string; path: string },
  address: string,
  port: number,
  t: ProbeTimeouts,
): string[] {
  return [
    ...boundedCurl(t),
    "--resolve",
    `${route.host}:${port}:${urlHost(address)}`,
    "--write-out",
    `\\n${STATUS_PREFIX} %{http_code}${CURL_TIMING_FORMAT}`,
    `http://${route.host}${port === 80 ? "" : `:${port}`}${route.path}`,
  ];
}

/** curl, quiet but for errors, bounded by the probe's connect and total time limits. */
function boundedCurl(t: ProbeTimeouts): string[] {
  return [
    "curl",
    "-sS",
    "--connect-timeout",
    String(t.connectTimeoutSeconds),
    "--max-time",
    String(t.maxTimeSeconds),
  ];
}

export function curlProbe(url: string, t: ProbeTimeouts): string[] {
  return [...boundedCurl(t), "--write-out", CURL_TIMING_FORMAT, url];
}

/**
 * The same GET `count` times in a row, one answer per line, the whole loop bounded by the probe's time limit
 * (each request by its connect timeout): for which backend of a Service answered each.
 */
export function repeatedCurlProbe(url: string, count: number, t: ProbeTimeouts): string[] {
  const loop = 'for i in $(seq "$2"); do curl -sS --connect-timeout "$3" --max-time "$3" "$1"; echo; done';
  return [
    "timeout",
    String(t.maxTimeSeconds),
    "bash",
    "-c",
    loop,
    "_",
    url,
    String(count),
    String(t.connectTimeoutSeconds),
  ];
}

const TRANSFER = readScriptLine(path.join(__dirname, "transfer.bash"));

/**
 * A large transfer both ways (transfer.bash): `randomBytes` random bytes, base64-encoded (4/3 as many
 * characters), POSTed to `url` and read back, each side's size and SHA-256 printed.
 */
export function largeTransferProbe(url: string, randomBytes: number, t: ProbeTimeouts): string[] {
  return [
    "timeout",
    String(t.maxTimeSeconds + 2),
    "bash",
    "-c",
    TRANSFER,
    "_",
    url,
    String(randomBytes),
    String(t.connectTimeoutSeconds),
    String(t.maxTimeSeconds),
  ];
}

/** An HTTP GET with bash's own TCP support, for images that have bash but no curl (see http-get.bash). */
export const BASH_TCP_GET = readScriptLine(path.join(__dirname, "http-get.bash")).replace(
  "@TIMING_PREFIX@",
  TIMING_PREFIX,
);

export function bashTcpProbe(host: string, port: number, t: ProbeTimeouts): string[] {
  return ["timeout", String(t.maxTimeSeconds), "bash", "-c", BASH_TCP_GET, "_", host, String(port)];
}

export type DnsTransport = "udp" | "tcp";

/**
 * A lookup over UDP (nslookup's default) or TCP (`-vc`, bind's nslookup: the DNS probe's tool); of the A and
 * AAAA records (bind's default), or of the AAAA records alone.
 */
export function nslookupProbe(
  name: string,
  t: ProbeTimeouts,
  transport: DnsTransport = "udp",
  records: "A+AAAA" | "AAAA" = "A+AAAA",
): string[] {
  return [
    "timeout",
    String(t.maxTimeSeconds),
    "nslookup",
    ...(transport === "tcp" ? ["-vc"] : []),
    ...(records === "AAAA" ? ["-type=AAAA"] : []),
    name,
  ];
}

/** Resolves a name the way the C library does, /etc/hosts first. */
export function hostsLookupProbe(name: string): string[] {
  return ["getent", "hosts", name];
}

/** The container's hostname and /etc/hosts, each under a `==> file <==` header. */
export function podIdentityProbe(): string[] {
  return ["head", "-n", "200", "/proc/sys/kernel/hostname", "/etc/hosts"];
}

/** The container's network namespace, interfaces, eth0 MAC and local addresses (see network-identity.sh). */
export const NETWORK_IDENTITY_SCRIPT = readScriptLine(path.join(__dirname, "network-identity.sh"));

export function networkIdentityProbe(): string[] {
  return ["sh", "-c", NETWORK_IDENTITY_SCRIPT];
}

/** The route the kernel picks toward an address: a local lookup, no packet is sent. */
export function routeProbe(address: string): string[] {
  return ["ip", "route", "get", address];
}

export function resolvConfProbe(): string[] {
  return ["cat", "/etc/resolv.conf"];
}
