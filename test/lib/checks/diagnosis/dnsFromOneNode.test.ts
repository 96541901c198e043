// No lookup from the DNS probe (on node 2) gets an answer (nslookup's silent server: a real capture), yet
// pod-demo on node 1 reaches both Services by name, and pods on the two nodes reach each other.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import { byId, captured, E2E_FACTS, e2eLab, K, printed, withFault } from "./support";

describe("dns-from-one-node: kube-dns answers one node, not the other", () => {
  it("says kube-dns is up and the way from the probe's node is lost", () => {
    const silent = captured("nslookup-bind", "silent-server");
    const results = diagnose(
      withFault((r) => (r.via === "dns" ? printed(r, silent) : undefined)),
      E2E_FACTS,
      e2eLab(),
    );
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed).toHaveLength(13);
    expect(byId(results, "dns.kubernetes-default").diagnosis).toEqual({
      rule: "dns-from-one-node",
      cause:
        "no lookup from netlab-dns-probe/probe on netlab-e2e-node-2 got an answer, not even kubernetes.default, but pods on netlab-e2e-node reach Services by their names (service.svc-nodeport-httpd.cluster-ip and service.svc-clusterip-nginx.cluster-ip): kube-dns is up, and DNS traffic from netlab-e2e-node-2 does not reach it",
      summary: "DNS traffic from netlab-e2e-node-2 does not reach kube-dns",
      see: `${K} get pods --namespace kube-system --selector k8s-app=kube-dns --output wide`,
      sharedBy: failed.map((r) => r.id),
    });
  });
});
