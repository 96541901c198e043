// kube-proxy stopped on node 2 (and its rules gone): the NodePort through node 2's address is refused (curl's
// real refusal, for that address and port), while the NodePort through node 1 and the ClusterIP answer.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { adapted, byId, captured, E2E_FACTS, e2eLab, K, printed, withFault } from "./support";

const refused = (r: CheckResult, to: string) =>
  printed(r, adapted(captured("curl", "refused"), { "10.244.1.10 port 81": to }));

describe("node-port-one-node: only the NodePort through one node fails", () => {
  it("blames that node's kube-proxy, naming what answers", () => {
    const run = withFault((r) =>
      r.id === "service.svc-nodeport-httpd.node-port.other-node"
        ? refused(r, "10.250.0.2 port 31000")
        : undefined,
    );
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(byId(results, "service.svc-nodeport-httpd.node-port.other-node").diagnosis).toEqual({
      rule: "node-port-one-node",
      cause:
        "only the NodePort of svc-nodeport-httpd through node netlab-e2e-node-2 (10.250.0.2) fails (refused), while it answers through netlab-e2e-node (service.svc-nodeport-httpd.node-port.same-node) and by its ClusterIP (service.svc-nodeport-httpd.cluster-ip): kube-proxy on netlab-e2e-node-2 is not forwarding",
      summary: "kube-proxy on netlab-e2e-node-2 is not forwarding",
      see: `${K} get pods --namespace kube-system --field-selector spec.nodeName=netlab-e2e-node-2 --output wide`,
    });
  });

  it("is not the cause when the Service fails by its ClusterIP too", () => {
    const run = withFault((r) => {
      if (r.id === "service.svc-nodeport-httpd.node-port.other-node")
        return refused(r, "10.250.0.2 port 31000");
      if (r.id === "service.svc-nodeport-httpd.cluster-ip") return refused(r, "svc-nodeport-httpd port 3050");
      return undefined;
    });
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(byId(results, "service.svc-nodeport-httpd.node-port.other-node").diagnosis?.rule).not.toBe(
      "node-port-one-node",
    );
  });

  it("still blames that node when a pod on it fails to reach the same Service by its ClusterIP (a CI e2e run)", () => {
    // pod-demo and pod-httpd both on node 2: node 1 translated the ClusterIP that node 2 routed to it, and the
    // reply went straight back from the pod, untranslated, so curl timed out.
    const run = withFault((r) => {
      if (r.id === "service.svc-nodeport-httpd.node-port.other-node")
        return refused(r, "10.250.0.2 port 31000");
      if (r.id === "service.svc-nodeport-httpd.cluster-ip") {
        const timedOut = adapted(captured("curl", "connect-timeout"), {
          "10.244.1.12 port 80": "svc-nodeport-httpd port 3050",
        });
        return printed({ ...r, sourceNode: "netlab-e2e-node-2" }, timedOut);
      }
      return undefined;
    });
    const results = diagnose(run, E2E_FACTS, e2eLab());
    const nodePort = byId(results, "service.svc-nodeport-httpd.node-port.other-node");
    const byClusterIP = byId(results, "service.svc-nodeport-httpd.cluster-ip");
    expect(nodePort.diagnosis?.rule).toBe("node-port-one-node");
    expect(nodePort.diagnosis?.cause).not.toContain("by its ClusterIP");
    expect(byClusterIP.diagnosis?.rule).toBe("cluster-ip-from-node");
    expect(byClusterIP.diagnosis?.summary).toBe("kube-proxy on netlab-e2e-node-2 is not forwarding");
  });

  it("gives a ClusterIP request from a pod on that node the same broken link, as seen on the e2e cluster", () => {
    // The real run: pod-demo on node 2, its request to svc-clusterip-nginx by ClusterIP timed out.
    const run = withFault((r) => {
      if (r.id === "service.svc-nodeport-httpd.node-port.other-node")
        return refused(r, "10.250.0.2 port 31000");
      if (r.id === "service.svc-clusterip-nginx.cluster-ip") {
        const timedOut = adapted(captured("curl", "connect-timeout"), {
          "10.244.1.12 port 80": "svc-clusterip-nginx port 80",
        });
        return printed({ ...r, sourceNode: "netlab-e2e-node-2" }, timedOut);
      }
      return undefined;
    });
    const byClusterIP = byId(diagnose(run, E2E_FACTS, e2eLab()), "service.svc-clusterip-nginx.cluster-ip");
    expect(byClusterIP.failure).toBe("timeout");
    expect(byClusterIP.diagnosis).toMatchObject({
      rule: "cluster-ip-from-node",
      summary: "kube-proxy on netlab-e2e-node-2 is not forwarding",
      see: `${K} get pods --namespace kube-system --field-selector spec.nodeName=netlab-e2e-node-2 --output wide`,
    });
    expect(byClusterIP.diagnosis?.cause).toBe(
      "requests by ClusterIP from pods on netlab-e2e-node-2 get nothing (service.svc-clusterip-nginx.cluster-ip), and netlab-e2e-node-2 is the node whose NodePort fails while other nodes answer (service.svc-nodeport-httpd.node-port.other-node): kube-proxy on netlab-e2e-node-2 is not forwarding, so nothing there translates a ClusterIP, kube-dns's included",
    );
  });

  it("does not call it cluster DNS down when every lookup and every ClusterIP request came from that node (a CI e2e run)", () => {
    // pod-demo, pod-httpd and the DNS probe all on node 2: every lookup and both requests by ClusterIP from
    // there got nothing, and the NodePort through node 2 was refused while node 1's answered.
    const onNode2 = (r: CheckResult) => ({ ...r, sourceNode: "netlab-e2e-node-2" });
    const run = withFault((r) => {
      if (r.id === "service.svc-nodeport-httpd.node-port.other-node")
        return refused(r, "10.250.0.2 port 31000");
      if (r.via === "dns") return printed(onNode2(r), captured("nslookup-bind", "silent-server"));
      if (r.via === "cluster-ip") {
        const timedOut = adapted(captured("curl", "connect-timeout"), {
          "10.244.1.12 port 80": "svc port 80",
        });
        return printed(onNode2(r), timedOut);
      }
      return undefined;
    });
    const results = diagnose(run, E2E_FACTS, e2eLab());
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed.length).toBeGreaterThan(12);
    expect(new Set(failed.map((r) => r.diagnosis?.summary))).toEqual(
      new Set(["kube-proxy on netlab-e2e-node-2 is not forwarding"]),
    );
  });

  it("gives the lookups from that node one cause with it: kube-dns's ClusterIP is not translated there either", () => {
    // As seen in another e2e run: the DNS probe on node 2, whose lookups all went unanswered.
    const run = withFault((r) => {
      if (r.id === "service.svc-nodeport-httpd.node-port.other-node")
        return refused(r, "10.250.0.2 port 31000");
      if (r.via === "dns") return printed(r, captured("nslookup-bind", "silent-server"));
      return undefined;
    });
    const results = diagnose(run, E2E_FACTS, e2eLab());
    const lookups = results.filter((r) => r.via === "dns");
    expect(lookups.length).toBeGreaterThan(10);
    expect(new Set(lookups.map((r) => r.diagnosis?.rule))).toEqual(new Set(["cluster-ip-from-node"]));
    expect(lookups[0]?.diagnosis?.summary).toBe("kube-proxy on netlab-e2e-node-2 is not forwarding");
    expect(lookups[0]?.diagnosis?.sharedBy).toEqual(lookups.map((r) => r.id));
    // The NodePort's own failure still says only it fails among the requests through its Service.
    expect(byId(results, "service.svc-nodeport-httpd.node-port.other-node").diagnosis?.rule).toBe(
      "node-port-one-node",
    );
  });
});
