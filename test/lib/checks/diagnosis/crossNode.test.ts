// e2e/cluster/fault.sh block-cross-node: node 1 drops pod traffic to and from node 2, so everything across the
// nodes times out (curl's connect timeout, bash /dev/tcp ended by `timeout`, nslookup's silent server: real
// captures), and everything within a node passes.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { labFixture } from "../../results/fixtures";
import { adapted, byId, captured, E2E_FACTS, e2eLab, K, printed, withFault } from "./support";

/** What a check across the nodes prints when nothing gets through. */
function timedOut(r: CheckResult): CheckResult {
  if (r.via === "dns") return printed(r, captured("nslookup-bind", "silent-server"));
  if (r.source.startsWith("pod-demo") || r.from.kind === "node") {
    const [host = "", port = ""] = r.target
      .replace(/ -> .*/, "")
      .replace(/.* via /, "")
      .split(":");
    return printed(
      r,
      adapted(captured("curl", "connect-timeout"), { "10.244.1.12 port 80": `${host} port ${port}` }),
    );
  }
  return printed(r, captured("bash-tcp", "timeout"));
}

const blocked = () => withFault((r) => (r.path === "cross-node" ? timedOut(r) : undefined));

describe("cross-node-drop: traffic between the nodes is dropped", () => {
  it("gives every check across the nodes one cause, naming what passes within a node", () => {
    const results = diagnose(blocked(), E2E_FACTS, e2eLab());
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed.map((r) => r.id)).toEqual(results.filter((r) => r.path === "cross-node").map((r) => r.id));
    expect(failed).toHaveLength(18);
    expect(byId(results, "pod-to-pod.pod-nginx.pod-httpd").diagnosis).toEqual({
      rule: "cross-node-drop",
      cause:
        "the Services list their endpoints as ready and the checks within one node pass (node-to-pod.pod-demo.same-node, service.svc-nodeport-httpd.cluster-ip and service.svc-nodeport-httpd.node-port.same-node), but the checks between netlab-e2e-node and netlab-e2e-node-2 time out: pod traffic between netlab-e2e-node and netlab-e2e-node-2 is dropped",
      summary: "pod traffic between netlab-e2e-node and netlab-e2e-node-2 is dropped",
      see: `${K} get nodes,pods --namespace netlab --output wide`,
      sharedBy: failed.map((r) => r.id),
    });
  });

  it("counts a request by name from the node kube-dns does not run on, whose lookup crossed first", () => {
    // As seen on the e2e cluster: pod-demo on node 2, kube-dns on node 1; curl could not resolve the name.
    const facts = { ...E2E_FACTS, podNodes: { ...E2E_FACTS.podNodes, "pod-demo": "netlab-e2e-node-2" } };
    const run = withFault((r) => {
      if (r.via === "cluster-ip") {
        return printed({ ...r, sourceNode: "netlab-e2e-node-2" }, captured("curl", "resolve-failure"));
      }
      return r.path === "cross-node" ? timedOut(r) : undefined;
    });
    const results = diagnose(run, facts, e2eLab());
    const byName = byId(results, "service.svc-clusterip-nginx.cluster-ip");
    expect(byName.failure).toBe("dns-failure");
    expect(byName.diagnosis).toMatchObject({
      rule: "cross-node-drop",
      summary: "pod traffic between netlab-e2e-node and netlab-e2e-node-2 is dropped",
    });
    expect(byName.diagnosis?.sharedBy).toEqual(
      byId(results, "pod-to-pod.pod-nginx.pod-httpd").diagnosis?.sharedBy,
    );
  });

  it("says DNS answers when a lookup passed", () => {
    // kube-dns on both nodes: the lookups need not cross, and pass.
    const run = withFault((r) =>
      r.via === "dns"
        ? { ...r, path: "any-node", targetNode: undefined }
        : r.path === "cross-node"
          ? timedOut(r)
          : undefined,
    );
    const results = diagnose(
      run,
      { ...E2E_FACTS, kubeDnsNodes: ["netlab-e2e-node", "netlab-e2e-node-2"] },
      e2eLab(),
    );
    expect(byId(results, "node-to-pod.pod-demo.other-node").diagnosis?.cause).toMatch(
      /^DNS answers, the Services list their endpoints as ready and the checks within one node pass \(/,
    );
  });

  it("names the direction when the other way passes", () => {
    // The hand-made fixture: pod-httpd to pod-nginx times out, pod-nginx to pod-httpd passes.
    const results = diagnose(labFixture("lab-with-failures").results, E2E_FACTS, e2eLab());
    expect(byId(results, "pod-to-pod.pod-httpd.pod-nginx").diagnosis).toMatchObject({
      rule: "cross-node-drop",
      cause:
        "DNS answers and the checks within one node pass (service.svc-nodeport-httpd.cluster-ip), but the checks from kind-worker to kind-worker2 time out while the other way passes (pod-to-pod.pod-nginx.pod-httpd): pod traffic from kind-worker to kind-worker2 is dropped",
    });
  });

  it("is not the cause when nothing passed within a node either", () => {
    const run = withFault((r) =>
      r.path === "cross-node" || r.path === "same-node" ? timedOut(r) : undefined,
    );
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(results.filter((r) => r.diagnosis?.rule === "cross-node-drop")).toEqual([]);
  });

  it("is not the cause when a check went through from the same node to the other", () => {
    const run = withFault((r) => (r.id === "pod-to-pod.pod-nginx.pod-httpd" ? timedOut(r) : undefined));
    const results = diagnose(run, E2E_FACTS, e2eLab());
    // node-to-pod.pod-demo.other-node went from netlab-e2e-node-2 to netlab-e2e-node too.
    expect(byId(results, "pod-to-pod.pod-nginx.pod-httpd").diagnosis?.rule).toBe("failure-kind");
  });
});
