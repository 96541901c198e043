import { describe, expect, it } from "vitest";
import { dns } from "../../../../lib/checks/scenarios/dns";
import { lastCommand, placement, planOf, TWO_NODES } from "./lab";

describe("the dns scenario", () => {
  const plans = planOf(dns);

  it("reads kube-dns from the API, and every shell pod's resolv.conf", () => {
    expect(placement(plans["dns.kube-dns-service"])).toBe("api ->-");
    expect(Object.keys(plans).filter((id) => id.startsWith("dns.resolv-conf."))).toEqual([
      "dns.resolv-conf.pod-demo",
      "dns.resolv-conf.pod-httpd",
      "dns.resolv-conf.pod-nginx",
      "dns.resolv-conf.netlab-dns-probe",
    ]);
    expect(plans["dns.resolv-conf.pod-demo"]?.expectation).toEqual({
      type: "resolv-conf",
      search: ["netlab.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      ndots: 5,
      nameserver: "kube-dns",
    });
  });

  it("does without what the credentials may not read: kube-dns's Service, the API server's", () => {
    const unread = [
      { key: "kube_dns_service", read: "get service kube-dns in kube-system", why: "forbidden", cost: "" },
      { key: "api_service", read: "get service kubernetes in default", why: "forbidden", cost: "" },
    ];
    const learner = planOf(dns, { ...TWO_NODES, unread });
    expect(learner["dns.kube-dns-service"]?.skipReason).toBe(
      "get service kube-dns in kube-system is forbidden for these credentials",
    );
    const resolvConf = learner["dns.resolv-conf.pod-demo"];
    expect(resolvConf?.expectation).toMatchObject({ type: "resolv-conf", nameserver: "any" });
    expect(resolvConf?.steps.map((step) => step.argv.slice(-2).join(" "))).toEqual(["cat /etc/resolv.conf"]);
    expect(learner["dns.kubernetes-default"]?.steps[0]?.argv.slice(-2)).toEqual([
      "printenv",
      "KUBERNETES_SERVICE_HOST",
    ]);
    expect(lastCommand(learner["dns.kubernetes-default"])).toMatch(/nslookup kubernetes\.default$/);
  });

  it("looks up each Service's three names over UDP and TCP, expecting its ClusterIP", () => {
    const names = Object.keys(plans).filter((id) => id.startsWith("dns.svc-clusterip-nginx."));
    expect(names).toEqual([
      "dns.svc-clusterip-nginx.short",
      "dns.svc-clusterip-nginx.namespaced",
      "dns.svc-clusterip-nginx.fqdn",
      "dns.svc-clusterip-nginx.short.tcp",
      "dns.svc-clusterip-nginx.namespaced.tcp",
      "dns.svc-clusterip-nginx.fqdn.tcp",
    ]);
    expect(plans["dns.svc-clusterip-nginx.fqdn"]?.expectation).toEqual({
      type: "dns",
      name: "svc-clusterip-nginx.netlab.svc.cluster.local",
      address: "10.96.203.5",
    });
    expect(lastCommand(plans["dns.svc-clusterip-nginx.short.tcp"])).toMatch(
      /nslookup -vc svc-clusterip-nginx/,
    );
  });

  it("goes from the DNS probe's node to kube-dns's", () => {
    expect(placement(plans["dns.svc-clusterip-nginx.short"])).toBe("cross-node node-2>node-1");
    const twoReplicas = planOf(dns, { ...TWO_NODES, kubeDnsNodes: ["node-1", "node-2"] });
    expect(placement(twoReplicas["dns.kubernetes-default"])).toBe("any-node node-2>-");
  });

  it("needs only the DNS probe without eg1, eg2 or services", () => {
    expect(Object.keys(planOf(dns, TWO_NODES, { labs: "eg1" }))).toEqual([
      "dns.kube-dns-service",
      "dns.resolv-conf.pod-demo",
      "dns.resolv-conf.netlab-dns-probe",
      "dns.kubernetes-default",
    ]);
  });
});
