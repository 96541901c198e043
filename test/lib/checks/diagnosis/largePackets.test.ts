// The link between the nodes narrowed below the pods' MTU, the ICMP that would say so dropped: the large
// transfer across the nodes timed out (its real capture under e2e/cluster/fault.sh shrink-mtu) while every
// small request of the same run, across the same nodes, passed.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { parseNodeNetwork } from "../../../../lib/network";
import { byId, captured, E2E_FACTS, E2E_RESULTS, e2eLab, printed, withFault } from "./support";

/** A large transfer check of the run, across the two nodes, as its probe printed `capture`. */
function largeTransfer(capture: string): CheckResult {
  const crossing = byId(E2E_RESULTS, "pod-to-pod.pod-httpd.pod-nginx");
  const base: CheckResult = {
    ...crossing,
    id: "service-depth.large.pod-ip",
    section: "service-depth",
    source: "pod-demo/cntr-centos",
    expected: "65536 bytes each way, checksums equal",
    large: true,
  };
  return printed(base, captured("agnhost", capture));
}

const network = {
  nodes: {
    "netlab-e2e-node": { kubeProxy: "iptables", linkMTU: 1280 },
    "netlab-e2e-node-2": { kubeProxy: "iptables", linkMTU: 1280 },
  },
  podMTU: 1500,
  families: { pods: ["IPv4" as const], services: ["IPv4" as const] },
  kubectl: {},
};

describe("large-packets-dropped", () => {
  it("puts a large transfer that timed out across nodes down to the MTU when small requests there passed", () => {
    const run = [...withFault(() => undefined), largeTransfer("transfer-mtu-fault")];
    const results = diagnose(run, { ...E2E_FACTS, network }, e2eLab());
    const large = byId(results, "service-depth.large.pod-ip");
    expect(large.failure).toBe("timeout");
    expect(large.diagnosis).toMatchObject({
      rule: "large-packets-dropped",
      summary:
        "large packets are dropped between netlab-e2e-node and netlab-e2e-node-2: check the MTU along the path",
    });
    expect(large.diagnosis?.cause).toMatch(
      /^small packets pass between netlab-e2e-node and netlab-e2e-node-2 \(.+\), large transfers do not: check the MTU along the path \(the lab found pod MTU 1500, link 1280 on netlab-e2e-node, link 1280 on netlab-e2e-node-2\), and that ICMP "fragmentation needed" is not dropped on the way$/,
    );
  });

  it("names the tunnel's MTU and the link's under it on an overlay (flannel.1 narrowed to 1280)", () => {
    const overlay = {
      ...network,
      nodes: {
        "netlab-e2e-node": { kubeProxy: "iptables", linkMTU: 1280, underlayMTU: 1500 },
        "netlab-e2e-node-2": { kubeProxy: "iptables", linkMTU: 1280, underlayMTU: 1500 },
      },
      podMTU: 1450,
    };
    const run = [...withFault(() => undefined), largeTransfer("transfer-mtu-fault")];
    const results = diagnose(run, { ...E2E_FACTS, network: overlay }, e2eLab());
    expect(byId(results, "service-depth.large.pod-ip").diagnosis?.cause).toContain(
      "(the lab found pod MTU 1450, tunnel 1280 over link 1500 on netlab-e2e-node, tunnel 1280 over link 1500 on netlab-e2e-node-2)",
    );
  });

  it("names the IPv6 device and ICMPv6 for a transfer by IPv6 (flannel-v6.1 narrower than the pods, ICMPv6 dropped)", () => {
    const flannelDual = {
      ...network,
      // Node 1 as its probe read it on flannel with dual stack (test/fixtures/network/CAPTURE.md).
      nodes: {
        "netlab-e2e-node": parseNodeNetwork(captured("network", "flannel-dual-node-probe-node-1").stdout),
      },
      podMTU: 1450,
      families: { pods: ["IPv4" as const, "IPv6" as const], services: ["IPv4" as const, "IPv6" as const] },
    };
    const byIPv6 = printed(
      {
        ...largeTransfer("transfer"),
        id: "service-depth.large.pod-ipv6",
        target: "pod-backend-b/cntr-agnhost via [fd00:10:244:1::1f]:8080/echo",
      },
      captured("network", "flannel-dual-transfer-ipv6-ptb-dropped"),
    );
    const run = [...withFault(() => undefined), largeTransfer("transfer"), byIPv6];
    const results = diagnose(run, { ...E2E_FACTS, network: flannelDual }, e2eLab());
    expect(byId(results, "service-depth.large.pod-ip").outcome).toBe("passed");
    const cause = byId(results, "service-depth.large.pod-ipv6").diagnosis?.cause ?? "";
    expect(cause).toContain(
      "(the lab found pod MTU 1450, tunnel 1450 over link 1500 on netlab-e2e-node, IPv6 by flannel-v6.1 at 1430 on netlab-e2e-node)",
    );
    expect(cause).toMatch(/, and that ICMPv6 "packet too big" is not dropped on the way$/);
  });

  it("gives every large transfer between the two nodes one shared cause", () => {
    const throughService = { ...largeTransfer("transfer-mtu-fault"), id: "service-depth.large.service" };
    const run = [...withFault(() => undefined), largeTransfer("transfer-mtu-fault"), throughService];
    const results = diagnose(run, { ...E2E_FACTS, network }, e2eLab());
    expect(byId(results, "service-depth.large.service").diagnosis?.sharedBy).toEqual([
      "service-depth.large.pod-ip",
      "service-depth.large.service",
    ]);
  });

  it("is not the cause when small requests across those nodes fail too, or the transfer was refused", () => {
    const everything = withFault((r) =>
      r.path === "cross-node" ? printed(r, captured("curl", "connect-timeout")) : undefined,
    );
    const dropped = diagnose([...everything, largeTransfer("transfer-mtu-fault")], E2E_FACTS, e2eLab());
    expect(byId(dropped, "service-depth.large.pod-ip").diagnosis?.rule).not.toBe("large-packets-dropped");
    const refused = diagnose(
      [...withFault(() => undefined), largeTransfer("transfer-refused")],
      E2E_FACTS,
      e2eLab(),
    );
    expect(byId(refused, "service-depth.large.pod-ip").diagnosis?.rule).not.toBe("large-packets-dropped");
  });
});
