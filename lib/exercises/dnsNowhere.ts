// The client pod's DNS settings point at a server that answers nothing: its own resolv.conf, not kube-dns.
import type { Exercise } from "./exercise";

/**
 * A documentation address (TEST-NET-1, RFC 5737): no DNS server answers there, and no network routes it to
 * one, so a lookup waits and times out.
 */
export const NOWHERE_NAMESERVER = "192.0.2.53";

export const dnsNowhere: Exercise = {
  name: "dns-nowhere",
  mistake: `pod-demo's DNS settings (dnsPolicy None) name ${NOWHERE_NAMESERVER} as its nameserver instead of kube-dns; nothing answers there`,
  symptom:
    "pod-demo's resolv.conf check fails and its requests by a Service's name time out resolving, while the DNS probe resolves the same names",
  needs: ["eg1", "services"],
  expected: ({ services, clientPod }) => ({
    failing: [
      `dns.resolv-conf.${clientPod}`,
      `service.${services.httpd}.cluster-ip`,
      `service.${services.nginx}.cluster-ip`,
    ],
    rule: "client-cannot-resolve",
  }),
  // The cluster's own search domains and ndots, as the kubelet writes them: only the nameserver is wrong.
  clientDns: ({ namespace, clusterDomain }) => ({
    dnsPolicy: "None",
    dnsConfig: {
      nameservers: [NOWHERE_NAMESERVER],
      searches: [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain],
      options: [{ name: "ndots", value: "5" }],
    },
  }),
};
