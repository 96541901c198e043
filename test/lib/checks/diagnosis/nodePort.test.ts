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
    expect(byClusterIP.diagnosis?.cause).toMatch(
      /^svc-clusterip-nginx by its ClusterIP from pod-demo\/cntr-centos on netlab-e2e-node-2 timed out, and netlab-e2e-node-2 is the node whose kube-proxy is not forwarding \(service\.svc-nodeport-httpd\.node-port\.other-node\)/,
    );
  });
});
