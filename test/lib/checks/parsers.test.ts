import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  classifyConnectFailure,
  localAddressesFromFibTrie,
  ndots,
  parseHeadSections,
  parseHostsFile,
  parseHttpResponse,
  parseNetworkIdentity,
  parseNslookup,
  parseResolvConf,
} from "../../../lib/checks/parsers";
import { capture, fixtureText } from "../../support/fixtures";

describe("classifyConnectFailure on curl's real failures", () => {
  it.each([
    ["refused", "refused"],
    ["connect-timeout", "timeout"],
    ["max-time", "timeout"],
    ["resolve-failure", "dns-failure"],
  ])("curl/%s is %s", (name, kind) => {
    const c = capture("curl", name);
    expect(c.exit).not.toBe(0);
    expect(classifyConnectFailure(c.exit, c.stderr)).toBe(kind);
  });

  it.each([
    ["refused", "refused"],
    ["timeout", "timeout"],
  ])("bash-tcp/%s is %s", (name, kind) => {
    const c = capture("bash-tcp", name);
    expect(classifyConnectFailure(c.exit, c.stderr)).toBe(kind);
  });

  it("tells an unreachable host from a refusal", () => {
    expect(
      classifyConnectFailure(
        7,
        "curl: (7) Failed to connect to 10.1.2.3 port 80 after 3 ms: No route to host",
      ),
    ).toBe("unreachable");
  });

  it("has no kind for an exit it does not know", () => {
    expect(classifyConnectFailure(22, "curl: (22) The requested URL returned error: 500")).toBeUndefined();
  });
});

describe("parseHttpResponse", () => {
  it("splits bash /dev/tcp responses into status and body", () => {
    const nginx = parseHttpResponse(capture("bash-tcp", "nginx-welcome").stdout);
    expect(nginx.statusCode).toBe(200);
    expect(nginx.body).toMatch(/^<!DOCTYPE html>/);
    expect(nginx.body).toContain("<title>Welcome to nginx!</title>");
    const httpd = parseHttpResponse(capture("bash-tcp", "httpd-it-works").stdout);
    expect(httpd).toEqual({ statusCode: 200, body: "<html><body><h1>It works!</h1></body></html>\n" });
  });

  it("passes plain bodies (curl's output) through", () => {
    const body = capture("curl", "httpd-it-works").stdout;
    expect(parseHttpResponse(body)).toEqual({ statusCode: undefined, body });
  });
});

describe("parseNslookup", () => {
  it.each([
    ["short-name", "svc-clusterip-nginx.netlab.svc.cluster.local", "10.96.203.5"],
    ["namespaced-name", "svc-clusterip-nginx.netlab.svc.cluster.local", "10.96.203.5"],
    ["fqdn", "svc-clusterip-nginx.netlab.svc.cluster.local", "10.96.203.5"],
    ["httpd-short-name", "svc-nodeport-httpd.netlab.svc.cluster.local", "10.96.41.17"],
    ["kubernetes-default", "kubernetes.default.svc.cluster.local", "10.96.0.1"],
  ])("reads bind's answer to %s", (name, fqdn, address) => {
    const c = capture("nslookup-bind", name);
    expect(parseNslookup(c.stdout, c.stderr, c.exit)).toEqual({
      server: "10.96.0.10",
      name: fqdn,
      addresses: [address],
      error: undefined,
    });
  });

  it("reads busybox's answer even when it also prints NXDOMAIN for other search domains (exit 1)", () => {
    const c = capture("nslookup-busybox", "short-name");
    expect(c.exit).toBe(1);
    expect(parseNslookup(c.stdout, c.stderr, c.exit)).toMatchObject({
      server: "10.96.0.10",
      name: "svc-clusterip-nginx.netlab.svc.cluster.local",
      addresses: ["10.96.203.5"],
      error: undefined,
    });
    const fqdn = capture("nslookup-busybox", "fqdn");
    expect(parseNslookup(fqdn.stdout, fqdn.stderr, fqdn.exit).addresses).toEqual(["10.96.203.5"]);
  });

  const failureOf = (group: string, name: string) => {
    const c = capture(group, name);
    const answer = parseNslookup(c.stdout, c.stderr, c.exit);
    expect(answer.addresses, `${group}/${name}`).toEqual([]);
    return answer.error;
  };

  it.each([
    ["nxdomain", "nxdomain"],
    ["no-server", "timeout"],
    ["silent-server", "timeout"],
    ["rcode-refused", "refused"],
    ["port-unreachable", "port-unreachable"],
  ])("%s is a failure from bind's and busybox's nslookup alike: %s", (name, error) => {
    expect(failureOf("nslookup-bind", name)).toBe(error);
    expect(failureOf("nslookup-busybox", name)).toBe(error);
  });

  it("reads busybox's NXDOMAIN for kubernetes.default, a name bind's nslookup resolves, as nxdomain", () => {
    expect(failureOf("nslookup-busybox", "kubernetes-default")).toBe("nxdomain");
  });

  it("takes a refusal over busybox's own 'connection timed out' line", () => {
    const c = capture("nslookup-busybox", "port-unreachable");
    expect(c.stdout).toMatch(/connection timed out/);
    expect(c.stderr).toMatch(/Connection refused/);
    expect(parseNslookup(c.stdout, c.stderr, c.exit).error).toBe("port-unreachable");
  });

  it("names the server from the transport error when none answered", () => {
    for (const [group, name] of [
      ["nslookup-bind", "port-unreachable"],
      ["nslookup-busybox", "port-unreachable"],
      ["nslookup-bind", "no-server"],
      ["nslookup-bind", "rcode-refused"],
      ["nslookup-busybox", "rcode-refused"],
    ] as const) {
      const c = capture(group, name);
      expect(parseNslookup(c.stdout, c.stderr, c.exit).server, `${group}/${name}`).toBe("10.96.0.10");
    }
    // busybox's timeout names no server at all.
    const silent = capture("nslookup-busybox", "silent-server");
    expect(parseNslookup(silent.stdout, silent.stderr, silent.exit).server).toBeUndefined();
  });

  it("is a timeout when coreutils' timeout stopped nslookup, whatever it printed", () => {
    expect(parseNslookup(";; communications error to 10.96.0.10#53: timed out\n", "", 124).error).toBe(
      "timeout",
    );
    expect(parseNslookup("", "", 124).error).toBe("timeout");
  });
});

describe("network namespace probes", () => {
  it("finds the pod's addresses in fib_trie", () => {
    expect(localAddressesFromFibTrie(capture("netns", "fib-trie").stdout)).toEqual([
      "10.244.0.7",
      "127.0.0.1",
    ]);
  });

  it("reads the network identity probe's output", () => {
    const id = parseNetworkIdentity(capture("netns", "network-identity").stdout);
    expect(id.netns).toMatch(/^net:\[\d+\]$/);
    expect(id.interfaces).toEqual(["eth0", "lo"]);
    expect(id.eth0Mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(id.localAddresses).toEqual(["10.244.0.7", "127.0.0.1"]);
    const host = parseNetworkIdentity(capture("netns", "network-identity-host").stdout);
    expect(host.netns).not.toBe(id.netns);
    expect(host.localAddresses).not.toContain("10.244.0.7");
  });
});

describe("parseResolvConf", () => {
  it("reads a pod's resolv.conf", () => {
    const conf = parseResolvConf(fixtureText("kubelet", "resolv-conf-pod.txt"));
    expect(conf).toEqual({
      nameservers: ["10.96.0.10"],
      search: ["netlab.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      options: ["ndots:5"],
    });
    expect(ndots(conf)).toBe(5);
  });

  it("lets the last search line win and ignores comments", () => {
    const conf = parseResolvConf(
      "# generated\nsearch a.example\nnameserver 1.1.1.1 ; x\nsearch b.example c.example\noptions ndots:2 edns0 ndots:3\n",
    );
    expect(conf.search).toEqual(["b.example", "c.example"]);
    expect(ndots(conf)).toBe(3);
    expect(ndots(parseResolvConf("nameserver 1.1.1.1\n"))).toBeUndefined();
  });
});

describe("parseHostsFile and parseHeadSections", () => {
  it("reads the kubelet-managed /etc/hosts of a pod", () => {
    const hosts = parseHostsFile(fixtureText("kubelet", "etc-hosts-pod-demo.txt"));
    expect(hosts.kubeletManaged).toBe(true);
    expect(hosts.entries).toContainEqual({ address: "127.0.0.1", names: ["localhost"] });
    expect(hosts.entries.find((e) => e.names.includes("pod-demo"))?.address).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });

  it("sees that a host-network pod's /etc/hosts has no pod entry", () => {
    const hosts = parseHostsFile(fixtureText("kubelet", "etc-hosts-host-network.txt"));
    expect(hosts.entries.some((e) => e.names.includes("pod-demo"))).toBe(false);
  });

  it("splits real head output into files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netlab-head-"));
    writeFileSync(path.join(dir, "hostname"), "pod-demo\n");
    writeFileSync(path.join(dir, "hosts"), "127.0.0.1 localhost\n10.244.0.7 pod-demo\n");
    const output = execFileSync("head", ["-n", "200", path.join(dir, "hostname"), path.join(dir, "hosts")], {
      encoding: "utf8",
    });
    const sections = parseHeadSections(output);
    expect(sections.get(path.join(dir, "hostname"))).toBe("pod-demo\n");
    expect(sections.get(path.join(dir, "hosts"))).toBe("127.0.0.1 localhost\n10.244.0.7 pod-demo\n");
  });
});

describe("parseNslookup on a dual-stack cluster (test/fixtures/network/dual-*)", () => {
  it("reads both answers of a dual-stack Service, A then AAAA, past bind's recursion remarks", () => {
    const { stdout, stderr, exit } = capture("network", "dual-nslookup-service");
    expect(stdout).toContain(";; Got recursion not available from 10.96.0.10");
    expect(parseNslookup(stdout, stderr, exit)).toEqual({
      server: "10.96.0.10",
      name: "web-2-dual.netlab-dual-capture.svc.cluster.local",
      addresses: ["10.96.91.153", "fd00:10:96::56a6"],
      error: undefined,
    });
  });
});

describe("parseNslookup of an AAAA lookup (test/fixtures/network/dual-nslookup-aaaa*)", () => {
  it("reads a dual-stack Service's IPv6 ClusterIP", () => {
    const { stdout, stderr, exit } = capture("network", "dual-nslookup-aaaa");
    expect(parseNslookup(stdout, stderr, exit)).toEqual({
      server: "10.96.0.10",
      name: "web-dual.netlab-aaaa-capture.svc.cluster.local",
      addresses: ["fd00:10:96::653f"],
      error: undefined,
    });
  });

  it("tells a name without an AAAA record (exit 0) from one that does not exist", () => {
    const { stdout, stderr, exit } = capture("network", "dual-nslookup-aaaa-single-stack");
    expect(exit).toBe(0);
    expect(parseNslookup(stdout, stderr, exit)).toMatchObject({ addresses: [], error: "no-answer" });
    const gone = capture("nslookup-bind", "nxdomain");
    expect(parseNslookup(gone.stdout, gone.stderr, gone.exit).error).toBe("nxdomain");
  });
});
