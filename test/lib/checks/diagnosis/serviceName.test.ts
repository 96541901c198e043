// A Service's name does not resolve while kube-dns answers: the Service deleted by hand (its lookups answered
// NXDOMAIN: nslookup-bind/nxdomain, for the lab's names), or a client pod whose resolv.conf points at nothing.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { labFixture } from "../../results/fixtures";
import {
  adapted,
  byId,
  captured,
  E2E_FACTS,
  e2eLab,
  endpointNeverReady,
  K,
  printed,
  withFault,
} from "./support";

const nxdomain = (r: CheckResult) =>
  printed(
    r,
    adapted(captured("nslookup-bind", "nxdomain"), {
      "no-such-svc": r.target.replace(/^nslookup (-vc )?/, ""),
    }),
  );

const unresolved = (r: CheckResult) =>
  printed(
    r,
    adapted(captured("curl", "resolve-failure"), {
      "no-such-svc.invalid": r.to.kind === "service" ? r.to.service : "",
    }),
  );

describe("service-name-missing: kube-dns answers, but not this name", () => {
  it("gives the lookups of a deleted Service and the check through it one cause", () => {
    const run = withFault((r) => {
      if (r.id.startsWith("dns.svc-clusterip-nginx.")) return nxdomain(r);
      // A Service that is gone has no EndpointSlice: the wait sees nothing.
      if (r.id === "service.svc-clusterip-nginx.cluster-ip") return endpointNeverReady(r, "10.244.1.2", "");
      return undefined;
    });
    const results = diagnose(run, E2E_FACTS, e2eLab());
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed).toHaveLength(7);
    expect(byId(results, "service.svc-clusterip-nginx.cluster-ip").diagnosis).toEqual({
      rule: "service-name-missing",
      cause:
        "the name svc-clusterip-nginx does not resolve, but kube-dns answered for kubernetes.default: the Service svc-clusterip-nginx is missing or in another namespace than netlab",
      summary: "the Service svc-clusterip-nginx is missing or in another namespace",
      see: `${K} get services --all-namespaces --field-selector metadata.name=svc-clusterip-nginx`,
      sharedBy: failed.map((r) => r.id),
    });
  });

  it("is not the cause when another name of the same Service resolved", () => {
    // The hand-made fixture: only the FQDN of svc-nodeport-httpd failed, NXDOMAIN.
    const results = diagnose(labFixture("lab-with-failures").results, E2E_FACTS, e2eLab());
    expect(byId(results, "dns.svc-nodeport-httpd.fqdn").diagnosis?.rule).toBe("failure-kind");
  });
});

describe("client-cannot-resolve: kube-dns answers, but one pod cannot ask it", () => {
  const resolvConf =
    "kube-dns is 10.96.0.10, resolv.conf has nameserver 10.96.0.99; search netlab.svc.cluster.local svc.cluster.local cluster.local; options ndots:5";
  const run = withFault((r) => {
    if (r.via === "cluster-ip") return unresolved(r);
    if (r.id === "dns.resolv-conf.pod-demo") {
      return { ...r, outcome: "failed", failure: "wrong-answer", observed: resolvConf };
    }
    return undefined;
  });

  it("gives the pod's checks by name and its resolv.conf check one cause", () => {
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(byId(results, "dns.resolv-conf.pod-demo").diagnosis).toEqual({
      rule: "client-cannot-resolve",
      cause: `kube-dns answers Service names (dns.svc-nodeport-httpd.short, dns.svc-nodeport-httpd.namespaced and 10 more from netlab-dns-probe/probe), but pod-demo could not resolve svc-nodeport-httpd and svc-clusterip-nginx (its /etc/resolv.conf check failed too: ${resolvConf}): pod-demo's DNS settings are wrong`,
      summary: "pod-demo cannot resolve Service names",
      see: `${K} exec --namespace netlab pod-demo --container cntr-centos -- cat /etc/resolv.conf`,
      sharedBy: [
        "dns.resolv-conf.pod-demo",
        "service.svc-nodeport-httpd.cluster-ip",
        "service.svc-clusterip-nginx.cluster-ip",
      ],
    });
  });

  it("leaves the path open when the pod's resolv.conf looked right", () => {
    const results = diagnose(
      withFault((r) => (r.via === "cluster-ip" ? unresolved(r) : undefined)),
      E2E_FACTS,
      e2eLab(),
    );
    expect(byId(results, "service.svc-clusterip-nginx.cluster-ip").diagnosis?.cause).toMatch(
      /but pod-demo could not resolve svc-nodeport-httpd and svc-clusterip-nginx: pod-demo's DNS settings, or its way to kube-dns, are broken$/,
    );
  });
});
