// The commands run inside pods. Each one bounds its own time, below the runner's exec deadline.

export interface ProbeTimeouts {
  connectTimeoutSeconds: number;
  maxTimeSeconds: number;
}

export function curlProbe(url: string, t: ProbeTimeouts): string[] {
  return [
    "curl",
    "-sS",
    "--connect-timeout",
    String(t.connectTimeoutSeconds),
    "--max-time",
    String(t.maxTimeSeconds),
    url,
  ];
}

/** An HTTP GET with bash's own TCP support, for images that have bash but no curl (httpd, nginx). */
export const BASH_TCP_GET = `exec 3<>"/dev/tcp/$1/$2" && printf 'GET / HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n' "$1" >&3 && cat <&3`;

export function bashTcpProbe(host: string, port: number, t: ProbeTimeouts): string[] {
  return ["timeout", String(t.maxTimeSeconds), "bash", "-c", BASH_TCP_GET, "_", host, String(port)];
}

export function nslookupProbe(name: string, t: ProbeTimeouts): string[] {
  return ["timeout", String(t.maxTimeSeconds), "nslookup", name];
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
