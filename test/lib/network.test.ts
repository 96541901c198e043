// The network facts, read from real captures (test/fixtures/network/CAPTURE.md). The vxlan capture was made
// in a network namespace with:
//   ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning; ip link set flannel.1 mtu 1450
//   ip addr add 10.244.0.0/32 dev flannel.1; ip link set flannel.1 up
//   ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
import { describe, expect, it } from "vitest";
import {
  ipFamilies,
  type NetworkFacts,
  networkLine,
  networkLines,
  mtuWarnings,
  NO_KUBE_PROXY,
  parseKubectlVersions,
  parseNodeNetwork,
} from "../../lib/network";
import { capture } from "../support/fixtures";

const read = (name: string) => parseNodeNetwork(capture("network", name).stdout);

describe("a node's network, as its probe reads it", () => {
  it("reads kube-proxy's mode and a routed way toward the other node's pods", () => {
    expect(read("node-probe-node-1")).toEqual({
      kubeProxy: "iptables",
      towardPods: { device: "netlab-n2" },
      linkMTU: 1500,
    });
    expect(read("node-probe-node-2")).toEqual({
      kubeProxy: "iptables",
      towardPods: { device: "eth0" },
      linkMTU: 1500,
    });
  });

  it("says no kube-proxy answered where none does", () => {
    expect(read("node-probe-no-kube-proxy").kubeProxy).toBe(NO_KUBE_PROXY);
  });

  it("reads flannel's overlay on the e2e nodes: flannel.1, a vxlan device at 1450 over a 1500 link", () => {
    for (const node of ["flannel-node-probe-node-1", "flannel-node-probe-node-2"]) {
      expect(read(node)).toEqual({
        kubeProxy: "iptables",
        towardPods: { device: "flannel.1", tunnel: "vxlan" },
        linkMTU: 1450,
        underlayMTU: 1500,
      });
    }
  });

  it("reads flannel's IPv6 overlay beside the IPv4 one on a dual-stack cluster: flannel-v6.1 at 1430", () => {
    for (const node of ["flannel-dual-node-probe-node-1", "flannel-dual-node-probe-node-2"]) {
      expect(read(node)).toEqual({
        kubeProxy: "nftables",
        towardPods: { device: "flannel.1", tunnel: "vxlan" },
        linkMTU: 1450,
        underlayMTU: 1500,
        towardPods6: { device: "flannel-v6.1", tunnel: "vxlan" },
        linkMTU6: 1430,
      });
    }
  });

  it("tells a vxlan overlay from a route, with its MTU below the link's", () => {
    expect(read("flannel-vxlan-no-kube-proxy")).toEqual({
      kubeProxy: NO_KUBE_PROXY,
      towardPods: { device: "flannel.1", tunnel: "vxlan" },
      linkMTU: 1450,
    });
  });
});

describe("kubectl's versions", () => {
  it("reads client and server, and kubectl's own skew warning, from its real answer", () => {
    const { stdout, stderr } = capture("kubectl", "version-skew");
    expect(parseKubectlVersions(stdout, stderr)).toEqual({
      client: "1.32",
      server: "1.34",
      skewWarning:
        "version difference between client (1.32) and server (1.34) exceeds the supported minor version skew of +/-1",
    });
    expect(parseKubectlVersions("not json", "")).toEqual({});
  });
});

describe("the network in words", () => {
  const e2e: NetworkFacts = {
    nodes: { "netlab-e2e-node": read("node-probe-node-1"), "netlab-e2e-node-2": read("node-probe-node-2") },
    podMTU: Number(capture("network", "pod-mtu").stdout.trim()),
    families: { pods: ipFamilies(["10.244.0.3", "10.244.1.2"]), services: ipFamilies(["10.96.0.10"]) },
    kubectl: parseKubectlVersions(
      capture("kubectl", "version-skew").stdout,
      capture("kubectl", "version-skew").stderr,
    ),
  };

  it("says nodes, kube-proxy, path with MTUs, families and versions on one line, then kubectl's warning", () => {
    expect(networkLines(e2e, 2)).toEqual([
      "network: 2 nodes, kube-proxy iptables, routed (pod MTU 1500, link 1500), IPv4, kubectl 1.32 / server 1.34",
      "warning: kubectl 1.32 is outside the skew Kubernetes supports: version difference between client (1.32) and server (1.34) exceeds the supported minor version skew of +/-1",
    ]);
  });

  it("says flannel's overlay with the pod, tunnel and link MTUs", () => {
    const flannel: NetworkFacts = {
      ...e2e,
      nodes: {
        "netlab-e2e-node": read("flannel-node-probe-node-1"),
        "netlab-e2e-node-2": read("flannel-node-probe-node-2"),
      },
      podMTU: Number(capture("network", "flannel-pod-mtu").stdout.trim()),
    };
    expect(networkLine(flannel, 2)).toBe(
      "2 nodes, kube-proxy iptables, flannel vxlan (pod MTU 1450, tunnel 1450, link 1500), IPv4, kubectl 1.32 / server 1.34",
    );
  });

  it("says where IPv6 takes another device at another MTU, and warns that the pods' packets do not fit it", () => {
    const flannelDual: NetworkFacts = {
      ...e2e,
      nodes: {
        "netlab-e2e-node": read("flannel-dual-node-probe-node-1"),
        "netlab-e2e-node-2": read("flannel-dual-node-probe-node-2"),
      },
      podMTU: Number(capture("network", "flannel-dual-pod-mtu").stdout.trim()),
      families: { pods: ["IPv4", "IPv6"], services: ["IPv4", "IPv6"] },
      kubectl: {},
    };
    expect(networkLines(flannelDual, 2)).toEqual([
      "network: 2 nodes, kube-proxy nftables, flannel vxlan (pod MTU 1450, tunnel 1450, link 1500; IPv6 by flannel-v6.1 at MTU 1430), IPv4+IPv6",
      'warning: pods send packets of up to 1450 bytes, but IPv6 between the nodes crosses flannel-v6.1 at MTU 1430 (on netlab-e2e-node, netlab-e2e-node-2): large IPv6 transfers across nodes work only while ICMPv6 "packet too big" reaches the pods',
    ]);
    // The same cluster read without the IPv6 way (an IPv4-only read): nothing to warn of.
    const ipv4Only: NetworkFacts = {
      ...flannelDual,
      nodes: { "netlab-e2e-node": read("flannel-node-probe-node-1") },
    };
    expect(mtuWarnings(ipv4Only)).toEqual([]);
  });

  it("warns of an IPv4 link narrower than the pods' MTU, naming each device and its node", () => {
    const narrowed: NetworkFacts = {
      ...e2e,
      nodes: {
        "netlab-e2e-node": { ...read("node-probe-node-1"), linkMTU: 1280 },
        "netlab-e2e-node-2": { ...read("node-probe-node-2"), linkMTU: 1280 },
      },
    };
    expect(mtuWarnings(narrowed)).toEqual([
      'pods send packets of up to 1500 bytes, but IPv4 between the nodes crosses netlab-n2 at MTU 1280 (on netlab-e2e-node) and eth0 at MTU 1280 (on netlab-e2e-node-2): large IPv4 transfers across nodes work only while ICMP "fragmentation needed" reaches the pods',
    ]);
    expect(mtuWarnings(e2e)).toEqual([]);
  });

  it("names each node's mode when they differ, an overlay by its kind, and both families", () => {
    const mixed: NetworkFacts = {
      ...e2e,
      nodes: { a: read("flannel-vxlan-no-kube-proxy"), b: read("node-probe-no-kube-proxy") },
      families: { pods: ipFamilies(["10.244.0.3", "fd00:10:244::3"]), services: ["IPv4"] },
      kubectl: {},
    };
    expect(networkLine(mixed, 2)).toBe(
      `2 nodes, ${NO_KUBE_PROXY}, flannel vxlan (pod MTU 1500, tunnel 1450), IPv4+IPv6`,
    );
    const two: NetworkFacts = {
      ...e2e,
      nodes: { a: read("node-probe-node-1"), b: read("node-probe-no-kube-proxy") },
    };
    expect(networkLine(two, 2)).toMatch(
      /^2 nodes, kube-proxy iptables on a, no kube-proxy found \(an eBPF dataplane\?\) on b, /,
    );
  });
});
