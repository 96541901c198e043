// CoreDNS scaled to zero: kube-dns's ClusterIP has no endpoint, so every query is refused (ICMP port
// unreachable from kube-proxy's reject rule: the nslookup-bind/port-unreachable capture), and the checks by
// a Service's name cannot resolve it (curl's real "Could not resolve host", for the lab's names).
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { adapted, byId, captured, E2E_FACTS, E2E_RESULTS, e2eLab, K, printed, withFault } from "./support";

const unresolved = (r: CheckResult) =>
  printed(
    r,
    adapted(captured("curl", "resolve-failure"), {
      "no-such-svc.invalid": r.to.kind === "service" ? r.to.service : "",
    }),
  );

/** The run with every lookup answered as `lookup` says, and the checks by name unresolved. */
const dnsDownRun = (lookup = captured("nslookup-bind", "port-unreachable")) =>
  withFault((r) =>
    r.via === "dns" ? printed(r, lookup) : r.via === "cluster-ip" ? unresolved(r) : undefined,
  );

describe("dns-down: kube-dns answers nothing", () => {
  it("gives the 15 failures of a DNS without endpoints one cause: cluster DNS is down", () => {
    const results = diagnose(dnsDownRun(), E2E_FACTS, e2eLab());
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed).toHaveLength(15);
    expect(new Set(failed.map((r) => r.failure))).toEqual(new Set(["refused", "dns-failure"]));
    for (const r of failed) {
      expect(r.diagnosis).toMatchObject({ rule: "dns-down", summary: "cluster DNS is down" });
      expect(r.diagnosis?.sharedBy).toEqual(failed.map((f) => f.id));
    }
    expect(byId(results, "dns.kubernetes-default").diagnosis).toMatchObject({
      cause:
        "kube-dns (10.96.0.10) does not answer at all (nothing answered kubernetes.default either; every query was refused, as by a Service without a ready endpoint): cluster DNS is down",
      see: `${K} get pods --namespace kube-system --selector k8s-app=kube-dns --output wide && ${K} get endpointslices --namespace kube-system --selector kubernetes.io/service-name=kube-dns`,
    });
  });

  it("is not kept from its cause by a lookup the run skipped (an AAAA lookup on an IPv4-only cluster)", () => {
    const skippedLookup: CheckResult = {
      ...byId(E2E_RESULTS, "dns.svc-clusterip-nginx.fqdn"),
      id: "ipv6.dns.svc-dualstack-nginx.aaaa",
      outcome: "skipped",
      observed: "skipped: the cluster gave svc-dualstack-nginx no IPv6 ClusterIP",
      skipReason: "the cluster gave svc-dualstack-nginx no IPv6 ClusterIP",
    };
    const results = diagnose([...dnsDownRun(), skippedLookup], E2E_FACTS, e2eLab());
    expect(byId(results, "dns.kubernetes-default").diagnosis?.rule).toBe("dns-down");
  });

  it("says the queries timed out when kube-dns's pods are there but silent, and what the lab saw at start", () => {
    const facts = { ...E2E_FACTS, kubeDnsNodes: [] };
    const results = diagnose(dnsDownRun(captured("nslookup-bind", "silent-server")), facts, e2eLab());
    expect(byId(results, "dns.svc-clusterip-nginx.short").diagnosis?.cause).toBe(
      "kube-dns (10.96.0.10) does not answer at all (nothing answered kubernetes.default either; every query timed out; no kube-dns endpoint was ready when the lab started): cluster DNS is down",
    );
  });

  it("reads busybox's nslookup alike", () => {
    const results = diagnose(
      dnsDownRun(captured("nslookup-busybox", "port-unreachable")),
      E2E_FACTS,
      e2eLab(),
    );
    expect(byId(results, "dns.svc-nodeport-httpd.fqdn.tcp").diagnosis?.rule).toBe("dns-down");
  });

  it("is not the cause when a pod reached a Service by its name: kube-dns answered that pod", () => {
    const run = withFault((r) =>
      r.via === "dns" ? printed(r, captured("nslookup-bind", "port-unreachable")) : undefined,
    );
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(byId(results, "dns.kubernetes-default").diagnosis?.rule).toBe("dns-from-one-node");
  });

  it("is not the cause when kube-dns answered, if only NXDOMAIN", () => {
    const nxdomain = captured("nslookup-bind", "nxdomain");
    const run = withFault((r) =>
      r.via === "dns" ? printed(r, nxdomain) : r.via === "cluster-ip" ? unresolved(r) : undefined,
    );
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(results.filter((r) => r.diagnosis?.rule === "dns-down")).toEqual([]);
  });
});
