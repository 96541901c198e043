// The names cluster DNS gives a Service, and the search domains that let a pod use the short ones.

export interface ServiceDnsNames {
  short: string;
  namespaced: string;
  fqdn: string;
}

/** The DNS names a pod in the same namespace can use for a Service. */
export function serviceDnsNames(
  serviceName: string,
  namespace: string,
  clusterDomain: string,
): ServiceDnsNames {
  return {
    short: serviceName,
    namespaced: `${serviceName}.${namespace}`,
    fqdn: `${serviceName}.${namespace}.svc.${clusterDomain}`,
  };
}

/** The search domains the kubelet writes into a pod's /etc/resolv.conf, in its order. */
export function searchDomains(namespace: string, clusterDomain: string): string[] {
  return [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
}
