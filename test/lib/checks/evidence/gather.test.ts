import { describe, expect, it } from "vitest";
import { type EvidenceFacts, type EvidenceRun, gatherEvidence } from "../../../../lib/checks/evidence/gather";
import { planChecks } from "../../../../lib/checks/plan";
import type { StepResult } from "../../../../lib/checks/types";
import { capture, fixtureText } from "../../../support/fixtures";
import { DUAL_STACK, topologyOf, TWO_NODES } from "../scenarios/lab";

const facts: EvidenceFacts = { ...TWO_NODES, kubeDnsIP: "10.96.0.10", apiServiceIP: "10.96.0.1" };
const plans = planChecks(topologyOf(), facts);

const step = (stdout: string, remoteExit = 0, stderr = ""): StepResult => ({
  kubectlExit: remoteExit === 0 ? 0 : 1,
  remoteExit,
  attempts: 1,
  durationMs: 10,
  timedOut: false,
  stdout,
  stderr,
});
const captured = (group: string, name: string): StepResult => {
  const c = capture(group, name);
  return step(c.stdout, c.exit, c.stderr);
};

/** A run of the check (of `among`: the two-node lab's) with these step results; other checks ran with nothing to show. */
function runOf(id: string, steps: StepResult[], evidence: StepResult[] = [], among = plans): EvidenceRun {
  const plan = among.find((p) => p.id === id);
  if (plan === undefined) throw new Error(`no check ${id}`);
  return { plan, steps, evidence };
}

describe("gatherEvidence", () => {
  it("names both ends of a check as the cluster gave them", () => {
    const run = runOf(
      "pod-to-pod.pod-httpd.pod-nginx",
      [step("")],
      [step("", 127, "sh: 1: ip: not found\n")],
    );
    expect(gatherEvidence(run, [run], facts)).toEqual([
      { link: "source", status: "observed", value: "pod pod-httpd 10.244.1.10 on node node-1" },
      { link: "target", status: "observed", value: "pod pod-nginx 10.244.1.11 on node node-2" },
      {
        link: "route from the source toward 10.244.1.11",
        status: "not read",
        reason: "the source's image has no `ip` command",
      },
    ]);
  });

  it("shows the route the source takes, as ip route get answered", () => {
    const run = runOf("pod-demo.pod-ip", [step("")], [captured("evidence", "route-to-own-ip")]);
    expect(gatherEvidence(run, [run], facts).find((e) => e.link.startsWith("route"))).toEqual({
      link: "route from the source toward 10.244.0.7",
      status: "observed",
      value: "local address, directly on lo from 10.244.0.4",
    });
    const node = runOf(
      "node-to-pod.pod-demo.other-node",
      [step("")],
      [captured("evidence", "route-node-to-pod-cross-node")],
    );
    expect(gatherEvidence(node, [node], facts).find((e) => e.link.startsWith("route"))).toMatchObject({
      status: "observed",
      value: "via 10.250.0.1 on eth0 from 10.250.0.2",
    });
    // kubectl exec of a program the image lacks (the httpd image has no ip).
    const missing = runOf(
      "pod-to-pod.pod-httpd.pod-nginx",
      [step("")],
      [captured("evidence", "route-no-ip-command")],
    );
    expect(gatherEvidence(missing, [missing], facts).at(-1)).toMatchObject({
      status: "not read",
      reason: "the source's image has no `ip` command",
    });
  });

  it("does not take kubectl's own 'not found' for an image without ip", () => {
    // kubectl's real answer for an object that does not exist (test/fixtures/kubelet).
    const gone = {
      ...step("", 1, fixtureText("kubelet", "get-missing-service.stderr")),
      remoteExit: undefined,
    };
    const run = runOf("pod-to-pod.pod-httpd.pod-nginx", [step("")], [gone]);
    expect(gatherEvidence(run, [run], facts).at(-1)).toMatchObject({
      status: "not read",
      reason: expect.stringMatching(/^ip route get failed: Error from server \(NotFound\)/),
    });
  });

  it("says what was not read, and why, rather than leaving it out", () => {
    const run = runOf("pod-to-pod.pod-httpd.pod-nginx", [step("")], []);
    const unknownPods = { ...facts, podIPs: {}, podNodes: {} };
    expect(gatherEvidence(run, [run], unknownPods).map((e) => e.status)).toEqual([
      "not read",
      "not read",
      "not read",
    ]);
  });

  it("shows the DNS answer and the server that gave it", () => {
    const run = runOf("dns.svc-clusterip-nginx.fqdn", [captured("nslookup-bind", "fqdn")]);
    const evidence = gatherEvidence(run, [run], facts);
    expect(evidence[0]).toEqual({
      link: "source",
      status: "observed",
      value: "pod netlab-dns-probe 10.244.0.20 on node node-2",
    });
    expect(evidence[1]).toEqual({
      link: "target",
      status: "observed",
      value: "Service kube-system/kube-dns ClusterIP 10.96.0.10, endpoints on node-1",
    });
    expect(evidence[2]).toMatchObject({ link: "DNS answer", status: "observed" });
    expect((evidence[2] as { value: string }).value).toMatch(
      /^svc-clusterip-nginx\.netlab\.svc\.cluster\.local -> 10\.96\.203\.5 \(server 10\.96\.0\.10\)$/,
    );
  });

  it("shows a lookup that got no address as observed, with the error", () => {
    const run = runOf("dns.svc-clusterip-nginx.short", [captured("nslookup-bind", "nxdomain")]);
    expect(gatherEvidence(run, [run], facts)[2]).toMatchObject({
      link: "DNS answer",
      status: "observed",
      value: expect.stringMatching(/^no address: nxdomain/),
    });
  });

  it("follows a request by Service name: the name's answer, the endpoints and where they run", () => {
    const lookup = runOf("dns.svc-clusterip-nginx.short", [captured("nslookup-bind", "short-name")]);
    const wait = step("10.244.1.11=true\n10.244.1.11@node-2\nchanged=2026-12-06T23:58:02Z\n");
    const run = runOf("service.svc-clusterip-nginx.cluster-ip", [wait, step("")]);
    const evidence = gatherEvidence(run, [lookup, run], facts);
    expect(evidence.map((e) => e.link)).toEqual([
      "source",
      "target",
      "DNS answer for svc-clusterip-nginx (dns.svc-clusterip-nginx.short)",
      "endpoints (EndpointSlices)",
      "kube-proxy mode",
    ]);
    expect(evidence[1]).toMatchObject({ value: "Service svc-clusterip-nginx ClusterIP 10.96.203.5" });
    expect(evidence[3]).toMatchObject({ status: "observed", value: "10.244.1.11 ready on node-2" });
    expect(evidence[4]).toMatchObject({ status: "not read" });
    // With the network facts read in the same run, the mode of the kube-proxy on the client's node.
    const withNetwork = {
      ...facts,
      network: {
        nodes: { [String(run.plan.sourceNode)]: { kubeProxy: "nftables" } },
        families: { pods: [], services: [] },
        kubectl: {},
      },
    };
    expect(gatherEvidence(run, [lookup, run], withNetwork)[4]).toMatchObject({
      status: "observed",
      value: `nftables on ${String(run.plan.sourceNode)}`,
    });
    // Without the lookup in the run (left out), the answer is not read, with the reason.
    expect(gatherEvidence(run, [run], facts)[2]).toMatchObject({
      status: "not read",
      reason: "dns.svc-clusterip-nginx.short did not run in this update",
    });
  });

  it("shows a dual-stack Service's ClusterIPs of both families and its AAAA answer for a request by IPv6", () => {
    const dualFacts: EvidenceFacts = { ...DUAL_STACK, kubeDnsIP: "10.96.0.10", apiServiceIP: "10.96.0.1" };
    const dualPlans = planChecks(topologyOf(), dualFacts);
    const byId = (id: string, steps: StepResult[]) => runOf(id, steps, [], dualPlans);
    const lookup = byId("ipv6.dns.svc-dualstack-nginx.aaaa", [captured("network", "dual-nslookup-aaaa")]);
    const wait = step("fd00:10:244:1::b=true\nfd00:10:244:1::b@node-2\nchanged=2026-12-07T06:58:02Z\n");
    const run = byId("ipv6.service.svc-dualstack-nginx.cluster-ip", [wait, step("")]);
    const evidence = gatherEvidence(run, [lookup, run], dualFacts);
    expect(evidence[1]).toMatchObject({
      link: "target",
      value: "Service svc-dualstack-nginx ClusterIPs 10.96.91.153, fd00:10:96::56a6",
    });
    // The capture's own Service: the answer as kube-dns gave it, not the expectation.
    expect(evidence[2]).toMatchObject({
      link: "DNS answer for svc-dualstack-nginx (ipv6.dns.svc-dualstack-nginx.aaaa)",
      status: "observed",
      value: "web-dual.netlab-aaaa-capture.svc.cluster.local -> fd00:10:96::653f (server 10.96.0.10)",
    });
    expect(evidence[3]).toMatchObject({ status: "observed", value: "fd00:10:244:1::b ready on node-2" });
    // A lookup the run skipped shows nothing, and says so.
    const skippedLookup = { ...lookup, plan: { ...lookup.plan, skipReason: "left out" }, steps: [] };
    expect(gatherEvidence(run, [skippedLookup, run], dualFacts)[2]).toMatchObject({
      status: "not read",
      reason: "ipv6.dns.svc-dualstack-nginx.aaaa was skipped",
    });
  });

  it("says whether a NodePort request was forwarded to another node", () => {
    const wait = step("10.244.1.10=true\n10.244.1.10@node-1\nchanged=\n");
    const other = runOf("service.svc-nodeport-httpd.node-port.other-node", [wait, step("")]);
    const same = runOf("service.svc-nodeport-httpd.node-port.same-node", [wait, step("")]);
    const forwarded = (run: EvidenceRun) =>
      gatherEvidence(run, [run], facts).find((e) => e.link === "forwarded across nodes");
    expect(forwarded(other)).toMatchObject({ value: "yes: from node-2 to the endpoint on node-1" });
    expect(forwarded(same)).toMatchObject({ value: "no: the endpoint is on node-1, the node asked" });
    expect(gatherEvidence(other, [other], facts)[0]).toMatchObject({
      value: "node node-2 172.18.0.3 (host network, probe netlab-node-probe-m4q9z)",
    });
  });

  it("shows the pod's one network namespace for the checks inside it", () => {
    const identity = captured("netns", "network-identity");
    const shared = runOf("pod-demo.shared-network", [identity, identity]);
    const local = runOf("pod-demo.localhost", [step("")]);
    const evidence = gatherEvidence(local, [local, shared], facts);
    expect(evidence.at(-1)).toMatchObject({ link: "network of pod pod-demo", status: "observed" });
    expect((evidence.at(-1) as { value: string }).value).toMatch(
      /^namespace net:\[\d+\], interfaces .*eth0.* in 2 container\(s\)$/,
    );
  });

  it("gives a skipped check only its ends", () => {
    const skipped = planChecks(topologyOf(), {
      ...facts,
      nodeProbeSkipReason: "hostNetwork is forbidden",
    }).find((p) => p.id === "node-to-pod.pod-demo.same-node");
    if (skipped === undefined) throw new Error("no check");
    const run = { plan: skipped, steps: [], evidence: [] };
    expect(gatherEvidence(run, [run], facts).map((e) => e.link)).toEqual(["source", "target"]);
  });
});
