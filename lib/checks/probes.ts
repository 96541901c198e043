// The commands run inside pods. Each one bounds its own time, below the runner's exec deadline.
import { TIMING_PREFIX } from "./timing";

export interface ProbeTimeouts {
  connectTimeoutSeconds: number;
  maxTimeSeconds: number;
}

/** After the page, curl prints its connect and total time on a line of its own (see timing.ts). */
export const CURL_TIMING_FORMAT = `\\n${TIMING_PREFIX} connect=%{time_connect} total=%{time_total}\\n`;

export function curlProbe(url: string, t: ProbeTimeouts): string[] {
  return [
    "curl",
    "-sS",
    "--connect-timeout",
    String(t.connectTimeoutSeconds),
    "--max-time",
    String(t.maxTimeSeconds),
    "--write-out",
    CURL_TIMING_FORMAT,
    url,
  ];
}

/**
 * An HTTP GET with bash's own TCP support, for images that have bash but no curl (httpd, nginx). It times
 * the connect and the whole request with bash's $EPOCHREALTIME and prints them as curl's --write-out does.
 */
export const BASH_TCP_GET = [
  "s=${EPOCHREALTIME/[.,]/}",
  `exec 3<>"/dev/tcp/$1/$2" || exit`,
  "c=${EPOCHREALTIME/[.,]/}",
  `printf 'GET / HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n' "$1" >&3 && cat <&3 || exit`,
  "e=${EPOCHREALTIME/[.,]/}",
  `printf '\\n${TIMING_PREFIX} connect=%d.%06d total=%d.%06d\\n' $(((c - s) / 1000000)) $(((c - s) % 1000000)) $(((e - s) / 1000000)) $(((e - s) % 1000000))`,
].join("; ");

export function bashTcpProbe(host: string, port: number, t: ProbeTimeouts): string[] {
  return ["timeout", String(t.maxTimeSeconds), "bash", "-c", BASH_TCP_GET, "_", host, String(port)];
}

export type DnsTransport = "udp" | "tcp";

/** A lookup over UDP (nslookup's default) or TCP (`-vc`, bind's nslookup: the DNS probe's tool). */
export function nslookupProbe(name: string, t: ProbeTimeouts, transport: DnsTransport = "udp"): string[] {
  return ["timeout", String(t.maxTimeSeconds), "nslookup", ...(transport === "tcp" ? ["-vc"] : []), name];
}

/** Resolves a name the way the C library does, /etc/hosts first. */
export function hostsLookupProbe(name: string): string[] {
  return ["getent", "hosts", name];
}

/** The container's hostname and /etc/hosts, each under a `==> file <==` header. */
export function podIdentityProbe(): string[] {
  return ["head", "-n", "200", "/proc/sys/kernel/hostname", "/etc/hosts"];
}

/** The container's network namespace, interfaces, eth0 MAC and local addresses. */
export const NETWORK_IDENTITY_SCRIPT = [
  'echo "netns: $(readlink /proc/self/ns/net)"',
  'echo "interfaces: $(ls /sys/class/net | tr "\\n" " ")"',
  'echo "eth0 mac: $(cat /sys/class/net/eth0/address)"',
  "cat /proc/net/fib_trie",
].join("; ");

export function networkIdentityProbe(): string[] {
  return ["sh", "-c", NETWORK_IDENTITY_SCRIPT];
}

export function resolvConfProbe(): string[] {
  return ["cat", "/etc/resolv.conf"];
}
